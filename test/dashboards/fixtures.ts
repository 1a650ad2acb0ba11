/**
 * Inventories for the dashboard tests: a small sample-like account written out by hand, and a seeded
 * generator of accounts of any size and mix, each with the alarms lib/alarms plans for it. Pure data; no AWS.
 */
import { DEFAULT_ALARM_POLICY, planAlarms, type AlarmSpec } from "../../lib/alarms/index.js";
import type {
  DynamoDbTable,
  EventBridgeRule,
  HttpApi,
  Inventory,
  KinesisStream,
  LambdaFunction,
  LogGroup,
  Relation,
  Resource,
  RestApi,
  SqsQueue,
  StateMachine,
  Tags,
  WebSocketApi,
} from "../../lib/inventory/types.js";

export const ACCOUNT = "123456789012";
export const DISCOVERED_AT = "2025-01-01T00:00:00.000Z";

/** Builds resources of one account and region, with ARNs the way AWS writes them. */
export class AccountBuilder {
  readonly resources: Resource[] = [];
  readonly relations: Relation[] = [];

  constructor(
    readonly region: string,
    readonly accountId = ACCOUNT,
  ) {}

  private base(name: string, arn: string, tags: Tags = {}) {
    return { name, arn, region: this.region, accountId: this.accountId, tags };
  }

  fn(name: string, options: { tags?: Tags; sourceArn?: string } = {}): LambdaFunction {
    const arn = `arn:aws:lambda:${this.region}:${this.accountId}:function:${name}`;
    const fn: LambdaFunction = {
      kind: "lambda-function",
      ...this.base(name, arn, options.tags),
      runtime: "nodejs20.x",
      packageType: "Zip",
      timeoutSeconds: 30,
      memoryMb: 256,
      reservedConcurrency: "unset",
      eventSources: options.sourceArn
        ? [
            {
              uuid: `uuid-${name}`,
              sourceArn: options.sourceArn,
              sourceKind: "sqs",
              state: "Enabled",
              batchSize: 10,
            },
          ]
        : [],
      logGroupName: `/aws/lambda/${name}`,
      logFormat: "Text",
    };
    this.resources.push(fn);
    if (options.sourceArn) this.relations.push({ type: "event-source", from: arn, to: options.sourceArn });
    return fn;
  }

  queue(name: string, options: { dlq?: SqsQueue; tags?: Tags } = {}): SqsQueue {
    const arn = `arn:aws:sqs:${this.region}:${this.accountId}:${name}`;
    const queue: SqsQueue = {
      kind: "sqs-queue",
      ...this.base(name, arn, options.tags),
      url: `https://sqs.${this.region}.amazonaws.com/${this.accountId}/${name}`,
      fifo: name.endsWith(".fifo"),
      visibilityTimeoutSeconds: 180,
      messageRetentionSeconds: 345_600,
      ...(options.dlq ? { redrivePolicy: { deadLetterTargetArn: options.dlq.arn, maxReceiveCount: 5 } } : {}),
      encryption: "sqs-managed",
      approximateMessages: 0,
      approximateMessagesNotVisible: 0,
    };
    this.resources.push(queue);
    if (options.dlq) this.relations.push({ type: "dead-letter-queue", from: arn, to: options.dlq.arn });
    return queue;
  }

  stream(name: string): KinesisStream {
    const stream: KinesisStream = {
      kind: "kinesis-stream",
      ...this.base(name, `arn:aws:kinesis:${this.region}:${this.accountId}:stream/${name}`),
      retentionHours: 24,
      openShards: 2,
      mode: "PROVISIONED",
      encryption: "kms",
      consumers: [],
    };
    this.resources.push(stream);
    return stream;
  }

  table(name: string): DynamoDbTable {
    const table: DynamoDbTable = {
      kind: "dynamodb-table",
      ...this.base(name, `arn:aws:dynamodb:${this.region}:${this.accountId}:table/${name}`),
      billingMode: "PAY_PER_REQUEST",
      status: "ACTIVE",
    };
    this.resources.push(table);
    return table;
  }

  restApi(name: string, id: string): RestApi {
    const api: RestApi = {
      kind: "rest-api",
      ...this.base(name, `arn:aws:apigateway:${this.region}::/restapis/${id}`),
      id,
      stages: ["prod"],
      endpointTypes: ["REGIONAL"],
    };
    this.resources.push(api);
    return api;
  }

