/**
 * How urgent an alarm is, for the message's header and for routing. Three levels:
 * - critical: data is being lost or customers are failing now: a dead-letter queue holds messages (new
 *   ones, ones near expiry), a stream consumer falls behind (records expire), events or messages cannot
 *   reach their DLQ or destination, a queue nears its in-flight quota, an API answers 5XX (or a WebSocket
 *   API's messages fail calling the integration), notifications are not delivered, a circuit breaker
 *   tripped;
 * - high: work is failing or stalling but is retried or can still catch up: errors, throttles,
 *   concurrency near the limit, old queue messages, failed executions and invocations;
 * - warning: slower than it should be: duration near the timeout, executions near theirs, API latency (a
 *   WebSocket API's integration latency).
 * An alarm Watchkeeper did not make is a warning. The alarm's tag `watchkeeper:severity` overrides all
 * of this; a resource tagged `watchkeeper:critical=true` is raised one level.
 */
import { ALARM_TAGS } from "../alarms/index.js";
import type { Tags } from "../inventory/types.js";
import { TAGS, isCritical } from "../policy/tags.js";
import type { AlarmIdentity } from "./identity.js";

export type Severity = "critical" | "high" | "warning";

export const SEVERITIES: readonly Severity[] = ["critical", "high", "warning"];

/** By catalog entry id (lib/alarms/catalog). Entries not listed are "high". */
const BY_ENTRY: Readonly<Record<string, Severity>> = {
  "sqs-dlq-messages-visible": "critical",
  "lambda-iterator-age": "critical",
  "kinesis-iterator-age": "critical",
  "lambda-dead-letter-errors": "critical",
  "lambda-destination-delivery-failures": "critical",
  "apigateway-rest-5xx": "critical",
  "apigateway-http-5xx": "critical",
  "apigateway-websocket-execution-errors": "critical",
  "sns-notifications-failed": "critical",
  "sqs-dlq-new-messages": "critical",
  "sqs-dlq-age": "critical",
  "sqs-messages-in-flight": "critical",
  "kinesis-fan-out-consumer-lag": "critical",
  "sns-dlq-delivery-failed": "critical",
  "eventbridge-dlq-delivery-failed": "critical",
  "eventbridge-dlq-delivery-failed-custom-bus": "critical",
  "lambda-duration": "warning",
  "stepfunctions-execution-time": "warning",
  "apigateway-rest-latency": "warning",
  "apigateway-http-latency": "warning",
  "apigateway-websocket-integration-latency": "warning",
};

export function alarmSeverity(
  identity: AlarmIdentity,
  alarmTags: Tags = {},
  resourceTags: Tags = {},
): Severity {
  const override = alarmTags[TAGS.severity]?.trim().toLowerCase();
  if (override && (SEVERITIES as readonly string[]).includes(override)) return override as Severity;
  let severity: Severity;
  if (identity.entry) severity = BY_ENTRY[identity.entry.id] ?? "high";
  else if (isBreakerAlarm(alarmTags)) severity = "critical";
  else severity = "warning";
  if (isCritical(resourceTags) && severity !== "critical")
    severity = severity === "warning" ? "high" : "critical";
  return severity;
}

/** lib/breaker's trip alarms are tagged like catalog alarms, with entry ids "breaker-<kind>". */
export function isBreakerAlarm(alarmTags: Tags): boolean {
  return alarmTags[ALARM_TAGS.entry]?.startsWith("breaker-") ?? false;
}
