/**
 * What lib/dlq answers with. Every result carries `sentence`: one line a person can read in a terminal,
 * a Slack message or a log, so the CLI and the Lambda action never rebuild the wording themselves.
 */

/** How a DLQ's messages go back: an SQS message move task, or re-invoking the Lambda function. */
export type RedriveMethod = "move-task" | "reinvoke";

/**
 * What sends failures to a DLQ:
 * - `sqs-queue`: an SQS queue's redrive policy (the message move task returns messages to it);
 * - `function-dlq`: a Lambda function's async DeadLetterConfig (the body is the original event);
 * - `function-destination`: a Lambda function's async on-failure destination (the body is an invocation
 *   record whose `requestPayload` is the original event);
 * - `event-source-failure`: a stream or Kafka event source mapping's on-failure destination (metadata
 *   only: replay means reading the stream while it still holds the records; not redriven here);
 * - `rule-target` / `topic-subscription`: an EventBridge target's or SNS subscription's DLQ (not redriven here).
 */
export type DlqSourceKind =
  | "sqs-queue"
  | "function-dlq"
  | "function-destination"
  | "event-source-failure"
  | "rule-target"
  | "topic-subscription";

export interface QueueRef {
  readonly name: string;
  readonly arn: string;
  readonly url: string;
  readonly fifo: boolean;
}

export interface DlqSource {
  readonly kind: DlqSourceKind;
  /** The source resource: a queue, function, rule or topic. */
  readonly arn: string;
  readonly name: string;
  /** How its messages can be redriven; absent when Watchkeeper cannot redrive them. */
  readonly method?: RedriveMethod;
  /** function-destination only: the version or alias whose async config names the queue, when not $LATEST. */
  readonly qualifiers?: readonly string[];
  readonly sentence: string;
}

/** A row of `listDlqs`. */
export interface DlqRow {
  readonly queue: QueueRef;
  /** ApproximateNumberOfMessages when the inventory was read. */
  readonly depth: number;
  readonly inFlight: number;
  readonly sources: readonly DlqSource[];
  /** The method chosen without flags, "choose" when the caller must pick one, "none" when no redrive is possible. */
  readonly redrive: RedriveMethod | "choose" | "none";
  /** Tag `watchkeeper:auto-redrive` on the queue or one of its sources, as written. */
  readonly autoRedrive?: string;
  readonly sentence: string;
}

/** What the caller picks when the queue's sources leave the choice open. */
export interface RedriveChoice {
  readonly via?: RedriveMethod;
  /** reinvoke: the function to invoke (name or ARN), required when several functions share the queue. */
  readonly functionName?: string;
}

/** How a re-invoke finds the original event in a message. */
export type PayloadSource =
  /** the body is the event (a function's DeadLetterConfig) */
  | "body"
  /** the body is an invocation record; send its requestPayload (on-failure destination) */
  | "record"
  /** the queue is both for the same function: decide per message by its shape */
  | "auto";

export interface SampledMessage {
  readonly messageId: string;
  /** At most `bodyChars` characters; `truncated` says whether more was cut. */
  readonly body: string;
  readonly truncated: boolean;
  readonly bytes: number;
  readonly sentAt?: string;
  readonly ageSeconds?: number;
  readonly receiveCount?: number;
  readonly groupId?: string;
  /** The queue a redrive policy moved the message from (DeadLetterQueueSourceArn). */
  readonly sourceArn?: string;
}

export interface RedrivePreview {
  readonly queue: QueueRef;
  readonly method: RedriveMethod;
  readonly sources: readonly DlqSource[];
  /** Where messages would go: "each message's own source queue", a queue name, or the function invoked. */
  readonly target: string;
  /** Visible messages now (ApproximateNumberOfMessages). */
  readonly count: number;
  readonly inFlight: number;
  readonly delayed: number;
  readonly sample: readonly SampledMessage[];
  /** Why no sample was taken, when none was. */
  readonly sampleSkipped?: string;
  readonly oldestAgeSeconds?: number;
  /** "metric": CloudWatch ApproximateAgeOfOldestMessage (all messages, a few minutes late); "sample": only the messages sampled. */
  readonly oldestAgeFrom: "metric" | "sample" | "unknown";
  readonly warnings: readonly string[];
  readonly sentence: string;
}

