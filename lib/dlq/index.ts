/**
 * DLQ redrive: list the DLQs and the redrive each allows, preview a redrive without consuming anything,
 * redrive an SQS queue's DLQ with a message move task (start, status, cancel), redrive a function's
 * async DLQ or on-failure destination by re-invoking it, and the opt-in automatic redrive.
 */
export * from "./types.js";
export { DlqError, isDlqError, type DlqErrorCode } from "./errors.js";
export {
  autoRedriveTag,
  chooseRedrive,
  describeSources,
  findQueue,
  listDlqs,
  OWN_PREFIX,
  queueRef,
  resolveDestination,
  type RedriveRoute,
} from "./route.js";
export {
  DEFAULT_BODY_CHARS,
  DEFAULT_SAMPLE,
  MAX_SAMPLE,
  previewRedrive,
  type PreviewOptions,
} from "./preview.js";
export {
  MAX_MOVE_RATE,
  cancelRedrive,
  redriveStatus,
  startRedrive,
  type StartRedriveOptions,
} from "./move.js";
export {
  DEFAULT_ASYNC_RATE,
  DEFAULT_MAX_MESSAGES,
  MAX_ASYNC_PAYLOAD_BYTES,
  MAX_ASYNC_RATE,
  MAX_BATCH,
  MAX_MESSAGES,
  extractPayload,
  redriveAsyncDlq,
  type AsyncRedriveOptions,
} from "./reinvoke.js";
export { redrive, type RedriveOptions, type RedriveResult } from "./redrive.js";
export {
  DEFAULT_MAX_PER_DAY,
  MAX_WAIT_MINUTES,
  REDRIVE_COUNT_TAG,
  autoRedriveAlarmNames,
  autoRedrivePlan,
  formatRedriveCount,
  parseRedriveCount,
  readAlarmStates,
  redriveHistory,
  runAutoRedrive,
  utcDay,
  type AlarmCheck,
  type AlarmStateInput,
  type AlarmStates,
  type AutoRedriveDecision,
  type AutoRedriveOptions,
  type AutoRedriveOutcome,
  type AutoRedrivePlan,
  type AutoRedriveRunOptions,
  type RedriveCount,
  type RedriveHistory,
} from "./auto.js";
export { formatAge } from "./live.js";

/** The inventory kinds DLQ redrive reads: queues, and everything that can send failures to one. */
export const DLQ_INVENTORY_KINDS = ["sqs-queue", "lambda-function", "eventbridge-rule", "sns-topic"] as const;
