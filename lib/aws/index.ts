export {
  Aws,
  apiName,
  CutoffReached,
  MAX_ATTEMPTS,
  REQUEST_TIMEOUT_MS,
  WORST_CASE_CALL_MS,
  type AwsOptions,
  type AwsTarget,
  type ClientCaller,
  type ClientClass,
} from "./clients.js";
export { systemClock, type Clock } from "./clock.js";
export { Pacer, DEFAULT_HEADROOM, type ApiCallCount } from "./pacer.js";
export { QUOTAS, quotaBucket, quotaFor, type AwsService, type Quota } from "./quotas.js";
export { validateEndpoint, validateRegion } from "./target.js";
export {
  awsErrorReason,
  describeAwsError,
  errorCode,
  errorMessage,
  failedCall,
  isAccessDenied,
  isNotFound,
  isThrottling,
  isUnsupported,
  isUnreadableAnswer,
  httpStatusOf,
} from "./errors.js";
export { paginate } from "./paginate.js";
export {
  assumedRoleCredentials,
  roleArn,
  REFRESH_BEFORE_EXPIRY_MS,
  type AssumeRoleOptions,
} from "./assume-role.js";
