/** The benchmark's report as plain text: pure, so it is tested without running the benchmark. */
import {
  HINT_WAIT_MS,
  SCHEDULE_MS,
  isWriteApi,
  type BenchResult,
  type BundleResult,
  type FreshPlanning,
  type SizeResult,
} from "./model.js";
import type { PlanningCpu } from "./planning.js";

/** Left-aligned first column, right-aligned others, two spaces apart. */
export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

export function count(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** 0.4 s, 12.5 s, 4 min 3 s, 2 h 05 min. */
export function duration(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const totalSeconds = Math.round(s);
  const m = Math.floor(totalSeconds / 60);
  if (m < 60) return `${m} min ${String(totalSeconds % 60).padStart(2, "0")} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} min`;
}

export function ratio(actual: number, bound: number): string {
  if (bound <= 0) return actual <= 0 ? "1.00×" : "—";
  return `${(actual / bound).toFixed(2)}×`;
}

function mb(value: number): string {
  return `${value.toFixed(0)} MB`;
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(0)} KB`;
}

function steadyCalls(size: SizeResult): number {
  return size.steady.calls.reduce((n, c) => n + c.calls, 0);
}

function steadyWrites(size: SizeResult): number {
  return size.steady.calls.filter((c) => isWriteApi(c.api)).reduce((n, c) => n + c.calls, 0);
}

/** One row per measure, one column per size. */
export function summaryTable(sizes: readonly SizeResult[]): string {
  const row = (label: string, cell: (size: SizeResult) => string) => [label, ...sizes.map(cell)];
  const c = (s: SizeResult) => s.convergence;
  return formatTable([
    ["resources", ...sizes.map((s) => count(s.resources))],
    row("alarms after convergence", (s) => count(s.alarms)),
    ["First convergence", ...sizes.map(() => "")],
    row("  converged", (s) => (c(s).converged ? "yes" : "NO")),
    row("  runs (Lambda invocations)", (s) => count(c(s).runs.length)),
    row("    lower bound", (s) => count(c(s).bound.runs)),
    row("  virtual time, runs back to back", (s) => duration(c(s).virtualMs)),
    row("    lower bound", (s) => duration(c(s).bound.ms)),
    row("  elapsed, each run hinting the next", (s) =>
      duration(c(s).virtualMs + (c(s).runs.length - 1) * HINT_WAIT_MS),
    ),
    row("  elapsed on the hourly schedule alone", (s) =>
      duration((c(s).runs.length - 1) * SCHEDULE_MS + (c(s).runs.at(-1)?.durationMs ?? 0)),
    ),
    row("  discovery per run", (s) => duration(c(s).runs[0]?.discoveryMs ?? 0)),
    row("  write calls", (s) => count(c(s).writeCalls)),
    row("  PutMetricAlarm rate (quota 3/s)", (s) => `${c(s).alarmWriteRps.toFixed(2)}/s`),
    row("  throttling errors", (s) => count(c(s).throttled)),
    row("  changes applied twice", (s) => count(c(s).repeated)),
    ["Steady state (one more run)", ...sizes.map(() => "")],
    row("  virtual time", (s) => duration(s.steady.durationMs)),
    row("    lower bound", (s) => duration(s.bound.ms)),
    row("    ratio", (s) => ratio(s.steady.durationMs, s.bound.ms)),
    row("  API calls", (s) => count(steadyCalls(s))),
    row("    lower bound", (s) => count(s.bound.calls)),
    row("    ratio", (s) => ratio(steadyCalls(s), s.bound.calls)),
    row("  write calls", (s) => count(steadyWrites(s))),
    row("  throttling errors", (s) => count(s.steady.throttled)),
    [
      "Planning: alarms, retention, findings, dashboards (fresh processes, median of 5)",
      ...sizes.map(() => ""),
    ],
    row(`  CPU, a new container's first pass, ${nodeOf(sizes, primary)}`, (s) => cpu(primary(s)?.cold)),
    row("    alarms · retention", (s) => pair(primary(s)?.cold.alarmsMs, primary(s)?.cold.retentionMs)),
    row("    findings · dashboards", (s) => pair(primary(s)?.cold.findingsMs, primary(s)?.cold.dashboardsMs)),
    row(`  CPU, a warm container's next pass, ${nodeOf(sizes, primary)}`, (s) => cpu(primary(s)?.warm)),
    ...(sizes.some((s) => s.lambdaPlanning)
      ? [
          row(`  CPU, a new container's first pass, ${nodeOf(sizes, (s) => s.freshPlanning)}`, (s) =>
            cpu(s.freshPlanning?.cold),
          ),
        ]
      : []),
    row("  CPU, in the benchmark process (warm, beside lib/sim)", (s) => ms(s.planning.totalMs)),
    row("  peak memory, planning process", (s) => (primary(s) ? mb(primary(s)!.maxRssMb) : "—")),
    ["Process", ...sizes.map(() => "")],
    row("  peak memory, whole run with lib/sim", (s) => mb(s.process.maxRssMb)),
    row("  CPU, whole benchmark of the size", (s) => duration(s.process.cpuMs)),
  ]);
}

