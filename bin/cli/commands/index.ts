import type { Command } from "commander";
import type { CommandContext } from "../main.js";
import { registerDemo } from "./demo.js";
import { registerInventory } from "./inventory.js";

export function registerCommands(program: Command, context: CommandContext): void {
  registerInventory(program, context);
  registerDemo(program, context);
}
