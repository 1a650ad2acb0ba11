/** `watchkeeper plan` and `apply` output: a readable diff per capability, like `terraform plan`. */
import type { AlarmDataCheck, AlarmDataFinding } from "../../lib/alarms/lint.js";
import type { ChangeOutcome } from "../../lib/apply/apply.js";
import type { BacktestReport } from "../../lib/backtest/index.js";
import { describeSaving } from "../../lib/logs/savings.js";
import { plural } from "../../lib/plural.js";
import type { Change, FieldDiff } from "../../lib/plan/change.js";
import { plannedWrites, runReports, runTotals, type AccountRun } from "../../lib/reconcile/account.js";
import { runHealth } from "../../lib/reconcile/health.js";
import { renderUnread } from "./unread.js";
import type { Colors } from "./io.js";
import type { GlobalOptions } from "./main.js";

type AnyChange = Change<unknown, unknown>;

function value(v: unknown): string {
  if (v === undefined) return "(none)";
  const text = typeof v === "string" ? v : JSON.stringify(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function diffText(diff: readonly FieldDiff[] | undefined): string {
  return (diff ?? []).map((d) => `${d.field}: ${value(d.from)} → ${value(d.to)}`).join("; ");
}

function changeLine(change: AnyChange, c: Colors): string {
  switch (change.action) {
    case "create":
      return c.green(`  + ${change.target}`);
    case "update":
      return c.yellow(`  ~ ${change.target}`) + c.dim(`  ${diffText(change.diff) || change.reason}`);
    case "delete":
      return c.red(`  - ${change.target}`) + c.dim(`  ${change.reason}`);
    case "noop":
      return c.dim(`    ${change.target}  ${change.reason}`);
  }
}

function heldLine(change: AnyChange, c: Colors): string {
  const mark = { create: "+", update: "~", delete: "-" }[change.held!];
  return c.red(`  ${mark} ${change.target}`) + c.dim(`  not ${change.held}d: ${change.reason}`);
}

function section(
  title: string,
  changes: readonly AnyChange[],
  c: Colors,
  extra: string[] = [],
  limit = Infinity,
  annotate: (change: AnyChange) => string = () => "",
): string[] {
  const writes = changes.filter((change) => change.action !== "noop");
  const counts = ["create", "update", "delete"].map(
    (action) => `${writes.filter((w) => w.action === action).length} to ${action}`,
  );
  const held = changes.filter((change) => change.held !== undefined);
  const heldNote = held.length > 0 ? c.red(`, ${held.length} held back (not seen completely)`) : "";
  const lines = [
    c.bold(`${title}: ${counts.join(", ")}, ${changes.length - writes.length - held.length} unchanged`) +
      heldNote,
  ];
  lines.push(...writes.slice(0, limit).map((change) => changeLine(change, c) + annotate(change)));
  if (writes.length > limit) lines.push(c.dim(`  ... and ${writes.length - limit} more`));
  // Unowned targets are shown so nobody wonders why Watchkeeper left them alone.
  lines.push(
    ...changes
      .filter((change) => change.action === "noop" && /not owned/i.test(change.reason))
      .map((change) => changeLine(change, c)),
  );
  // Held changes, as the plan would have made them, each with the read that kept it back.
  lines.push(...held.slice(0, limit).map((change) => heldLine(change, c)));
  if (held.length > limit) lines.push(c.dim(`  ... and ${held.length - limit} more held back`));
  return [...lines, ...extra.map((line) => `  ${line}`), ""];
}

/** `plan --backtest`'s column: what the alarm a change writes would have done over the history. */
function pagesColumn(report: BacktestReport, c: Colors): (change: AnyChange) => string {
  const byName = new Map(report.alarms.map((alarm) => [alarm.name, alarm]));
  return (change) => {
    const alarm = change.action === "delete" ? undefined : byName.get(change.target);
    if (!alarm) return "";
    if (alarm.notEvaluated !== undefined) return c.dim("  [not backtested]");
    const text = `  [${alarm.pages === 0 ? "quiet" : `${plural(alarm.pages, "page")}`} in ${report.window.days} d]`;
    return alarm.noisy ? c.red(text) : c.dim(text);
  };
}

/** The backtest's verdict under the alarms: said before apply, so a noisy plan is not applied unread. */
function backtestSummary(report: BacktestReport, c: Colors): string[] {
  const t = report.totals;
  const lines = [
    `backtest over ${plural(report.window.days, "day")}: ${plural(t.paging, "alarm")} would have paged ${plural(t.pages, "time")}` +
      (t.notEvaluated > 0 ? `, ${t.notEvaluated} not backtested (see watchkeeper backtest)` : ""),
  ];
  const noisy = report.alarms.filter((a) => a.noisy);
  if (noisy.length > 0)
    lines.push(
      c.red(
        `warning: ${plural(noisy.length, "alarm")} would have paged more than ${report.maxPagesPerWeek} times a week: ` +
          noisy.map((a) => `${a.name} (${a.pagesPerWeek.toFixed(1)} a week)`).join(", "),
      ),
    );
  return lines;
}

/** How many alarms that can never get data are named one by one; --json lists them all. */
const NEVER_SHOWN = 20;
/** How many metrics the "no data yet" and "unknown" summaries name. */
const GROUPS_SHOWN = 8;

/** Findings grouped by `key`, largest group first. */
function groups(findings: readonly AlarmDataFinding[], key: (f: AlarmDataFinding) => string) {
  const byKey = new Map<string, AlarmDataFinding[]>();
  for (const finding of findings) {
    const k = key(finding);
    const group = byKey.get(k);
    if (group) group.push(finding);
    else byKey.set(k, [finding]);
  }
  return [...byKey.entries()].sort(([a, x], [b, y]) => y.length - x.length || (a < b ? -1 : 1));
}

const QUIET_CAUSE: Readonly<Record<string, string>> = {
  "resource-silent": "nothing listed for the resource (new, or no traffic yet)",
  "metric-quiet": "the resource publishes other metrics (normal if this one is sent only on failure)",
  "only-excluded": "only resources the query leaves out publish it",
};

/** What a finding says after its metric: the same for every metric one failed call touched. */
function afterMetric(finding: AlarmDataFinding): string {
  const at = finding.metric ? finding.reason.indexOf(finding.metric) : -1;
  return at < 0 ? finding.reason : finding.reason.slice(at + finding.metric.length).trim();
}

/**
 * The alarm data check (`plan`): counts, every alarm that can never get data with why, what could not be
 * checked, and the "no data yet" alarms summarized by metric: they are expected (new resources, metrics sent
 * only on failure), so they are counted, not listed (`--json` has each with its reason).
 */
export function renderDataCheck(check: AlarmDataCheck | "skipped", c: Colors): string[] {
  if (check === "skipped") return [c.dim("Alarm data check: skipped (--no-lint)"), ""];
  const { counts } = check;
  const heading =
    c.bold(
      `Alarm data check: ${plural(check.alarms, "alarm")}, ${counts.fine} with data` +
        `, ${counts.never} can never get data, ${counts["no-data-yet"]} no data yet, ${counts.unknown} unknown`,
    ) + c.dim(` (ListMetrics, last two weeks: ${plural(check.calls, "call")})`);
  const lines = [heading];
  const never = check.findings.filter((f) => f.status === "never");
  lines.push(...never.slice(0, NEVER_SHOWN).map((f) => c.red(`  ! ${f.alarm}`) + `  ${f.reason}`));
  if (never.length > NEVER_SHOWN)
    lines.push(c.red(`  ... and ${never.length - NEVER_SHOWN} more (--json lists every alarm)`));
  // One failed listing touches every alarm on its metric, and one denial every metric: grouped by why.
  const unknown = groups(
    check.findings.filter((f) => f.status === "unknown"),
    afterMetric,
  );
  for (const [why, found] of unknown.slice(0, GROUPS_SHOWN)) {
    const metrics = [...new Set(found.map((f) => f.metric).filter(Boolean))];
    const which =
      metrics.length > 0 ? ` (${metrics.slice(0, 3).join(", ")}${metrics.length > 3 ? ", ..." : ""})` : "";
    lines.push(c.yellow(`  ? ${plural(found.length, "alarm")} not checked: ${why}${which}`));
  }
  if (unknown.length > GROUPS_SHOWN)
    lines.push(c.yellow(`  ... and ${unknown.length - GROUPS_SHOWN} more reasons`));
  const quiet = groups(
    check.findings.filter((f) => f.status === "no-data-yet"),
    (f) => f.metric,
  );
  if (quiet.length > 0)
    lines.push(c.dim("  no data yet (expected before traffic, and for metrics sent only on failure):"));
  for (const [metric, found] of quiet.slice(0, GROUPS_SHOWN)) {
    const causes = groups(found, (f) => f.cause).map(([cause, of]) =>
      found.length === of.length
        ? (QUIET_CAUSE[cause] ?? cause)
        : `${of.length} ${QUIET_CAUSE[cause] ?? cause}`,
    );
    lines.push(c.dim(`    ${metric}: ${plural(found.length, "alarm")}, ${causes.join("; ")}`));
  }
  if (quiet.length > GROUPS_SHOWN)
    lines.push(c.dim(`    ... and ${quiet.length - GROUPS_SHOWN} more metrics (--json lists every alarm)`));
  return [...lines, ""];
}

/**
 * `limit` caps the changes listed per capability (the demo keeps its output short); `dataCheck`, when given,
 * follows the alarms.
 */
export interface PlanView {
  /** Changes shown per section before the rest are counted. */
  readonly limit?: number;
  readonly dataCheck?: AlarmDataCheck | "skipped";
  /** `plan --backtest`: each alarm's pages over the history, beside its change. */
  readonly backtest?: BacktestReport;
}

export function renderPlan(run: AccountRun, c: Colors, view: PlanView = {}): string {
  const { limit = Infinity, dataCheck, backtest } = view;
  const { alarms, retention, dashboards } = run;
  const health = runHealth(run);
  const cost = alarms.cost;
  const usd = (n: number) => `$${n.toFixed(2)}`;
  const lines = [
    ...section(
      "Alarms",
      alarms.plan.changes,
      c,
      [
        `monthly cost of managed alarms: ${usd(cost.before.monthlyUsd)} now → ${usd(cost.after.monthlyUsd)} after ` +
          `(${plural(cost.after.alarms, "alarm")}, ${plural(cost.after.alarmMetrics, "alarm metric")}${cost.approximate ? ", approximate" : ""})`,
        ...alarms.warnings.map((w) => c.yellow(`warning: ${w}`)),
        ...(backtest ? backtestSummary(backtest, c) : []),
      ],
      limit,
      backtest ? pagesColumn(backtest, c) : undefined,
    ),
    ...(dataCheck !== undefined ? renderDataCheck(dataCheck, c) : []),
    ...section(
      "Log retention",
      retention.plan.changes,
      c,
      [
        `estimated storage saving: ${describeSaving(retention.plan.saving)}`,
        ...retention.plan.warnings.map((w) => c.yellow(`warning: ${w.logGroup}: ${w.message}`)),
      ],
      limit,
    ),
  ];
  if (dashboards) lines.push(...section("Dashboards", dashboards.plan.changes, c, [], limit));
  return renderUnread(health.unread, health.unsupported, c) + lines.join("\n");
}

/** The flags that chose the account and config, so a suggested command works on the same ones. */
function sameTarget(options: GlobalOptions): string {
  const flags: [string, string | boolean | undefined][] = [
    ["--region", options.region],
    ["--profile", options.profile],
    ["--endpoint", options.endpoint],
    ["--config", options.config],
    ["--demo", options.demo],
  ];
  return flags
    .filter(([, value]) => value !== undefined && value !== false)
    .map(([flag, value]) => (value === true ? ` ${flag}` : ` ${flag} ${String(value)}`))
    .join("");
}

/** What to do after a plan: apply it, nothing, or first fix what could not be read. */
export function nextStep(run: AccountRun, options: GlobalOptions): string {
  if (runHealth(run).status !== "complete")
    return "Fix what could not be read (above), then run plan again.\n";
  const writes = plannedWrites(run).length;
  if (writes === 0) return "Nothing to change.\n";
  const these = writes === 1 ? "this change" : `these ${writes} changes`;
  return `Run \`watchkeeper apply${sameTarget(options)}\` to make ${these}.\n`;
}

export function renderApply(run: AccountRun, c: Colors): string {
  const t = runTotals(run);
  const outcomes = runReports(run).flatMap((report) => report.outcomes);
  const interrupted = outcomes.filter((outcome) => outcome.cause === "interrupted").length;
  const failures = outcomes
    .filter((outcome: ChangeOutcome<AnyChange>) => outcome.status === "failed")
    .map((outcome) =>
      c.red(`  ! ${outcome.change.kind} ${outcome.change.target}: ${outcome.error ?? "failed"}`),
    );
  const lines = [
    c.bold(`Applied ${plural(t.applied, "change")}`) +
      (t.failed ? c.red(`, ${t.failed} failed`) : "") +
      (t.deferred > interrupted
        ? c.yellow(`, ${t.deferred - interrupted} deferred to the next run (time budget)`)
        : "") +
      (interrupted ? c.yellow(`, ${interrupted} not applied (interrupted)`) : ""),
    ...failures,
    ...(interrupted ? ["Run it again to apply the rest."] : []),
  ];
  return lines.join("\n") + "\n";
}