/** The planning measured on the Lambda runtime's Node when there is one, else on this machine's. */
const primary = (s: SizeResult) => s.lambdaPlanning ?? s.freshPlanning;

function nodeOf(sizes: readonly SizeResult[], pick: (s: SizeResult) => FreshPlanning | undefined): string {
  const node = sizes.map(pick).find((p) => p)?.node;
  return node ? `Node ${node}` : "";
}

function cpu(planning: PlanningCpu | undefined): string {
  return planning ? ms(planning.totalMs) : "—";
}

function ms(value: number): string {
  return `${value.toFixed(0)} ms`;
}

function pair(a: number | undefined, b: number | undefined): string {
  return a === undefined || b === undefined ? "—" : `${a.toFixed(0)} · ${b.toFixed(0)} ms`;
}

/** Steady-state calls per API family (service), actual against the lower bound. */
export function familyTable(sizes: readonly SizeResult[]): string {
  const families = new Set<string>();
  for (const size of sizes) {
    for (const c of size.steady.calls) families.add(c.service);
    for (const service of Object.keys(size.bound.callsByService)) families.add(service);
  }
  const rows: string[][] = [["family", ...sizes.map((s) => `${count(s.resources)}: calls / bound`)]];
  for (const family of [...families].sort()) {
    rows.push([
      family,
      ...sizes.map((s) => {
        const actual = s.steady.calls.filter((c) => c.service === family).reduce((n, c) => n + c.calls, 0);
        const bound = s.bound.callsByService[family] ?? 0;
        return `${count(actual)} / ${count(bound)} (${ratio(actual, bound)})`;
      }),
    ]);
  }
  rows.push([
    "total",
    ...sizes.map(
      (s) => `${count(steadyCalls(s))} / ${count(s.bound.calls)} (${ratio(steadyCalls(s), s.bound.calls)})`,
    ),
  ]);
  return formatTable(rows);
}

/** The quota buckets that set each size's time bound, slowest first. */
export function bucketTable(sizes: readonly SizeResult[], top = 4): string {
  const rows: string[][] = [["size", "quota bucket", "rps", "calls", "time at full quota"]];
  for (const size of sizes) {
    for (const [i, bucket] of size.bound.buckets.slice(0, top).entries()) {
      rows.push([
        i === 0 ? count(size.resources) : "",
        bucket.bucket,
        String(bucket.rps),
        count(bucket.calls),
        duration(bucket.ms),
      ]);
    }
  }
  return formatTable(rows);
}

export function bundleTable(bundles: readonly BundleResult[]): string {
  return formatTable([
    ["handler", "bundle", "gzip", "cold import (median of 5)"],
    ...bundles.map((b) => [b.handler, kb(b.bytes), kb(b.gzipBytes), `${b.coldImportMs.toFixed(0)} ms`]),
  ]);
}

export function report(result: BenchResult): string {
  return [
    `Watchkeeper benchmark — ${result.generatedAt}, Node ${result.node}, ${result.platform}, ${result.cpu}; functions run on ${result.lambdaRuntime}`,
    "",
    summaryTable(result.sizes),
    "",
    "Steady-state API calls per family",
    familyTable(result.sizes),
    "",
    "Slowest quota buckets of the steady-state lower bound",
    bucketTable(result.sizes),
    "",
    `Lambda bundles (${result.bundleSource})`,
    bundleTable(result.bundles),
    "",
  ].join("\n");
}
