/** applyOperations told to stop: the write in flight finishes, no new one starts, the rest are deferred and say why. */
import { describe, expect, it } from "vitest";
import { applyOperations, type Operation } from "../../lib/apply/apply.js";
import { systemClock } from "../../lib/aws/clock.js";
import type { Change } from "../../lib/plan/change.js";

type TestChange = Change<string>;

const change = (target: string): TestChange => ({ action: "create", kind: "test", target, reason: "wanted" });

/** One operation per target; `onRun` sees each write as it starts. */
function operations(targets: readonly string[], onRun: (target: string) => void): Operation<TestChange>[] {
  return targets.map((target) => ({
    changes: [change(target)],
    async run() {
      onRun(target);
      await new Promise((resolve) => setTimeout(resolve, 1));
    },
  }));
}

describe("applyOperations with a stop signal", () => {
  it("finishes the write in flight when stopped, starts no other, and defers the rest as interrupted", async () => {
    const stop = new AbortController();
    const written: string[] = [];
    const ops = operations(["a", "b", "c", "d", "e"], (target) => {
      written.push(target);
      // Ctrl-C arrives while the second write is in flight.
      if (target === "b") stop.abort();
    });
    const report = await applyOperations(ops, { clock: systemClock, stop: stop.signal });
    expect(written).toEqual(["a", "b"]);
    expect(report).toMatchObject({ applied: 2, failed: 0, deferred: 3 });
    expect(report.outcomes.map((o) => [o.change.target, o.status, o.cause])).toEqual([
      ["a", "applied", undefined],
      ["b", "applied", undefined],
      ["c", "deferred", "interrupted"],
      ["d", "deferred", "interrupted"],
      ["e", "deferred", "interrupted"],
    ]);
  });

  it("writes nothing when stopped before it starts, and reports every change", async () => {
    const written: string[] = [];
    const seen: string[] = [];
    const report = await applyOperations(
      operations(["a", "b"], (t) => written.push(t)),
      { clock: systemClock, stop: AbortSignal.abort(), onOutcome: (o) => seen.push(o.status) },
    );
    expect(written).toEqual([]);
    expect(report).toMatchObject({ applied: 0, deferred: 2 });
    expect(seen).toEqual(["deferred", "deferred"]);
  });

  it("tells a deadline's deferral from a stop's", async () => {
    const report = await applyOperations(
      operations(["a"], () => {}),
      { clock: systemClock, deadline: systemClock.now() },
    );
    expect(report.outcomes).toEqual([{ change: change("a"), status: "deferred", cause: "deadline" }]);
  });
});
