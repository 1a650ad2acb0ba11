/** Refusals of lib/dlq: each names what is wrong and what to do, with a code the CLI and the Lambda action map. */

export type DlqErrorCode =
  /** the queue (or destination, or function) is not in the inventory */
  | "not-found"
  /** the queue receives nobody's failures */
  | "not-a-dlq"
  /** the sources leave the method or the function open: the caller must pick */
  | "choose"
  /** the chosen method cannot apply to this queue */
  | "not-redrivable"
  /** an option is out of range or contradicts another */
  | "invalid-option"
  /** a message move task is already running for the queue */
  | "task-running"
  /** nothing visible to move */
  | "empty"
  /** cancel found no running task */
  | "no-running-task"
  /** the target is Watchkeeper's own */
  | "protected"
  /** part of the account could not be read, so the queue's sources are not all known */
  | "unseen";

export class DlqError extends Error {
  override readonly name = "DlqError";

  constructor(
    readonly code: DlqErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function isDlqError(error: unknown): error is DlqError {
  return error instanceof DlqError;
}
