/**
 * The backtest bench's report: markdown tables in docs/backtest.md's layout (incidents, pages per alarm, the
 * false pages, the reads against their lower bound). Pure, so it is tested without running.
 */
import { formatUtc } from "../../../lib/alarms/silence.js";
import { markdownTable, pagedBy, span } from "../alerts/report.js";
import type { JudgedPage } from "./judge.js";
import type { BacktestBench } from "./run.js";

export interface BenchRun extends BacktestBench {
  readonly generatedAt: string;
  /** The commit the catalog and the backtest came from. */
  readonly commit: string;
  readonly node: string;
}

const count = (n: number) => n.toLocaleString("en-US");
const utc = (ms: number) => formatUtc(new Date(ms)).replace(" UTC", "");
/** The repair's time, with its date only when it is not the start's ("05:21", "12-26 01:20"). */
const repaired = (start: number, end: number) =>
  utc(end).slice(utc(start).slice(0, 10) === utc(end).slice(0, 10) ? 11 : 5);
const seconds = (s: number) => (s < 10 ? `${s.toFixed(2)} s` : `${s.toFixed(1)} s`);

/** "lambda-errors (orders-create)": the alarm without the prefix, and the contributor's resource. */
const label = (page: JudgedPage, prefix: string) => pagedBy([{ minute: 0, ...page }], prefix);

function incidentsTable(run: BenchRun): string {
  const outcome = (v: BenchRun["judged"]["incidents"][number]) =>
    v.outcome === "missed"
      ? "no"
      : v.outcome === "late"
        ? `late: ${span(v.firstPageAfter!)}, after the repair`
        : `yes, in ${span(v.firstPageAfter!)}`;
  return markdownTable([
    ["incident", "resource", "start (UTC)", "repaired", "detected", "pages", "paged by"],
    ...run.judged.incidents.map((v) => [
      v.id,
      v.resource,
      utc(v.start),
      repaired(v.start, v.end),
      outcome(v),
      String(v.pages.length),
      pagedBy(
        v.pages.map((p) => ({ minute: 0, ...p })),
        run.prefix,
        5,
      ),
    ]),
  ]);
}

/** One row per alarm and contributor that paged, most pages first. */
function alarmsTable(run: BenchRun): string {
  const rows = new Map<string, JudgedPage[]>();
  for (const page of run.judged.pages) {
    const key = label(page, run.prefix);
    rows.set(key, [...(rows.get(key) ?? []), page]);
  }
  const weeks = run.report.window.days / 7;
  const sorted = [...rows].sort(([a, x], [b, y]) => y.length - x.length || (a < b ? -1 : 1));
  return markdownTable([
    ["alarm (contributor)", "pages", "incident pages", "false pages (in a spike)", "in ALARM", "a week"],
    ...sorted.map(([key, pages]) => {
      const own = pages.filter((p) => p.verdict.kind === "incident").length;
      const falsePages = pages.filter((p) => p.verdict.kind === "false");
      const inSpike = falsePages.filter((p) => p.verdict.kind === "false" && p.verdict.inSpike).length;
      const minutes = pages.reduce((sum, p) => sum + p.minutes, 0);
      return [
        key,
        String(pages.length),
        String(own),
        falsePages.length === 0 ? "0" : `${falsePages.length} (${inSpike})`,
        `${span(minutes)}${pages.some((p) => p.open) ? ", still in ALARM" : ""}`,
        (pages.length / weeks).toFixed(1),
      ];
    }),
  ]);
}

function falsePagesTable(run: BenchRun): string {
  const falsePages = run.judged.pages.filter((p) => p.verdict.kind === "false");
  if (falsePages.length === 0) return "None.";
  return markdownTable([
    ["page (UTC)", "alarm (contributor)", "in ALARM", "in a spike"],
    ...falsePages.map((p) => [
      utc(p.at),
      label(p, run.prefix),
      `${span(p.minutes)}${p.open ? ", still in ALARM" : ""}`,
      p.verdict.kind === "false" && p.verdict.inSpike ? "yes" : "",
    ]),
  ]);
}

