/**
 * One simulated AWS account in one region: the resources of every service Watchkeeper reads, the alarms,
 * dashboards, metrics, log groups and queued messages it changes, the API quotas it must respect, and a
 * typed seeding API so tests and generators build state directly. Plug it into real SDK clients with
 * `simPlugin(account)`.
 */
import type { PutMetricAlarmInput, StandardUnit, StateValue } from "@aws-sdk/client-cloudwatch";
import type { Clock } from "../aws/clock.js";
import type { AwsService } from "../aws/quotas.js";
import { evaluateSimAlarms, type SimAlarmEvaluation } from "./alarm-evaluation.js";
import { ArnBuilder } from "./arn.js";
import { VirtualClock } from "./clock.js";
import {
  ROLE_NAME,
  SimIam,
  defaultPrincipal,
  type RoleSpec,
  type SimPrincipal,
  type SimRole,
} from "./iam.js";
import { MetricStore, normalizeDimensions } from "./metrics.js";
import type { SimOrganization } from "./organization.js";
import { QuotaBuckets } from "./quotas.js";
import { enqueue, settleMoveTasks } from "./queues.js";
import { Rng } from "./random.js";
import { Registry } from "./registry.js";
import { putMetricAlarm } from "./services/cloudwatch.js";
import type {
  SimAlarm,
  SimAlarmHistoryItem,
  SimAlarmNotification,
  SimAlarmStateChangeEvent,
  SimBusEvent,
  SimDashboard,
  SimEventBus,
  SimEventSourceMapping,
  SimFunction,
  SimHttpApi,
  SimLogGroup,
  SimMessage,
  SimMoveTask,
  SimPutEvent,
  SimQueue,
  SimRestApi,
  SimRule,
  SimStage,
  SimStateMachine,
  SimStream,
  SimSubscription,
  SimTable,
  SimTopic,
  Tags,
} from "./state.js";

export interface SimAccountOptions {
  /** Default 123456789012. */
  readonly accountId?: string;
  /** Default us-east-1. */
  readonly region?: string;
  /** Share one with `new Aws({ clock })` so the pacer and the quota buckets see the same time. */
  readonly clock?: Clock;
  /** Throttle calls above the quotas in `lib/aws/quotas.ts` (default true). */
  readonly enforceQuotas?: boolean;
  /** Lambda's account concurrency limit (default 1000). */
  readonly lambdaConcurrencyLimit?: number;
  /** Seeds the ids (UUIDs, message ids, API ids) the account makes up. */
  readonly seed?: number | string;
  /**
   * How far back a Metrics Insights query in GetMetricData reads (default two weeks, as the API reference now
   * says; "three-hours" is what it said before, and still the limit for alarm evaluation).
   */
  readonly metricsInsightsLookback?: "two-weeks" | "three-hours";
  /** The account's IAM, shared by its regions (IAM is global); default: its own. */
  readonly iam?: SimIam;
  /** The organization the account belongs to (set by `SimOrganization`, which makes its accounts). */
  readonly organization?: SimOrganization;
}

export interface SimApiStats {
  readonly service: AwsService;
  readonly api: string;
  calls: number;
  /** Calls rejected with the service's throttling error. */
  throttled: number;
  /** Calls that failed for any other reason. */
  errors: number;
  /** Attempts failed by an injected fault (`lib/sim/faults.ts`) instead of being answered: not in `calls`. */
  faults: number;
}

// ── Seeding specs: only the name is required; everything else has AWS's default ───────────────────

export interface FunctionSpec {
  readonly name: string;
  readonly runtime?: string;
  readonly handler?: string;
  readonly packageType?: "Zip" | "Image";
  readonly memorySize?: number;
  readonly timeout?: number;
  readonly description?: string;
  readonly role?: string;
  readonly architectures?: ("x86_64" | "arm64")[];
  readonly logFormat?: "Text" | "JSON";
  /** Advanced logging: a log group other than `/aws/lambda/<name>`. */
  readonly logGroup?: string;
  readonly deadLetterTargetArn?: string;
  readonly environment?: Record<string, string>;
  readonly reservedConcurrency?: number;
  readonly eventInvokeConfig?: {
    readonly maximumRetryAttempts?: number;
    readonly maximumEventAgeInSeconds?: number;
    readonly onSuccess?: string;
    readonly onFailure?: string;
  };
  readonly tags?: Tags;
}

