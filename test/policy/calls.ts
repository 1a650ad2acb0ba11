/**
 * For each IAM action a function's bundle can call (test/infra/bundle-calls.ts), the requests it makes
 * in the deployed system: the real resource and the context AWS adds. An action missing here fails the
 * policy tier: a new call must say what it acts on before it is proven.
 */
import { AUDIT_EVENT } from "../../lib/actions/audit.js";
import { BREAKER_TAGS } from "../../lib/breaker/record.js";
import { METRIC_NAMESPACE } from "../../lib/infra/permissions.js";
import { TAGS } from "../../lib/policy/tags.js";
import { CUSTOMER, OPTED_IN } from "./account.js";
import type { Deployed } from "./deployed.js";
import type { Context } from "./evaluate.js";

export interface Call {
  readonly resource: string;
  readonly context?: Context;
  /** What the call is for, in the flow table. */
  readonly what: string;
}

type CallsOf = (deployed: Deployed, caller: string) => readonly Call[];

/** Watchkeeper's own resources the calls name. */
export function owned(deployed: Deployed) {
  const { partition: p, account: a, region: r } = deployed.place;
  const topic = deployed.alarms[0]?.actions[0];
  if (!topic) throw new Error("the stack's alarms notify no topic");
  return {
    topic,
    alarm: `arn:${p}:cloudwatch:${r}:${a}:alarm:${deployed.prefix}lambda-orders-consumer-errors`,
    tripAlarm: `arn:${p}:cloudwatch:${r}:${a}:alarm:${deployed.prefix}breaker-error-rate-orders-consumer`,
    dashboard: `arn:${p}:cloudwatch::${a}:dashboard/${deployed.prefix}overview`,
    hints: `arn:${p}:sqs:${r}:${a}:${deployed.prefix}resource-created-hints`,
    defaultBus: `arn:${p}:events:${r}:${a}:event-bus/default`,
  };
}

const any =
  (what: string): CallsOf =>
  () => [{ resource: "*", what }];
const on =
  (resource: (d: Deployed) => string, what: string, context?: Context): CallsOf =>
  (d) => [{ resource: resource(d), what, ...(context ? { context } : {}) }];
const customer = (key: keyof typeof CUSTOMER, what: string, context?: Context): CallsOf =>
  on(() => CUSTOMER[key] as string, what, context);
/** Redrive acts on DLQs and sources with and without a customer managed key. */
const queues =
  (which: "queue" | "dlq", what: string): CallsOf =>
  () => [
    { resource: CUSTOMER[which].plain, what },
    { resource: CUSTOMER[which].cmk, what: `${what} (customer managed key)` },
  ];
const recordKeys = Object.values(BREAKER_TAGS).slice(0, 2);

/** The breaker keeps its record on a managed trip alarm; the others tag managed alarms (the Slack thread). */
const alarmTags: CallsOf = (d, caller) =>
  caller === "breaker"
    ? [
        {
          resource: owned(d).tripAlarm,
          what: "the breaker's record on a trip alarm",
          context: { "aws:ResourceTag/watchkeeper:managed": "true", "aws:TagKeys": recordKeys },
        },
      ]
    : [
        {
          resource: owned(d).alarm,
          what: "a managed alarm's tags",
          context: { "aws:TagKeys": [TAGS.slackThread] },
        },
      ];

