/**
 * Notifications: alarm state changes as Slack messages, and the actions their buttons run.
 *
 * - `parse.ts`: SNS record, SNS message or EventBridge event (or a DescribeAlarms alarm) → AlarmStateChange.
 * - `identity.ts`, `severity.ts`, `reason.ts`: which alarm, how urgent, what happened in plain words.
 * - `offenders.ts`: an aggregate alarm's worst resources (GetMetricData, Metrics Insights).
 * - `message.ts`: the Block Kit message (pure); `blockkit.ts`: Slack's limits and a validator.
 * - `slack.ts`: delivery by webhook or bot token, paced per channel, retried; `secrets.ts`: the secret.
 * - `routing.ts`, `threads.ts`, `graph.ts`, `deliver.ts`: channel, thread, graph, and all of it in one call.
 * - `signature.ts`, `interaction.ts`, `actions.ts`: the interactive endpoint's checks and requests.
 * - `stand-in.ts`: a local Slack for tests and the demo.
 */
export { ACTION_NAMES, actionId, actionOf, decodeButtonValue, encodeButtonValue } from "./actions.js";
export type { ActionName, ActionRequest, ActionResult, ButtonValue, RunAction } from "./actions.js";
export {
  BLOCK_KIT_LIMITS,
  escapeMrkdwn,
  mrkdwnLink,
  mrkdwnWithin,
  truncate,
  validateBlockKit,
  type BlockKitViolation,
  type SlackMessage,
} from "./blockkit.js";
export { alarmConsoleUrl, jsurl, metricConsoleUrl } from "./console.js";
export {
  notifyAlarm,
  prepareAlarmMessage,
  previewAlarmMessage,
  type NotifyDependencies,
  type NotifyOutcome,
  type NotifySettings,
  type PreparedAlarmMessage,
} from "./deliver.js";
export { metricGraph, metricWidget } from "./graph.js";
export { entryFromName, identifyAlarm, type AlarmIdentity, type IdentityContext } from "./identity.js";
export { parseInteraction, type Interaction, type ParsedInteraction } from "./interaction.js";
export { buildAlarmMessage, type AlarmMessageContext } from "./message.js";
export {
  offendersQuery,
  topOffenders,
  type Offender,
  type TopOffenders,
  type TopOffendersOptions,
} from "./offenders.js";
export { canonicalStatistic, changeFromAlarm, parseAlarmNotification, valuesFromReason } from "./parse.js";
export type { ParsedNotification } from "./parse.js";
export { formatMeasure, plainReason, type MeasureUnit } from "./reason.js";
export { regionCode, regionName } from "./regions.js";
export { DEFAULT_RETRY, type RetryPolicy } from "./retry.js";
export {
  RoutingConfigSchema,
  routeAlarm,
  type Route,
  type RoutingConfig,
  type RoutingFacts,
} from "./routing.js";
export {
  SlackSecretsCache,
  containerSlackSecrets,
  parseSlackSecrets,
  secretsManagerSource,
  type SlackSecrets,
} from "./secrets.js";
export { SEVERITIES, alarmSeverity, isBreakerAlarm, type Severity } from "./severity.js";
export {
  MAX_SKEW_SECONDS,
  ReplayGuard,
  signSlackRequest,
  verifySlackRequest,
  type SlackRequestToVerify,
  type Verification,
} from "./signature.js";
export {
  SLACK_API_BASE_URL,
  SlackClient,
  SlackError,
  type FileUpload,
  type PostTarget,
  type PostedMessage,
  type SlackClientOptions,
  type SlackErrorDetails,
} from "./slack.js";
export { SlackStandIn, type RecordedRequest, type ScriptedResponse } from "./stand-in.js";
export { alarmTags, resourceTags } from "./tags.js";
export {
  notThreadable,
  readThread,
  rememberThread,
  threadTagValue,
  type RememberedThread,
  type SlackThread,
} from "./threads.js";
export type * from "./types.js";
export { ALARM_STATES } from "./types.js";
