/**
 * `watchkeeper status` on an alarm that got to ALARM by evaluation: the sample account reconciled through
 * the CLI, messages arriving in payments-dlq (its depth metric), `evaluateAlarms`, then status lists the
 * DLQ alarm with the evaluation's time and reason; once the DLQ is drained it lists none.
 */
import { describe, expect, it } from "vitest";
import type { ActionResult, OnCallStatus } from "../../lib/actions/index.js";
import { sampleAccount, type SimAccount } from "../../lib/sim/index.js";
import { runMain } from "./capture.js";

const MINUTE = 60_000;
const DLQ_ALARM = "watchkeeper-sqs-dlq-messages-visible-payments-dlq";

/** SQS reports payments-dlq's depth once a minute for `minutes` minutes. */
function dlqDepth(sim: SimAccount, depth: number, minutes: number): void {
  for (let minute = 0; minute < minutes; minute++) {
    sim.emitMetric({
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: "payments-dlq" },
      values: [depth],
    });
    sim.advanceTime(MINUTE);
  }
}

describe("watchkeeper status on evaluated alarms", () => {
  it("lists the DLQ alarm its metric put in ALARM, and none once the DLQ is drained", async () => {
    const sim = sampleAccount();
    const reconcile = await runMain(["reconcile", "--demo"], { sim });
    expect(reconcile.code, reconcile.stderr).toBe(0);

    dlqDepth(sim, 3, 3);
    const firing = sim.evaluateAlarms().transitions.filter((t) => t.to === "ALARM");
    expect(firing.map((t) => t.alarmName)).toEqual([DLQ_ALARM]);

    const text = await runMain(["status", "--demo"], { sim });
    expect(text.code).toBe(0);
    const since = new Date(firing[0]!.at).toISOString().slice(0, 16).replace("T", " ");
    expect(text.stdout).toContain(
      `\nAlarms in ALARM (Watchkeeper's): 1\n  ${DLQ_ALARM}  since ${since} UTC\n`,
    );
    const json = await runMain(["status", "--demo", "--json"], { sim });
    const status = (JSON.parse(json.stdout) as ActionResult).details as OnCallStatus;
    expect(status.alarms.watchkeeper).toEqual([
      {
        name: DLQ_ALARM,
        since: new Date(firing[0]!.at).toISOString(),
        reason: "Threshold Crossed: 1 out of the last 1 datapoints was greater than the threshold (0.0).",
      },
    ]);

    dlqDepth(sim, 0, 1);
    sim.evaluateAlarms();
    expect((await runMain(["status", "--demo"], { sim })).stdout).toContain(
      "\nAlarms in ALARM (Watchkeeper's): none\n",
    );
  });
});
