import { statusSections, type StatusStyle } from "../actions/status.js";
import { formatUtc } from "../alarms/silence.js";
import { plural } from "../plural.js";
import type { OrganizationStatus, TargetStatus } from "./status.js";

const PLAIN: StatusStyle = { heading: (t) => t, bad: (t) => t, dim: (t) => t };

/**
 * The organization's status as text: a section per account and region that was read (only the parts that
 * hold something), then one line per account or region that could not be read and per account skipped,
 * then the totals.
 */
export function renderOrganizationStatus(org: OrganizationStatus, style: StatusStyle = PLAIN): string {
  const { totals } = org;
  const lines = [
    `Watchkeeper status of ${plural(totals.accounts, "account")} in ${plural(org.regions.length, "region")} ` +
      `through ${org.role}, ${formatUtc(new Date(org.at))}`,
  ];
  for (const target of org.targets) {
    if (!target.status) continue;
    lines.push("", style.heading(`${accountLabel(target)} · ${target.region}`));
    const { warnings } = target.status;
    if (warnings.length > 0) {
      lines.push(style.bad("  Could not read everything: what is shown below is partial"));
      for (const warning of warnings) lines.push(style.bad(`    ! ${warning}`));
    }
    const held = statusSections(target.status, style).filter((s) => s.count > 0 || s.items.length > 0);
    // With warnings, "nothing" would claim what could not be read.
    if (held.length === 0 && warnings.length === 0)
      lines.push(style.dim("  nothing in ALARM, no open breakers, DLQs with messages, redrives or silences"));
    for (const section of held) {
      lines.push(`  ${section.title}: ${section.count === 0 ? "none" : section.count}`);
      for (const item of section.items) lines.push(`    ${item}`);
    }
  }

  const failed = unreachedLines(org.targets);
  if (failed.length > 0 || org.skipped.length > 0 || org.managementLeftOut) lines.push("");
  if (failed.length > 0) {
    lines.push(
      style.bad(`Could not read ${plural(failed.length, "account or region", "accounts or regions")}:`),
    );
    for (const line of failed) lines.push(style.bad(`  ! ${line}`));
  }
  for (const s of org.skipped) lines.push(style.dim(`  - ${accountLabel(s)}: ${s.state}, not read`));
  if (org.managementLeftOut)
    lines.push(
      style.dim(
        `  - ${accountLabel(org.managementLeftOut)}: the management account, not read (StackSets do not ` +
          "deploy to it; list it in targets to watch and read it)",
      ),
    );

  lines.push(
    "",
    `${totals.read} of ${plural(totals.targets, "account-region")} read` +
      (totals.partial > 0 ? ` (${totals.partial} partly)` : "") +
      `, ${totals.unreachable} not` +
      (totals.skipped > 0 ? `, ${plural(totals.skipped, "account")} skipped` : "") +
      `; ${plural(totals.alarms, "Watchkeeper alarm")}` +
      (totals.otherAlarms > 0 ? ` and ${plural(totals.otherAlarms, "other alarm")}` : "") +
      " in ALARM",
  );
  return lines.join("\n") + "\n";
}

function accountLabel(t: { readonly accountId: string; readonly accountName?: string }): string {
  return t.accountName ? `${t.accountId} (${t.accountName})` : t.accountId;
}

/** One line per account whose role could not be assumed (all its regions), one per other region not read. */
function unreachedLines(targets: readonly TargetStatus[]): string[] {
  const lines: string[] = [];
  const accountsSaid = new Set<string>();
  for (const t of targets) {
    if (!t.error) continue;
    if (t.error.stage === "assume-role") {
      if (accountsSaid.has(t.accountId)) continue;
      accountsSaid.add(t.accountId);
      lines.push(`${accountLabel(t)}: ${t.error.reason}`);
    } else {
      lines.push(`${accountLabel(t)} in ${t.region}: ${t.error.reason}`);
    }
  }
  return lines;
}
