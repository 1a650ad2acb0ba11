/**
 * Small typed builders for inventories in unit tests. `inventoryOf` derives relations the way discovery
 * does (lib/inventory's deriveRelations), so a test lists resources, plus any relation their facts do
 * not carry (API integrations).
 */
import { deriveRelations } from "../../lib/inventory/index.js";
import type {
  EventBridgeRule,
  EventSourceMapping,
  HttpApi,
  Inventory,
  KinesisStream,
  LambdaAccountFacts,
  LambdaFunction,
  LogGroup,
  Relation,
  RelationType,
  Resource,
  RestApi,
  RuleTarget,
  SnsSubscription,
  SnsTopic,
  SqsQueue,
} from "../../lib/inventory/types.js";

export const REGION = "eu-west-1";
export const ACCOUNT = "111122223333";

const base = (name: string) => ({ name, region: REGION, accountId: ACCOUNT, tags: {} });

export function functionArn(name: string): string {
  return `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
}

export function queueArn(name: string): string {
  return `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`;
}

export function streamArn(name: string): string {
  return `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/${name}`;
}

export function topicArn(name: string): string {
  return `arn:aws:sns:${REGION}:${ACCOUNT}:${name}`;
}

export function lambdaFunction(name: string, overrides: Partial<LambdaFunction> = {}): LambdaFunction {
  return {
    kind: "lambda-function",
    arn: functionArn(name),
    ...base(name),
    runtime: "nodejs22.x",
    packageType: "Zip",
    timeoutSeconds: 10,
    memoryMb: 512,
    reservedConcurrency: "unset",
    eventSources: [],
    logGroupName: `/aws/lambda/${name}`,
    logFormat: "JSON",
    ...overrides,
  };
}

let uuids = 0;

export function mapping(sourceArn: string, overrides: Partial<EventSourceMapping> = {}): EventSourceMapping {
  const service = sourceArn.split(":")[2];
  uuids += 1;
  return {
    uuid: `00000000-0000-0000-0000-${String(uuids).padStart(12, "0")}`,
    sourceArn,
    sourceKind: service === "sqs" ? "sqs" : service === "kinesis" ? "kinesis" : "dynamodb-stream",
    state: "Enabled",
    batchSize: service === "sqs" ? 10 : 100,
    ...overrides,
  };
}

/** A stream mapping with every safety on: bounded retries and age, a destination, bisect. */
export function safeStreamMapping(sourceArn: string, overrides: Partial<EventSourceMapping> = {}) {
  return mapping(sourceArn, {
    maximumRetryAttempts: 3,
    maximumRecordAgeSeconds: 3_600,
    bisectBatchOnFunctionError: true,
    onFailureDestination: queueArn("stream-failures"),
    ...overrides,
  });
}

export function queue(name: string, overrides: Partial<SqsQueue> = {}): SqsQueue {
  const fifo = name.endsWith(".fifo");
  return {
    kind: "sqs-queue",
    arn: queueArn(name),
    ...base(name),
    url: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${name}`,
    fifo,
    visibilityTimeoutSeconds: 30,
    messageRetentionSeconds: 345_600,
    encryption: "sqs-managed",
    approximateMessages: 0,
    approximateMessagesNotVisible: 0,
    ...overrides,
  };
}

export function kinesisStream(name: string, overrides: Partial<KinesisStream> = {}): KinesisStream {
  return {
    kind: "kinesis-stream",
    arn: streamArn(name),
    ...base(name),
    retentionHours: 24,
    openShards: 2,
    mode: "PROVISIONED",
    encryption: "kms",
    consumers: [],
    ...overrides,
  };
}

export function logGroup(name: string, overrides: Partial<LogGroup> = {}): LogGroup {
  return {
    kind: "log-group",
    arn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${name}`,
    ...base(name),
    retentionInDays: 30,
    ...overrides,
  };
}

export function restApi(name: string, overrides: Partial<RestApi> = {}): RestApi {
  const id = `${name}-id`;
  return {
    kind: "rest-api",
    arn: `arn:aws:apigateway:${REGION}::/restapis/${id}`,
    ...base(name),
    id,
    stages: ["prod"],
    endpointTypes: ["EDGE"],
    ...overrides,
  };
}

export function httpApi(name: string, overrides: Partial<HttpApi> = {}): HttpApi {
  const id = `${name}-id`;
  return {
    kind: "http-api",
    arn: `arn:aws:apigateway:${REGION}::/apis/${id}`,
    ...base(name),
    id,
    stages: ["$default"],
    ...overrides,
  };
}

export function rule(
  name: string,
  targets: RuleTarget[],
  overrides: Partial<EventBridgeRule> = {},
): EventBridgeRule {
  return {
    kind: "eventbridge-rule",
    arn: `arn:aws:events:${REGION}:${ACCOUNT}:rule/${name}`,
    ...base(name),
    eventBusName: "default",
    state: "ENABLED",
    targets,
    ...overrides,
  };
}

export function topic(
  name: string,
  subscriptions: SnsSubscription[],
  overrides: Partial<SnsTopic> = {},
): SnsTopic {
  return {
    kind: "sns-topic",
    arn: topicArn(name),
    ...base(name),
    fifo: false,
    subscriptions,
    ...overrides,
  };
}

export function subscription(
  topicName: string,
  protocol: string,
  endpoint: string,
  overrides: Partial<SnsSubscription> = {},
): SnsSubscription {
  uuids += 1;
  return { arn: `${topicArn(topicName)}:sub-${uuids}`, protocol, endpoint, ...overrides };
}

export function relation(type: RelationType, from: string, to: string): Relation {
  return { type, from, to };
}

export function inventoryOf(
  resources: readonly Resource[],
  extra: { relations?: readonly Relation[]; lambdaAccount?: LambdaAccountFacts } = {},
): Inventory {
  const sorted = [...resources].sort((a, b) => a.kind.localeCompare(b.kind) || a.arn.localeCompare(b.arn));
  return {
    accountId: ACCOUNT,
    region: REGION,
    discoveredAt: "2025-01-01T00:00:00.000Z",
    resources: sorted,
    relations: [...deriveRelations(sorted), ...(extra.relations ?? [])],
    ...(extra.lambdaAccount ? { lambdaAccount: extra.lambdaAccount } : {}),
    warnings: [],
  };
}

/** The same resource with tags added. */
export function tagged<R extends Resource>(resource: R, tags: Record<string, string>): R {
  return { ...resource, tags: { ...resource.tags, ...tags } };
}
