/**
 * The normalized snapshot of one account and region: what every plan reads.
 * Identity is the ARN; relations point from one ARN to another, and the target
 * may be outside the inventory (another account, or a kind not discovered).
 */

export type Tags = Readonly<Record<string, string>>;

export type ResourceKind =
  | "lambda-function"
  | "sqs-queue"
  | "kinesis-stream"
  | "dynamodb-table"
  | "rest-api"
  | "http-api"
  | "websocket-api"
  | "state-machine"
  | "eventbridge-rule"
  | "sns-topic"
  | "log-group";

export const RESOURCE_KINDS: readonly ResourceKind[] = [
  "lambda-function",
  "sqs-queue",
  "kinesis-stream",
  "dynamodb-table",
  "rest-api",
  "http-api",
  "websocket-api",
  "state-machine",
  "eventbridge-rule",
  "sns-topic",
  "log-group",
];

/** What each kind is called in sentences ("3 SQS queues"). */
export const KIND_LABELS: Readonly<Record<ResourceKind, string>> = {
  "lambda-function": "Lambda function",
  "sqs-queue": "SQS queue",
  "kinesis-stream": "Kinesis stream",
  "dynamodb-table": "DynamoDB table",
  "rest-api": "REST API stage",
  "http-api": "HTTP API stage",
  "websocket-api": "WebSocket API stage",
  "state-machine": "state machine",
  "eventbridge-rule": "EventBridge rule",
  "sns-topic": "SNS topic",
  "log-group": "log group",
};

interface ResourceBase<K extends ResourceKind> {
  readonly kind: K;
  readonly arn: string;
  readonly name: string;
  readonly region: string;
  readonly accountId: string;
  readonly tags: Tags;
}

/** "unset" is its own state: restoring it means DeleteFunctionConcurrency, not a number. */
export type ReservedConcurrency = number | "unset";

export type EventSourceKind = "sqs" | "kinesis" | "dynamodb-stream" | "kafka" | "mq" | "other";

export interface EventSourceMapping {
  readonly uuid: string;
  readonly sourceArn?: string;
  readonly sourceKind: EventSourceKind;
  /** Lambda's own state string: Enabled, Disabled, Enabling, Disabling, Creating, Updating, Deleting. */
  readonly state: string;
  readonly batchSize?: number;
  /** Stream sources only: -1 means retry until the record expires. */
  readonly maximumRetryAttempts?: number;
  /** Stream sources only: -1 means no maximum. */
  readonly maximumRecordAgeSeconds?: number;
  readonly bisectBatchOnFunctionError?: boolean;
  readonly onFailureDestination?: string;
}

export interface AsyncInvokeConfig {
  readonly maximumRetryAttempts?: number;
  readonly maximumEventAgeSeconds?: number;
  readonly onSuccessDestination?: string;
  readonly onFailureDestination?: string;
}

export interface QualifiedAsyncInvokeConfig extends AsyncInvokeConfig {
  /** A version number or alias name. */
  readonly qualifier: string;
}

/**
 * Facts of a function that discovery chose not to read (`DiscoverOptions.detail: "reconcile"`), so that
 * their absence says nothing:
 * - "async-invoke": `asyncInvoke` and `qualifiedAsyncInvoke` were not read, because nothing in the
 *   account shows the function is invoked asynchronously (no EventBridge rule target, no SNS
 *   subscription, no async DLQ);
 * - "reserved-concurrency": `reservedConcurrency` is "unknown" because it was not read (the circuit
 *   breaker reads it fresh before acting; tags come from the Tagging API instead of GetFunction).
 */
export type FunctionFactNotRead = "async-invoke" | "reserved-concurrency";

export interface LambdaFunction extends ResourceBase<"lambda-function"> {
  readonly runtime?: string;
  readonly packageType: "Zip" | "Image";
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  /**
   * "unknown": not known from this snapshot — GetFunction could not be read (see the inventory's
   * warnings) or was not called (`notRead` holds "reserved-concurrency"); never plan a restore from it.
   */
  readonly reservedConcurrency: ReservedConcurrency | "unknown";
  readonly deadLetterTargetArn?: string;
  /** Async invoke config of the unqualified function ($LATEST). Not read when `notRead` holds "async-invoke". */
  readonly asyncInvoke?: AsyncInvokeConfig;
  /** Async invoke configs set on versions or aliases (SAM puts them on the alias), sorted by qualifier. */
  readonly qualifiedAsyncInvoke?: readonly QualifiedAsyncInvokeConfig[];
  /** Facts discovery chose not to read, sorted; absent when every fact was read (or tried: see warnings). */
  readonly notRead?: readonly FunctionFactNotRead[];
  readonly eventSources: readonly EventSourceMapping[];
  /** `/aws/lambda/<name>` unless advanced logging names another group. */
  readonly logGroupName: string;
  readonly logFormat: "Text" | "JSON";
  readonly lastModified?: string;
}

export interface RedrivePolicy {
  readonly deadLetterTargetArn: string;
  readonly maxReceiveCount: number;
}

export interface SqsQueue extends ResourceBase<"sqs-queue"> {
  readonly url: string;
  readonly fifo: boolean;
  readonly visibilityTimeoutSeconds: number;
  readonly messageRetentionSeconds: number;
  readonly redrivePolicy?: RedrivePolicy;
  readonly encryption: "sqs-managed" | "kms" | "none";
  readonly approximateMessages: number;
  readonly approximateMessagesNotVisible: number;
}

export interface KinesisStream extends ResourceBase<"kinesis-stream"> {
  readonly retentionHours: number;
  readonly openShards: number;
  readonly mode: "PROVISIONED" | "ON_DEMAND";
  readonly encryption: "kms" | "none";
  /** Enhanced fan-out consumers; not read (absent) with `DiscoverOptions.detail: "reconcile"`, whose plans do not use them. */
  readonly consumers?: readonly { readonly name: string; readonly arn: string }[];
}

