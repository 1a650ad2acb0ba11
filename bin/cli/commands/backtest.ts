import type { Command } from "commander";
import {
  BacktestWindowError,
  planBacktest,
  runBacktest,
  type BacktestOptions,
  type BacktestReport,
} from "../../../lib/backtest/index.js";
import { integerFlag } from "../actions.js";
import {
  announceConfig,
  chooseConfig,
  configSourceOption,
  localConfig,
  type ConfigSourceChoice,
} from "../config-source.js";
import { confirmed } from "../confirm.js";
import { EXIT_FAILURE, EXIT_OK, EXIT_PARTIAL, UsageError } from "../errors.js";
import { colorsFor } from "../io.js";
import type { CommandContext } from "../main.js";
import type { Session } from "../session.js";
import type { AlarmSpec } from "../../../lib/alarms/spec.js";
import { withProgress } from "../progress.js";
import { renderBacktest, renderEstimate } from "../render-backtest.js";
import { exitForHealth } from "../unread.js";
import { runHealth } from "../../../lib/reconcile/index.js";
import { plural } from "../../../lib/plural.js";
import { planRun } from "./plan.js";
import { globalOptions, printJson } from "./shared.js";

/** Above this, the reads wait for a yes: a backtest of a large account is a bill, not a glance. */
const ASK_ABOVE_USD = 1;
const DEFAULT_DAYS = 14;
const DEFAULT_MAX_PAGES_PER_WEEK = 7;

export interface BacktestFlags {
  days?: string;
  maxPagesPerWeek?: string;
  yes?: boolean;
  configSource?: ConfigSourceChoice;
}

function positive(value: string | undefined, flag: string, fallback: number): number {
  const n = integerFlag(value, flag) ?? fallback;
  if (n < 1) throw new UsageError(`${flag} must be 1 or more, got ${n}`);
  return n;
}

/** 3 when some alarms could not be replayed (the answer is partial), 1 when some would have paged too often. */
export function backtestExitCode(report: BacktestReport): number {
  if (report.totals.notEvaluated > 0) return EXIT_PARTIAL;
  return report.totals.noisy > 0 ? EXIT_FAILURE : EXIT_OK;
}

/**
 * Lists, estimates (said on stderr, and asked above $1), reads and replays: the backtest both `backtest` and
 * `plan --backtest` run. Undefined when there was nothing to replay or the user said no (said why).
 */
export async function replayHistory(
  context: CommandContext,
  session: Session,
  specs: readonly AlarmSpec[],
  settings: BacktestOptions,
  yes: boolean | undefined,
): Promise<BacktestReport | undefined> {
  const { io } = context;
  const plan = await withProgress(io, "Listing metrics", (report) =>
    planBacktest(session.aws, specs, {
      ...settings,
      onProgress: (_phase, done, total) => report({ phase: "metric names", done, total }),
    }),
  ).catch((error: unknown) => {
    throw error instanceof BacktestWindowError ? new UsageError(error.message) : error;
  });
  if (plan.requests.length === 0 && plan.listed.unread.size === 0) {
    // Not a quiet report: with nothing read, "no alarm would have paged" would be said of nothing.
    const what =
      specs.length === 0
        ? `The plan holds no alarm for ${session.aws.region}`
        : `No metric the ${plural(specs.length, "planned alarm")} read has data in ${session.aws.region} ` +
          `in the past two weeks (ListMetrics listed none)`;
    io.err(`${what}: nothing to replay. Is this the region your resources run in (--region)?\n`);
    context.exitCode = EXIT_FAILURE;
    return undefined;
  }
  io.err(renderEstimate(plan));
  if (plan.estimate.usd > ASK_ABOVE_USD && !(await confirmed(io, "Read the history?", yes))) {
    io.err("Not read.\n");
    return undefined;
  }
  return withProgress(io, "Replaying history", (progress) =>
    runBacktest(session.aws, plan, {
      ...settings,
      onProgress: (_phase, done, total) => progress({ phase: "GetMetricData calls", done, total }),
    }),
  );
}

/** `--days` and `--max-pages-per-week`, as both commands take them. */
export function backtestOptions(program: Command): Command {
  return program
    .option(
      "--days <n>",
      `days of history to replay (CloudWatch keeps 1-minute data 15 days)`,
      String(DEFAULT_DAYS),
    )
    .option(
      "--max-pages-per-week <n>",
      "an alarm that would have paged more often than this is noisy (backtest exits 1)",
      String(DEFAULT_MAX_PAGES_PER_WEEK),
    );
}

export function backtestSettings(flags: BacktestFlags): BacktestOptions {
  return {
    days: positive(flags.days, "--days", DEFAULT_DAYS),
    maxPagesPerWeek: positive(flags.maxPagesPerWeek, "--max-pages-per-week", DEFAULT_MAX_PAGES_PER_WEEK),
  };
}

export function registerBacktest(program: Command, context: CommandContext): void {
  backtestOptions(program.command("backtest"))
    .description(
      "replay the account's metric history through the planned alarms: how often each would have paged (reads only)",
    )
    .option(
      "--yes",
      `read without asking when the GetMetricData calls would cost more than $${ASK_ABOVE_USD}`,
    )
    .addOption(configSourceOption())
    .action(async (flags: BacktestFlags, command: Command) => {
      const options = globalOptions(command);
      const { io } = context;
      const settings = backtestSettings(flags);
      const session = await context.openSession(options);
      const chosen = await chooseConfig(session, localConfig(options), flags.configSource);
      announceConfig(io, chosen);
      const run = await planRun(session, chosen.config, context);
      exitForHealth(context, runHealth(run));
      const specs = run.alarms.plan.desired;

      const report = await replayHistory(context, session, specs, settings, flags.yes);
      if (!report) return;
      if (options.json)
        printJson(io, { accountId: run.inventory.accountId, region: run.inventory.region, ...report });
      else io.out(renderBacktest(report, colorsFor(io), session.label));
      const code = backtestExitCode(report);
      if (code !== EXIT_OK && (context.exitCode === EXIT_OK || code === EXIT_PARTIAL))
        context.exitCode = code;
    });
}
