/**
 * The incident suite's report: markdown tables with a "before" and an "after" side, the layout of
 * docs/alerts.md, so a run pastes over the doc's tables as they are. Pure, so it is tested without running.
 */
import type { Page } from "./judge.js";
import type { Scenario } from "./loads.js";
import type { ScenarioResult } from "./run.js";

export interface SuiteRun {
  readonly generatedAt: string;
  /** The commit the catalog came from. */
  readonly catalog: string;
  readonly node: string;
  readonly results: readonly ScenarioResult[];
}

/** "3 min", "3 h 15 min". */
export function span(minutes: number): string {
  const m = Math.round(minutes);
  if (m < 60) return `${m} min`;
  return m % 60 === 0 ? `${m / 60} h` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** What paged, as the on-call reads it: the alarm without the prefix, and the contributor's resource. */
function pageLabel(page: Page, prefix: string): string {
  const alarm = page.alarm.startsWith(prefix) ? page.alarm.slice(prefix.length) : page.alarm;
  if (page.contributor === undefined) return alarm;
  // "StateMachineArn=arn:aws:states:…:stateMachine:kyc-check" reads as "kyc-check".
  const resource = page.contributor
    .split(",")
    .map((part) => part.slice(part.indexOf("=") + 1).replace(/^arn:.*:/, ""))
    .join(" ");
  return `${alarm} (${resource})`;
}

/** Distinct labels with how often each paged, most first; beyond `top`, how many more. */
export function pagedBy(pages: readonly Page[], prefix: string, top = 3): string {
  const counts = new Map<string, number>();
  for (const page of pages) {
    const label = pageLabel(page, prefix);
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  const sorted = [...counts].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1));
  const shown = sorted.slice(0, top).map(([label, n]) => (n > 1 ? `${label} ×${n}` : label));
  if (sorted.length > top) shown.push(`${sorted.length - top} more`);
  return shown.join(", ") || "—";
}

export function expected(result: ScenarioResult): string {
  const e = result.expect;
  if (!e.page) return "no page";
  return `page: ${e.by.join(" or ")}${e.naming ? ` naming ${e.naming}` : ""}`;
}

function detected(result: ScenarioResult): string {
  const v = result.verdict;
  switch (v.kind) {
    case "detected":
      return `yes, in ${span(v.minutes)}`;
    case "late":
      return `late: ${span(v.minutes)}, after the fault ended`;
    case "missed":
      return "no";
    case "quiet":
      return "quiet (as expected)";
    case "paged":
      return `paged ${v.pages}×`;
  }
}

/**
 * What a side without the scenario says: "new" before (the earlier run did not have it), "pending" after
 * (this run is the before side, or did not run it).
 */
type Missing = "new" | "pending";

/** The cells of one side (before or after) of an incident's row. */
function incidentCells(result: ScenarioResult | undefined, prefix: string, missing: Missing): string[] {
  if (!result) return [missing, "", "", ""];
  const first = result.pages[0];
  return [
    detected(result),
    first ? span(first.minute) : "—",
    `${result.pages.length} / ${result.oks}`,
    pagedBy(result.pages, prefix),
  ];
}

function baselineCells(result: ScenarioResult | undefined, prefix: string, missing: Missing): string[] {
  if (!result) return [missing, ""];
  const perDay = (n: number) => (n * 1440) / result.minutes;
  const pages = perDay(result.pages.length);
  return [
    `${Number.isInteger(pages) ? pages : pages.toFixed(1)} (OK: ${perDay(result.oks).toFixed(0)})`,
    pagedBy(result.pages, prefix),
  ];
}

/** A markdown table with cells padded to their column's width (as prettier writes them). */
export function markdownTable(rows: readonly (readonly string[])[]): string {
  const escaped = rows.map((row) => row.map((cell) => cell.replace(/\|/g, "\\|")));
  const widths = escaped[0]!.map((_, i) => Math.max(3, ...escaped.map((row) => row[i]!.length)));
  const line = (row: readonly string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(escaped[0]!), line(widths.map((w) => "-".repeat(w))), ...escaped.slice(1).map(line)].join(
    "\n",
  );
}

const SIDES = ["before", "after"] as const;
const MISSING: readonly Missing[] = ["new", "pending"];

/** What each scenario is, and what counts as detecting it. */
export function legend(scenarios: readonly Scenario[]): string {
  return markdownTable([
    ["scenario", "what happens", "detected means"],
    ...scenarios.map((s) => [s.id, s.title, s.detectedMeans]),
  ]);
}

/**
 * Both tables. `before`: an earlier run (its JSON), with this run as "after"; without it, this run is
 * "before" and "after" is pending.
 */
export function report(run: SuiteRun, prefix: string, before?: SuiteRun): string {
  const sides = before ? [before, run] : [run, undefined];
  const byId = sides.map((side) => new Map(side?.results.map((r) => [r.id, r])));
  const ids = [...new Set([...(before?.results ?? []), ...run.results].map((r) => r.id))];
  const find = (id: string) =>
    run.results.find((r) => r.id === id) ?? before!.results.find((r) => r.id === id)!;
  const incidents = ids.filter((id) => find(id).kind === "incident");
  const baselines = ids.filter((id) => find(id).kind === "baseline");
  const heads = (columns: readonly string[]) => SIDES.flatMap((side) => columns.map((c) => `${side}: ${c}`));
  return [
    `Incidents (${sides.map((s, i) => `${SIDES[i]}: ${s ? `${s.catalog}, ${s.generatedAt.slice(0, 10)}` : "pending"}`).join("; ")})`,
    "",
    markdownTable([
      ["scenario", "expected", ...heads(["detected", "first page", "pages / OK", "paged by"])],
      ...incidents.map((id) => [
        id,
        expected(find(id)),
        ...byId.flatMap((results, side) => incidentCells(results.get(id), prefix, MISSING[side]!)),
      ]),
    ]),
    "",
    "Quiet baselines, 24 h each",
    "",
    markdownTable([
      ["baseline", ...heads(["false pages / day", "paged by"])],
      ...baselines.map((id) => [
        id,
        ...byId.flatMap((results, side) => baselineCells(results.get(id), prefix, MISSING[side]!)),
      ]),
    ]),
    "",
  ].join("\n");
}
