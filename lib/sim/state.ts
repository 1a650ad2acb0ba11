/**
 * What a simulated account holds, per service. Handlers read and change these records; tests assert on
 * them. Times are virtual epoch milliseconds.
 */
import type { Dimension, PutMetricAlarmInput, StandardUnit, StateValue } from "@aws-sdk/client-cloudwatch";
import type { Tags } from "./tags.js";

export type { Tags };

// ── Lambda ────────────────────────────────────────────────────────────────────────────────────────

export interface SimFunction {
  readonly name: string;
  readonly arn: string;
  runtime?: string;
  handler?: string;
  packageType: "Zip" | "Image";
  role: string;
  description: string;
  memorySize: number;
  timeout: number;
  codeSize: number;
  architectures: ("x86_64" | "arm64")[];
  lastModified: number;
  logFormat: "Text" | "JSON";
  /** The log group the function writes to: `/aws/lambda/<name>` unless advanced logging names another. */
  logGroup: string;
  /** True when `logGroup` was set through advanced logging (LoggingConfig.LogGroup). */
  customLogGroup: boolean;
  deadLetterTargetArn?: string;
  environment?: Record<string, string>;
  /** Absent: unset (the function draws on the unreserved pool). */
  reservedConcurrency?: number;
  eventInvokeConfig?: SimEventInvokeConfig;
  tags: Tags;
  /** Every Invoke the function received, in order. */
  readonly invocations: SimInvocation[];
  /** When set, Invoke fails with this Lambda error code (see `SimAccount.failInvokes`). */
  invokeFailure?: string;
}

export interface SimEventInvokeConfig {
  maximumRetryAttempts?: number;
  maximumEventAgeInSeconds?: number;
  onSuccess?: string;
  onFailure?: string;
  lastModified: number;
}

export interface SimInvocation {
  readonly type: "Event" | "RequestResponse" | "DryRun";
  readonly payload: string;
  readonly at: number;
  /** `throttled`: reserved concurrency is 0; an async event then went to the DLQ or destination, if any. */
  readonly outcome: "accepted" | "throttled";
}

export interface SimEventSourceMapping {
  readonly uuid: string;
  readonly arn: string;
  readonly functionName: string;
  readonly eventSourceArn: string;
  state: "Enabled" | "Disabled";
  batchSize: number;
  maximumBatchingWindowInSeconds: number;
  startingPosition?: "TRIM_HORIZON" | "LATEST" | "AT_TIMESTAMP";
  /** Stream sources only. */
  maximumRetryAttempts?: number;
  maximumRecordAgeInSeconds?: number;
  bisectBatchOnFunctionError?: boolean;
  parallelizationFactor?: number;
  onFailureDestination?: string;
  functionResponseTypes?: "ReportBatchItemFailures"[];
  lastModified: number;
}

// ── SQS ───────────────────────────────────────────────────────────────────────────────────────────

export interface SimRedrivePolicy {
  readonly deadLetterTargetArn: string;
  readonly maxReceiveCount: number;
}

export interface SimQueue {
  readonly name: string;
  readonly url: string;
  readonly arn: string;
  readonly fifo: boolean;
  readonly createdAt: number;
  lastModified: number;
  visibilityTimeout: number;
  messageRetentionPeriod: number;
  delaySeconds: number;
  maximumMessageSize: number;
  receiveMessageWaitTimeSeconds: number;
  redrivePolicy?: SimRedrivePolicy;
  sqsManagedSse: boolean;
  kmsMasterKeyId?: string;
  contentBasedDeduplication: boolean;
  tags: Tags;
  /** In arrival order; FIFO delivery order is this order. */
  messages: SimMessage[];
  /** FIFO deduplication ids seen in the last 5 minutes → the message id they produced and when. */
  readonly deduplication: Map<string, { readonly messageId: string; readonly at: number }>;
  sequence: number;
}

export interface SimMessage {
  readonly id: string;
  readonly body: string;
  readonly md5: string;
  readonly sentAt: number;
  /** Not received before this time (delay or visibility timeout). */
  visibleAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  /** The receipt handle of the latest receive; older handles no longer delete the message. */
  receiptHandle?: string;
  readonly groupId?: string;
  readonly deduplicationId?: string;
  readonly sequenceNumber?: string;
  /** Set when a redrive policy moved the message here: the queue it came from. */
  deadLetterSourceArn?: string;
}

export type MoveTaskStatus = "RUNNING" | "COMPLETED" | "CANCELLING" | "CANCELLED" | "FAILED";

export interface SimMoveTask {
  readonly handle: string;
  readonly sourceArn: string;
  readonly destinationArn?: string;
  readonly maxPerSecond?: number;
  /** The rate the task actually moves at: the requested one, or the simulator's system rate. */
  readonly ratePerSecond: number;
  readonly startedAt: number;
  readonly toMove: number;
  status: MoveTaskStatus;
  moved: number;
  cancelledAt?: number;
  failureReason?: string;
}