export interface EventSourceMappingSpec {
  readonly functionName: string;
  readonly eventSourceArn: string;
  readonly enabled?: boolean;
  readonly batchSize?: number;
  readonly maximumBatchingWindowInSeconds?: number;
  readonly startingPosition?: "TRIM_HORIZON" | "LATEST" | "AT_TIMESTAMP";
  readonly maximumRetryAttempts?: number;
  readonly maximumRecordAgeInSeconds?: number;
  readonly bisectBatchOnFunctionError?: boolean;
  readonly parallelizationFactor?: number;
  readonly onFailureDestination?: string;
  readonly reportBatchItemFailures?: boolean;
}

export interface QueueSpec {
  /** Ends in `.fifo` for a FIFO queue. */
  readonly name: string;
  readonly visibilityTimeout?: number;
  readonly messageRetentionPeriod?: number;
  readonly delaySeconds?: number;
  readonly maximumMessageSize?: number;
  readonly receiveMessageWaitTimeSeconds?: number;
  /** Name or ARN of the dead-letter queue (must exist and be of the same type). */
  readonly deadLetterQueue?: string;
  /** Default 5. */
  readonly maxReceiveCount?: number;
  /** Default "sqs-managed" (SSE-SQS is on for new queues). */
  readonly encryption?: "sqs-managed" | "kms" | "none";
  readonly kmsMasterKeyId?: string;
  readonly contentBasedDeduplication?: boolean;
  readonly tags?: Tags;
}

export interface MessageSpec {
  readonly body: string;
  readonly groupId?: string;
  readonly deduplicationId?: string;
  readonly delaySeconds?: number;
  /** Seeds a DLQ message as if a redrive policy had moved it here from this queue (name or ARN). */
  readonly fromQueue?: string;
  readonly receiveCount?: number;
}

export interface StreamSpec {
  readonly name: string;
  readonly shardCount?: number;
  readonly mode?: "PROVISIONED" | "ON_DEMAND";
  readonly retentionHours?: number;
  readonly encryption?: "NONE" | "KMS";
  /** Enhanced fan-out consumer names. */
  readonly consumers?: readonly string[];
  readonly tags?: Tags;
}

export interface TableSpec {
  readonly name: string;
  readonly billingMode?: "PROVISIONED" | "PAY_PER_REQUEST";
  readonly partitionKey?: string;
  readonly sortKey?: string;
  /** Enables a stream with this view type. */
  readonly stream?: "KEYS_ONLY" | "NEW_IMAGE" | "OLD_IMAGE" | "NEW_AND_OLD_IMAGES";
  readonly itemCount?: number;
  readonly sizeBytes?: number;
  readonly tags?: Tags;
}

export interface RestApiSpec {
  readonly name: string;
  readonly description?: string;
  readonly endpointTypes?: ("REGIONAL" | "EDGE" | "PRIVATE")[];
  /** Default ["prod"]. */
  readonly stages?: readonly string[];
  readonly tags?: Tags;
}

/** An API Gateway v2 API: HTTP (the default) or WebSocket. */
export interface HttpApiSpec {
  readonly name: string;
  readonly protocolType?: "HTTP" | "WEBSOCKET";
  /** Default ["$default"] for HTTP APIs, ["production"] for WebSocket APIs (deployed to named stages). */
  readonly stages?: readonly string[];
  readonly tags?: Tags;
}

export interface StateMachineSpec {
  readonly name: string;
  readonly type?: "STANDARD" | "EXPRESS";
  readonly definition?: string;
  readonly logLevel?: "ALL" | "ERROR" | "FATAL" | "OFF";
  readonly tracing?: boolean;
  /** The definition is encrypted with a customer managed key; `callerCanDecrypt` false: the caller lacks kms:Decrypt on it. */
  readonly customerKey?: { readonly keyId: string; readonly callerCanDecrypt: boolean };
  readonly tags?: Tags;
}

export interface RuleSpec {
  readonly name: string;
  /** Default "default". */
  readonly eventBusName?: string;
  readonly state?: "ENABLED" | "DISABLED";
  readonly description?: string;
  readonly scheduleExpression?: string;
  readonly eventPattern?: string;
  readonly targets?: readonly {
    readonly id?: string;
    readonly arn: string;
    readonly deadLetterArn?: string;
    readonly maximumRetryAttempts?: number;
    readonly maximumEventAgeInSeconds?: number;
  }[];
  readonly tags?: Tags;
}

