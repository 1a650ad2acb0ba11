/**
 * Deterministic accounts of any size for benchmarks: a realistic mix of serverless resources spread over
 * many small apps, with the relations discovery must follow (event sources, shared DLQs, async configs,
 * rule targets, subscriptions, a log group per function). Same seed, same account.
 */
import { SimAccount, type SimAccountOptions } from "./account.js";
import { Rng } from "./random.js";
import type { SimQueue } from "./state.js";

export interface GenerateOptions extends SimAccountOptions {
  /** How many resources (functions, queues, streams, tables, APIs, state machines, rules, topics, log groups). */
  readonly resources: number;
  readonly seed?: number;
}

/** Share of each kind in a generated account (sums to 1; log groups absorb rounding). */
const MIX = {
  functions: 0.28,
  queues: 0.14,
  tables: 0.06,
  streams: 0.03,
  restApis: 0.03,
  /** API Gateway v2 APIs: three HTTP APIs to one WebSocket API. */
  v2Apis: 0.02,
  stateMachines: 0.04,
  rules: 0.05,
  topics: 0.03,
} as const;

/** TimeoutSeconds of generated state machines: Express executions run at most 5 minutes anyway. */
const STATE_MACHINE_TIMEOUTS = {
  STANDARD: [300, 900, 3600, 86_400],
  EXPRESS: [30, 60, 120, 300],
} as const;

const APPS = [
  "orders",
  "payments",
  "billing",
  "inventory",
  "shipping",
  "users",
  "auth",
  "search",
  "catalog",
  "reviews",
  "notifications",
  "analytics",
  "reports",
  "checkout",
  "cart",
  "pricing",
  "ledger",
  "fraud",
  "emails",
  "media",
];
const ROLES = [
  "api",
  "worker",
  "consumer",
  "processor",
  "handler",
  "sync",
  "export",
  "import",
  "scheduler",
  "webhook",
];
const RETENTION = [
  undefined,
  undefined,
  undefined,
  1,
  3,
  7,
  14,
  14,
  30,
  30,
  90,
  180,
  365,
  731,
  3653,
] as const;
const RESERVED = [1, 2, 5, 10, 20, 50] as const;