export interface DynamoDbTable extends ResourceBase<"dynamodb-table"> {
  readonly billingMode: "PROVISIONED" | "PAY_PER_REQUEST";
  readonly streamArn?: string;
  readonly streamViewType?: string;
  readonly status: string;
}

export interface RestApi extends ResourceBase<"rest-api"> {
  readonly id: string;
  readonly stages: readonly string[];
  readonly endpointTypes: readonly string[];
}

export interface HttpApi extends ResourceBase<"http-api"> {
  readonly id: string;
  readonly stages: readonly string[];
}

/** An API Gateway v2 API with ProtocolType WEBSOCKET: named in its metrics by ApiId, like an HTTP API. */
export interface WebSocketApi extends ResourceBase<"websocket-api"> {
  readonly id: string;
  readonly stages: readonly string[];
}

export interface StateMachine extends ResourceBase<"state-machine"> {
  readonly type: "STANDARD" | "EXPRESS";
  /**
   * The definition's top-level `TimeoutSeconds`. Absent: none is set (a Standard execution may then run a
   * year, an Express one 5 minutes), or it is a JSONata expression that each execution evaluates, or the
   * definition could not be read (then the inventory's warnings name the machine: see `readGaps`).
   */
  readonly timeoutSeconds?: number;
}

export interface RuleTarget {
  readonly id: string;
  readonly arn: string;
  readonly deadLetterArn?: string;
  readonly maximumRetryAttempts?: number;
  readonly maximumEventAgeSeconds?: number;
}

export interface EventBridgeRule extends ResourceBase<"eventbridge-rule"> {
  readonly eventBusName: string;
  readonly state: string;
  readonly scheduleExpression?: string;
  readonly targets: readonly RuleTarget[];
}

export interface SnsSubscription {
  readonly arn: string;
  readonly protocol: string;
  readonly endpoint: string;
  readonly deadLetterArn?: string;
}

export interface SnsTopic extends ResourceBase<"sns-topic"> {
  readonly fifo: boolean;
  readonly subscriptions: readonly SnsSubscription[];
}

export interface LogGroup extends ResourceBase<"log-group"> {
  /** Absent: the group never expires. */
  readonly retentionInDays?: number;
  readonly storedBytes?: number;
  readonly logGroupClass?: string;
  readonly kmsKeyId?: string;
}

export type Resource =
  | LambdaFunction
  | SqsQueue
  | KinesisStream
  | DynamoDbTable
  | RestApi
  | HttpApi
  | WebSocketApi
  | StateMachine
  | EventBridgeRule
  | SnsTopic
  | LogGroup;

export type ResourceOfKind<K extends ResourceKind> = Extract<Resource, { kind: K }>;

export type RelationType =
  /** queue → its dead-letter queue (redrive policy) */
  | "dead-letter-queue"
  /** function → the stream, queue or table it consumes through an event source mapping */
  | "event-source"
  /** function → its async-invoke dead-letter queue or topic */
  | "async-dlq"
  /** function → async on-failure destination; also stream mappings' on-failure destination */
  | "on-failure-destination"
  /** function → async on-success destination */
  | "on-success-destination"
  /** function → the log group it writes to */
  | "log-group"
  /** rule → target */
  | "rule-target"
  /** rule → a target's dead-letter queue */
  | "target-dlq"
  /** topic → subscribed endpoint (function, queue, ...) */
  | "subscription"
  /** topic → a subscription's dead-letter queue */
  | "subscription-dlq"
  /** REST or HTTP API → a function one of its integrations invokes */
  | "api-integration";

export interface Relation {
  readonly type: RelationType;
  readonly from: string;
  readonly to: string;
}

export interface LambdaAccountFacts {
  /** The account's concurrency limit (GetAccountSettings). */
  readonly concurrentExecutions: number;
  readonly unreservedConcurrentExecutions: number;
}

/**
 * What a read that failed leaves unknown:
 * - "resources": the kind's listing (or a per-resource read that decides whether a resource is in the
 *   snapshot at all): any resource of the kind may be missing, and with it the relations it starts;
 * - "tags": the tags of every resource of the kind (opt-outs and overrides among them);
 * - "facts": some facts or tags of one resource (`resource`: its ARN or name as listed), or, without a
 *   resource, facts of the whole kind (the Lambda account settings).
 */
export interface ReadScope {
  readonly kind: ResourceKind;
  readonly what: "resources" | "tags" | "facts";
  readonly resource?: string;
}

export interface DiscoveryWarning {
  readonly service: string;
  readonly operation: string;
  readonly code: string;
  readonly message: string;
  readonly resource?: string;
  /** Present when a read failed: what the snapshot therefore does not know (see `readGaps`). */
  readonly covers?: ReadScope;
  /**
   * The endpoint (an emulator) does not offer the API: what it would have returned is known to be absent.
   * Shown, but not a failure.
   */
  readonly unsupported?: true;
}

export interface Inventory {
  readonly accountId: string;
  readonly region: string;
  readonly discoveredAt: string;
  /** Sorted by kind, then ARN, so the same account gives the same snapshot. */
  readonly resources: readonly Resource[];
  readonly relations: readonly Relation[];
  readonly lambdaAccount?: LambdaAccountFacts;
  /**
   * What could not be read, and what the snapshot therefore does not know (`covers`): any failed call —
   * denied, 4xx, 5xx, unreadable answers, timeouts, throttling past retries — and APIs the endpoint lacks.
   * Reported, never fatal; plans leave alone what it covers (see `readGaps`).
   */
  readonly warnings: readonly DiscoveryWarning[];
}
