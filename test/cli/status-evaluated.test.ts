/**
 * `watchkeeper status` on alarms that got to ALARM by evaluation: the sample account reconciled through
 * the CLI, messages arriving in payments-dlq (its depth metric), `evaluateAlarms`, then status lists the
 * DLQ alarm with the evaluation's time and reason; once the DLQ is drained it lists none. (The per-function
 * Lambda Errors query sees the sample's hour of errors on its first evaluation, and OK the minute after.)
 * The clickstream stream is polled by two functions: its lag alarm treats a vanished GetRecords metric as
 * breaching, so the poller's metric is reported each minute, and when it stops the stream alarms.
 */
import { describe, expect, it } from "vitest";
import type { ActionResult, OnCallStatus } from "../../lib/actions/index.js";
import { sampleAccount, type SimAccount } from "../../lib/sim/index.js";
import { runMain } from "./capture.js";

const MINUTE = 60_000;
const DLQ_ALARM = "watchkeeper-sqs-dlq-messages-visible-payments-dlq";
const ERRORS_ALARM = "watchkeeper-lambda-errors";
const STREAM_ALARM = "watchkeeper-kinesis-iterator-age-clickstream";

/** The Lambda pollers read clickstream: GetRecords reports a small iterator age. */
function streamRead(sim: SimAccount): void {
  sim.emitMetric({
    namespace: "AWS/Kinesis",
    metricName: "GetRecords.IteratorAgeMilliseconds",
    dimensions: { StreamName: "clickstream" },
    values: [1_000],
  });
}

/** SQS reports payments-dlq's depth once a minute for `minutes` minutes, while the stream is read. */
function dlqDepth(sim: SimAccount, depth: number, minutes: number): void {
  for (let minute = 0; minute < minutes; minute++) {
    sim.emitMetric({
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: "payments-dlq" },
      values: [depth],
    });
    streamRead(sim);
    sim.advanceTime(MINUTE);
  }
}

describe("watchkeeper status on evaluated alarms", () => {
  it("lists the DLQ alarm its metric put in ALARM, and none once the DLQ is drained", async () => {
    const sim = sampleAccount();
    const reconcile = await runMain(["reconcile", "--demo"], { sim });
    expect(reconcile.code, reconcile.stderr).toBe(0);

    dlqDepth(sim, 3, 3);
    const transitions = sim.evaluateAlarms().transitions;
    const firing = transitions.filter((t) => t.to === "ALARM");
    expect(firing.map((t) => t.alarmName)).toEqual([ERRORS_ALARM, DLQ_ALARM]);
    // Three of the sample's four functions erred through the hour before reconcile: the query's first
    // evaluation sees them, the next one no longer does.
    expect(
      transitions.filter((t) => t.alarmName === ERRORS_ALARM).map((t) => [t.from, t.to, t.reason]),
    ).toEqual([
      ["INSUFFICIENT_DATA", "ALARM", "3 out of 4 time series evaluated to ALARM"],
      ["ALARM", "OK", "0 out of 4 time series evaluated to ALARM"],
    ]);
    const dlqFiring = firing.find((t) => t.alarmName === DLQ_ALARM)!;

    const text = await runMain(["status", "--demo"], { sim });
    expect(text.code).toBe(0);
    const since = new Date(dlqFiring.at).toISOString().slice(0, 16).replace("T", " ");
    expect(text.stdout).toContain(
      `\nAlarms in ALARM (Watchkeeper's): 1\n  ${DLQ_ALARM}  since ${since} UTC\n`,
    );
    const json = await runMain(["status", "--demo", "--json"], { sim });
    const status = (JSON.parse(json.stdout) as ActionResult).details as OnCallStatus;
    expect(status.alarms.watchkeeper).toEqual([
      {
        name: DLQ_ALARM,
        since: new Date(dlqFiring.at).toISOString(),
        reason: "Threshold Crossed: 1 out of the last 1 datapoints was greater than the threshold (0.0).",
      },
    ]);

    dlqDepth(sim, 0, 1);
    sim.evaluateAlarms();
    expect((await runMain(["status", "--demo"], { sim })).stdout).toContain(
      "\nAlarms in ALARM (Watchkeeper's): none\n",
    );
  });

  it("lists a polled stream whose GetRecords metric stopped: nobody reads it", async () => {
    const sim = sampleAccount();
    expect((await runMain(["reconcile", "--demo"], { sim })).code).toBe(0);
    for (let minute = 0; minute < 5; minute++) {
      streamRead(sim);
      sim.advanceTime(MINUTE);
    }
    expect(
      sim
        .evaluateAlarms()
        .transitions.filter((t) => t.alarmName === STREAM_ALARM)
        .map((t) => t.to),
    ).toEqual(["OK"]);

    // The pollers stop (a circuit breaker disabled their mappings): the metric is gone for half an hour,
    // past every period of the alarm's evaluation range.
    sim.advanceTime(30 * MINUTE);
    const firing = sim.evaluateAlarms().transitions.filter((t) => t.to === "ALARM");
    expect(firing.map((t) => t.alarmName)).toEqual([STREAM_ALARM]);
    const text = await runMain(["status", "--demo"], { sim });
    expect(text.stdout).toMatch(
      new RegExp(`\\nAlarms in ALARM \\(Watchkeeper's\\): 1\\n {2}${STREAM_ALARM} {2}since `),
    );
  });
});
