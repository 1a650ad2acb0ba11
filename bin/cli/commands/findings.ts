import type { Command } from "commander";
import {
  groupFindings,
  parseSeverity,
  runChecks,
  type Finding,
  type FindingGroup,
} from "../../../lib/findings/index.js";
import { plural } from "../../../lib/plural.js";
import { UsageError } from "../errors.js";
import { colorsFor, type Colors } from "../io.js";
import type { CommandContext } from "../main.js";
import { discover } from "./inventory.js";
import { exitForGaps, renderInventoryGaps } from "../unread.js";
import { globalOptions, printJson } from "./shared.js";

export function registerFindings(program: Command, context: CommandContext): void {
  program
    .command("findings")
    .description("check every resource for configuration mistakes (Serverless Lens) and say how to fix them")
    .option("--severity <level>", "only findings at this severity or above: critical, high, medium, low")
    .action(async (flags: { severity?: string }, command: Command) => {
      const options = globalOptions(command);
      const minSeverity = flags.severity === undefined ? undefined : severityFlag(flags.severity);
      const inventory = await discover(context.io, await context.openSession(options));
      const findings = runChecks(inventory, minSeverity ? { minSeverity } : {});
      if (options.json) printJson(context.io, findings);
      else {
        const colors = colorsFor(context.io);
        context.io.out(renderInventoryGaps(inventory.warnings, colors) + renderFindings(findings, colors));
      }
      exitForGaps(context, inventory.warnings);
    });
}

function severityFlag(value: string) {
  try {
    return parseSeverity(value);
  } catch (error) {
    throw new UsageError(`--severity: ${error instanceof Error ? error.message : String(error)}`);
  }
}

const SEVERITY_COLOR = { critical: "red", high: "red", medium: "yellow", low: "dim" } as const;

function findingLines(finding: Finding, c: Colors): string[] {
  const mark =
    finding.status === "accepted" ? c.dim("accepted") : c[SEVERITY_COLOR[finding.severity]](finding.severity);
  const lines = [`  ${mark}  ${finding.checkId}: ${finding.message}`];
  if (finding.status === "accepted")
    lines.push(c.dim(`      accepted: ${finding.acceptReason ?? "no reason given"}`));
  else lines.push(`      fix: ${finding.fix}`);
  return lines;
}

function groupLines(group: FindingGroup, c: Colors): string[] {
  return [
    c.bold(`${group.resourceName}`) + c.dim(` (${group.resourceKind})`),
    ...group.findings.flatMap((f) => findingLines(f, c)),
  ];
}

/** `limit`: list only the first findings (the demo); the heading still counts them all. */
export function renderFindings(findings: readonly Finding[], c: Colors, limit = Infinity): string {
  const open = findings.filter((f) => f.status === "open").length;
  const heading = c.bold(plural(open, "open finding")) + c.dim(`, ${findings.length - open} accepted`);
  if (findings.length === 0) return `${heading}\n`;
  const shown = findings.slice(0, limit);
  return [heading, "", ...groupFindings(shown).flatMap((group) => [...groupLines(group, c), ""])].join("\n");
}