export interface TopicSpec {
  /** Ends in `.fifo` for a FIFO topic. */
  readonly name: string;
  readonly displayName?: string;
  readonly kmsMasterKeyId?: string;
  readonly tags?: Tags;
}

export interface SubscriptionSpec {
  /** Topic name or ARN. */
  readonly topic: string;
  readonly protocol: "lambda" | "sqs" | "email" | "https" | "http" | "sms" | "firehose" | "application";
  readonly endpoint: string;
  readonly deadLetterArn?: string;
  readonly rawMessageDelivery?: boolean;
  readonly filterPolicy?: string;
}

export interface LogGroupSpec {
  readonly name: string;
  readonly retentionInDays?: number;
  readonly storedBytes?: number;
  readonly logGroupClass?: "STANDARD" | "INFREQUENT_ACCESS" | "DELIVERY";
  readonly kmsKeyId?: string;
  readonly tags?: Tags;
}

export type AlarmSpec = PutMetricAlarmInput & { readonly state?: StateValue; readonly stateReason?: string };

export interface MetricSpec {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions?: Readonly<Record<string, string>>;
  /** One point per value, all at `timestamp` (default now). */
  readonly values: readonly number[];
  readonly timestamp?: number;
  readonly unit?: StandardUnit;
}

export class SimAccount {
  readonly accountId: string;
  readonly region: string;
  readonly clock: Clock;
  readonly arns: ArnBuilder;
  readonly random: Rng;
  readonly quotas: QuotaBuckets;
  readonly enforceQuotas: boolean;
  readonly lambdaConcurrencyLimit: number;
  readonly metricsInsightsLookback: "two-weeks" | "three-hours";
  /** AWS keeps at least this much of the account's concurrency unreserved. */
  readonly minimumUnreservedConcurrency = 100;
  /** Roles, shared by every region of the account. */
  readonly iam: SimIam;
  /** Who calls with the account's own credentials (see `defaultPrincipal`). */
  readonly principal: SimPrincipal;
  readonly organization?: SimOrganization;

  readonly functions = new Registry<SimFunction>();
  readonly eventSourceMappings = new Registry<SimEventSourceMapping>();
  readonly queues = new Registry<SimQueue>();
  /** Oldest first. */
  readonly moveTasks: SimMoveTask[] = [];
  readonly streams = new Registry<SimStream>();
  readonly tables = new Registry<SimTable>();
  readonly restApis = new Registry<SimRestApi>();
  readonly httpApis = new Registry<SimHttpApi>();
  readonly stateMachines = new Registry<SimStateMachine>();
  readonly eventBuses = new Registry<SimEventBus>();
  /** Keyed `<bus>/<rule>`, so a bus's rules are one key range. */
  readonly rules = new Registry<SimRule>();
  readonly topics = new Registry<SimTopic>();
  readonly subscriptions = new Registry<SimSubscription>();
  readonly logGroups = new Registry<SimLogGroup>();
  readonly alarms = new Registry<SimAlarm>();
  readonly dashboards = new Registry<SimDashboard>();
  readonly metrics = new MetricStore();
  /** What alarm state changes caused, oldest first: DescribeAlarmHistory's StateUpdate items, */
  readonly alarmHistory: SimAlarmHistoryItem[] = [];
  /** what the alarms' SNS actions published (or failed to), */
  readonly notifications: SimAlarmNotification[] = [];
  /** and the events CloudWatch sent to EventBridge. */
  readonly alarmEvents: SimAlarmStateChangeEvent[] = [];
  /** What PutEvents put on the account's buses, oldest first (see `eventsOn`). */
  readonly busEvents: SimPutEvent[] = [];

  private readonly apiStats = new Map<string, SimApiStats>();
  private receipts = 0;

  constructor(options: SimAccountOptions = {}) {
    this.accountId = options.accountId ?? "123456789012";
    if (!/^\d{12}$/.test(this.accountId)) throw new Error(`account id "${this.accountId}" must be 12 digits`);
    this.region = options.region ?? "us-east-1";
    this.clock = options.clock ?? new VirtualClock();
    this.arns = new ArnBuilder(this.accountId, this.region);
    this.random = new Rng(options.seed ?? `${this.accountId}/${this.region}`);
    this.quotas = new QuotaBuckets(this.clock);
    this.enforceQuotas = options.enforceQuotas ?? true;
    this.lambdaConcurrencyLimit = options.lambdaConcurrencyLimit ?? 1000;
    this.metricsInsightsLookback = options.metricsInsightsLookback ?? "two-weeks";
    this.iam = options.iam ?? new SimIam();
    this.principal = defaultPrincipal(this.accountId, this.arns.partition);
    if (options.organization) this.organization = options.organization;
    this.addEventBus({ name: "default" });
  }