export type MoveTaskStatus = "RUNNING" | "COMPLETED" | "CANCELLING" | "CANCELLED" | "FAILED";

export interface MoveTaskInfo {
  readonly status: MoveTaskStatus | string;
  /** Only while RUNNING: what CancelMessageMoveTask takes. */
  readonly taskHandle?: string;
  readonly sourceArn: string;
  /** Absent: each message goes back to its own source queue. */
  readonly destinationArn?: string;
  readonly maxPerSecond?: number;
  readonly moved: number;
  readonly toMove?: number;
  readonly startedAt?: string;
  readonly failureReason?: string;
  readonly sentence: string;
}

export interface StartedRedrive {
  readonly queue: QueueRef;
  readonly method: "move-task";
  readonly taskHandle: string;
  readonly destination?: QueueRef;
  readonly maxPerSecond?: number;
  /** Visible messages when the task started. */
  readonly approximateToMove: number;
  readonly sentence: string;
}

export interface RedriveStatus {
  readonly queue: QueueRef;
  readonly method: RedriveMethod | "none";
  /** Most recent first (ListMessageMoveTasks keeps at most 10). */
  readonly tasks: readonly MoveTaskInfo[];
  readonly running?: MoveTaskInfo;
  readonly count: number;
  readonly inFlight: number;
  readonly sentence: string;
}

export interface CancelledRedrive {
  readonly queue: QueueRef;
  readonly taskHandle: string;
  /** Messages moved before the cancel; they stay where they went. */
  readonly movedBeforeCancel: number;
  readonly sentence: string;
}

export interface MovedMessage {
  readonly messageId: string;
  readonly payloadBytes: number;
  readonly groupId?: string;
}

export type LeftReason =
  /** Invoke failed or did not answer 202: the run stopped here */
  | "invoke-failed"
  /** larger than an asynchronous Invoke accepts */
  | "too-large"
  /** not JSON, so not an event Lambda would take */
  | "not-json"
  /** expected an invocation record with requestPayload */
  | "not-a-record"
  /** an invocation record of another function */
  | "other-function"
  /** received, but the run stopped before reaching it */
  | "not-attempted";

export interface LeftMessage {
  readonly messageId: string;
  readonly reason: LeftReason;
  readonly detail: string;
  readonly groupId?: string;
}

export type AsyncRedriveStop =
  | "empty"
  | "max-messages"
  | "deadline"
  | "invoke-failed"
  | "delete-failed"
  /** FIFO: a group's head cannot be redriven, and nothing may overtake it */
  | "fifo-blocked"
  /** only messages already left in this run came back */
  | "only-left-messages";

export interface AsyncRedriveReport {
  readonly queue: QueueRef;
  readonly method: "reinvoke";
  /** What was invoked: the function ARN, with a qualifier when one was given. */
  readonly functionArn: string;
  /** Invoked (202) and deleted from the DLQ, in the order they were invoked. */
  readonly moved: readonly MovedMessage[];
  /** Still in the DLQ, with why. */
  readonly left: readonly LeftMessage[];
  /**
   * Invoked (202) but the delete failed: still in the DLQ and will be invoked again by the next run.
   * Redrive is at-least-once; the function must tolerate a repeated event.
   */
  readonly invokedNotDeleted: readonly { readonly messageId: string; readonly error: string }[];
  readonly stopped: AsyncRedriveStop;
  /** Visible + in-flight messages in the DLQ after the run. */
  readonly remaining?: number;
  readonly warnings: readonly string[];
  readonly sentence: string;
}
