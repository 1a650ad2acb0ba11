/**
 * `npm run bench:backtest [-- [--json] [--days N] [--seed S]]`: the backtest on the sample account's simulated
 * history (scripts/bench/backtest/run.ts): which incidents its pages caught and how fast, its false pages, and
 * the reads against their lower bound (calls, time at the quota, cost), with the backtest's own wall, CPU and
 * memory. Markdown in docs/backtest.md's layout; --json prints the run. Both are also written to
 * bench-results/backtest.{json,md}.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { report, type BenchRun } from "./backtest/report.js";
import { runBacktestBench } from "./backtest/run.js";
import { optionOf } from "./args.js";
import { codeVersion } from "./version.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const args = process.argv.slice(2);
const option = optionOf(args);
const days = option("--days");
const seed = option("--seed");

process.stderr.write("seeding the history, planning, replaying…\n");
const bench = await runBacktestBench({
  ...(days !== undefined ? { days: Number(days) } : {}),
  ...(seed !== undefined ? { seed } : {}),
});
const run: BenchRun = {
  generatedAt: new Date().toISOString(),
  commit: codeVersion("lib/"),
  node: process.versions.node,
  ...bench,
};
const markdown = report(run);
const out = resolve(process.cwd(), "bench-results");
mkdirSync(out, { recursive: true });
writeFileSync(join(out, "backtest.json"), `${JSON.stringify(run, null, 2)}\n`);
writeFileSync(join(out, "backtest.md"), markdown);
process.stdout.write(args.includes("--json") ? `${JSON.stringify(run, null, 2)}\n` : markdown);
process.stderr.write(`wrote ${join(out, "backtest.json")} and backtest.md\n`);
