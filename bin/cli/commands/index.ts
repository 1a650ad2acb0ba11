import type { Command } from "commander";
import type { CommandContext } from "../main.js";
import { registerBacktest } from "./backtest.js";
import { registerBreaker } from "./breaker.js";
import { registerDashboard } from "./dashboard.js";
import { registerDemo } from "./demo.js";
import { registerDlq } from "./dlq.js";
import { registerFindings } from "./findings.js";
import { registerInventory } from "./inventory.js";
import { registerNotify } from "./notify.js";
import { registerPlan } from "./plan.js";
import { registerReconcile } from "./reconcile.js";
import { registerRetention } from "./retention.js";
import { registerSilence } from "./silence.js";
import { registerSlack } from "./slack.js";
import { registerStatus } from "./status.js";
import { registerTop } from "./top.js";

export function registerCommands(program: Command, context: CommandContext): void {
  registerInventory(program, context);
  registerPlan(program, context);
  registerBacktest(program, context);
  registerReconcile(program, context);
  registerRetention(program, context);
  registerFindings(program, context);
  registerDashboard(program, context);
  registerStatus(program, context);
  registerTop(program, context);
  registerSilence(program, context);
  registerBreaker(program, context);
  registerDlq(program, context);
  registerNotify(program, context);
  registerSlack(program, context);
  registerDemo(program, context);
}
