import type { Command } from "commander";
import { alarmMetricNames, lintAlarmData, type AlarmDataCheck } from "../../../lib/alarms/lint.js";
import type { Aws } from "../../../lib/aws/index.js";
import { listMetrics } from "../../../lib/metrics/listed.js";
import { loadConfig, type WatchkeeperConfig } from "../../../lib/config/index.js";
import {
  plannedWrites,
  reconcileAccount,
  runHealth,
  runTotals,
  type AccountRun,
} from "../../../lib/reconcile/index.js";
import { confirmed } from "../confirm.js";
import { plural } from "../../../lib/plural.js";
import { EXIT_FAILURE, EXIT_INTERRUPTED } from "../errors.js";
import { withStopOnSignal } from "../interrupt.js";
import { colorsFor, type Io } from "../io.js";
import type { CommandContext, GlobalOptions } from "../main.js";
import { withProgress } from "../progress.js";
import { nextStep, renderApply, renderPlan } from "../render-plan.js";
import type { Session } from "../session.js";
import {
  announceConfig,
  chooseConfig,
  configSourceOption,
  configurationJson,
  localConfig,
  type ChosenConfig,
  type ConfigSourceChoice,
} from "../config-source.js";
import { exitForHealth } from "../unread.js";
import { backtestOptions, backtestSettings, replayHistory, type BacktestFlags } from "./backtest.js";
import { discover } from "./inventory.js";
import { globalOptions, printJson } from "./shared.js";

/**
 * What `plan --json` and `apply --json` print: the changes and outcomes, not the whole inventory; `plan` adds
 * its alarm data check (null with --no-lint).
 */
function runJson(run: AccountRun, chosen: ChosenConfig, dataCheck?: AlarmDataCheck | null) {
  return {
    accountId: run.inventory.accountId,
    region: run.inventory.region,
    configuration: configurationJson(chosen),
    health: runHealth(run),
    alarms: { changes: run.alarms.plan.changes, cost: run.alarms.cost, warnings: run.alarms.warnings },
    retention: {
      changes: run.retention.plan.changes,
      saving: run.retention.plan.saving,
      warnings: run.retention.plan.warnings,
    },
    dashboards: run.dashboards ? { changes: run.dashboards.plan.changes } : undefined,
    outcomes: [
      ...run.alarms.report.outcomes,
      ...run.retention.report.outcomes,
      ...(run.dashboards?.report.outcomes ?? []),
    ].filter((outcome) => outcome.status !== "dry-run"),
    ...(dataCheck !== undefined ? { alarmDataCheck: dataCheck } : {}),
  };
}

export function configOf(options: GlobalOptions): WatchkeeperConfig {
  return loadConfig(options.config);
}

export async function planRun(
  session: Session,
  config: WatchkeeperConfig,
  context: CommandContext,
): Promise<AccountRun> {
  // The scheduled reconcile's detail, so that plan and apply change what it would (and it keeps them).
  const inventory = await discover(context.io, session, "reconcile");
  return withProgress(context.io, "Planning", () =>
    reconcileAccount(session.aws, inventory, config, { dryRun: true }),
  );
}

/**
 * Lists every metric the planned alarms read (one paced, paged ListMetrics listing per metric name) and checks
 * that each alarm's metric and dimension set exists or is expected to appear. Reads only; a failed listing
 * leaves its alarms "unknown" and the plan as it is.
 */
export async function checkAlarmData(io: Io, aws: Aws, run: AccountRun): Promise<AlarmDataCheck> {
  const desired = run.alarms.plan.desired;
  const listed = await withProgress(io, "Checking alarm data", (report) =>
    listMetrics(aws, alarmMetricNames(desired), {
      onProgress: (done, total) => report({ phase: "metrics", done, total }),
    }),
  );
  return lintAlarmData(desired, listed);
}

interface PlanFlags extends BacktestFlags {
  configSource?: ConfigSourceChoice;
  lint: boolean;
  backtest?: boolean;
}

