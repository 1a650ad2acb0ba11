/** dlq list never reads a failed listing as "no DLQ": it says what could not be read and is partial (CLI exit 3). */
import { describe, expect, it } from "vitest";
import { runAction } from "../../lib/actions/index.js";
import { parseConfig } from "../../lib/config/index.js";
import { sampleAccount, simulatedAws } from "../../lib/sim/index.js";

const options = { actor: "user:test", config: parseConfig({}, "test config") };

describe("dlq-list", () => {
  it("lists the DLQs when every read succeeds", async () => {
    const result = await runAction(simulatedAws(sampleAccount()), { action: "dlq-list" }, options);
    expect(result).toMatchObject({ ok: true, outcome: "done" });
    expect(result.partial).toBeUndefined();
    expect(result.text).toMatch(/^\d+ dead-letter queues, \d+ holding messages:/);
  });

  it("with ListQueues denied, says the list may be incomplete and why, and is partial", async () => {
    const aws = simulatedAws(sampleAccount(), {
      faults: { rules: [{ service: "sqs", api: "ListQueues", fault: "denied" }] },
    });
    const result = await runAction(aws, { action: "dlq-list" }, options);
    expect(result).toMatchObject({ ok: true, partial: true });
    expect(result.text.split("\n").slice(0, 2)).toEqual([
      "could not read everything; the list may be incomplete:",
      expect.stringMatching(/^ {2}! sqs ListQueues failed: .*not authorized/),
    ]);
    expect(result.text).toContain("no dead-letter queue found");
  });
});
