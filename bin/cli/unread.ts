/**
 * What a command could not read, said first, and the exit code that goes with it: a partial view must
 * never look like a clean result, on a terminal or in a script.
 */
import { describeGaps, describeUnsupported, type DiscoveryWarning } from "../../lib/inventory/index.js";
import type { RunHealth } from "../../lib/reconcile/index.js";
import { EXIT_FAILURE, EXIT_OK, EXIT_PARTIAL } from "./errors.js";
import type { Colors } from "./io.js";
import type { CommandContext } from "./main.js";

/** The block that heads a report when something could not be read; empty when everything was. */
export function renderUnread(unread: readonly string[], unsupported: readonly string[], c: Colors): string {
  const lines: string[] = [];
  if (unread.length > 0) {
    lines.push(
      c.red(
        c.bold(`Could not read everything: what these reads cover was left alone (exit ${EXIT_PARTIAL})`),
      ),
      ...unread.map((line) => c.red(`  ! ${line}`)),
    );
  }
  if (unsupported.length > 0) {
    lines.push(
      c.dim("Not offered by this endpoint (read as absent):"),
      ...unsupported.map((l) => c.dim(`  ${l}`)),
    );
  }
  return lines.length > 0 ? `${lines.join("\n")}\n\n` : "";
}

/** For commands whose report is the inventory itself (inventory, findings). */
export function renderInventoryGaps(warnings: readonly DiscoveryWarning[], c: Colors): string {
  return renderUnread(describeGaps(warnings), describeUnsupported(warnings), c);
}

/** Sets the exit code a run's health calls for, never lowering one already set (an interrupt's 130). */
export function exitForHealth(context: CommandContext, health: Pick<RunHealth, "status">): void {
  const code =
    health.status === "failed" ? EXIT_FAILURE : health.status === "partial" ? EXIT_PARTIAL : EXIT_OK;
  if (context.exitCode === EXIT_OK) context.exitCode = code;
}

/** Exit `EXIT_PARTIAL` when any read failed. */
export function exitForGaps(context: CommandContext, warnings: readonly DiscoveryWarning[]): void {
  exitForHealth(context, { status: describeGaps(warnings).length > 0 ? "partial" : "complete" });
}