export function generateAccount(options: GenerateOptions): SimAccount {
  const { resources, seed = 1, ...accountOptions } = options;
  if (!Number.isInteger(resources) || resources < 20)
    throw new Error(`resources must be an integer ≥ 20, got ${resources}`);
  const rng = new Rng(seed);
  const counts = Object.fromEntries(
    Object.entries(MIX).map(([kind, share]) => [kind, Math.floor(resources * share)]),
  ) as Record<keyof typeof MIX, number>;
  // Log groups take the rest: one per function plus groups of their own (about 4 %).
  const logGroups = resources - Object.values(counts).reduce((a, b) => a + b, 0);
  const sim = new SimAccount({
    seed: `generated-${seed}`,
    // Large accounts have their concurrency limit raised; room for the reserved values below.
    lambdaConcurrencyLimit: Math.max(1000, Math.ceil(counts.functions / 1000) * 1000),
    ...accountOptions,
  });
  let serial = 0;
  const name = (app: string, role: string) => `${app}-${role}-${(serial++).toString(36).padStart(4, "0")}`;
  const appOf = () => rng.pick(APPS);
  const tags = (app: string): Record<string, string> => {
    const t: Record<string, string> = { team: app, env: rng.chance(0.8) ? "prod" : "staging" };
    if (rng.chance(0.01)) t["watchkeeper:ignore"] = "true";
    return t;
  };

  // Queues: about a third are DLQs, several of them shared by more than one source queue; a few FIFO.
  const dlqCount = Math.max(1, Math.floor(counts.queues * 0.3));
  const dlqs: SimQueue[] = [];
  const fifoDlqs: SimQueue[] = [];
  for (let i = 0; i < dlqCount; i++) {
    const app = appOf();
    const fifo = i % 20 === 0;
    const dlq = sim.addQueue({
      name: `${name(app, "dlq")}${fifo ? ".fifo" : ""}`,
      messageRetentionPeriod: 1_209_600,
      tags: tags(app),
    });
    (fifo ? fifoDlqs : dlqs).push(dlq);
  }
  const queues: SimQueue[] = [];
  for (let i = dlqCount; i < counts.queues; i++) {
    const app = appOf();
    const fifo = fifoDlqs.length > 0 && rng.chance(0.05);
    const pool = fifo ? fifoDlqs : dlqs;
    const withDlq = pool.length > 0 && rng.chance(0.75);
    queues.push(
      sim.addQueue({
        name: `${name(app, "queue")}${fifo ? ".fifo" : ""}`,
        visibilityTimeout: rng.pick([30, 60, 120, 300, 900]),
        ...(withDlq ? { deadLetterQueue: rng.pick(pool).arn, maxReceiveCount: rng.pick([3, 5, 10]) } : {}),
        ...(rng.chance(0.1) ? { encryption: "kms" as const, kmsMasterKeyId: "alias/app-queues" } : {}),
        tags: tags(app),
      }),
    );
  }

  const streams = Array.from({ length: counts.streams }, () => {
    const app = appOf();
    const mode = rng.chance(0.3) ? ("ON_DEMAND" as const) : ("PROVISIONED" as const);
    const consumers = Array.from({ length: rng.int(3) }, (_, i) => `${app}-efo-${i}`);
    return sim.addStream({
      name: name(app, "stream"),
      mode,
      shardCount: mode === "ON_DEMAND" ? 4 : rng.between(1, 8),
      consumers,
      tags: tags(app),
    });
  });
  const tableStreams: string[] = [];
  for (let i = 0; i < counts.tables; i++) {
    const app = appOf();
    const table = sim.addTable({
      name: name(app, "table"),
      billingMode: rng.chance(0.7) ? "PAY_PER_REQUEST" : "PROVISIONED",
      ...(rng.chance(0.5) ? { stream: "NEW_AND_OLD_IMAGES" as const } : {}),
      itemCount: rng.int(10_000_000),
      tags: tags(app),
    });
    if (table.stream) tableStreams.push(table.stream.arn);
  }

  // Functions: SQS consumers, stream consumers, async workers, API handlers; one log group each.
  let reservedBudget = sim.lambdaConcurrencyLimit - sim.minimumUnreservedConcurrency - 100;
  let unconsumed = [...queues];
  const functionArns: string[] = [];
  for (let i = 0; i < counts.functions; i++) {
    const app = appOf();
    const fnName = name(app, rng.pick(ROLES));
    const kind = rng.next();
    const reserved = rng.chance(0.03) ? rng.pick(RESERVED) : undefined;
    const canReserve = reserved !== undefined && reserved <= reservedBudget;
    if (canReserve) reservedBudget -= reserved;
    const custom = rng.chance(0.02) ? `/app/${app}/${fnName}` : undefined;
    const async = kind >= 0.4 && kind < 0.6;
    const dlqArn = async && dlqs.length > 0 && rng.chance(0.4) ? rng.pick(dlqs).arn : undefined;
    const fnTags = tags(app);
    if (rng.chance(0.005)) fnTags["watchkeeper:breaker"] = "on";
    const fn = sim.addFunction({
      name: fnName,
      runtime: rng.pick(["nodejs20.x", "nodejs22.x", "python3.12", "python3.13", "java21"]),
      memorySize: rng.pick([128, 256, 512, 1024, 2048]),
      timeout: rng.pick([3, 10, 30, 60, 300, 900]),
      ...(custom ? { logGroup: custom } : {}),
      ...(dlqArn ? { deadLetterTargetArn: dlqArn } : {}),
      ...(async && rng.chance(0.5)
        ? {
            eventInvokeConfig: {
              maximumRetryAttempts: rng.pick([0, 1, 2]),
              ...(!dlqArn && dlqs.length > 0 && rng.chance(0.5) ? { onFailure: rng.pick(dlqs).arn } : {}),
            },
          }
        : {}),
      ...(canReserve ? { reservedConcurrency: reserved } : {}),
      tags: fnTags,
    });
    functionArns.push(fn.arn);
    if (kind < 0.3 && queues.length > 0) {
      if (unconsumed.length === 0) unconsumed = [...queues];
      const queue = unconsumed.splice(rng.int(unconsumed.length), 1)[0]!;
      sim.addEventSourceMapping({
        functionName: fnName,
        eventSourceArn: queue.arn,
        batchSize: rng.pick([1, 5, 10]),
        enabled: rng.chance(0.97),
      });
    } else if (kind < 0.4 && (streams.length > 0 || tableStreams.length > 0)) {
      const fromKinesis = streams.length > 0 && (tableStreams.length === 0 || rng.chance(0.4));
      sim.addEventSourceMapping({
        functionName: fnName,
        eventSourceArn: fromKinesis ? rng.pick(streams).arn : rng.pick(tableStreams),
        startingPosition: "LATEST",
        maximumRetryAttempts: rng.pick([-1, -1, 2, 5]),
        bisectBatchOnFunctionError: rng.chance(0.5),
        ...(dlqs.length > 0 && rng.chance(0.5) ? { onFailureDestination: rng.pick(dlqs).arn } : {}),
      });
    }
    const retention = rng.pick(RETENTION);
    sim.addLogGroup({
      name: custom ?? `/aws/lambda/${fnName}`,
      storedBytes: rng.int(5_000_000_000),
      ...(retention ? { retentionInDays: retention } : {}),
      tags: rng.chance(0.2) ? { team: app } : {},
    });
  }

  for (let i = 0; i < counts.restApis; i++) {
    const app = appOf();
    sim.addRestApi({
      name: name(app, "rest-api"),
      stages: rng.chance(0.5) ? ["prod"] : ["prod", "staging"],
      tags: tags(app),
    });
  }
  for (let i = 0; i < counts.v2Apis; i++) {
    const app = appOf();
    // Chosen by position, not drawn: the rest of the account stays what the same seed always made.
    if (i % 4 === 3)
      sim.addHttpApi({ name: name(app, "ws-api"), protocolType: "WEBSOCKET", tags: tags(app) });
    else sim.addHttpApi({ name: name(app, "http-api"), tags: tags(app) });
  }
  for (let i = 0; i < counts.stateMachines; i++) {
    const app = appOf();
    const type = rng.chance(0.3) ? "EXPRESS" : "STANDARD";
    sim.addStateMachine({
      name: name(app, "workflow"),
      type,
      // Two in three with a TimeoutSeconds, chosen by index so the generator's draws (and every other
      // resource of a seed) stay what they were before definitions had one.
      definition: JSON.stringify({
        StartAt: "Work",
        States: { Work: { Type: "Pass", End: true } },
        ...(i % 3 === 0 ? {} : { TimeoutSeconds: STATE_MACHINE_TIMEOUTS[type][i % 4] }),
      }),
      logLevel: rng.pick(["OFF", "ERROR", "ALL"]),
      tags: tags(app),
    });
  }
  if (counts.rules > 0) sim.addEventBus({ name: "app-events" });
  for (let i = 0; i < counts.rules; i++) {
    const app = appOf();
    const scheduled = rng.chance(0.4);
    sim.addRule({
      name: name(app, scheduled ? "schedule" : "rule"),
      eventBusName: !scheduled && rng.chance(0.3) ? "app-events" : "default",
      ...(scheduled
        ? { scheduleExpression: `rate(${rng.pick([1, 5, 15, 60])} minutes)` }
        : { eventPattern: JSON.stringify({ source: [app] }) }),
      targets: Array.from({ length: rng.between(1, 2) }, (_, t) => ({
        id: `t${t}`,
        arn: rng.pick(functionArns),
        ...(dlqs.length > 0 && rng.chance(0.4) ? { deadLetterArn: rng.pick(dlqs).arn } : {}),
      })),
      tags: tags(app),
    });
  }
  for (let i = 0; i < counts.topics; i++) {
    const app = appOf();
    const topic = sim.addTopic({ name: name(app, "topic"), tags: tags(app) });
    for (let s = rng.int(4); s > 0; s--) {
      const target = rng.next();
      if (target < 0.4 && functionArns.length > 0)
        sim.addSubscription({ topic: topic.arn, protocol: "lambda", endpoint: rng.pick(functionArns) });
      else if (target < 0.8 && queues.length > 0) {
        sim.addSubscription({
          topic: topic.arn,
          protocol: "sqs",
          endpoint: rng.pick(queues).arn,
          ...(dlqs.length > 0 && rng.chance(0.5) ? { deadLetterArn: rng.pick(dlqs).arn } : {}),
        });
      } else
        sim.addSubscription({ topic: topic.arn, protocol: "email", endpoint: `${app}-oncall@example.com` });
    }
  }
  // The rest are log groups that belong to no function (API access logs, vended logs, old apps).
  while (sim.logGroups.size < logGroups) {
    const app = appOf();
    const retention = rng.pick(RETENTION);
    sim.addLogGroup({
      name: `/${rng.pick(["aws/apigateway", "aws/vendedlogs/states", "app", "legacy"])}/${name(app, "logs")}`,
      storedBytes: rng.int(1_000_000_000),
      ...(retention ? { retentionInDays: retention } : {}),
      tags: tags(app),
    });
  }
  return sim;
}
