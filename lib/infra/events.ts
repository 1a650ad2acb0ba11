/**
 * The EventBridge patterns Watchkeeper listens to. Resource-created events come from CloudTrail
 * ("AWS API Call via CloudTrail", which needs a trail with management events in the account); the
 * eventName is the API operation's name as CloudTrail records it (Lambda's carries its API version).
 * They are hints: the scheduled reconcile covers anything they miss.
 */
import type { EventPattern } from "aws-cdk-lib/aws-events";
import { AUDIT_EVENT } from "../actions/audit.js";
import { breakerAlarmPrefix } from "../breaker/alarms.js";

const CLOUDTRAIL = "AWS API Call via CloudTrail";

export interface ResourceCreated {
  /** Names the rule: `<prefix>created-<kind>`. */
  readonly kind: string;
  readonly source: string;
  readonly eventSource: string;
  readonly eventNames: readonly string[];
}

/** New resources of the kinds Watchkeeper alarms on; each makes the reconcile run sooner. */
export const RESOURCE_CREATED: readonly ResourceCreated[] = [
  {
    kind: "function",
    source: "aws.lambda",
    eventSource: "lambda.amazonaws.com",
    eventNames: ["CreateFunction20150331"],
  },
  { kind: "queue", source: "aws.sqs", eventSource: "sqs.amazonaws.com", eventNames: ["CreateQueue"] },
  {
    kind: "stream",
    source: "aws.kinesis",
    eventSource: "kinesis.amazonaws.com",
    eventNames: ["CreateStream"],
  },
  {
    kind: "table",
    source: "aws.dynamodb",
    eventSource: "dynamodb.amazonaws.com",
    eventNames: ["CreateTable"],
  },
  {
    kind: "api",
    source: "aws.apigateway",
    eventSource: "apigateway.amazonaws.com",
    // REST APIs (v1) and HTTP/WebSocket APIs (v2) share the service's event source.
    eventNames: ["CreateRestApi", "ImportRestApi", "CreateApi", "ImportApi"],
  },
  {
    kind: "state-machine",
    source: "aws.states",
    eventSource: "states.amazonaws.com",
    eventNames: ["CreateStateMachine"],
  },
  { kind: "topic", source: "aws.sns", eventSource: "sns.amazonaws.com", eventNames: ["CreateTopic"] },
];

/** A successful call only: CloudTrail records failed calls too, with an errorCode. */
export function resourceCreatedPattern(created: ResourceCreated): EventPattern {
  return {
    source: [created.source],
    detailType: [CLOUDTRAIL],
    detail: {
      eventSource: [created.eventSource],
      eventName: [...created.eventNames],
      errorCode: [{ exists: false }],
    },
  };
}

/** A new log group: the log-retention function sets its retention within seconds. */
export const LOG_GROUP_CREATED: ResourceCreated = {
  kind: "log-group",
  source: "aws.logs",
  eventSource: "logs.amazonaws.com",
  eventNames: ["CreateLogGroup"],
};

/** State changes of the breaker's trip alarms, by their name prefix (`<prefix>breaker-`). */
export function breakerAlarmPattern(prefix: string): EventPattern {
  return {
    source: ["aws.cloudwatch"],
    detailType: ["CloudWatch Alarm State Change"],
    detail: { alarmName: [{ prefix: breakerAlarmPrefix(prefix) }] },
  };
}

/**
 * State changes of every alarm named with the prefix: Watchkeeper's alarms, its own included, and each
 * contributor of a Metrics Insights alarm (AWS sends those as their own detail-type). CloudWatch sends
 * one for each change, whether or not the alarm's actions are enabled; the hub checks that itself.
 */
export function watchkeeperAlarmPattern(prefix: string): EventPattern {
  return {
    source: ["aws.cloudwatch"],
    detailType: ["CloudWatch Alarm State Change", "CloudWatch Alarm Contributor State Change"],
    detail: { alarmName: [{ prefix }] },
  };
}

/** The audit events of the actions (lib/actions/audit.ts), put on the account's default bus. */
export function auditEventPattern(): EventPattern {
  return { source: [AUDIT_EVENT.source], detailType: [AUDIT_EVENT.detailType] };
}
