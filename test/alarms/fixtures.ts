/** Small typed builders for alarm-plan tests: every kind the catalog covers, with defaults for every fact. */
import type {
  DynamoDbTable,
  EventBridgeRule,
  HttpApi,
  Inventory,
  KinesisStream,
  LambdaFunction,
  Resource,
  RestApi,
  SnsTopic,
  SqsQueue,
  StateMachine,
  Tags,
  WebSocketApi,
} from "../../lib/inventory/types.js";
import { deriveRelations } from "../../lib/inventory/relations.js";
import { resolveAlarmPolicy, type AlarmPolicy, type AlarmPolicyInput } from "../../lib/alarms/policy.js";

export const ACCOUNT = "123456789012";
export const REGION = "eu-west-3";
export const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:watchkeeper-alarms`;

/** A plain test alarm's settings, without metric, name or origin: spread it, then override. */
export const TEST_ALARM = {
  description: "test",
  evaluationPeriods: 1,
  datapointsToAlarm: 1,
  treatMissingData: "notBreaching",
  alarmActions: [],
  okActions: [],
  insufficientDataActions: [],
  actionsEnabled: true,
  threshold: 0,
  comparisonOperator: "GreaterThanThreshold",
  tags: {},
} as const;

export const arnOf = {
  fn: (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`,
  queue: (name: string) => `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`,
  stream: (name: string) => `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/${name}`,
  table: (name: string) => `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${name}`,
  restApi: (id: string) => `arn:aws:apigateway:${REGION}::/restapis/${id}`,
  httpApi: (id: string) => `arn:aws:apigateway:${REGION}::/apis/${id}`,
  webSocketApi: (id: string) => `arn:aws:apigateway:${REGION}::/apis/${id}`,
  stateMachine: (name: string) => `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${name}`,
  rule: (name: string, bus = "default") =>
    bus === "default"
      ? `arn:aws:events:${REGION}:${ACCOUNT}:rule/${name}`
      : `arn:aws:events:${REGION}:${ACCOUNT}:rule/${bus}/${name}`,
  topic: (name: string) => `arn:aws:sns:${REGION}:${ACCOUNT}:${name}`,
};

const base = (tags: Tags = {}) => ({ region: REGION, accountId: ACCOUNT, tags });

type Facts<R> = Partial<Omit<R, "kind">>;

export function fn(name: string, facts: Facts<LambdaFunction> = {}): LambdaFunction {
  return {
    ...base(),
    kind: "lambda-function",
    arn: arnOf.fn(name),
    name,
    runtime: "nodejs20.x",
    packageType: "Zip",
    timeoutSeconds: 3,
    memoryMb: 128,
    reservedConcurrency: "unset",
    eventSources: [],
    logGroupName: `/aws/lambda/${name}`,
    logFormat: "Text",
    ...facts,
  };
}

export function queue(name: string, facts: Facts<SqsQueue> = {}): SqsQueue {
  return {
    ...base(),
    kind: "sqs-queue",
    arn: arnOf.queue(name),
    name,
    url: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${name}`,
    fifo: name.endsWith(".fifo"),
    visibilityTimeoutSeconds: 30,
    messageRetentionSeconds: 345_600,
    encryption: "sqs-managed",
    approximateMessages: 0,
    approximateMessagesNotVisible: 0,
    ...facts,
  };
}

/** A queue with a redrive policy to `dlq`. */
export function queueWithDlq(name: string, dlq: SqsQueue, facts: Facts<SqsQueue> = {}): SqsQueue {
  return queue(name, { redrivePolicy: { deadLetterTargetArn: dlq.arn, maxReceiveCount: 5 }, ...facts });
}

export function stream(name: string, facts: Facts<KinesisStream> = {}): KinesisStream {
  return {
    ...base(),
    kind: "kinesis-stream",
    arn: arnOf.stream(name),
    name,
    retentionHours: 24,
    openShards: 1,
    mode: "PROVISIONED",
    encryption: "none",
    consumers: [],
    ...facts,
  };
}

export function table(name: string, facts: Facts<DynamoDbTable> = {}): DynamoDbTable {
  return {
    ...base(),
    kind: "dynamodb-table",
    arn: arnOf.table(name),
    name,
    billingMode: "PAY_PER_REQUEST",
    status: "ACTIVE",
    ...facts,
  };
}

export function restApi(name: string, id: string, facts: Facts<RestApi> = {}): RestApi {
  return {
    ...base(),
    kind: "rest-api",
    arn: arnOf.restApi(id),
    name,
    id,
    stages: ["prod"],
    endpointTypes: ["REGIONAL"],
    ...facts,
  };
}

export function httpApi(name: string, id: string, facts: Facts<HttpApi> = {}): HttpApi {
  return { ...base(), kind: "http-api", arn: arnOf.httpApi(id), name, id, stages: ["$default"], ...facts };
}

export function webSocketApi(name: string, id: string, facts: Facts<WebSocketApi> = {}): WebSocketApi {
  return {
    ...base(),
    kind: "websocket-api",
    arn: arnOf.webSocketApi(id),
    name,
    id,
    stages: ["production"],
    ...facts,
  };
}

export function stateMachine(name: string, facts: Facts<StateMachine> = {}): StateMachine {
  return {
    ...base(),
    kind: "state-machine",
    arn: arnOf.stateMachine(name),
    name,
    type: "STANDARD",
    ...facts,
  };
}

export function rule(name: string, facts: Facts<EventBridgeRule> = {}): EventBridgeRule {
  const bus = facts.eventBusName ?? "default";
  return {
    ...base(),
    kind: "eventbridge-rule",
    arn: arnOf.rule(name, bus),
    name,
    eventBusName: bus,
    state: "ENABLED",
    targets: [],
    ...facts,
  };
}

export function topic(name: string, facts: Facts<SnsTopic> = {}): SnsTopic {
  return {
    ...base(),
    kind: "sns-topic",
    arn: arnOf.topic(name),
    name,
    fifo: false,
    subscriptions: [],
    ...facts,
  };
}

/** The same resource with more tags. */
export function tagged<R extends Resource>(resource: R, tags: Tags): R {
  return { ...resource, tags: { ...resource.tags, ...tags } };
}

export function inventoryOf(
  resources: readonly Resource[],
  options: { concurrencyLimit?: number | null } = {},
): Inventory {
  const sorted = [...resources].sort((a, b) =>
    a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0,
  );
  const limit = options.concurrencyLimit === undefined ? 1000 : options.concurrencyLimit;
  return {
    accountId: ACCOUNT,
    region: REGION,
    discoveredAt: "2030-01-01T00:00:00.000Z",
    resources: sorted,
    relations: deriveRelations(sorted),
    ...(limit !== null
      ? { lambdaAccount: { concurrentExecutions: limit, unreservedConcurrentExecutions: limit } }
      : {}),
    warnings: [],
  };
}

/** The default policy with a notification topic, plus `input`. */
export function policyOf(input: AlarmPolicyInput = {}): AlarmPolicy {
  const { policy, warnings } = resolveAlarmPolicy({ notificationTopicArn: TOPIC_ARN, ...input });
  if (warnings.length > 0) throw new Error(`test policy has warnings: ${warnings.join("; ")}`);
  return policy;
}