// ── Kinesis, DynamoDB ─────────────────────────────────────────────────────────────────────────────

export interface SimStream {
  readonly name: string;
  readonly arn: string;
  readonly createdAt: number;
  status: "CREATING" | "DELETING" | "ACTIVE" | "UPDATING";
  mode: "PROVISIONED" | "ON_DEMAND";
  shardCount: number;
  retentionHours: number;
  encryption: "NONE" | "KMS";
  keyId?: string;
  consumers: SimStreamConsumer[];
  tags: Tags;
}

export interface SimStreamConsumer {
  readonly name: string;
  readonly arn: string;
  readonly createdAt: number;
  status: "CREATING" | "DELETING" | "ACTIVE";
}

export interface SimTable {
  readonly name: string;
  readonly arn: string;
  readonly id: string;
  readonly createdAt: number;
  status: "CREATING" | "UPDATING" | "DELETING" | "ACTIVE";
  billingMode: "PROVISIONED" | "PAY_PER_REQUEST";
  readCapacity: number;
  writeCapacity: number;
  partitionKey: string;
  sortKey?: string;
  stream?: {
    readonly arn: string;
    readonly label: string;
    viewType: "KEYS_ONLY" | "NEW_IMAGE" | "OLD_IMAGE" | "NEW_AND_OLD_IMAGES";
  };
  itemCount: number;
  sizeBytes: number;
  tags: Tags;
}

// ── API Gateway ───────────────────────────────────────────────────────────────────────────────────

export interface SimStage {
  readonly name: string;
  readonly deploymentId: string;
  readonly createdAt: number;
  autoDeploy?: boolean;
  tracingEnabled: boolean;
  tags: Tags;
}

export interface SimRestApi {
  readonly id: string;
  readonly arn: string;
  readonly name: string;
  description?: string;
  readonly createdAt: number;
  endpointTypes: ("REGIONAL" | "EDGE" | "PRIVATE")[];
  stages: SimStage[];
  tags: Tags;
}

export interface SimHttpApi {
  readonly id: string;
  readonly arn: string;
  readonly name: string;
  readonly protocolType: "HTTP" | "WEBSOCKET";
  readonly endpoint: string;
  readonly createdAt: number;
  stages: SimStage[];
  tags: Tags;
}

// ── Step Functions, EventBridge, SNS ──────────────────────────────────────────────────────────────

export interface SimStateMachine {
  readonly name: string;
  readonly arn: string;
  readonly type: "STANDARD" | "EXPRESS";
  readonly createdAt: number;
  definition: string;
  roleArn: string;
  logLevel: "ALL" | "ERROR" | "FATAL" | "OFF";
  tracing: boolean;
  /** Definition encrypted with a customer managed key (see StateMachineSpec.customerKey). */
  customerKey?: { readonly keyId: string; readonly callerCanDecrypt: boolean };
  tags: Tags;
}

export interface SimEventBus {
  readonly name: string;
  readonly arn: string;
  readonly createdAt: number;
  tags: Tags;
}

export interface SimRuleTarget {
  readonly id: string;
  readonly arn: string;
  deadLetterArn?: string;
  maximumRetryAttempts?: number;
  maximumEventAgeInSeconds?: number;
  input?: string;
}

export interface SimRule {
  readonly name: string;
  readonly arn: string;
  readonly eventBusName: string;
  state: "ENABLED" | "DISABLED";
  description?: string;
  scheduleExpression?: string;
  eventPattern?: string;
  targets: SimRuleTarget[];
  tags: Tags;
}

export interface SimTopic {
  readonly name: string;
  readonly arn: string;
  readonly fifo: boolean;
  displayName: string;
  kmsMasterKeyId?: string;
  contentBasedDeduplication: boolean;
  tags: Tags;
}

export interface SimSubscription {
  readonly arn: string;
  readonly topicArn: string;
  readonly protocol: string;
  readonly endpoint: string;
  /** Dead-letter queue for messages SNS could not deliver. */
  deadLetterArn?: string;
  rawMessageDelivery: boolean;
  filterPolicy?: string;
}

// ── CloudWatch Logs, CloudWatch ───────────────────────────────────────────────────────────────────

export interface SimLogGroup {
  readonly name: string;
  /** Without the `:*` that DescribeLogGroups' `arn` field appends. */
  readonly arn: string;
  readonly createdAt: number;
  /** Absent: never expire. */
  retentionInDays?: number;
  storedBytes: number;
  logGroupClass: "STANDARD" | "INFREQUENT_ACCESS" | "DELIVERY";
  kmsKeyId?: string;
  tags: Tags;
}

