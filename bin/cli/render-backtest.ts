/** `watchkeeper backtest` output: how often each planned alarm would have paged, noisiest first. */
import type { AlarmResult, BacktestPlan, BacktestReport } from "../../lib/backtest/index.js";
import { formatMinutes, formatUtc } from "../../lib/alarms/silence.js";
import { plural } from "../../lib/plural.js";
import type { Colors } from "./io.js";
import { formatTable } from "./table.js";

/** Alarms listed by name before the rest are counted. */
const SHOWN = 20;

const usd = (amount: number) => (amount < 0.01 ? "under $0.01" : `about $${amount.toFixed(2)}`);

/** Said before the reads start, so a large account's cost is known first. */
export function renderEstimate(plan: BacktestPlan): string {
  const e = plan.estimate;
  return (
    `Reading ${plural(e.series, "series", "series")} (${e.datapoints.toLocaleString("en-US")} datapoints) ` +
    `in ${plural(e.calls, "GetMetricData call")}, ${usd(e.usd)}.\n`
  );
}

function worstEpisode(alarm: AlarmResult): string {
  const [top] = alarm.contributors;
  const [episode] = top?.worst ?? [];
  if (!top || !episode) return "";
  const who = top.contributor ? `${top.contributor} ` : "";
  const length =
    episode.end === undefined
      ? `${formatMinutes(episode.minutes)}, still in ALARM`
      : formatMinutes(episode.minutes);
  return `${who}${formatUtc(new Date(episode.start))} (${length})`;
}

export function renderBacktest(report: BacktestReport, c: Colors, target: string): string {
  const t = report.totals;
  const lines = [
    c.bold(
      `Backtest of ${plural(t.alarms, "planned alarm")} over ${plural(report.window.days, "day")} on ${target}`,
    ) + c.dim(` (${formatUtc(new Date(report.window.start))} to ${formatUtc(new Date(report.window.end))})`),
    "",
  ];
  const paging = report.alarms
    .filter((a) => a.notEvaluated === undefined && a.pages > 0)
    .sort((a, b) => b.pages - a.pages || b.alarmMinutes - a.alarmMinutes);
  if (paging.length === 0)
    lines.push(
      // Alarms not replayed are unknown, not quiet: the all-clear is said only of the ones that were.
      t.notEvaluated === 0
        ? c.green(`  No alarm would have gone to ALARM.`)
        : c.yellow(
            `  No alarm that could be replayed would have gone to ALARM; ${plural(t.notEvaluated, "alarm")} could not be (below).`,
          ),
    );
  else {
    lines.push(
      `  Would have paged: ${plural(t.paging, "alarm")}, ${plural(t.pages, "page")} ` +
        `(${(t.pages / report.window.days).toFixed(1)} a day)`,
    );
    if (t.noisy > 0)
      lines.push(
        c.red(
          `  Noisy: ${plural(t.noisy, "alarm")} would have paged more than ${report.maxPagesPerWeek} times a week`,
        ),
      );
    lines.push("");
    const rows = paging
      .slice(0, SHOWN)
      .map((a) => [
        a.noisy ? c.red(a.name) : a.name,
        a.pages,
        a.pagesPerWeek.toFixed(1),
        formatMinutes(a.alarmMinutes),
        worstEpisode(a),
      ]);
    lines.push(formatTable([["ALARM", "PAGES", "A WEEK", "IN ALARM", "LONGEST EPISODE"], ...rows]));
    if (paging.length > SHOWN)
      lines.push(c.dim(`  … and ${plural(paging.length - SHOWN, "more alarm")} (see --json)`));
  }
  const quiet = t.evaluated - t.paging;
  if (quiet > 0 && paging.length > 0)
    lines.push("", c.dim(`  Quiet: ${plural(quiet, "alarm")} never went to ALARM.`));
  const skipped = report.alarms.filter((a) => a.notEvaluated !== undefined);
  if (skipped.length > 0) {
    lines.push("", c.yellow(`  Not evaluated (${skipped.length}):`));
    for (const a of skipped.slice(0, SHOWN)) lines.push(`    ${a.name}: ${a.notEvaluated}`);
    if (skipped.length > SHOWN) lines.push(c.dim(`    … and ${skipped.length - SHOWN} more (see --json)`));
  }
  lines.push(
    "",
    c.dim(
      `  Read with ${plural(report.calls.getMetricData, "GetMetricData call")} (the fewest possible: ` +
        `${report.calls.fewest}) and ${plural(report.calls.listMetrics, "ListMetrics call")}; ${usd(report.cost.usd)}.`,
    ),
  );
  return lines.join("\n") + "\n";
}
