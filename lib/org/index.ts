/**
 * lib/org: Watchkeeper across an AWS organization, from its administrator account (the management
 * account or a delegated administrator) through the read-only role `<prefix>org-reader` in each member.
 * Today: `status` of every account and region (`readOrganizationStatus`, `renderOrganizationStatus`), and
 * the hub's Slack buttons run in the member the alarm is in (`hubRunAction`).
 */
export {
  ORG_CONCURRENCY,
  readOrganizationStatus,
  TARGET_TIME_LIMIT_MS,
  type OrgAccount,
  type OrganizationStatus,
  type OrganizationStatusOptions,
  type SkippedAccount,
  type TargetError,
  type TargetStatus,
} from "./status.js";
export { renderOrganizationStatus } from "./render.js";
export { assumeFailure, orgReaderRoleName } from "./role.js";
export {
  HUB_SESSION_NAME,
  MEMBER_INVOKE_TIMEOUT_MS,
  MemberRoles,
  hubRunAction,
  invokeMember,
  type HubRunActionOptions,
  type InvokeMember,
  type MemberAnswer,
} from "./hub-actions.js";
export {
  HUB_ACCESS_ROLE_VARIABLE,
  MEMBER_RUNBOOK_FUNCTION_VARIABLE,
  hubAccessRoleName,
  hubBusName,
  hubFunctionName,
} from "./hub.js";
