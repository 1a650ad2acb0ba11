/**
 * `watchkeeper backtest` and `plan --backtest` on the simulated sample account with two days of history
 * (scripts/bench/history, SHORT_HISTORY: a poison message and an API 5xx burst): the estimate before the
 * reads, pages per alarm, the noisy verdict and its exit code, --json, and the bad inputs explained.
 */
import { describe, expect, it } from "vitest";
import type { BacktestReport } from "../../lib/backtest/index.js";
import { sampleAccount, SimAccount, simulatedAws } from "../../lib/sim/index.js";
import { seedHistory, SHORT_HISTORY } from "../../scripts/bench/history/index.js";
import { runMain } from "./capture.js";

function accountWithHistory() {
  const sim = sampleAccount();
  const history = seedHistory(sim, SHORT_HISTORY);
  return { sim, history };
}

describe("backtest", () => {
  it("says what it will read first, then the alarms that would have paged, with their longest episodes", async () => {
    const { sim, history } = accountWithHistory();
    const { code, stdout, stderr } = await runMain(["backtest", "--demo", "--days", "2"], { sim });
    expect(stderr).toMatch(
      /^Reading [\d,]+ series \([\d,]+ datapoints\) in \d+ GetMetricData calls?, under \$0\.01\.\n$/m,
    );
    expect(stdout).toMatch(/^Backtest of \d+ planned alarms over 2 days on simulated account, /);
    expect(stdout).toMatch(/\n {2}Would have paged: \d+ alarms?, \d+ pages? \(/);
    // The poison message's DLQ pages, in the incident's window.
    const poison = history.incidents.find((i) => i.kind === "poison-message");
    expect(poison).toBeDefined();
    const dlqLine = stdout
      .split("\n")
      .find((line) => line.includes("sqs-dlq") && line.includes(poison!.resourceName));
    expect(dlqLine, stdout).toBeDefined();
    expect(stdout).toMatch(
      /Read with \d+ GetMetricData calls? \(the fewest possible: \d+\) and \d+ ListMetrics calls?/,
    );
    expect([0, 1]).toContain(code);
  });

  it("--json reports every alarm; an alarm over --max-pages-per-week makes the exit code 1", async () => {
    const { sim } = accountWithHistory();
    const { code, stdout } = await runMain(
      ["backtest", "--demo", "--days", "2", "--max-pages-per-week", "1", "--json"],
      { sim },
    );
    const report = JSON.parse(stdout) as BacktestReport & { accountId: string };
    expect(report.accountId).toBe(sim.accountId);
    expect(report.totals.alarms).toBe(report.alarms.length);
    expect(report.totals.notEvaluated).toBe(0);
    const noisy = report.alarms.filter((a) => a.noisy);
    expect(noisy.length).toBeGreaterThan(0);
    for (const alarm of noisy) expect(alarm.pagesPerWeek).toBeGreaterThan(1);
    expect(code).toBe(1);
    expect(report.calls.getMetricData).toBeGreaterThanOrEqual(report.calls.fewest);
    // The breaker's anomaly band is the evaluator's approximation of CloudWatch's model: said per alarm.
    const bands = report.alarms.filter((a) => a.name.includes("invocations-anomaly"));
    expect(bands.length).toBeGreaterThan(0);
    for (const band of bands) expect(band.approximate).toMatch(/^an anomaly-detection band/);
    expect(report.alarms.filter((a) => a.approximate !== undefined)).toEqual(bands);
  });

  it("plan --backtest puts each alarm's pages beside its change and warns of noisy ones", async () => {
    const { sim } = accountWithHistory();
    const { code, stdout } = await runMain(
      ["plan", "--demo", "--no-lint", "--backtest", "--days", "2", "--max-pages-per-week", "1"],
      { sim },
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(/\n {2}\+ watchkeeper-\S+ {2}\[quiet in 2 d\]\n/);
    expect(stdout).toMatch(/\n {2}\+ watchkeeper-\S+ {2}\[\d+ pages? in 2 d\]\n/);
    expect(stdout).toMatch(/\n {2}backtest over 2 days: \d+ alarms? would have paged \d+ times?/);
    expect(stdout).toMatch(
      /\n {2}warning: \d+ alarms? would have paged more than 1 times a week: watchkeeper-/,
    );
  });

  it("a window beyond CloudWatch's retention of 1-minute data is a usage error that says so", async () => {
    const { code, stderr } = await runMain(["backtest", "--demo", "--days", "20"]);
    expect(code).toBe(2);
    expect(stderr).toContain("CloudWatch keeps 60-second datapoints for 15 days");
    expect(stderr).toContain("Use --days 15 or less.");
  });

  it("bad numbers are usage errors naming the flag", async () => {
    expect((await runMain(["backtest", "--demo", "--days", "0"])).stderr).toContain(
      "--days must be 1 or more, got 0",
    );
    expect((await runMain(["backtest", "--demo", "--days", "two"])).stderr).toContain(
      '--days "two" is not a whole number',
    );
  });

  it("an account with no metrics in the window is explained, not reported as quiet (exit 1)", async () => {
    const sim = new SimAccount();
    sim.addQueue({ name: "jobs" });
    const { code, stdout, stderr } = await runMain(["backtest", "--demo"], { sim });
    expect(stdout).toBe("");
    expect(stderr).toMatch(/No metric the \d+ planned alarms read has data in \S+ in the past two weeks/);
    expect(code).toBe(1);
  });

  it("an account with nothing to alarm on is explained too, not reported as quiet (exit 1)", async () => {
    const { code, stdout, stderr } = await runMain(["backtest", "--demo"], { sim: new SimAccount() });
    expect(stdout).toBe("");
    expect(stderr).toMatch(
      /^The plan holds no alarm for \S+: nothing to replay\. Is this the region your resources run in \(--region\)\?$/m,
    );
    expect(code).toBe(1);
  });

  it("when no alarm pages but some could not be read, the all-clear is said of the replayed ones only (exit 3)", async () => {
    const sim = new SimAccount();
    sim.addQueue({ name: "jobs" });
    sim.emitMetric({
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesNotVisible",
      dimensions: { QueueName: "jobs" },
      values: [0],
    });
    const aws = simulatedAws(sim, {
      faults: { rules: [{ service: "cloudwatch", api: "GetMetricData", fault: "denied" }] },
    });
    const { code, stdout } = await runMain(["backtest", "--demo", "--days", "1"], { sim, aws });
    expect(stdout).not.toContain("No alarm would have gone to ALARM.");
    expect(stdout).toMatch(
      /^ {2}No alarm that could be replayed would have gone to ALARM; 1 alarm could not be \(below\)\.$/m,
    );
    expect(stdout).toMatch(/^ {4}watchkeeper-sqs-messages-in-flight: cloudwatch GetMetricData failed: /m);
    expect(code).toBe(3);
  });
});
