import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { reviewJson } from "../../../dashboards/index.js";
import { parseConfig } from "../../../lib/config/index.js";
import { runChecks } from "../../../lib/findings/index.js";
import { plannedWrites, reconcileAccount } from "../../../lib/reconcile/index.js";
import type { SimApiStats } from "../../../lib/sim/index.js";
import { colorsFor, type Colors, type Io } from "../io.js";
import type { CommandContext } from "../main.js";
import { renderApply, renderPlan } from "../render-plan.js";
import { openSession } from "../session.js";
import { renderFindings } from "./findings.js";
import { discover, renderInventory } from "./inventory.js";

const DEMO_DIR = "dist/demo";

function heading(io: Io, c: Colors, step: number, title: string): void {
  io.out(`\n${c.bold(c.cyan(`── ${step}. ${title} `.padEnd(78, "─")))}\n\n`);
}

/** The whole agent on the simulated sample account, one capability after another. */
export function registerDemo(program: Command, context: CommandContext): void {
  program
    .command("demo")
    .description("run Watchkeeper against the simulated sample account and show what it does")
    .action(async () => {
      const { io } = context;
      const c = colorsFor(io);
      const session = await openSession({ demo: true });
      const sim = session.sim!;
      const config = parseConfig({}, "demo config");
      io.out("Watchkeeper demo: a simulated AWS account in memory; nothing leaves this machine.\n");

      heading(io, c, 1, "Inventory: discover every serverless resource");
      const inventory = await discover(io, session);
      io.out(renderInventory(inventory, io));

      heading(io, c, 2, "Findings: configuration mistakes, before they page anyone");
      const findings = runChecks(inventory);
      io.out(renderFindings(findings.slice(0, 6), c));
      if (findings.length > 6)
        io.out(c.dim(`... ${findings.length - 6} more: watchkeeper findings --demo\n`));

      heading(io, c, 3, "Plan: alarms, log retention and the dashboard (watchkeeper plan)");
      const planned = await reconcileAccount(session.aws, inventory, config, { dryRun: true });
      io.out(renderPlan(planned, c, 8));

      heading(io, c, 4, "Apply, paced below the CloudWatch and Logs quotas (watchkeeper apply --yes)");
      const started = sim.clock.now();
      const applied = await reconcileAccount(session.aws, inventory, config);
      io.out(renderApply(applied, c));
      const managed = sim.alarms.size;
      io.out(
        `The account now holds ${managed} alarms; writing them took ${((sim.clock.now() - started) / 1000).toFixed(1)} s ` +
          `of simulated time at the PutMetricAlarm quota, with ${throttles(sim.stats())} throttling errors.\n`,
      );

      heading(io, c, 5, "Run again: level-triggered, so nothing left to do");
      const again = await reconcileAccount(session.aws, await discover(io, session), config, {
        dryRun: true,
      });
      io.out(`Second plan: ${plannedWrites(again).length} changes.
`);

      heading(io, c, 6, "Dashboard body, for review (watchkeeper dashboard --out FILE)");
      mkdirSync(DEMO_DIR, { recursive: true });
      const file = join(DEMO_DIR, "dashboard.json");
      const specs =
        applied.dashboards?.plan.changes.flatMap((change) => (change.desired ? [change.desired] : [])) ?? [];
      writeFileSync(file, reviewJson(specs));
      io.out(`Wrote ${resolve(file)}\n`);
    });
}

function throttles(stats: readonly SimApiStats[]): number {
  return stats.reduce((sum, api) => sum + api.throttled, 0);
}
