/** Small builders for hand-made inventories in pure tests: defaults for every required fact. */
import type {
  EventBridgeRule,
  Inventory,
  LambdaFunction,
  Resource,
  SnsTopic,
  SqsQueue,
} from "../../lib/inventory/index.js";
import { deriveRelations } from "../../lib/inventory/index.js";

export const REGION = "us-east-1";
export const ACCOUNT = "111111111111";

export const arnOf = {
  fn: (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`,
  queue: (name: string) => `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`,
  topic: (name: string) => `arn:aws:sns:${REGION}:${ACCOUNT}:${name}`,
  rule: (name: string) => `arn:aws:events:${REGION}:${ACCOUNT}:rule/${name}`,
  table: (name: string) => `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${name}`,
  stream: (name: string) => `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/${name}`,
  logGroup: (name: string) => `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${name}`,
};

const base = { region: REGION, accountId: ACCOUNT, tags: {} } as const;

export function fn(name: string, facts: Partial<LambdaFunction> = {}): LambdaFunction {
  return {
    ...base,
    kind: "lambda-function",
    arn: arnOf.fn(name),
    name,
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

export function queue(name: string, facts: Partial<SqsQueue> = {}): SqsQueue {
  return {
    ...base,
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

export function topic(name: string, facts: Partial<SnsTopic> = {}): SnsTopic {
  return {
    ...base,
    kind: "sns-topic",
    arn: arnOf.topic(name),
    name,
    fifo: false,
    subscriptions: [],
    ...facts,
  };
}

export function rule(name: string, facts: Partial<EventBridgeRule> = {}): EventBridgeRule {
  return {
    ...base,
    kind: "eventbridge-rule",
    arn: arnOf.rule(name),
    name,
    eventBusName: "default",
    state: "ENABLED",
    targets: [],
    ...facts,
  };
}

export function inventoryOf(resources: Resource[]): Inventory {
  return {
    accountId: ACCOUNT,
    region: REGION,
    discoveredAt: "2030-01-01T00:00:00.000Z",
    resources,
    relations: deriveRelations(resources),
    warnings: [],
  };
}
