/** Findings arranged for people: grouped by resource for the CLI, summarized for the dashboard. */
import { compareFindings, severityRank } from "./run.js";
import { SEVERITIES } from "./types.js";
import type { Finding, FindingResourceKind, Severity } from "./types.js";

export interface FindingGroup {
  readonly resourceArn: string;
  readonly resourceName: string;
  readonly resourceKind: FindingResourceKind;
  /** The most severe open finding's severity; undefined when every finding is accepted. */
  readonly severity?: Severity;
  readonly open: number;
  readonly accepted: number;
  /** Open first, most severe first. */
  readonly findings: readonly Finding[];
}

/**
 * One group per resource. Groups with open findings come first, most severe first, then those with more
 * findings at that severity; all-accepted groups come last. Ties go by resource name and ARN.
 */
export function groupFindings(findings: readonly Finding[]): FindingGroup[] {
  const byResource = new Map<string, Finding[]>();
  for (const finding of findings) {
    const list = byResource.get(finding.resourceArn) ?? [];
    list.push(finding);
    byResource.set(finding.resourceArn, list);
  }
  const groups: FindingGroup[] = [];
  for (const [resourceArn, list] of byResource) {
    const sorted = [...list].sort(compareFindings);
    const first = sorted[0] as Finding;
    const open = sorted.filter((f) => f.status === "open");
    groups.push({
      resourceArn,
      resourceName: first.resourceName,
      resourceKind: first.resourceKind,
      ...(open[0] ? { severity: open[0].severity } : {}),
      open: open.length,
      accepted: sorted.length - open.length,
      findings: sorted,
    });
  }
  const rank = (group: FindingGroup) =>
    group.severity === undefined ? SEVERITIES.length : severityRank(group.severity);
  const atWorst = (group: FindingGroup) =>
    group.findings.filter((f) => f.status === "open" && f.severity === group.severity).length;
  return groups.sort(
    (a, b) =>
      rank(a) - rank(b) ||
      atWorst(b) - atWorst(a) ||
      b.open - a.open ||
      (a.resourceName < b.resourceName ? -1 : a.resourceName > b.resourceName ? 1 : 0) ||
      (a.resourceArn < b.resourceArn ? -1 : a.resourceArn > b.resourceArn ? 1 : 0),
  );
}

export interface FindingSummary {
  /** Open findings by severity; every severity present, zero included. */
  readonly open: Readonly<Record<Severity, number>>;
  readonly openTotal: number;
  readonly accepted: number;
  /** The most severe open findings, at most `top`. */
  readonly top: readonly Finding[];
}

export function countOpenBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts = Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as Record<Severity, number>;
  for (const finding of findings) if (finding.status === "open") counts[finding.severity] += 1;
  return counts;
}

export function summarizeFindings(
  findings: readonly Finding[],
  options: { top?: number } = {},
): FindingSummary {
  const open = findings.filter((f) => f.status === "open").sort(compareFindings);
  return {
    open: countOpenBySeverity(findings),
    openTotal: open.length,
    accepted: findings.length - open.length,
    top: open.slice(0, options.top ?? 5),
  };
}

/** Markdown for a CloudWatch dashboard text widget: counts by severity, then the top open findings. */
export function renderSummaryMarkdown(
  summary: FindingSummary,
  options: { title?: string; command?: string } = {},
): string {
  const lines = [`## ${options.title ?? "Findings"}`, ""];
  const counts = SEVERITIES.map((severity) => `${summary.open[severity]} ${severity}`).join(" · ");
  const accepted = summary.accepted > 0 ? ` (${summary.accepted} accepted)` : "";
  lines.push(`**${summary.openTotal} open**: ${counts}${accepted}`, "");
  if (summary.top.length === 0) {
    lines.push("No open findings.");
    return lines.join("\n");
  }
  lines.push("| Severity | Resource | Finding | Fix |", "|---|---|---|---|");
  for (const finding of summary.top) {
    const cells = [
      finding.severity,
      finding.resourceName,
      `${finding.checkId}: ${finding.message}`,
      finding.fix,
    ];
    lines.push(`| ${cells.map(escapeCell).join(" | ")} |`);
  }
  const more = summary.openTotal - summary.top.length;
  lines.push("");
  lines.push(
    `${more > 0 ? `${more} more open. ` : ""}Run \`${options.command ?? "watchkeeper findings"}\` for every finding and its fix.`,
  );
  return lines.join("\n");
}

/** Table cells cannot hold a pipe or a line break. */
function escapeCell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}
