import type { Command } from "commander";
import type { CommandContext } from "../main.js";
import { registerDashboard } from "./dashboard.js";
import { registerDemo } from "./demo.js";
import { registerFindings } from "./findings.js";
import { registerInventory } from "./inventory.js";
import { registerPlan } from "./plan.js";
import { registerRetention } from "./retention.js";

export function registerCommands(program: Command, context: CommandContext): void {
  registerInventory(program, context);
  registerPlan(program, context);
  registerRetention(program, context);
  registerFindings(program, context);
  registerDashboard(program, context);
  registerDemo(program, context);
}