  httpApi(name: string, id: string): HttpApi {
    const api: HttpApi = {
      kind: "http-api",
      ...this.base(name, `arn:aws:apigateway:${this.region}::/apis/${id}`),
      id,
      stages: ["$default"],
    };
    this.resources.push(api);
    return api;
  }

  webSocketApi(name: string, id: string): WebSocketApi {
    const api: WebSocketApi = {
      kind: "websocket-api",
      ...this.base(name, `arn:aws:apigateway:${this.region}::/apis/${id}`),
      id,
      stages: ["production"],
    };
    this.resources.push(api);
    return api;
  }

  stateMachine(name: string): StateMachine {
    const machine: StateMachine = {
      kind: "state-machine",
      ...this.base(name, `arn:aws:states:${this.region}:${this.accountId}:stateMachine:${name}`),
      type: "STANDARD",
    };
    this.resources.push(machine);
    return machine;
  }

  rule(name: string, bus = "default", targetArn?: string): EventBridgeRule {
    const path = bus === "default" ? `rule/${name}` : `rule/${bus}/${name}`;
    const rule: EventBridgeRule = {
      kind: "eventbridge-rule",
      ...this.base(name, `arn:aws:events:${this.region}:${this.accountId}:${path}`),
      eventBusName: bus,
      state: "ENABLED",
      targets: targetArn ? [{ id: "1", arn: targetArn }] : [],
    };
    this.resources.push(rule);
    return rule;
  }

  logGroup(name: string): LogGroup {
    const group: LogGroup = {
      kind: "log-group",
      ...this.base(name, `arn:aws:logs:${this.region}:${this.accountId}:log-group:${name}`),
      retentionInDays: 30,
    };
    this.resources.push(group);
    return group;
  }

  inventory(options: { lambdaLimit?: number } = {}): Inventory {
    const byKindThenArn = (a: Resource, b: Resource) =>
      a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0;
    return {
      accountId: this.accountId,
      region: this.region,
      discoveredAt: DISCOVERED_AT,
      resources: [...this.resources].sort(byKindThenArn),
      relations: [...this.relations],
      ...(options.lambdaLimit !== undefined
        ? {
            lambdaAccount: {
              concurrentExecutions: options.lambdaLimit,
              unreservedConcurrentExecutions: options.lambdaLimit - 100,
            },
          }
        : {}),
      warnings: [],
    };
  }
}

/**
 * A small serverless account like the demo's: an order pipeline (API → function → queue → worker, with a
 * DLQ, and a WebSocket API for order updates), a clickstream on Kinesis, a table, a workflow and two rules.
 */
export function sampleInventory(region = "us-east-1"): Inventory {
  const b = new AccountBuilder(region);
  const ordersDlq = b.queue("orders-dlq");
  const orders = b.queue("orders", { dlq: ordersDlq });
  b.queue("notifications");
  const clicks = b.stream("clickstream");
  b.fn("api-handler");
  b.fn("order-worker", { sourceArn: orders.arn });
  b.fn("click-processor");
  b.fn("nightly-report", { tags: { "watchkeeper:ignore": "true" } });
  b.table("orders-table");
  b.restApi("orders-api", "a1b2c3d4e5");
  b.httpApi("webhooks", "f6g7h8i9j0");
  b.webSocketApi("order-updates", "k1l2m3n4o5");
  b.stateMachine("fulfilment");
  b.rule("nightly-report-schedule");
  b.rule("order-events", "commerce", clicks.arn);
  b.logGroup("/aws/lambda/api-handler");
  return b.inventory({ lambdaLimit: 1000 });
}

/** The alarms lib/alarms plans for an inventory with the default policy: the plan's desired specs. */
export function plannedAlarms(inventory: Inventory): readonly AlarmSpec[] {
  return planAlarms(inventory, DEFAULT_ALARM_POLICY, []).desired;
}

/** An alarm's ARN in the inventory's account and region, written out as CloudWatch does. */
export function arnOf(inventory: Inventory, name: string): string {
  return `arn:aws:cloudwatch:${inventory.region}:${inventory.accountId}:alarm:${name}`;
}

/** mulberry32: a seeded generator so every run builds the same accounts. */
export function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GeneratedAccount {
  readonly inventory: Inventory;
  readonly alarms: readonly AlarmSpec[];
}

function withPlannedAlarms(inventory: Inventory): GeneratedAccount {
  return { inventory, alarms: plannedAlarms(inventory) };
}

const NAME_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789-_";

/**
 * An account of about `size` resources in a random mix: some kinds absent, some with a handful, some
 * with hundreds; about a fifth of the queues are DLQs; a few resources are ignored by tag.
 */