  // ── Calls and time ──────────────────────────────────────────────────────────────────────────────

  /** Calls per API so far, sorted by service and API. */
  stats(): SimApiStats[] {
    return [...this.apiStats.values()]
      .map((s) => ({ ...s }))
      .sort((a, b) => a.service.localeCompare(b.service) || a.api.localeCompare(b.api));
  }

  /** The counters of one API (created on first use; the dispatcher updates them). */
  statsFor(service: AwsService, api: string): SimApiStats {
    const key = `${service}:${api}`;
    let stats = this.apiStats.get(key);
    if (!stats)
      this.apiStats.set(key, (stats = { service, api, calls: 0, throttled: 0, errors: 0, faults: 0 }));
    return stats;
  }

  resetStats(): void {
    this.apiStats.clear();
  }

  /** Moves virtual time forward (the account must run on a `VirtualClock`) and settles what it drives. */
  advanceTime(ms: number): void {
    if (!(this.clock instanceof VirtualClock))
      throw new Error("advanceTime needs an account on a VirtualClock");
    this.clock.advance(ms);
    this.settle();
  }

  /**
   * Evaluates every alarm against the metrics up to the clock, as CloudWatch would have by now, and applies
   * the state changes not applied by an earlier call (see lib/sim/alarm-evaluation.ts). Explicit, so a test
   * decides when alarms see the metrics it emitted.
   */
  evaluateAlarms(): SimAlarmEvaluation {
    return evaluateSimAlarms(this);
  }

  /** Brings time-driven state (message move tasks) up to the clock; every API call does this first. */
  settle(): void {
    settleMoveTasks(this);
  }

  // ── Lookups shared by services ──────────────────────────────────────────────────────────────────

  queueUrl(name: string): string {
    return `https://sqs.${this.region}.amazonaws.com/${this.accountId}/${name}`;
  }

  queueByArn(arn: string): SimQueue | undefined {
    const name = this.arns.resourceOf("sqs", arn);
    return name === undefined ? undefined : this.queues.get(name);
  }

  /** A queue by name, URL or ARN, after settling move tasks: what tests use to look at messages. */
  queue(ref: string): SimQueue | undefined {
    this.settle();
    if (ref.startsWith("arn:")) return this.queueByArn(ref);
    if (/^https?:\/\//.test(ref)) {
      const [account, name] = new URL(ref).pathname.split("/").filter(Boolean);
      return account === this.accountId && name ? this.queues.get(name) : undefined;
    }
    return this.queues.get(ref);
  }

  /** The events PutEvents put on one bus (by name), oldest first. */
  eventsOn(bus = "default"): SimBusEvent[] {
    return this.busEvents.filter((put) => put.bus === bus).map((put) => put.event);
  }

  topicArn(name: string): string {
    return this.arns.of("sns", name);
  }

