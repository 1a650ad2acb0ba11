/**
 * The backtest on the sample account's simulated history, as the CLI runs it: the history seeded
 * (scripts/bench/history), the alarms planned as `watchkeeper backtest` plans them (discovery at the
 * reconcile's detail, the reconcile's dry run with the default config: the catalog and the breaker's trip
 * alarms), then `planBacktest` and `runBacktest` through real SDK clients on lib/sim, measured on their own
 * (the seeding is not the backtest's cost), and each page judged against the history's incidents.
 */
import { DEFAULT_HEADROOM, quotaFor } from "../../../lib/aws/index.js";
import {
  planBacktest,
  runBacktest,
  type BacktestOptions,
  type BacktestPlan,
  type BacktestReport,
} from "../../../lib/backtest/index.js";
import { parseConfig } from "../../../lib/config/index.js";
import { discoverInventory } from "../../../lib/inventory/index.js";
import { MAX_DATAPOINTS_PER_CALL, MAX_QUERIES_PER_CALL } from "../../../lib/metrics/retrieve.js";
import { reconcileAccount } from "../../../lib/reconcile/index.js";
import { sampleAccount, simulatedAws } from "../../../lib/sim/index.js";
import { seedHistory, type History, type HistoryOptions } from "../history/index.js";
import { GRACE_MINUTES, judgePages, pagesOf, type Judged } from "./judge.js";

/** The CLI's defaults (bin/cli/commands/backtest.ts). */
const MAX_PAGES_PER_WEEK = 7;

export interface BacktestBench {
  readonly history: Omit<History, "resources" | "skipped">;
  readonly prefix: string;
  readonly graceMinutes: number;
  readonly estimate: BacktestPlan["estimate"];
  readonly report: BacktestReport;
  readonly judged: Judged;
  /** The calls against the fewest any packing could make, and what those need at AWS's quotas. */
  readonly bound: {
    readonly maxQueriesPerCall: number;
    readonly maxDatapointsPerCall: number;
    readonly getMetricDataRps: number;
    readonly listMetricsRps: number;
    /** The fewest GetMetricData calls ÷ the quota: no backtest of these series reads faster. */
    readonly getMetricDataSeconds: number;
    /** The calls made ÷ the pacer's share of the quota (what Watchkeeper allows itself). */
    readonly pacedGetMetricDataSeconds: number;
    readonly listMetricsSeconds: number;
    readonly pacedListMetricsSeconds: number;
  };
  /** The backtest alone (planBacktest and runBacktest), not the seeding. */
  readonly time: {
    readonly wallSeconds: number;
    readonly cpuSeconds: number;
    /** How far the virtual clock moved: the pacer's waits, as they would be against AWS. */
    readonly pacedSeconds: number;
  };
  readonly memory: {
    /** Heap growth over the backtest, highest at its progress steps and at its end (garbage included). */
    readonly heapGrowthMb: number;
    /** Heap growth, collected, once every series is read (with --expose-gc). */
    readonly liveHeapGrowthMb?: number;
    /** The process's peak resident set, the seeded history included. */
    readonly peakRssMb: number;
  };
}

const MB = 2 ** 20;

export async function runBacktestBench(options: HistoryOptions = {}): Promise<BacktestBench> {
  const sim = sampleAccount();
  const { resources: _resources, skipped: _skipped, ...history } = seedHistory(sim, options);
  const aws = simulatedAws(sim);
  const config = parseConfig({});
  const inventory = await discoverInventory(aws, { detail: "reconcile" });
  const run = await reconcileAccount(aws, inventory, config, { dryRun: true });
  const specs = run.alarms.plan.desired;

  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let heapPeak = heapBefore;
  let heapLive: number | undefined;
  // The measuring GC's own time, left out of the backtest's.
  let gcWallMs = 0;
  let gcCpuUs = 0;
  const sampleHeap = (phase?: string, done?: number, total?: number) => {
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    // Every series is held once the last call is in, before any alarm is evaluated: the live peak.
    if (!gc || phase !== "retrieving" || done !== total) return;
    const wall = performance.now();
    const cpu = process.cpuUsage();
    gc();
    heapLive = process.memoryUsage().heapUsed;
    const spent = process.cpuUsage(cpu);
    gcCpuUs += spent.user + spent.system;
    gcWallMs += performance.now() - wall;
  };
  const settings: BacktestOptions = {
    days: history.days,
    maxPagesPerWeek: MAX_PAGES_PER_WEEK,
    onProgress: sampleHeap,
  };
  const virtualBefore = sim.clock.now();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const plan = await planBacktest(aws, specs, settings);
  const report = await runBacktest(aws, plan, settings);
  const wallSeconds = (performance.now() - started - gcWallMs) / 1000;
  // CPU time too: on a shared machine the wall clock measures the neighbours as well.
  const cpu = process.cpuUsage(cpuBefore);
  sampleHeap();

  const getMetricDataRps = quotaFor("cloudwatch", "GetMetricData").rps;
  const listMetricsRps = quotaFor("cloudwatch", "ListMetrics").rps;
  return {
    history,
    prefix: config.alarms.prefix,
    graceMinutes: GRACE_MINUTES,
    estimate: plan.estimate,
    report,
    judged: judgePages(pagesOf(report), history.incidents, history.spikes),
    bound: {
      maxQueriesPerCall: MAX_QUERIES_PER_CALL,
      maxDatapointsPerCall: MAX_DATAPOINTS_PER_CALL,
      getMetricDataRps,
      listMetricsRps,
      getMetricDataSeconds: report.calls.fewest / getMetricDataRps,
      pacedGetMetricDataSeconds: report.calls.getMetricData / (getMetricDataRps * DEFAULT_HEADROOM),
      listMetricsSeconds: report.calls.listMetrics / listMetricsRps,
      pacedListMetricsSeconds: report.calls.listMetrics / (listMetricsRps * DEFAULT_HEADROOM),
    },
    time: {
      wallSeconds,
      cpuSeconds: (cpu.user + cpu.system - gcCpuUs) / 1e6,
      pacedSeconds: (sim.clock.now() - virtualBefore) / 1000,
    },
    memory: {
      heapGrowthMb: (heapPeak - heapBefore) / MB,
      ...(heapLive !== undefined ? { liveHeapGrowthMb: (heapLive - heapBefore) / MB } : {}),
      // resourceUsage reports kilobytes.
      peakRssMb: (process.resourceUsage().maxRSS * 1024) / MB,
    },
  };
}