export function generateInventory(seed: number, size: number, region = "eu-west-1"): GeneratedAccount {
  const random = rng(seed);
  const int = (n: number) => Math.floor(random() * n);
  const name = (stem: string, i: number) => {
    let suffix = "";
    for (let k = 0; k < 1 + int(12); k++) suffix += NAME_CHARS[int(NAME_CHARS.length)];
    return `${stem}-${i}-${suffix}`;
  };
  const tags = (): Tags => (random() < 0.03 ? { "watchkeeper:ignore": "true" } : {});
  const b = new AccountBuilder(region);
  const kinds = ["fn", "queue", "stream", "table", "rest", "http", "machine", "rule", "log"] as const;
  // Random weights, some zero, so mixes range from one kind to all of them.
  const weights = kinds.map(() => (random() < 0.25 ? 0 : random()));
  const total = weights.reduce((a, w) => a + w, 0) || 1;
  const dlqs: SqsQueue[] = [];
  for (const [k, kind] of kinds.entries()) {
    const n = Math.round((size * weights[k]!) / total);
    for (let i = 0; i < n; i++) {
      const nm = name(kind, i);
      switch (kind) {
        case "fn":
          b.fn(nm, { tags: tags() });
          break;
        case "queue":
          if (random() < 0.2) dlqs.push(b.queue(`${nm}-dlq`, { tags: tags() }));
          else
            b.queue(nm, {
              tags: tags(),
              ...(dlqs.length > 0 && random() < 0.7 ? { dlq: dlqs[int(dlqs.length)]! } : {}),
            });
          break;
        case "stream":
          b.stream(nm);
          break;
        case "table":
          b.table(nm);
          break;
        case "rest":
          b.restApi(nm, `r${seed}x${i}`);
          break;
        case "http":
          // One v2 API in four is a WebSocket API (by position: the random draws stay the same).
          if (i % 4 === 3) b.webSocketApi(nm, `w${seed}x${i}`);
          else b.httpApi(nm, `h${seed}x${i}`);
          break;
        case "machine":
          b.stateMachine(nm);
          break;
        case "rule":
          b.rule(nm, random() < 0.3 ? `bus-${int(5)}` : "default");
          break;
        case "log":
          b.logGroup(`/aws/lambda/${nm}`);
          break;
      }
    }
  }
  // A DLQ must be some queue's target to count as one.
  for (const dlq of dlqs) {
    if (!b.relations.some((r) => r.to === dlq.arn)) b.queue(`${dlq.name}-src`, { dlq });
  }
  return withPlannedAlarms(b.inventory(random() < 0.8 ? { lambdaLimit: 1000 + int(9000) } : {}));
}

/**
 * An account of `size` resources in a fixed, plausible mix (30 % functions, 20 % queues of which a
 * fifth are DLQs, 10 % tables, 10 % rules, 10 % log groups, 5 % each streams, REST APIs, HTTP and
 * WebSocket APIs (three to one) and state machines).
 */
export function balancedInventory(size: number, region = "us-east-2"): GeneratedAccount {
  const b = new AccountBuilder(region);
  const share = (fraction: number) => Math.round(size * fraction);
  for (let i = 0; i < share(0.3); i++) b.fn(`service-${i}-handler`);
  const queues = share(0.2);
  const dlqs: SqsQueue[] = [];
  for (let i = 0; i < queues / 5; i++) dlqs.push(b.queue(`jobs-${i}-dlq`));
  for (let i = dlqs.length; i < queues; i++) b.queue(`jobs-${i}`, { dlq: dlqs[i % dlqs.length]! });
  for (let i = 0; i < share(0.05); i++) b.stream(`events-${i}`);
  for (let i = 0; i < share(0.1); i++) b.table(`table-${i}`);
  for (let i = 0; i < share(0.05); i++) b.restApi(`rest-${i}`, `rest${i}`);
  // One v2 API in four is a WebSocket API.
  for (let i = 0; i < share(0.05); i++)
    if (i % 4 === 3) b.webSocketApi(`ws-${i}`, `ws${i}`);
    else b.httpApi(`http-${i}`, `http${i}`);
  for (let i = 0; i < share(0.05); i++) b.stateMachine(`flow-${i}`);
  for (let i = 0; i < share(0.1); i++) b.rule(`rule-${i}`, i % 3 === 0 ? "orders" : "default");
  for (let i = b.resources.length; i < size; i++) b.logGroup(`/aws/lambda/service-${i}-handler`);
  return withPlannedAlarms(b.inventory({ lambdaLimit: 5000 }));
}