export const CALLS: Readonly<Record<string, CallsOf>> = {
  // iam-simulate knows apigateway:GET on REST API paths only; the HTTP API paths (/apis/*) are
  // checked statically by test/infra/nag.test.ts (the exact list of wildcards).
  "apigateway:GET": () => [
    { resource: CUSTOMER.restApi, what: "a REST API" },
    { resource: CUSTOMER.restApiStages, what: "a REST API's stages" },
  ],
  "cloudwatch:PutMetricAlarm": (d) => [
    {
      resource: owned(d).alarm,
      context: { "cloudwatch:AlarmActions": [owned(d).topic] },
      what: "a managed alarm notifying the alarm topic",
    },
  ],
  "cloudwatch:DeleteAlarms": on((d) => owned(d).alarm, "a managed alarm"),
  "cloudwatch:DisableAlarmActions": on((d) => owned(d).alarm, "silence a managed alarm"),
  "cloudwatch:EnableAlarmActions": on((d) => owned(d).alarm, "end a silence"),
  "cloudwatch:TagResource": alarmTags,
  "cloudwatch:UntagResource": alarmTags,
  "cloudwatch:DescribeAlarms": on((d) => owned(d).alarm, "alarms"),
  "cloudwatch:ListTagsForResource": on((d) => owned(d).alarm, "an alarm's tags"),
  "cloudwatch:PutDashboard": on((d) => owned(d).dashboard, "the dashboard"),
  "cloudwatch:DeleteDashboards": on((d) => owned(d).dashboard, "a split dashboard"),
  "cloudwatch:GetDashboard": on((d) => owned(d).dashboard, "the dashboard"),
  "cloudwatch:ListDashboards": any("dashboards"),
  "cloudwatch:GetMetricData": any("metrics"),
  "cloudwatch:GetMetricWidgetImage": any("a graph"),
  "cloudwatch:PutMetricData": on(() => "*", "Watchkeeper's metrics", {
    "cloudwatch:namespace": METRIC_NAMESPACE,
  }),
  "dynamodb:ListTables": any("tables"),
  "dynamodb:DescribeTable": customer("table", "a table"),
  "events:ListEventBuses": any("event buses"),
  "events:ListRules": any("rules"),
  "events:ListTargetsByRule": customer("rule", "a rule's targets"),
  // An action's (or the breaker's own) audit event, on the default bus a hub's members forward.
  "events:PutEvents": on((d) => owned(d).defaultBus, "an audit event on the default bus", {
    "events:source": AUDIT_EVENT.source,
  }),
  "kinesis:ListStreams": any("streams"),
  "kinesis:DescribeStreamSummary": customer("stream", "a stream"),
  "kinesis:ListStreamConsumers": customer("stream", "a stream's consumers"),
  "lambda:ListFunctions": any("functions"),
  "lambda:GetAccountSettings": any("concurrency limits"),
  "lambda:ListEventSourceMappings": any("mappings"),
  "lambda:GetFunction": customer("function", "a function"),
  "lambda:ListTags": customer("function", "a function's tags"),
  "lambda:GetFunctionConcurrency": customer("function", "a function's concurrency"),
  "lambda:ListFunctionEventInvokeConfigs": customer("function", "a function's async config"),
  "lambda:PutFunctionConcurrency": customer("function", "trip an opted-in function", OPTED_IN),
  "lambda:DeleteFunctionConcurrency": customer("function", "reset an opted-in function", OPTED_IN),
  "lambda:TagResource": customer("function", "the breaker's record", {
    ...OPTED_IN,
    "aws:TagKeys": recordKeys,
  }),
  "lambda:UntagResource": customer("function", "the breaker's record", {
    ...OPTED_IN,
    "aws:TagKeys": recordKeys,
  }),
  "lambda:UpdateEventSourceMapping": customer("mapping", "disable an opted-in function's mapping", {
    "lambda:FunctionArn": CUSTOMER.function,
  }),
  // The Slack function hands an action to runbook-action; runbook-action re-invokes a function's async DLQ.
  "lambda:InvokeFunction": (d, caller) =>
    caller === "slack-interactions"
      ? [{ resource: d.functions.get("runbook-action")!.arn, what: "hand the action to runbook-action" }]
      : [{ resource: CUSTOMER.function, what: "redrive a function's async DLQ" }],
  "logs:DescribeLogGroups": any("log groups"),
  "logs:ListTagsForResource": customer("logGroup", "a log group's tags"),
  "logs:PutRetentionPolicy": customer("logGroup", "a log group's retention"),
  "logs:DeleteRetentionPolicy": customer("logGroup", "a log group's retention removed (never expire)"),
  "secretsmanager:GetSecretValue": customer("slackSecret", "the Slack secret"),
  "sns:ListTopics": any("topics"),
  "sns:ListSubscriptions": any("subscriptions"),
  // Authorized on the subscription's topic.
  "sns:GetSubscriptionAttributes": customer("topic", "a subscription"),
  "sqs:ListQueues": any("queues"),
  "sqs:GetQueueAttributes": queues("queue", "a queue"),
  "sqs:ListQueueTags": queues("dlq", "a DLQ's tags"),
  "sqs:TagQueue": queues("dlq", "a DLQ's redrive count"),
  "sqs:StartMessageMoveTask": queues("dlq", "redrive a DLQ"),
  "sqs:ListMessageMoveTasks": queues("dlq", "redrive progress"),
  "sqs:CancelMessageMoveTask": queues("dlq", "cancel a redrive"),
  "sqs:ReceiveMessage": queues("dlq", "read a DLQ"),
  "sqs:DeleteMessage": queues("dlq", "delete a redriven message"),
  "sqs:ChangeMessageVisibility": queues("dlq", "return a message"),
  // The reconcile hints its own next run; the breaker asks for a run when it opens or closes a function.
  "sqs:SendMessage": (d, caller) =>
    caller === "reconcile"
      ? [{ resource: owned(d).hints, what: "hint the next run" }]
      : caller === "breaker"
        ? [{ resource: owned(d).hints, what: "hint a reconcile run (a breaker opened or closed)" }]
        : queues("queue", "redrive into a source")(d, caller),
  "states:ListStateMachines": any("state machines"),
  "tag:GetResources": any("tags of many resources"),
  "states:DescribeStateMachine": customer("stateMachine", "a state machine"),
};
