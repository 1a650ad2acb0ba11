/**
 * The incident suite's short version (`npm run bench:alerts` runs all of it): incidents page with the alarm
 * that names them, while the fault lasts, and a quiet account does not page. Each scenario runs the real
 * reconcile on its own lib/sim account, then its metric trace through CloudWatch's alarm evaluation on the
 * virtual clock.
 */
import { describe, expect, it } from "vitest";
import { runScenario } from "../../scripts/bench/alerts/run.js";
import { SCENARIOS } from "../../scripts/bench/alerts/scenarios.js";

function scenario(id: string) {
  const found = SCENARIOS.find((s) => s.id === id);
  if (!found) throw new Error(`no scenario ${id}`);
  return found;
}

describe("incidents page while they last", () => {
  it.each([
    "poison-message",
    "throttling-storm",
    "rest-api-5xx-burst",
    "http-api-5xx-burst",
    "websocket-execution-errors",
    "deploy-slows-function",
    "outage-30-functions",
    "dynamodb-errors-table",
    // What the catalog before issue 19 missed (docs/alerts.md, before columns).
    "lambda-stream-consumer-stops",
    "kcl-consumer-3h-behind",
    "dlq-second-burst",
    "second-function-fails",
    "dynamodb-errors-critical-table",
  ])("%s", async (id) => {
    const result = await runScenario(scenario(id));
    expect(result.unevaluated).toEqual([]);
    expect(result.verdict).toMatchObject({ kind: "detected" });
  });
});

describe("a workflow slowing toward its timeout", () => {
  it("workflow-slows-toward-timeout: its execution-time alarm pages first, before any execution times out", async () => {
    const result = await runScenario(scenario("workflow-slows-toward-timeout"));
    expect(result.unevaluated).toEqual([]);
    expect(result.verdict).toMatchObject({ kind: "detected" });
    const [first, ...rest] = result.pages;
    expect(first?.alarm).toBe("watchkeeper-stepfunctions-execution-time-invoice-batch");
    // The timed-out alarm pages in the minute of a timeout (any one): none came before the warning.
    const timeouts = rest.filter((p) => p.alarm === "watchkeeper-stepfunctions-executions-timed-out");
    expect(timeouts.every((p) => p.minute > first!.minute)).toBe(true);
    // Neither the Express neighbour nor anything else paged.
    expect(
      result.pages.every((p) => p.contributor === undefined || p.contributor.endsWith(":invoice-batch")),
    ).toBe(true);
  });
});

describe("quiet accounts do not page", () => {
  it.each(["idle-resources", "ignored-function-errors", "workflows-fail-by-design"])("%s", async (id) => {
    const result = await runScenario(scenario(id));
    expect(result.unevaluated).toEqual([]);
    expect(result.verdict).toEqual({ kind: "quiet" });
  });
});

describe("the circuit breaker's hint keeps its throttles off the pager", () => {
  it("breaker-opened: the trip's hint has the reconcile leave the function out; the reset's takes it back", async () => {
    const result = await runScenario(scenario("breaker-opened"));
    expect(result.unevaluated).toEqual([]);
    expect(result.verdict).toEqual({ kind: "quiet" });
    expect(result.tripPages).toEqual([]);
    // Each reconcile runs one batch window (2 min) after the hint, before the throttles alarm's 5 minutes.
    expect(result.actions?.map((a) => [a.what, Math.floor(a.minute)])).toEqual([
      ["trip", 0],
      ["reconcile", 2],
      ["reset", 60],
      ["reconcile", 62],
    ]);
    expect(result.actions?.[1]?.outcome).toBe(
      "asked by BreakerTripped recommendations: 1 applied (alarm watchkeeper-lambda-throttles), 0 failed",
    );
    expect(result.actions?.[3]?.outcome).toBe(
      "asked by BreakerReset recommendations: 1 applied (alarm watchkeeper-lambda-throttles), 0 failed",
    );
  });
});
