/**
 * `node scripts/run-ts.mjs scripts/bench/history.ts [--days N] [--seed S] [--json]`: seeds the sample
 * account's metric history (scripts/bench/history) and prints how long it took, the memory it holds, what
 * each resource does, the incidents and the spikes. Run with `node --expose-gc` for a settled heap figure.
 */
import { sampleAccount } from "../../lib/sim/index.js";
import { seedHistory } from "./history/index.js";
import { optionOf } from "./args.js";

const args = process.argv.slice(2);
const option = optionOf(args);
const days = option("--days");
const seed = option("--seed");

const gc = (globalThis as { gc?: () => void }).gc;
const sim = sampleAccount();
gc?.();
const heapBefore = process.memoryUsage().heapUsed;
const started = performance.now();
const cpuBefore = process.cpuUsage();
const history = seedHistory(sim, {
  ...(days !== undefined ? { days: Number(days) } : {}),
  ...(seed !== undefined ? { seed } : {}),
});
const seconds = (performance.now() - started) / 1000;
// CPU time too: on a shared machine the wall clock measures the neighbours as well.
const cpu = process.cpuUsage(cpuBefore);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
gc?.();
const memory = process.memoryUsage();
const heapMb = (memory.heapUsed - heapBefore) / 2 ** 20;

if (args.includes("--json")) {
  console.log(JSON.stringify({ ...history, seconds, cpuSeconds, heapMb }, null, 2));
} else {
  const time = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace("T", " ");
  console.log(
    `# Sample account: ${history.days} days of metrics, ${time(history.start)} – ${time(history.end)} UTC`,
  );
  console.log();
  console.log(
    `${seconds.toFixed(1)} s (CPU ${cpuSeconds.toFixed(1)} s); ${history.series} series, ${history.datapoints.toLocaleString("en-US")} points ` +
      `(${history.replacedDatapoints} the account held in the window replaced); heap +${heapMb.toFixed(0)} MB` +
      `${gc ? "" : " (without --expose-gc: not settled)"}, RSS ${(memory.rss / 2 ** 20).toFixed(0)} MB`,
  );
  console.log("\n## Incidents\n");
  console.log("| id | resource | start | end | what |\n| --- | --- | --- | --- | --- |");
  for (const i of history.incidents)
    console.log(`| ${i.id} | ${i.resourceName} | ${time(i.start)} | ${time(i.end)} | ${i.title} |`);
  for (const u of history.unplaced) console.log(`\nnot placed: ${u.plan.kind} (day ${u.plan.day}): ${u.why}`);
  console.log("\n## Resources\n");
  console.log("| kind | name | what | peak / min |\n| --- | --- | --- | --- |");
  for (const r of history.resources)
    console.log(`| ${r.kind} | ${r.name} | ${r.role} | ${r.peakPerMinute} |`);
  console.log("\n## Skipped\n");
  for (const s of history.skipped) console.log(`- ${s.kind} (${s.names.join(", ")}): ${s.why}`);
  console.log(`\n## Spikes (×${history.spikes[0]?.factor ?? "-"})\n`);
  console.log(history.spikes.map((s) => time(s.start)).join(", "));
}
