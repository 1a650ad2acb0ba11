/**
 * `npm run bench:alerts [-- [--json] [--before FILE] [scenario ids...]]`: the incident suite
 * (scripts/bench/alerts/scenarios.ts). Each scenario runs Watchkeeper's reconcile on its own lib/sim account,
 * then its metric trace through CloudWatch's alarm evaluation; prints whether each incident paged, how fast,
 * how many pages and OK notifications, and which alarms, and the false pages a day of each quiet baseline.
 * Markdown in docs/alerts.md's layout (with --before, an earlier run's JSON fills the "before" side and this
 * run the "after"); --json prints the results. Both are also written to bench-results/alerts.{json,md}.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { legend, report, type SuiteRun } from "./alerts/report.js";
import { ALARM_PREFIX, runScenario } from "./alerts/run.js";
import { SCENARIOS } from "./alerts/scenarios.js";
import { codeVersion } from "./version.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const args = process.argv.slice(2);
const json = args.includes("--json");
const beforeAt = args.indexOf("--before");
const beforeFile = beforeAt >= 0 ? args[beforeAt + 1] : undefined;
if (beforeAt >= 0 && !beforeFile) throw new Error("--before needs a file: the JSON of an earlier run");
// Without --before, beforeAt + 1 is 0: the first id must not be taken for the file.
const ids = args.filter((arg, i) => !arg.startsWith("--") && (beforeAt < 0 || i !== beforeAt + 1));
const unknown = ids.filter((id) => !SCENARIOS.some((s) => s.id === id));
if (unknown.length > 0)
  throw new Error(`no scenario ${unknown.join(", ")}; known: ${SCENARIOS.map((s) => s.id).join(", ")}`);

const selected = SCENARIOS.filter((s) => ids.length === 0 || ids.includes(s.id));
const results = [];
for (const scenario of selected) {
  process.stderr.write(`${scenario.id}…\n`);
  results.push(await runScenario(scenario));
}

const run: SuiteRun = {
  generatedAt: new Date().toISOString(),
  catalog: codeVersion("lib/alarms"),
  node: process.versions.node,
  results,
};
const before = beforeFile ? (JSON.parse(readFileSync(beforeFile, "utf8")) as SuiteRun) : undefined;
const markdown = `${legend(selected)}\n\n${report(run, ALARM_PREFIX, before)}`;
const out = resolve(process.cwd(), "bench-results");
mkdirSync(out, { recursive: true });
writeFileSync(join(out, "alerts.json"), `${JSON.stringify(run, null, 2)}\n`);
writeFileSync(join(out, "alerts.md"), markdown);
process.stdout.write(json ? `${JSON.stringify(run, null, 2)}\n` : markdown);
process.stderr.write(`wrote ${join(out, "alerts.json")} and alerts.md\n`);