  receiptHandle(queue: SimQueue, message: SimMessage): string {
    this.receipts += 1;
    const noise = this.random.chars(24, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
    return Buffer.from(JSON.stringify([queue.arn, message.id, this.receipts, noise])).toString("base64");
  }

  // ── Seeding ─────────────────────────────────────────────────────────────────────────────────────

  addFunction(spec: FunctionSpec): SimFunction {
    requireNew(this.functions, spec.name, "function");
    const now = this.clock.now();
    const config = spec.eventInvokeConfig;
    return this.functions.set(spec.name, {
      name: spec.name,
      arn: this.arns.of("lambda", `function:${spec.name}`),
      ...(spec.packageType === "Image"
        ? {}
        : { runtime: spec.runtime ?? "nodejs20.x", handler: spec.handler ?? "index.handler" }),
      packageType: spec.packageType ?? "Zip",
      role: spec.role ?? `arn:${this.arns.partition}:iam::${this.accountId}:role/${spec.name}-role`,
      description: spec.description ?? "",
      memorySize: spec.memorySize ?? 128,
      timeout: spec.timeout ?? 3,
      codeSize: 1024 + this.random.int(4_000_000),
      architectures: spec.architectures ?? ["x86_64"],
      lastModified: now,
      logFormat: spec.logFormat ?? (spec.logGroup ? "JSON" : "Text"),
      logGroup: spec.logGroup ?? `/aws/lambda/${spec.name}`,
      customLogGroup: spec.logGroup !== undefined,
      ...(spec.deadLetterTargetArn ? { deadLetterTargetArn: spec.deadLetterTargetArn } : {}),
      ...(spec.environment ? { environment: { ...spec.environment } } : {}),
      ...(spec.reservedConcurrency !== undefined ? { reservedConcurrency: spec.reservedConcurrency } : {}),
      ...(config ? { eventInvokeConfig: { ...config, lastModified: now } } : {}),
      tags: { ...spec.tags },
      invocations: [],
    });
  }

  addEventSourceMapping(spec: EventSourceMappingSpec): SimEventSourceMapping {
    if (!this.functions.has(spec.functionName))
      throw new Error(`no function "${spec.functionName}" to map an event source to`);
    const uuid = this.random.uuid();
    const stream = /:(kinesis|dynamodb):/.test(spec.eventSourceArn);
    return this.eventSourceMappings.set(uuid, {
      uuid,
      arn: this.arns.of("lambda", `event-source-mapping:${uuid}`),
      functionName: spec.functionName,
      eventSourceArn: spec.eventSourceArn,
      state: spec.enabled === false ? "Disabled" : "Enabled",
      batchSize: spec.batchSize ?? (stream ? 100 : 10),
      maximumBatchingWindowInSeconds: spec.maximumBatchingWindowInSeconds ?? 0,
      ...(stream
        ? {
            startingPosition: spec.startingPosition ?? "LATEST",
            maximumRetryAttempts: spec.maximumRetryAttempts ?? -1,
            maximumRecordAgeInSeconds: spec.maximumRecordAgeInSeconds ?? -1,
            bisectBatchOnFunctionError: spec.bisectBatchOnFunctionError ?? false,
            parallelizationFactor: spec.parallelizationFactor ?? 1,
          }
        : {}),
      ...(spec.onFailureDestination ? { onFailureDestination: spec.onFailureDestination } : {}),
      ...(spec.reportBatchItemFailures
        ? { functionResponseTypes: ["ReportBatchItemFailures" as const] }
        : {}),
      lastModified: this.clock.now(),
    });
  }

  addQueue(spec: QueueSpec): SimQueue {
    requireNew(this.queues, spec.name, "queue");
    const fifo = spec.name.endsWith(".fifo");
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(fifo ? spec.name.slice(0, -5) : spec.name) || spec.name.length > 80) {
      throw new Error(
        `queue name "${spec.name}" must be 1–80 letters, digits, hyphens or underscores (plus .fifo)`,
      );
    }
    let redrivePolicy: SimQueue["redrivePolicy"];
    if (spec.deadLetterQueue) {
      const dlq = this.queue(spec.deadLetterQueue);
      if (!dlq)
        throw new Error(
          `dead-letter queue "${spec.deadLetterQueue}" of "${spec.name}" does not exist; add it first`,
        );
      if (dlq.fifo !== fifo)
        throw new Error(`dead-letter queue "${dlq.name}" must be of the same type as "${spec.name}"`);
      redrivePolicy = { deadLetterTargetArn: dlq.arn, maxReceiveCount: spec.maxReceiveCount ?? 5 };
    }
    const encryption = spec.encryption ?? (spec.kmsMasterKeyId ? "kms" : "sqs-managed");
    const now = this.clock.now();
    return this.queues.set(spec.name, {
      name: spec.name,
      url: this.queueUrl(spec.name),
      arn: this.arns.of("sqs", spec.name),
      fifo,
      createdAt: now,
      lastModified: now,
      visibilityTimeout: spec.visibilityTimeout ?? 30,
      messageRetentionPeriod: spec.messageRetentionPeriod ?? 345_600,
      delaySeconds: spec.delaySeconds ?? 0,
      maximumMessageSize: spec.maximumMessageSize ?? 262_144,
      receiveMessageWaitTimeSeconds: spec.receiveMessageWaitTimeSeconds ?? 0,
      ...(redrivePolicy ? { redrivePolicy } : {}),
      sqsManagedSse: encryption === "sqs-managed",
      ...(encryption === "kms" ? { kmsMasterKeyId: spec.kmsMasterKeyId ?? "alias/aws/sqs" } : {}),
      contentBasedDeduplication: spec.contentBasedDeduplication ?? false,
      tags: { ...spec.tags },
      messages: [],
      deduplication: new Map(),
      sequence: 0,
    });
  }

