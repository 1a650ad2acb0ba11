/** `watchkeeper plan` and `apply` output: a readable diff per capability, like `terraform plan`. */
import type { ChangeOutcome } from "../../lib/apply/apply.js";
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
  lines.push(...writes.slice(0, limit).map((change) => changeLine(change, c)));
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

/** `limit` caps the changes listed per capability (the demo keeps its output short). */
export function renderPlan(run: AccountRun, c: Colors, limit = Infinity): string {
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
      ],
      limit,
    ),
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
