/**
 * Planning alone, in a fresh process: loads one size's steady-state inventory and existing alarms (JSON
 * written by size.ts) and plans twice. Prints `{ node, cold, warm, maxRssMb }`: the CPU of the first pass
 * (code not yet optimized by the JIT, as in a new Lambda container), of the second (over the inventory read
 * again, so nothing is reused, as in a warm container's next run), and the peak memory of a process
 * that holds the inventory and its plans — without the simulated account the benchmark process carries.
 * Before each pass the heap is collected (with --expose-gc): the garbage of parsing a 50 MB file is this
 * process's, not planning's; a Lambda's heap has been collected many times over its minutes of discovery.
 *
 *   node --expose-gc plan.mjs <plan-input.json>
 */
import { readFileSync } from "node:fs";
import type { ExistingAlarm } from "../../lib/alarms/spec.js";
import { parseConfig } from "../../lib/config/schema.js";
import type { Inventory } from "../../lib/inventory/types.js";
import { measurePlanning } from "./planning.js";

const file = process.argv[2];
if (!file) throw new Error("usage: plan.mjs <plan-input.json>");
interface Input {
  readonly inventory: Inventory;
  readonly existing: readonly ExistingAlarm[];
}
const read = () => JSON.parse(readFileSync(file, "utf8")) as Input;
const config = parseConfig({});

const settle = () => (globalThis as { gc?: () => void }).gc?.();

let first: Input | undefined = read();
settle();
const cold = measurePlanning(first.inventory, first.existing, config);
// The peak of a process holding one snapshot and its plans (the second pass reads the file again).
const maxRssMb = process.resourceUsage().maxRSS / 1024;
first = undefined;
const second = read();
settle();
const warm = measurePlanning(second.inventory, second.existing, config);
process.stdout.write(`${JSON.stringify({ node: process.versions.node, cold, warm, maxRssMb })}\n`);