  /** Puts a message straight into a queue (e.g. a DLQ message that came from `fromQueue`). */
  addMessage(queueRef: string, spec: MessageSpec): SimMessage {
    const queue = this.queue(queueRef);
    if (!queue) throw new Error(`no queue "${queueRef}" to add a message to`);
    if (queue.fifo && spec.groupId === undefined)
      throw new Error(`a message for FIFO queue "${queue.name}" needs a groupId`);
    const from = spec.fromQueue === undefined ? undefined : this.queue(spec.fromQueue);
    if (spec.fromQueue !== undefined && !from) throw new Error(`no source queue "${spec.fromQueue}"`);
    return enqueue(this, queue, {
      body: spec.body,
      ...(spec.groupId !== undefined ? { groupId: spec.groupId } : {}),
      deduplicationId: spec.deduplicationId ?? (queue.fifo ? this.random.uuid() : undefined),
      ...(spec.delaySeconds !== undefined ? { delaySeconds: spec.delaySeconds } : {}),
      ...(from ? { deadLetterSourceArn: from.arn } : {}),
      ...(spec.receiveCount !== undefined ? { receiveCount: spec.receiveCount } : {}),
    });
  }

  addStream(spec: StreamSpec): SimStream {
    requireNew(this.streams, spec.name, "stream");
    const now = this.clock.now();
    const arn = this.arns.of("kinesis", `stream/${spec.name}`);
    return this.streams.set(spec.name, {
      name: spec.name,
      arn,
      createdAt: now,
      status: "ACTIVE",
      mode: spec.mode ?? "PROVISIONED",
      shardCount: spec.shardCount ?? (spec.mode === "ON_DEMAND" ? 4 : 1),
      retentionHours: spec.retentionHours ?? 24,
      encryption: spec.encryption ?? "NONE",
      ...(spec.encryption === "KMS" ? { keyId: "alias/aws/kinesis" } : {}),
      consumers: (spec.consumers ?? []).map((name) => ({
        name,
        arn: `${arn}/consumer/${name}:${Math.floor(now / 1000)}`,
        createdAt: now,
        status: "ACTIVE" as const,
      })),
      tags: { ...spec.tags },
    });
  }

  addTable(spec: TableSpec): SimTable {
    requireNew(this.tables, spec.name, "table");
    const now = this.clock.now();
    const arn = this.arns.of("dynamodb", `table/${spec.name}`);
    const label = new Date(now).toISOString().replace("Z", "");
    const billingMode = spec.billingMode ?? "PAY_PER_REQUEST";
    return this.tables.set(spec.name, {
      name: spec.name,
      arn,
      id: this.random.uuid(),
      createdAt: now,
      status: "ACTIVE",
      billingMode,
      readCapacity: billingMode === "PROVISIONED" ? 5 : 0,
      writeCapacity: billingMode === "PROVISIONED" ? 5 : 0,
      partitionKey: spec.partitionKey ?? "pk",
      ...(spec.sortKey ? { sortKey: spec.sortKey } : {}),
      ...(spec.stream ? { stream: { arn: `${arn}/stream/${label}`, label, viewType: spec.stream } } : {}),
      itemCount: spec.itemCount ?? 0,
      sizeBytes: spec.sizeBytes ?? 0,
      tags: { ...spec.tags },
    });
  }

  addRestApi(spec: RestApiSpec): SimRestApi {
    const id = this.apiId(this.restApis);
    return this.restApis.set(id, {
      id,
      arn: this.arns.apiGateway(`/restapis/${id}`),
      name: spec.name,
      ...(spec.description ? { description: spec.description } : {}),
      createdAt: this.clock.now(),
      endpointTypes: spec.endpointTypes ?? ["REGIONAL"],
      stages: (spec.stages ?? ["prod"]).map((name) => this.stage(name, false)),
      tags: { ...spec.tags },
    });
  }

  addHttpApi(spec: HttpApiSpec): SimHttpApi {
    const id = this.apiId(this.httpApis);
    const protocolType = spec.protocolType ?? "HTTP";
    return this.httpApis.set(id, {
      id,
      arn: this.arns.apiGateway(`/apis/${id}`),
      name: spec.name,
      protocolType,
      endpoint: `${protocolType === "HTTP" ? "https" : "wss"}://${id}.execute-api.${this.region}.amazonaws.com`,
      createdAt: this.clock.now(),
      stages: (spec.stages ?? [protocolType === "HTTP" ? "$default" : "production"]).map((name) =>
        this.stage(name, true),
      ),
      tags: { ...spec.tags },
    });
  }

