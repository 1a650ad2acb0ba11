/**
 * How a CLI command runs a runbook action (lib/actions): its flags become the action's input and are
 * validated by the action's schema (a bad value is a usage error naming the flag, exit 2); commands
 * that stop a function, move messages or delete log events show a dry run and ask first (`--yes`
 * skips the question); the result is printed (stdout when it worked, one line on stderr when it was
 * refused or failed, exit 1), or the whole result with `--json`.
 */
import { userInfo } from "node:os";
import type { Command } from "commander";
import {
  parseAction,
  runAction,
  type ActionResult,
  type ReconcileProgress,
} from "../../lib/actions/index.js";
import { createLogger, silentLogger, type Logger } from "../../lib/log.js";
import {
  announceConfig,
  chooseConfig,
  configurationJson,
  localConfig,
  type ChosenConfig,
  type ConfigSourceChoice,
} from "./config-source.js";
import { confirmed } from "./confirm.js";
import { EXIT_FAILURE, EXIT_INTERRUPTED, UsageError } from "./errors.js";
import { withStopOnSignal } from "./interrupt.js";
import type { Io } from "./io.js";
import type { CommandContext } from "./main.js";
import { withProgress } from "./progress.js";
import { exitForHealth } from "./unread.js";
import { globalOptions, printJson } from "./commands/shared.js";

export interface CliAction {
  /** The action's input, from the command's arguments and flags. */
  readonly input: Record<string, unknown>;
  /** Action field → how the command line calls it, for messages (`{ minutes: "--for" }`). */
  readonly labels?: Readonly<Record<string, string>>;
  /** Ask before acting (after a dry run): the question, from the dry run's result; undefined: no need. */
  readonly confirm?: (preview: ActionResult) => string | undefined;
  /** `--yes` was given. */
  readonly yes?: boolean;
  /** A spinner with this label while it runs (on a terminal). */
  readonly progress?: string;
  /** It writes through applyOperations: Ctrl-C stops it after the write in flight, with a report (exit 130). */
  readonly stoppable?: boolean;
  /** How to print a result for a person; default: its text. */
  readonly render?: (result: ActionResult) => string;
  /** Use the deployed agent's configuration where there is one (./config-source.ts); `choice`: --config-source. */
  readonly configSource?: { readonly choice?: ConfigSourceChoice };
}

/** Who runs the CLI, for the audit line and what actions record (breaker-by, silenced-by). */
export function cliActor(): string {
  let name: string | undefined;
  try {
    name = userInfo().username;
  } catch {
    name = process.env.USER ?? process.env.USERNAME;
  }
  return `user:${(name ?? "cli").replace(/[^\p{L}\p{N}_.:/=+@ -]/gu, "_") || "cli"}`;
}

/** The audit line goes to stderr as JSON when LOG_LEVEL asks for logs; silent otherwise. */
function cliLogger(io: Io): Logger {
  if (!process.env.LOG_LEVEL) return silentLogger;
  return createLogger({ cli: "watchkeeper" }, { write: (line: string) => io.err(line) });
}

export async function runCliAction(
  context: CommandContext,
  command: Command,
  spec: CliAction,
): Promise<void> {
  const { io } = context;
  const options = globalOptions(command);
  const parsed = parseAction(spec.input, spec.labels ? { labels: spec.labels } : {});
  if (!parsed.ok) throw new UsageError(parsed.error);
  const action = parsed.action;
  const local = localConfig(options);
  const session = await context.openSession(options);
  const chosen = spec.configSource ? await chooseConfig(session, local, spec.configSource.choice) : undefined;
  if (chosen) announceConfig(io, chosen);
  const base = { actor: cliActor(), config: chosen?.config ?? local.config, logger: cliLogger(io) };

  if (spec.confirm && !action.dryRun && !spec.yes) {
    const preview = await runAction(session.aws, { ...action, dryRun: true }, base);
    if (!preview.ok || preview.outcome === "unchanged")
      return report(context, preview, options.json, spec, chosen);
    const question = spec.confirm(preview);
    if (question !== undefined) {
      if (!options.json) io.out(`${(spec.render ?? ((r: ActionResult) => r.text))(preview)}\n`);
      if (!(await confirmed(io, question, spec.yes))) {
        io.err("Not run.\n");
        return;
      }
    }
  }
  const run = (stop?: AbortSignal) => {
    const call = (onProgress?: (progress: ReconcileProgress) => void) =>
      runAction(session.aws, action, {
        ...base,
        ...(onProgress ? { onProgress } : {}),
        ...(stop ? { stop } : {}),
      });
    return spec.progress ? withProgress(io, spec.progress, call) : call();
  };
  // A dry run writes nothing: Ctrl-C ends it as usual.
  if (!spec.stoppable || action.dryRun) return report(context, await run(), options.json, spec, chosen);
  const { result, stopped } = await withStopOnSignal(io, context.interrupts, run);
  report(context, result, options.json, spec, chosen);
  if (stopped) context.exitCode = EXIT_INTERRUPTED;
}

function report(
  context: CommandContext,
  result: ActionResult,
  json: boolean | undefined,
  spec: CliAction,
  chosen: ChosenConfig | undefined,
): void {
  const { io } = context;
  if (!result.ok) context.exitCode = EXIT_FAILURE;
  else if (result.partial) exitForHealth(context, { status: "partial" });
  if (json) return printJson(io, chosen ? { ...result, configuration: configurationJson(chosen) } : result);
  if (result.ok) io.out(`${(spec.render ?? ((r: ActionResult) => r.text))(result)}\n`);
  else io.err(`watchkeeper: ${result.text}\n`);
  // The action stands; the person should know a hub (or an audit rule) did not hear of it.
  for (const warning of result.auditWarnings ?? []) io.err(`watchkeeper: warning: ${warning}\n`);
}

/** A whole number from a flag, or a usage error naming the flag. */
export function integerFlag(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\s*-?\d+\s*$/.test(value)) throw new UsageError(`${flag} "${value}" is not a whole number`);
  return Number(value);
}

/** The longest a duration flag may be, and what it is for: `{ minutes: 10080, what: "a silence" }`. */
export interface DurationLimit {
  readonly minutes: number;
  readonly what: string;
}

/**
 * `30m`, `1h`, `1h30m`, `2d` → minutes; a usage error naming the flag otherwise, in the units the
 * user wrote (`9d is longer than the 7d a silence may last`), never in minutes they did not type.
 */
export function durationFlag(value: string, flag: string, limit?: DurationLimit): number {
  const text = value.trim().toLowerCase();
  const match = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$/.exec(text);
  if (!text || !match || match.slice(1).every((part) => part === undefined))
    throw new UsageError(`${flag} "${value}" is not a duration; use e.g. 30m, 1h, 1h30m or 2d`);
  const [, d = "0", h = "0", m = "0"] = match;
  const minutes = Number(d) * 1440 + Number(h) * 60 + Number(m);
  if (minutes < 1) throw new UsageError(`${flag} ${value.trim()} is no time at all; use at least 1m`);
  if (limit && minutes > limit.minutes)
    throw new UsageError(
      `${flag} ${value.trim()} is longer than the ${durationText(limit.minutes)} ${limit.what} may last`,
    );
  return minutes;
}

/** Minutes as the flags write them: 10080 → "7d", 90 → "1h30m". */
export function durationText(minutes: number): string {
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  return `${d ? `${d}d` : ""}${h ? `${h}h` : ""}${m || minutes === 0 ? `${m}m` : ""}`;
}
