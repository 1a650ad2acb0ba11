/**
 * Planning alone, in a fresh process: loads one size's steady-state inventory and existing alarms (JSON
 * written by size.ts), plans once, and prints `{ cpu, maxRssMb }`: the CPU of a cold (not yet optimized
 * by the JIT) planning pass and the peak memory of a process that holds the inventory and its plans.
 *
 *   node plan.mjs <plan-input.json>
 */
import { readFileSync } from "node:fs";
import type { ExistingAlarm } from "../../lib/alarms/spec.js";
import { parseConfig } from "../../lib/config/schema.js";
import type { Inventory } from "../../lib/inventory/types.js";
import { measurePlanning } from "./planning.js";

const file = process.argv[2];
if (!file) throw new Error("usage: plan.mjs <plan-input.json>");
const input = JSON.parse(readFileSync(file, "utf8")) as {
  readonly inventory: Inventory;
  readonly existing: readonly ExistingAlarm[];
};
const cpu = measurePlanning(input.inventory, input.existing, parseConfig({}));
process.stdout.write(`${JSON.stringify({ cpu, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