/** A metric alarm: its configuration as PutMetricAlarm last wrote it, and its state. */
export interface SimAlarm {
  readonly name: string;
  readonly arn: string;
  config: Omit<PutMetricAlarmInput, "Tags">;
  configUpdatedAt: number;
  state: StateValue;
  stateReason: string;
  stateReasonData?: string;
  stateUpdatedAt: number;
  /** The last evaluation `SimAccount.evaluateAlarms` ran (epoch ms); absent until the first. */
  evaluatedAt?: number;
  tags: Tags;
}

/** A state change of an alarm, or of one of its Metrics Insights contributors. */
export interface SimAlarmTransition {
  readonly alarmName: string;
  /** Epoch ms: the evaluation (or SetAlarmState call) that changed the state. */
  readonly at: number;
  readonly from: StateValue;
  readonly to: StateValue;
  readonly reason: string;
  /** A contributor's change ("QueueName=orders"), which the alarm's own state need not share. */
  readonly contributor?: string;
}

/** A DescribeAlarmHistory item: the sim records state updates only (no configuration updates or actions). */
export interface SimAlarmHistoryItem {
  readonly alarmName: string;
  readonly timestamp: number;
  readonly type: "StateUpdate";
  /** "Alarm updated from OK to ALARM". */
  readonly summary: string;
  /** JSON: `{ version, oldState: { stateValue, stateReason }, newState: { ... } }`. */
  readonly data: string;
}

/** What an alarm action published to an SNS topic, or tried to. */
export interface SimAlarmNotification {
  readonly at: number;
  readonly topicArn: string;
  readonly alarmName: string;
  /** The Metrics Insights contributor ("QueueName=orders") the notification is about. */
  readonly contributor?: string;
  readonly newState: StateValue;
  readonly oldState: StateValue;
  /** The JSON CloudWatch publishes to the topic (the SNS record's `Sns.Message`). */
  readonly message: string;
  /** "failed": the topic does not exist in this account and region. */
  readonly outcome: "delivered" | "failed";
}

/** An event as EventBridge delivers it to a rule's targets: what a PutEvents entry becomes. */
export interface SimBusEvent {
  readonly version: "0";
  readonly id: string;
  readonly "detail-type": string;
  readonly source: string;
  readonly account: string;
  /** "2025-01-01T00:05:00Z": the entry's Time, or when it was put. */
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  /** The entry's Detail, parsed (always a JSON object). */
  readonly detail: Readonly<Record<string, unknown>>;
}

/** One event PutEvents put on one of the account's buses. */
export interface SimPutEvent {
  /** The bus's name ("default" for the account's default bus). */
  readonly bus: string;
  readonly event: SimBusEvent;
}

/** A "CloudWatch Alarm State Change" event as CloudWatch sends it to EventBridge's default bus. */
export interface SimAlarmStateChangeEvent {
  readonly version: "0";
  readonly id: string;
  readonly "detail-type": "CloudWatch Alarm State Change";
  readonly source: "aws.cloudwatch";
  readonly account: string;
  /** "2025-01-01T00:05:00Z" */
  readonly time: string;
  readonly region: string;
  /** The alarm's ARN. */
  readonly resources: readonly string[];
  readonly detail: {
    readonly alarmName: string;
    readonly state: SimAlarmEventState;
    readonly previousState: SimAlarmEventState;
    readonly configuration: {
      readonly description?: string;
      readonly metrics: readonly SimAlarmEventMetric[];
    };
  };
}

export interface SimAlarmEventState {
  readonly value: StateValue;
  readonly reason: string;
  readonly reasonData?: string;
  /** "2025-01-01T00:05:00.000+0000" */
  readonly timestamp: string;
}

export interface SimAlarmEventMetric {
  readonly id: string;
  readonly expression?: string;
  readonly label?: string;
  readonly period?: number;
  readonly returnData: boolean;
  readonly metricStat?: {
    readonly metric: {
      readonly namespace: string;
      readonly name: string;
      readonly dimensions: Readonly<Record<string, string>>;
    };
    readonly period: number;
    readonly stat: string;
    readonly unit?: string;
  };
}

export interface SimDashboard {
  readonly name: string;
  readonly arn: string;
  body: string;
  lastModified: number;
}

export interface SimDatapoint {
  readonly timestamp: number;
  readonly value: number;
  /** How many samples had this value (StatisticValues and Values/Counts put several at once); default 1. */
  readonly count?: number;
  readonly unit?: StandardUnit;
  /** Put with StorageResolution 1: kept to the second instead of the minute. */
  readonly highResolution?: boolean;
}

/** One metric time series: namespace, name and the exact set of dimensions. */
export interface SimMetricSeries {
  readonly namespace: string;
  readonly metricName: string;
  /** Sorted by name. */
  readonly dimensions: readonly Required<Dimension>[];
  readonly points: SimDatapoint[];
}
