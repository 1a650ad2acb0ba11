/**
 * Hints: messages on the reconcile's hints queue that make its next run happen sooner. The reconcile
 * function reads the queue in batches (one run per batch window, `HINT_BATCH_WINDOW_SECONDS`) and plans
 * from what the account holds, never from the hint: a lost or duplicated hint changes nothing, and the
 * schedule runs anyway. Who sends one: resource-created events (EventBridge rules, lib/infra), a reconcile
 * that deferred changes (`continuationHint`), and the circuit breaker when it opens or closes a function
 * (`breakerHint`: the throttles aggregate leaves open breakers out, and should know within minutes).
 */
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { Aws } from "../aws/clients.js";
import { describeAwsError } from "../aws/errors.js";
import type { AskForReconcile, RecordChange } from "../breaker/breaker.js";

/** The variable the stack sets to the hints queue's URL in every function that sends hints. */
export const HINTS_QUEUE_VARIABLE = "WATCHKEEPER_HINTS_QUEUE_URL";

/** The reconcile's event source waits this long to gather a batch: a hint's run starts about this much later. */
export const HINT_BATCH_WINDOW_SECONDS = 120;

/** The hint a run leaves when it stopped at its deadline with changes deferred. */
export function continuationHint(deferred: number): string {
  return JSON.stringify({
    source: "watchkeeper",
    "detail-type": "Reconcile deferred changes",
    detail: { eventName: "ContinueReconcile", deferred },
  });
}

const BREAKER_EVENT_NAMES: Readonly<Record<RecordChange, string>> = {
  tripped: "BreakerTripped",
  reset: "BreakerReset",
};

/** The hint the breaker leaves when it opens (`tripped`) or closes (`reset`) `functionName`'s breaker. */
export function breakerHint(change: RecordChange, functionName: string, functionArn: string): string {
  return JSON.stringify({
    source: "watchkeeper.breaker",
    "detail-type": `Circuit breaker ${change}`,
    detail: { eventName: BREAKER_EVENT_NAMES[change], functionName, functionArn },
  });
}

/**
 * Sends one hint. Returns undefined when it was sent, else why not (the error as `describeAwsError` says
 * it): a hint that cannot be sent is the caller's warning, never its failure — the schedule still comes.
 */
export async function sendHint(aws: Aws, queueUrl: string, body: string): Promise<string | undefined> {
  try {
    await aws.client(SQSClient).send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    return undefined;
  } catch (error) {
    return describeAwsError(error);
  }
}

/** The breaker's `askForReconcile`: one hint on the hints queue per trip or reset it completes. */
export function breakerHints(aws: Aws, queueUrl: string): AskForReconcile {
  return (change, fn) => sendHint(aws, queueUrl, breakerHint(change, fn.name, fn.arn));
}
