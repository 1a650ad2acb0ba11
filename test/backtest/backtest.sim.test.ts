/**
 * The backtest against lib/sim through real SDK clients: history published minutes apart over days, the
 * catalog's alarms planned from the discovered account, replayed with ListMetrics and GetMetricData, and
 * the pages counted where the history put them. Failed reads are said per alarm, never read as quiet.
 */
import { describe, expect, it } from "vitest";
import { planAlarms } from "../../lib/alarms/plan.js";
import type { AlarmSpec } from "../../lib/alarms/spec.js";
import { planBacktest, runBacktest, type BacktestReport } from "../../lib/backtest/index.js";
import { discoverInventory } from "../../lib/inventory/index.js";
import { SimAccount, simulatedAws, type FaultRule } from "../../lib/sim/index.js";
import { policyOf } from "../alarms/fixtures.js";

const MINUTE = 60_000;
const DAY = 1_440 * MINUTE;

/** Two days of minutes for `orders` and `billing`; `orders` fails 10 times a minute in each burst. */
function account(bursts: readonly { fromMinute: number; minutes: number }[]) {
  const sim = new SimAccount({ enforceQuotas: false });
  sim.addFunction({ name: "orders" });
  sim.addFunction({ name: "billing" });
  sim.advanceTime(3 * DAY);
  const now = sim.clock.now();
  const start = now - 2 * DAY;
  for (let minute = 0; minute < 2 * 1_440; minute++) {
    const timestamp = start + minute * MINUTE + 30_000;
    const failing = bursts.some((b) => minute >= b.fromMinute && minute < b.fromMinute + b.minutes);
    for (const name of ["orders", "billing"]) {
      const dimensions = { FunctionName: name };
      sim.emitMetric({
        namespace: "AWS/Lambda",
        metricName: "Invocations",
        dimensions,
        values: [100],
        timestamp,
      });
      const errors = name === "orders" && failing ? 10 : 0;
      sim.emitMetric({
        namespace: "AWS/Lambda",
        metricName: "Errors",
        dimensions,
        values: [errors],
        timestamp,
      });
    }
  }
  return { sim, burstStart: (i: number) => start + (bursts[i]?.fromMinute ?? 0) * MINUTE };
}

async function backtest(
  sim: SimAccount,
  faults: readonly FaultRule[] = [],
  extra: readonly AlarmSpec[] = [],
) {
  const aws = simulatedAws(sim);
  const inventory = await discoverInventory(aws);
  const specs: readonly AlarmSpec[] = [...planAlarms(inventory, policyOf(), []).desired, ...extra];
  const faulty = simulatedAws(sim, { faults: { rules: faults } });
  const options = { days: 1, maxPagesPerWeek: 7 };
  const plan = await planBacktest(faulty, specs, options);
  return { plan, report: await runBacktest(faulty, plan, options) };
}

const errorsAlarm = (report: BacktestReport) => report.alarms.find((a) => a.entryId === "lambda-errors");

describe("backtest on lib/sim", () => {
  it("pages once per burst, on the failing function only, at the third breaching minute", async () => {
    const { sim, burstStart } = account([
      { fromMinute: 1_440 + 180, minutes: 20 },
      { fromMinute: 1_440 + 600, minutes: 5 },
    ]);
    const { plan, report } = await backtest(sim);
    const errors = errorsAlarm(report);
    expect(errors?.notEvaluated).toBeUndefined();
    expect(errors?.contributors.map((c) => [c.contributor, c.pages])).toEqual([["FunctionName=orders", 2]]);
    const [longest] = errors?.contributors[0]?.worst ?? [];
    // 3 of 3 one-minute datapoints: ALARM at the evaluation after the third failing minute.
    expect(longest?.start).toBe(burstStart(0) + 3 * MINUTE);
    // Every page, in time order, each at its burst's third minute.
    expect(errors?.contributors[0]?.episodes.map((e) => e.start)).toEqual([
      burstStart(0) + 3 * MINUTE,
      burstStart(1) + 3 * MINUTE,
    ]);
    expect(report.totals.notEvaluated).toBe(0);
    expect(report.calls.getMetricData).toBe(plan.estimate.calls);
    expect(report.calls.getMetricData).toBe(report.calls.fewest);
  });

  it("evaluates from the first range inside the window: missing data as breaching does not page on the unread periods before it", async () => {
    const { sim } = account([]);
    // billing never fails; 3 of 5 with missing data breaching would page on the unread periods before the window.
    const silentBreaching: AlarmSpec = {
      name: "test-billing-errors",
      description: "billing errors, missing data breaching",
      metric: {
        namespace: "AWS/Lambda",
        metricName: "Errors",
        dimensions: [{ name: "FunctionName", value: "billing" }],
        statistic: "Sum",
        period: 60,
      },
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      treatMissingData: "breaching",
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      alarmActions: [],
      okActions: [],
      insufficientDataActions: [],
      actionsEnabled: true,
      tags: {},
      origin: {
        entryId: "test",
        level: "individual",
        metricsAnalyzed: 1,
        highResolution: false,
        usesMetricsInsights: false,
      },
    };
    const { report } = await backtest(sim, [], [silentBreaching]);
    const alarm = report.alarms.find((a) => a.name === silentBreaching.name);
    expect(alarm?.notEvaluated).toBeUndefined();
    expect(alarm?.pages).toBe(0);
  });

  it("a quiet history pages nothing", async () => {
    const { sim } = account([]);
    const { report } = await backtest(sim);
    expect(report.totals.pages).toBe(0);
    expect(report.totals.evaluated).toBe(report.totals.alarms);
  });

  it("a denied GetMetricData leaves every alarm with data not evaluated, with the reason, none read as quiet", async () => {
    const { sim } = account([{ fromMinute: 1_440 + 180, minutes: 20 }]);
    const { report } = await backtest(sim, [
      { service: "cloudwatch", api: "GetMetricData", fault: "denied" },
    ]);
    const errors = errorsAlarm(report);
    expect(errors?.notEvaluated).toMatch(/GetMetricData failed: .*AccessDenied/);
    expect(report.totals.pages).toBe(0);
    expect(report.totals.notEvaluated).toBeGreaterThan(0);
  });

  it("a denied ListMetrics leaves Metrics Insights alarms not evaluated", async () => {
    const { sim } = account([{ fromMinute: 1_440 + 180, minutes: 20 }]);
    const { report } = await backtest(sim, [{ service: "cloudwatch", api: "ListMetrics", fault: "denied" }]);
    expect(errorsAlarm(report)?.notEvaluated).toMatch(/could not be listed: .*ListMetrics failed/);
  });
});