function readsTable(run: BenchRun): string {
  const { estimate, report, bound, time, memory } = run;
  return markdownTable([
    ["what", "measured"],
    ["series (GetMetricData queries)", count(estimate.series)],
    ["datapoints", count(estimate.datapoints)],
    [
      "GetMetricData calls",
      `${count(report.calls.getMetricData)} (planned ${count(estimate.calls)}; continuations included)`,
    ],
    [
      "lower bound",
      `${count(report.calls.fewest)} = max(⌈${count(estimate.series)} ÷ ${count(bound.maxQueriesPerCall)}⌉, ` +
        `⌈${count(estimate.datapoints)} ÷ ${count(bound.maxDatapointsPerCall)}⌉)`,
    ],
    [
      `GetMetricData at the quota (${bound.getMetricDataRps}/s)`,
      `${seconds(bound.getMetricDataSeconds)} for the lower bound; ${seconds(bound.pacedGetMetricDataSeconds)} ` +
        `for the calls made at the pacer's share`,
    ],
    [
      "ListMetrics calls",
      `${count(report.calls.listMetrics)}: ${seconds(bound.listMetricsSeconds)} at the quota ` +
        `(${bound.listMetricsRps}/s), ${seconds(bound.pacedListMetricsSeconds)} at the pacer's share`,
    ],
    ["paced (the virtual clock's advance)", seconds(time.pacedSeconds)],
    [
      "cost",
      `$${report.cost.usd.toFixed(5)} (${count(report.cost.metricsRequested)} metrics requested at $0.01 per 1,000)`,
    ],
    ["wall clock / CPU", `${seconds(time.wallSeconds)} / ${seconds(time.cpuSeconds)}`],
    [
      "memory",
      `heap +${memory.heapGrowthMb.toFixed(0)} MB at most, garbage included` +
        (memory.liveHeapGrowthMb !== undefined
          ? `; +${memory.liveHeapGrowthMb.toFixed(0)} MB live with every series read`
          : " (run with node --expose-gc for the live heap)") +
        `; peak RSS ${memory.peakRssMb.toFixed(0)} MB, the history's included`,
    ],
  ]);
}

export function report(run: BenchRun): string {
  const { history, report: backtest, judged } = run;
  const t = backtest.totals;
  const falsePages = judged.pages.filter((p) => p.verdict.kind === "false").length;
  const detected = judged.incidents.filter((v) => v.outcome === "detected").length;
  const notEvaluated = backtest.alarms.filter((a) => a.notEvaluated !== undefined);
  return [
    `Sample account, seed \`${history.seed}\`, ${history.days} days (${utc(history.start)} to ${utc(history.end)} UTC); ` +
      `${t.alarms} planned alarms, ${t.evaluated} evaluated; ${t.paging} paged ${t.pages} times: ` +
      `${t.pages - falsePages} incident pages, ${falsePages} false; ${detected} of ${judged.incidents.length} ` +
      `incidents detected before their repair (${run.commit}, ${run.generatedAt.slice(0, 10)}, Node ${run.node}).`,
    "",
    `Incidents (a page is an incident's from its start to its repair + ${run.graceMinutes} min, naming its resource or one it touches)`,
    "",
    incidentsTable(run),
    "",
    `Pages per alarm (${t.evaluated - t.paging} alarms never went to ALARM; noisy above ${backtest.maxPagesPerWeek} a week: ${t.noisy})`,
    "",
    alarmsTable(run),
    "",
    "False pages",
    "",
    falsePagesTable(run),
    "",
    ...(notEvaluated.length > 0
      ? ["Not evaluated", "", ...notEvaluated.map((a) => `- ${a.name}: ${a.notEvaluated}`), ""]
      : []),
    "Reads",
    "",
    readsTable(run),
    "",
  ].join("\n");
}
