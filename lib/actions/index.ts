/**
 * The runbook actions: one typed set of on-call operations, the same whoever asks — the CLI
 * (bin/cli), the runbook-action Lambda (a JSON action) and Slack buttons (lib/notify's ActionRequest,
 * mapped in `slack.ts`). Each action validates its input (`parseAction`), can be dry-run, calls the
 * library that owns the capability, and writes one audit log line.
 *
 * - `schema.ts`: the actions as zod schemas, `parseAction`.
 * - `dlq.ts`, `breaker.ts`, `silence.ts`, `retention.ts`, `reconcile.ts`, `offenders.ts`, `status.ts`:
 *   one module per capability, over lib/dlq, lib/breaker, lib/alarms/silence, lib/logs, lib/reconcile,
 *   lib/notify.
 * - `run.ts`: `runAction`; `audit.ts`: the audit line, and the audit event a change also puts on the
 *   default event bus; `slack.ts`: Slack button requests as actions.
 */
export { ACTION_NAMES, ActionSchema, parseAction } from "./schema.js";
export type { Action, ActionName, ActionOf, ParseOptions, ParsedAction } from "./schema.js";
export type { ActionAnswer, ActionOptions, ActionOutcome, ActionResult } from "./types.js";
export { AUDITED_ACTIONS, runAction, targetOf, type RunActionOptions } from "./run.js";
export {
  AUDIT_EVENT,
  AUDIT_EVENT_TIME_LIMIT_MS,
  auditEventDetail,
  auditLine,
  publishAuditEvents,
  type AuditEventDetail,
  type AuditLine,
} from "./audit.js";
export {
  readStatus,
  renderStatus,
  statusSections,
  type OnCallStatus,
  type StatusSection,
  type StatusStyle,
} from "./status.js";
export { actionFromSlack, slackRunAction } from "./slack.js";
export type { ReconcileProgress } from "./reconcile.js";