  addStateMachine(spec: StateMachineSpec): SimStateMachine {
    requireNew(this.stateMachines, spec.name, "state machine");
    return this.stateMachines.set(spec.name, {
      name: spec.name,
      arn: this.arns.of("states", `stateMachine:${spec.name}`),
      type: spec.type ?? "STANDARD",
      createdAt: this.clock.now(),
      definition:
        spec.definition ?? JSON.stringify({ StartAt: "Done", States: { Done: { Type: "Succeed" } } }),
      roleArn: `arn:${this.arns.partition}:iam::${this.accountId}:role/${spec.name}-role`,
      logLevel: spec.logLevel ?? "OFF",
      tracing: spec.tracing ?? false,
      ...(spec.customerKey ? { customerKey: spec.customerKey } : {}),
      tags: { ...spec.tags },
    });
  }

  addEventBus(spec: { readonly name: string; readonly tags?: Tags }): SimEventBus {
    requireNew(this.eventBuses, spec.name, "event bus");
    return this.eventBuses.set(spec.name, {
      name: spec.name,
      arn: this.arns.of("events", `event-bus/${spec.name}`),
      createdAt: this.clock.now(),
      tags: { ...spec.tags },
    });
  }

  addRule(spec: RuleSpec): SimRule {
    const bus = spec.eventBusName ?? "default";
    if (!this.eventBuses.has(bus))
      throw new Error(`no event bus "${bus}" for rule "${spec.name}"; add it first`);
    requireNew(this.rules, `${bus}/${spec.name}`, "rule");
    if (!spec.scheduleExpression && !spec.eventPattern) {
      throw new Error(`rule "${spec.name}" needs a scheduleExpression or an eventPattern`);
    }
    return this.rules.set(`${bus}/${spec.name}`, {
      name: spec.name,
      arn: this.arns.of("events", bus === "default" ? `rule/${spec.name}` : `rule/${bus}/${spec.name}`),
      eventBusName: bus,
      state: spec.state ?? "ENABLED",
      ...(spec.description ? { description: spec.description } : {}),
      ...(spec.scheduleExpression ? { scheduleExpression: spec.scheduleExpression } : {}),
      ...(spec.eventPattern ? { eventPattern: spec.eventPattern } : {}),
      targets: (spec.targets ?? []).map((t, i) => ({
        id: t.id ?? `target-${i + 1}`,
        arn: t.arn,
        ...(t.deadLetterArn ? { deadLetterArn: t.deadLetterArn } : {}),
        ...(t.maximumRetryAttempts !== undefined ? { maximumRetryAttempts: t.maximumRetryAttempts } : {}),
        ...(t.maximumEventAgeInSeconds !== undefined
          ? { maximumEventAgeInSeconds: t.maximumEventAgeInSeconds }
          : {}),
      })),
      tags: { ...spec.tags },
    });
  }

  addTopic(spec: TopicSpec): SimTopic {
    requireNew(this.topics, spec.name, "topic");
    return this.topics.set(spec.name, {
      name: spec.name,
      arn: this.topicArn(spec.name),
      fifo: spec.name.endsWith(".fifo"),
      displayName: spec.displayName ?? "",
      ...(spec.kmsMasterKeyId ? { kmsMasterKeyId: spec.kmsMasterKeyId } : {}),
      contentBasedDeduplication: false,
      tags: { ...spec.tags },
    });
  }

  addSubscription(spec: SubscriptionSpec): SimSubscription {
    const topicName = spec.topic.startsWith("arn:") ? this.arns.resourceOf("sns", spec.topic) : spec.topic;
    const topic = topicName === undefined ? undefined : this.topics.get(topicName);
    if (!topic) throw new Error(`no topic "${spec.topic}" to subscribe to`);
    const arn = `${topic.arn}:${this.random.uuid()}`;
    return this.subscriptions.set(arn, {
      arn,
      topicArn: topic.arn,
      protocol: spec.protocol,
      endpoint: spec.endpoint,
      ...(spec.deadLetterArn ? { deadLetterArn: spec.deadLetterArn } : {}),
      rawMessageDelivery: spec.rawMessageDelivery ?? false,
      ...(spec.filterPolicy ? { filterPolicy: spec.filterPolicy } : {}),
    });
  }