interface ApplyFlags {
  yes?: boolean;
  dryRun?: boolean;
  configSource?: ConfigSourceChoice;
}

export function registerPlan(program: Command, context: CommandContext): void {
  const plan = program
    .command("plan")
    .description("show what apply would change: alarms, log retention, dashboards (writes nothing)")
    .addOption(configSourceOption())
    .option("--no-lint", "skip the alarm data check (one ListMetrics listing per metric the alarms read)")
    .option(
      "--backtest",
      "replay the metric history through the planned alarms: pages per alarm beside each change",
    )
    .option("--yes", `with --backtest: read the history without asking when it would cost more than $1`);
  backtestOptions(plan).action(async (flags: PlanFlags, command: Command) => {
    const options = globalOptions(command);
    const local = localConfig(options);
    const session = await context.openSession(options);
    const chosen = await chooseConfig(session, local, flags.configSource);
    announceConfig(context.io, chosen);
    const run = await planRun(session, chosen.config, context);
    const dataCheck = flags.lint ? await checkAlarmData(context.io, session.aws, run) : undefined;
    const backtest = flags.backtest
      ? await replayHistory(context, session, run.alarms.plan.desired, backtestSettings(flags), flags.yes)
      : undefined;
    if (options.json)
      printJson(context.io, {
        ...runJson(run, chosen, dataCheck ?? null),
        ...(backtest ? { backtest } : {}),
      });
    else
      context.io.out(
        renderPlan(run, colorsFor(context.io), {
          dataCheck: dataCheck ?? "skipped",
          ...(backtest ? { backtest } : {}),
        }) + nextStep(run, options),
      );
    // The check's findings are advice, as the alarm warnings are: the exit code says only whether the plan
    // saw the account completely (0, or 3 for a partial view). Scripts read alarmDataCheck.counts.never.
    exitForHealth(context, runHealth(run));
  });

  program
    .command("apply")
    .description("create, update and delete Watchkeeper's alarms, set log retention, write the dashboard")
    .option("--yes", "apply without asking")
    .option("--dry-run", "show the plan and stop (same as `watchkeeper plan`)")
    .addOption(configSourceOption())
    .action(async (flags: ApplyFlags, command: Command) => {
      const options = globalOptions(command);
      const local = localConfig(options);
      const session = await context.openSession(options);
      const { io } = context;
      const chosen = await chooseConfig(session, local, flags.configSource);
      announceConfig(io, chosen);
      const { config } = chosen;
      const colors = colorsFor(io);
      const planned = await planRun(session, config, context);
      if (!options.json) io.out(renderPlan(planned, colors));
      exitForHealth(context, runHealth(planned));
      if (flags.dryRun) {
        if (options.json) printJson(io, runJson(planned, chosen));
        else io.out(nextStep(planned, options));
        return;
      }
      if (plannedWrites(planned).length === 0) {
        if (options.json) printJson(io, runJson(planned, chosen));
        else io.out("Nothing to change.\n");
        return;
      }
      if (
        !(await confirmed(
          io,
          `Apply ${plural(plannedWrites(planned).length, "change")} to ${session.label}?`,
          flags.yes,
        ))
      ) {
        io.err("Not applied.\n");
        return;
      }
      let done = 0;
      const { result: run, stopped } = await withStopOnSignal(io, context.interrupts, (stop) =>
        withProgress(io, "Applying", (report) =>
          reconcileAccount(session.aws, planned.inventory, config, {
            stop,
            onOutcome: () => report({ phase: "changes", done: ++done, total: plannedWrites(planned).length }),
          }),
        ),
      );
      if (options.json) printJson(io, runJson(run, chosen));
      else io.out(renderApply(run, colors));
      if (runTotals(run).failed > 0) context.exitCode = EXIT_FAILURE;
      if (stopped) context.exitCode = EXIT_INTERRUPTED;
    });
}
