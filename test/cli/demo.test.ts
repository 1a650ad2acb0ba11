/**
 * `watchkeeper demo` on a simulated sample account the test keeps: the numbered steps in order, and what
 * the on-call steps leave in the account (the breaker tripped and reset, the DLQ redriven, the alarm
 * silenced) and what the local Slack receiver got.
 */
import { describe, expect, it } from "vitest";
import { TAGS } from "../../lib/policy/tags.js";
import { sampleAccount, simulatedAws } from "../../lib/sim/index.js";
import { tripAlarmRecord } from "../support/breaker.js";
import { runMain } from "./capture.js";

describe("watchkeeper demo", () => {
  it("runs every step, trips and resets a breaker, posts to Slack, redrives the DLQ and silences an alarm", async () => {
    const sim = sampleAccount();
    const { code, stdout, stderr } = await runMain(["demo"], { sim });
    expect(code, stderr).toBe(0);
    const headings = [...stdout.matchAll(/^── (\d+)\. /gm)].map((m) => Number(m[1]));
    expect(headings).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

    expect(stdout).toMatch(
      /the breaker function hears it: tripped: disable 1 event source mapping of payments-consumer/,
    );
    expect(stdout).toContain(
      "watchkeeper breaker reset payments-consumer --yes: reset; its mapping is Enabled again\n",
    );
    const mapping = [...sim.eventSourceMappings.values()].find(
      (m) => m.functionName === "payments-consumer",
    )!;
    expect(mapping.state).toBe("Enabled");
    // The apply step created the trip alarm; the trip was recorded on it and the reset removed the record.
    const record = await tripAlarmRecord(simulatedAws(sim), "payments-consumer");
    expect(record["watchkeeper:breaker-state"]).toBeUndefined();
    expect(record["watchkeeper:breaker-trips"]).toMatch(/^\d{4}-/);

    expect(stdout).toMatch(
      /The receiver got POST \/services\/T00000000\/B00000000\/alerts:\n.*ALARM · Messages in a dead-letter queue\n/,
    );
    expect(stdout).toContain("[Redrive DLQ] [Silence 1 h]");

    expect(stdout).toMatch(/payments-dlq holds 0 messages; latest move task: COMPLETED, 3 of 3 moved/);
    expect(sim.queue("payments")!.messages).toHaveLength(3);
    expect(sim.queue("payments-dlq")!.messages).toHaveLength(0);

    const silenced = sim.alarms.get("watchkeeper-sqs-dlq-messages-visible-payments-dlq")!;
    expect(silenced.config.ActionsEnabled).toBe(false);
    expect(silenced.tags[TAGS.silencedUntil]).toBeDefined();
    expect(stdout).toMatch(
      /\nSilenced alarms: 1\n {2}watchkeeper-sqs-dlq-messages-visible-payments-dlq {2}until /,
    );
  });
});