  addLogGroup(spec: LogGroupSpec): SimLogGroup {
    requireNew(this.logGroups, spec.name, "log group");
    return this.logGroups.set(spec.name, {
      name: spec.name,
      arn: this.arns.of("logs", `log-group:${spec.name}`),
      createdAt: this.clock.now(),
      ...(spec.retentionInDays !== undefined ? { retentionInDays: spec.retentionInDays } : {}),
      storedBytes: spec.storedBytes ?? 0,
      logGroupClass: spec.logGroupClass ?? "STANDARD",
      ...(spec.kmsKeyId ? { kmsKeyId: spec.kmsKeyId } : {}),
      tags: { ...spec.tags },
    });
  }

  /** An IAM role that the trusted accounts may assume (IAM is global: every region of the account sees it). */
  addRole(spec: RoleSpec): SimRole {
    if (!ROLE_NAME.test(spec.name))
      throw new Error(`role name "${spec.name}" must be 1-64 letters, digits or +=,.@_-`);
    requireNew(this.iam.roles, spec.name, "role");
    const trusted = spec.trustedAccounts ?? [this.accountId];
    for (const id of trusted)
      if (!/^\d{12}$/.test(id)) throw new Error(`trusted account id "${id}" must be 12 digits`);
    const maxSessionDuration = spec.maxSessionDuration ?? 3600;
    if (!(Number.isInteger(maxSessionDuration) && maxSessionDuration >= 3600 && maxSessionDuration <= 43_200))
      throw new Error(`maxSessionDuration ${maxSessionDuration} must be 3600 to 43200 seconds`);
    return this.iam.roles.set(spec.name, {
      name: spec.name,
      arn: `arn:${this.arns.partition}:iam::${this.accountId}:role/${spec.name}`,
      roleId: `AROA${this.random.chars(17, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")}`,
      trustedAccounts: new Set(trusted),
      maxSessionDuration,
      createdAt: this.clock.now(),
    });
  }

  /** Creates a metric alarm through PutMetricAlarm's own validation, optionally in a given state. */
  addAlarm(spec: AlarmSpec): SimAlarm {
    const { state, stateReason, ...input } = spec;
    const alarm = putMetricAlarm(this, input);
    if (state) {
      alarm.state = state;
      alarm.stateReason = stateReason ?? `Seeded in state ${state}`;
    }
    return alarm;
  }

  addDashboard(spec: { readonly name: string; readonly body: string }): SimDashboard {
    return this.dashboards.set(spec.name, {
      name: spec.name,
      arn: `arn:${this.arns.partition}:cloudwatch::${this.accountId}:dashboard/${spec.name}`,
      body: spec.body,
      lastModified: this.clock.now(),
    });
  }

  /** Emits metric data points, as a service would (GetMetricData then returns them). */
  emitMetric(spec: MetricSpec): void {
    const timestamp = spec.timestamp ?? this.clock.now();
    this.metrics.put(
      spec.namespace,
      spec.metricName,
      normalizeDimensions(spec.dimensions),
      spec.values.map((value) => ({ timestamp, value, ...(spec.unit ? { unit: spec.unit } : {}) })),
    );
  }

  /** Makes a function's Invoke calls fail with this Lambda error code (`false` to stop). */
  failInvokes(functionName: string, errorCode: string | false = "ServiceException"): void {
    const fn = this.functions.get(functionName);
    if (!fn) throw new Error(`no function "${functionName}"`);
    if (errorCode === false) delete fn.invokeFailure;
    else fn.invokeFailure = errorCode;
  }

  private apiId(registry: Registry<unknown>): string {
    let id: string;
    do id = this.random.chars(10, "abcdefghijklmnopqrstuvwxyz0123456789");
    while (registry.has(id));
    return id;
  }

  private stage(name: string, autoDeploy: boolean): SimStage {
    return {
      name,
      deploymentId: this.random.chars(6, "abcdefghijklmnopqrstuvwxyz0123456789"),
      createdAt: this.clock.now(),
      ...(autoDeploy ? { autoDeploy } : {}),
      tracingEnabled: false,
      tags: {},
    };
  }
}

function requireNew(registry: Registry<unknown>, key: string, what: string): void {
  if (registry.has(key)) throw new Error(`${what} "${key}" already exists`);
}
