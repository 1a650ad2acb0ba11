/**
 * What each Watchkeeper function may do, as IAM statements: read-only discovery across the account, and
 * every write narrowed to what Watchkeeper owns (the name prefix), what opted in (the breaker tag), or
 * what AWS only lets anyone name by pattern. Each set says why its wildcard resources cannot be narrower
 * (`why`); the function construct hands that reason to cdk-nag for each wildcard finding.
 */
import { ArnFormat, Stack, type ArnComponents } from "aws-cdk-lib";
import { Effect, PolicyStatement, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import type { Construct } from "constructs";
import { AUDIT_EVENT } from "../actions/audit.js";
import type { WatchkeeperConfig } from "../config/schema.js";

/** CloudWatch namespace of every metric Watchkeeper publishes (lib/findings, lib/breaker). */
export const METRIC_NAMESPACE = "Watchkeeper";

/** The tag that opts a function into the circuit breaker (lib/policy/tags.ts TAGS.breaker). */
export const BREAKER_TAG = "watchkeeper:breaker";
/**
 * Values of BREAKER_TAG that opt a function in (lib/breaker/facts.ts reads them case-insensitively;
 * test/infra checks the two agree). `off` and anything else leave the function alone, and so does IAM.
 */
export const BREAKER_TAG_ON = ["on", "true", "yes", "1", "sync"] as const;
/** Keys of the breaker's own record on a function (lib/breaker/record.ts); the opt-in tag is not one. */
export const BREAKER_RECORD_TAGS = "watchkeeper:breaker-*";

export interface Permission {
  readonly statements: readonly PolicyStatement[];
  /** Why the statements' wildcard resources cannot be narrower; required when there are any. */
  readonly why?: string;
}

/** Whatever the stack's environment, ARNs name its partition, region and account. */
function arn(scope: Construct, components: ArnComponents): string {
  return Stack.of(scope).formatArn(components);
}

/** A resource of this account in any region: for an account's roles, which IAM makes global. */
export function anyRegionArn(
  scope: Construct,
  service: string,
  resource: string,
  resourceName?: string,
): string {
  return arn(scope, {
    service,
    region: "*",
    resource,
    ...(resourceName !== undefined ? { resourceName } : {}),
    arnFormat: service === "events" ? ArnFormat.SLASH_RESOURCE_NAME : ArnFormat.COLON_RESOURCE_NAME,
  });
}

function colonArn(scope: Construct, service: string, resource: string, resourceName: string): string {
  return arn(scope, { service, resource, resourceName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
}

/**
 * Discovery: the ten kinds (lib/inventory), their tags, Watchkeeper's own alarms and dashboards, and
 * the metrics the breaker and notifications read. Reads only.
 */
export function discoveryRead(): Permission {
  return {
    statements: [
      new PolicyStatement({
        sid: "DiscoveryReadOnly",
        actions: [
          "lambda:ListFunctions",
          "lambda:GetFunction",
          "lambda:ListTags",
          "lambda:ListEventSourceMappings",
          "lambda:ListFunctionEventInvokeConfigs",
          "lambda:GetFunctionConcurrency",
          "lambda:GetAccountSettings",
          "sqs:ListQueues",
          "sqs:GetQueueAttributes",
          "sqs:ListQueueTags",
          "kinesis:ListStreams",
          "kinesis:DescribeStreamSummary",
          "kinesis:ListStreamConsumers",
          "dynamodb:ListTables",
          "dynamodb:DescribeTable",
          "states:ListStateMachines",
          "states:DescribeStateMachine",
          "events:ListEventBuses",
          "events:ListRules",
          "events:ListTargetsByRule",
          "sns:ListTopics",
          "sns:ListSubscriptions",
          "sns:GetSubscriptionAttributes",
          "logs:DescribeLogGroups",
          "logs:ListTagsForResource",
          "tag:GetResources",
          "cloudwatch:DescribeAlarms",
          "cloudwatch:ListTagsForResource",
          "cloudwatch:GetMetricData",
          "cloudwatch:ListDashboards",
          "cloudwatch:GetDashboard",
        ],
        resources: ["*"],
      }),
    ],
    why:
      "Read-only List/Describe/Get actions: discovery reads every resource of the account, and AWS supports " +
      "the List actions only on '*'.",
  };
}

/**
 * What `watchkeeper status` reads (lib/actions/status.ts), for the role the administrator account assumes
 * in each account of the organization (lib/infra/org-reader.ts): alarms in ALARM and the tags of
 * Watchkeeper's own (silences, breaker records), open breakers (the Tagging API, then each function),
 * and the DLQs with what feeds them (queues, functions, rules, topics) and their move tasks. Reads only,
 * and in every region of this account: IAM is global, so one role serves every region's stack.
 * test/infra/org-reader.test.ts checks the list against the calls status makes.
 */
export function statusRead(scope: Construct, config: WatchkeeperConfig): Permission {
  const anyRegion = (service: string, resource: string, resourceName?: string) =>
    anyRegionArn(scope, service, resource, resourceName);
  return {
    statements: [
      new PolicyStatement({
        sid: "StatusListings",
        actions: [
          "cloudwatch:DescribeAlarms",
          "events:ListEventBuses",
          "events:ListRules",
          "lambda:GetAccountSettings",
          "lambda:ListEventSourceMappings",
          "lambda:ListFunctions",
          "sns:ListSubscriptions",
          "sns:ListTopics",
          "sqs:ListQueues",
          "tag:GetResources",
        ],
        resources: ["*"],
      }),
      new PolicyStatement({
        sid: "StatusWatchkeeperAlarmTags",
        actions: ["cloudwatch:ListTagsForResource"],
        resources: [anyRegion("cloudwatch", "alarm", `${config.prefix}*`)],
      }),
      new PolicyStatement({
        sid: "StatusResourceReads",
        actions: [
          "events:ListTargetsByRule",
          "lambda:GetFunction",
          "lambda:GetFunctionConcurrency",
          "lambda:ListFunctionEventInvokeConfigs",
          "sns:GetSubscriptionAttributes",
          "sqs:GetQueueAttributes",
          "sqs:ListMessageMoveTasks",
        ],
        resources: [
          anyRegion("events", "rule", "*"),
          anyRegion("lambda", "function", "*"),
          anyRegion("sns", "*"),
          anyRegion("sqs", "*"),
        ],
      }),
    ],
    why:
      "Read-only, for watchkeeper status from the administrator account: the listings support only '*'; the " +
      "queues, functions, rules and topics it reads are other teams', in any region of this account (the role " +
      "is global); alarm tags only of alarms named with the prefix.",
  };
}

/**
 * A state machine's definition under a customer managed key: DescribeStateMachine answers
 * KmsAccessDeniedException without kms:Decrypt on it, and every run would stay partial (its TimeoutSeconds
 * unknown, its execution-time alarm held). This account's keys, only through Step Functions.
 */
export function stateMachineKeys(scope: Construct): Permission {
  return {
    statements: [keysThrough(scope, "StateMachineDefinitionKeys", "states", ["kms:Decrypt"])],
    why:
      "A state machine under a customer managed key needs kms:Decrypt for DescribeStateMachine to return its " +
      "definition: on this account's keys (the user's key is not known at deploy time), only through Step " +
      "Functions (kms:ViaService), where the role may only list and describe state machines.",
  };
}

/** API Gateway reads limited to APIs and their stages: `apigateway:GET` on '*' would also read API key values. */
export function apiGatewayRead(scope: Construct): Permission {
  const path = (resource: string) => arn(scope, { service: "apigateway", account: "", resource });
  return {
    statements: [
      new PolicyStatement({
        sid: "DiscoveryApiGateway",
        actions: ["apigateway:GET"],
        resources: ["/restapis", "/restapis/*", "/apis", "/apis/*"].map(path),
      }),
    ],
    why: "Read-only: every REST and HTTP API with its stages, and no other API Gateway resource (API keys).",
  };
}

/** What the log-retention function reads: the group, its tags, and the function that owns it. */
export function logGroupRead(): Permission {
  return {
    statements: [
      new PolicyStatement({
        sid: "LogGroupReadOnly",
        actions: [
          "logs:DescribeLogGroups",
          "logs:ListTagsForResource",
          "lambda:GetFunction",
          "lambda:ListTags",
          "lambda:ListFunctions",
        ],
        resources: ["*"],
      }),
    ],
    why:
      "Read-only: the new log group and the functions writing to it (found by listing them: advanced logging " +
      "may name any group) are known only when the event arrives.",
  };
}

/** The topic Watchkeeper's alarms notify: the configured one, or the one the stack creates. */
export function alarmTopicArn(scope: Construct, config: WatchkeeperConfig): string {
  return (
    config.alarms.notificationTopicArn ?? arn(scope, { service: "sns", resource: `${config.prefix}alarms` })
  );
}

/**
 * The topic policy's Allow for CloudWatch: a topic policy replaces SNS's default one, so without it no
 * alarm could notify. Only this account's alarms named with the prefix.
 */
export function alarmTopicPublish(scope: Construct, topicArn: string, prefix: string): PolicyStatement {
  return new PolicyStatement({
    sid: "CloudWatchAlarmsWithPrefix",
    principals: [new ServicePrincipal("cloudwatch.amazonaws.com")],
    actions: ["sns:Publish"],
    resources: [topicArn],
    conditions: {
      StringEquals: { "aws:SourceAccount": Stack.of(scope).account },
      ArnLike: { "aws:SourceArn": colonArn(scope, "cloudwatch", "alarm", `${prefix}*`) },
    },
  });
}

/**
 * Alarm writes: only alarms named with the prefix (ownership also needs the managed tag, checked in
 * code), and an alarm may only notify the alarm topic (`cloudwatch:AlarmActions`, every action it names).
 */
export function alarmWrites(scope: Construct, config: WatchkeeperConfig): Permission {
  const alarms = [colonArn(scope, "cloudwatch", "alarm", `${config.prefix}*`)];
  return {
    statements: [
      new PolicyStatement({
        sid: "AlarmsWithPrefixNotifyingTheTopic",
        actions: ["cloudwatch:PutMetricAlarm"],
        resources: alarms,
        conditions: {
          "ForAllValues:StringEquals": { "cloudwatch:AlarmActions": [alarmTopicArn(scope, config)] },
        },
      }),
      new PolicyStatement({
        sid: "AlarmsWithPrefix",
        actions: ["cloudwatch:DeleteAlarms", "cloudwatch:TagResource", "cloudwatch:UntagResource"],
        resources: alarms,
      }),
    ],
    why: `Alarm writes are limited to alarms named with Watchkeeper's prefix "${config.prefix}"; they are made at run time for the resources found then.`,
  };
}

/** Silences: alarm actions off and on, with the silence recorded as a tag; Watchkeeper's alarms only. */
export function alarmSilences(scope: Construct, config: WatchkeeperConfig): Permission {
  return {
    statements: [
      new PolicyStatement({
        sid: "SilenceAlarmsWithPrefix",
        actions: [
          "cloudwatch:DisableAlarmActions",
          "cloudwatch:EnableAlarmActions",
          "cloudwatch:TagResource",
          "cloudwatch:UntagResource",
        ],
        resources: [colonArn(scope, "cloudwatch", "alarm", `${config.prefix}*`)],
      }),
    ],
    why: `Silences apply to alarms named with Watchkeeper's prefix "${config.prefix}" only.`,
  };
}

/** What a notification reads (the alarm, its tags, its resource's tags, top offenders, a graph). */
export function notificationRead(): Permission {
  return {
    statements: [
      new PolicyStatement({
        sid: "NotificationReadOnly",
        actions: [
          "cloudwatch:DescribeAlarms",
          "cloudwatch:ListTagsForResource",
          "cloudwatch:GetMetricData",
          "cloudwatch:GetMetricWidgetImage",
          "tag:GetResources",
        ],
        resources: ["*"],
      }),
    ],
    why: "Read-only: the alarm that changed and the resources behind it are known only when it fires.",
  };
}

/** The Slack thread of an alarm is remembered as a tag on it: Watchkeeper's alarms only. */
export function alarmThreadTags(scope: Construct, config: WatchkeeperConfig): Permission {
  return {
    statements: [
      new PolicyStatement({
        sid: "ThreadTagOnAlarmsWithPrefix",
        actions: ["cloudwatch:TagResource"],
        resources: [colonArn(scope, "cloudwatch", "alarm", `${config.prefix}*`)],
      }),
    ],
    why: `Thread tags go on alarms named with Watchkeeper's prefix "${config.prefix}" only.`,
  };
}

/**
 * DLQ redrive, on request (CLI, Slack, runbook) or by the opt-in auto-redrive: a move task from an SQS
 * DLQ back to its sources, or, for a function's async DLQ, receive → invoke the function → delete. The
 * DLQs and functions are the account's, named by the person asking (or tagged for auto-redrive), so the
 * statements name this account and region's queues and functions, not any one of them.
 */
export function dlqRedrive(scope: Construct): Permission {
  return {
    statements: [
      new PolicyStatement({
        sid: "RedriveQueues",
        actions: [
          "sqs:StartMessageMoveTask",
          "sqs:ListMessageMoveTasks",
          "sqs:CancelMessageMoveTask",
          "sqs:ReceiveMessage",
          "sqs:DeleteMessage",
          "sqs:ChangeMessageVisibility",
          "sqs:SendMessage",
          "sqs:GetQueueAttributes",
          "sqs:TagQueue",
        ],
        resources: [arn(scope, { service: "sqs", resource: "*" })],
      }),
      new PolicyStatement({
        sid: "RedriveIntoFunctions",
        actions: ["lambda:InvokeFunction"],
        resources: [colonArn(scope, "lambda", "function", "*")],
      }),
      keysThrough(scope, "RedriveQueueKeys", "sqs", ["kms:Decrypt", "kms:GenerateDataKey"]),
    ],
    why:
      "Redrive acts on the DLQ a person names (or one tagged watchkeeper:auto-redrive) and sends its messages back " +
      "to that queue's sources or function, all created by other teams: this account and region's queues and " +
      "functions only. A move task needs receive/delete on the DLQ and send on the source. A queue under a " +
      "customer managed key needs kms:Decrypt to receive and kms:GenerateDataKey to send: on this account's " +
      "keys, only through SQS (kms:ViaService), so only for the queue calls allowed above.",
  };
}

/** Dashboard writes: only dashboards named with the prefix. Dashboards are global: no region in the ARN. */
export function dashboardWrites(scope: Construct, config: WatchkeeperConfig): Permission {
  return {
    statements: [
      new PolicyStatement({
        sid: "DashboardsWithPrefix",
        actions: ["cloudwatch:PutDashboard", "cloudwatch:DeleteDashboards"],
        resources: [
          arn(scope, {
            service: "cloudwatch",
            region: "",
            resource: "dashboard",
            resourceName: `${config.prefix}*`,
          }),
        ],
      }),
    ],
    why: `Dashboard writes are limited to dashboards named with Watchkeeper's prefix "${config.prefix}"; one is split into several when it outgrows CloudWatch's limits.`,
  };
}

/**
 * Retention on any log group of this account and region: the groups are created by everyone else, after
 * the deploy, under names nobody lists in advance. The plan only sets retention on groups that never
 * expire (or, by policy, above a cap), never shortens a deliberate one unless told to, and skips excluded
 * and `watchkeeper:ignore` groups. PutRetentionPolicy cannot delete a group.
 */
export function retentionWrites(scope: Construct): Permission {
  return {
    statements: [
      new PolicyStatement({
        sid: "RetentionOnAnyLogGroup",
        actions: ["logs:PutRetentionPolicy"],
        resources: [colonArn(scope, "logs", "log-group", "*")],
      }),
    ],
    why:
      "Retention is set on log groups that other teams create after the deploy, under names not known in " +
      "advance; only PutRetentionPolicy, only in this account and region.",
  };
}

/**
 * An on-call `retention set --days never` (runbook-action only): a log group back to never expiring.
 * The plan never removes a retention, so the reconcile and log-retention roles do not get this.
 */
export function retentionRemoval(scope: Construct): Permission {
  return {
    statements: [
      new PolicyStatement({
        sid: "RetentionRemovalOnAnyLogGroup",
        actions: ["logs:DeleteRetentionPolicy"],
        resources: [colonArn(scope, "logs", "log-group", "*")],
      }),
    ],
    why:
      "An on-call action may make a log group never expire again (retention set --days never); only " +
      "DeleteRetentionPolicy, which deletes no events, only in this account and region.",
  };
}

/** Metrics: PutMetricData supports no resource, so it is conditioned on Watchkeeper's namespace. */
export function metricWrites(): Permission {
  return {
    statements: [
      new PolicyStatement({
        sid: "MetricsInWatchkeeperNamespace",
        actions: ["cloudwatch:PutMetricData"],
        resources: ["*"],
        conditions: { StringEquals: { "cloudwatch:namespace": METRIC_NAMESPACE } },
      }),
    ],
    why: `cloudwatch:PutMetricData supports only '*'; the statement requires the namespace "${METRIC_NAMESPACE}".`,
  };
}

/**
 * Audit events (lib/actions/audit.ts): PutEvents on this account and region's default bus only, and only
 * with Watchkeeper's source, so a role that may put audit events cannot put events that pass for anyone
 * else's. `events:source` is a PutEvents condition key of type ArrayOfString (Service Authorization
 * Reference, "Actions, resources, and condition keys for Amazon EventBridge"; eb-use-conditions.html):
 * ForAllValues, with Null false so that a request without the key matches nothing.
 */
export function auditEvents(scope: Construct): Permission {
  return {
    statements: [
      new PolicyStatement({
        sid: "AuditEventsOnDefaultBus",
        actions: ["events:PutEvents"],
        resources: [arn(scope, { service: "events", resource: "event-bus", resourceName: "default" })],
        conditions: {
          "ForAllValues:StringEquals": { "events:source": [AUDIT_EVENT.source] },
          Null: { "events:source": "false" },
        },
      }),
    ],
  };
}

/**
 * The circuit breaker's writes. Lambda evaluates `aws:ResourceTag/<key>` for function actions
 * (attribute-based access control), so concurrency and tag writes need the opt-in tag on the function;
 * functions opted in by config are named instead. Tag writes are limited to the breaker's record keys
 * (`aws:TagKeys`), so the breaker can never remove an opt-in. UpdateEventSourceMapping is authorized on
 * the mapping, whose tags are not the function's, and its only condition key is `lambda:FunctionArn`
 * (no key says which fields change): it is allowed where that is a function of this account and region,
 * and denied where it is Watchkeeper's. The breaker only sends `{ UUID, Enabled }` (lib/breaker).
 * Watchkeeper's own functions and their mappings are denied outright.
 */
export function breakerWrites(scope: Construct, config: WatchkeeperConfig): Permission {
  const functionArn = (name: string) => colonArn(scope, "lambda", "function", name);
  const mappings = colonArn(scope, "lambda", "event-source-mapping", "*");
  const concurrency = ["lambda:PutFunctionConcurrency", "lambda:DeleteFunctionConcurrency"];
  // Only to remove records older versions kept on functions: the record now lives on the trip alarm.
  const tagging = ["lambda:UntagResource"];
  const onlyRecordTags = { "ForAllValues:StringLike": { "aws:TagKeys": [BREAKER_RECORD_TAGS] } };
  const optedIn = { StringEqualsIgnoreCase: { [`aws:ResourceTag/${BREAKER_TAG}`]: [...BREAKER_TAG_ON] } };
  const listed = [...new Set([...config.breaker.functions, ...config.breaker.syncFunctions])].sort();
  const ownFunctions = functionArn(`${config.prefix}*`);
  return {
    statements: [
      new PolicyStatement({
        sid: "BreakerConcurrencyOnTaggedFunctions",
        actions: concurrency,
        resources: [functionArn("*")],
        conditions: optedIn,
      }),
      new PolicyStatement({
        sid: "BreakerRecordOnTaggedFunctions",
        actions: tagging,
        resources: [functionArn("*")],
        conditions: { ...optedIn, ...onlyRecordTags },
      }),
      ...(listed.length > 0
        ? [
            new PolicyStatement({
              sid: "BreakerConcurrencyOnListedFunctions",
              actions: concurrency,
              resources: listed.map(functionArn),
            }),
            new PolicyStatement({
              sid: "BreakerRecordOnListedFunctions",
              actions: tagging,
              resources: listed.map(functionArn),
              conditions: onlyRecordTags,
            }),
          ]
        : []),
      new PolicyStatement({
        sid: "BreakerEventSourceMappings",
        actions: ["lambda:UpdateEventSourceMapping"],
        resources: [mappings],
        conditions: { ArnLike: { "lambda:FunctionArn": functionArn("*") } },
      }),
      new PolicyStatement({
        sid: "BreakerRecordOnTripAlarms",
        actions: ["cloudwatch:TagResource", "cloudwatch:UntagResource"],
        resources: [colonArn(scope, "cloudwatch", "alarm", `${config.prefix}breaker-*`)],
        conditions: { StringEquals: { "aws:ResourceTag/watchkeeper:managed": "true" }, ...onlyRecordTags },
      }),
      new PolicyStatement({
        sid: "BreakerNeverOnWatchkeeper",
        effect: Effect.DENY,
        actions: [...concurrency, ...tagging],
        resources: [ownFunctions],
      }),
      new PolicyStatement({
        sid: "BreakerNeverOnWatchkeeperMappings",
        effect: Effect.DENY,
        actions: ["lambda:UpdateEventSourceMapping"],
        resources: [mappings],
        conditions: { ArnLike: { "lambda:FunctionArn": ownFunctions } },
      }),
    ],
    why:
      `Functions opt in with the tag ${BREAKER_TAG} after the deploy: concurrency writes (and removing an old record's ` +
      "tags) require that tag (aws:ResourceTag). The record is tagged on trip alarms (named with the prefix, tagged " +
      "managed), only its keys (aws:TagKeys). Event source mappings of " +
      "tag-opted functions cannot be named in advance, and lambda:FunctionArn, their only condition key, cannot " +
      "name those functions either: mappings of this account and region's functions only. Watchkeeper's own " +
      "functions and mappings are denied.",
  };
}

/** The Slack secret, by name: Secrets Manager appends six random characters to a secret's ARN. */
export function slackSecretRead(scope: Construct, secretName: string): Permission {
  return {
    statements: [
      new PolicyStatement({
        sid: "SlackSecretByName",
        actions: ["secretsmanager:GetSecretValue"],
        resources: [colonArn(scope, "secretsmanager", "secret", `${secretName}-??????`)],
      }),
      keysThrough(scope, "SlackSecretKey", "secretsmanager", ["kms:Decrypt"]),
    ],
    why:
      "The one secret named in config; '-??????' is the random suffix Secrets Manager adds to its ARN. A secret " +
      "under a customer managed key needs kms:Decrypt: on this account's keys, only through Secrets Manager " +
      "(kms:ViaService), so only for the one secret the role may read.",
  };
}

/**
 * KMS on the caller's behalf, for resources under a customer managed key: this account's keys (the
 * user's key is not known at deploy time), and only through `service` in this region. The service call
 * itself is authorized by the role's other statements, so the key serves no other resource. A key
 * policy that does not delegate to IAM must grant this itself (docs/policy.md).
 */
function keysThrough(scope: Construct, sid: string, service: string, actions: string[]): PolicyStatement {
  return new PolicyStatement({
    sid,
    actions,
    resources: [arn(scope, { service: "kms", resource: "key", resourceName: "*" })],
    conditions: { StringEquals: { "kms:ViaService": `${service}.${Stack.of(scope).region}.amazonaws.com` } },
  });
}
