/**
 * `npm run bench`: every size in its own process (so CPU time and peak memory are that size's alone),
 * then the Lambda bundles (`npm run build:functions`) with the cold import time of each; prints one report
 * and writes bench-results/bench.json and bench-results/bench.txt.
 *
 *   node main.mjs <size.mjs> [sizes...]     (scripts/bench.mjs bundles size.mjs and plan.mjs beside it)
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { SIZES, type BenchResult, type BundleResult, type FreshPlanning, type SizeResult } from "./model.js";
import { report } from "./table.js";

const [sizeScript, ...requested] = process.argv.slice(2);
if (!sizeScript) throw new Error("usage: main.mjs <size.mjs> [sizes...]");
const sizes = requested.length > 0 ? requested.map(Number) : [...SIZES];
const root = process.cwd();
const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };

/** Runs a bundled script in a fresh node process and parses the one JSON line it prints. */
function runJson<T>(script: string, args: readonly string[]): T {
  const child = spawnSync(process.execPath, [join(dirname(sizeScript!), script), ...args], {
    env,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (child.status !== 0) throw new Error(`${script} ${args.join(" ")} failed (exit ${child.status})`);
  return JSON.parse(child.stdout) as T;
}

function runSize(resources: number): SizeResult {
  process.stderr.write(`size ${resources.toLocaleString("en-US")}: generating, converging, steady state…\n`);
  const planInput = join(dirname(sizeScript!), `plan-input-${resources}.json`);
  const result = runJson<SizeResult>("size.mjs", [String(resources), planInput]);
  // Planning CPU varies from process to process: the median of three.
  const samples = [1, 2, 3].map(() => runJson<Omit<FreshPlanning, "samples">>("plan.mjs", [planInput]));
  rmSync(planInput, { force: true });
  const middle = <T>(pick: (s: (typeof samples)[number]) => T, by: (value: T) => number): T =>
    samples.map(pick).sort((a, b) => by(a) - by(b))[1]!;
  const freshPlanning: FreshPlanning = {
    cold: middle(
      (s) => s.cold,
      (cpu) => cpu.totalMs,
    ),
    warm: middle(
      (s) => s.warm,
      (cpu) => cpu.totalMs,
    ),
    maxRssMb: middle(
      (s) => s.maxRssMb,
      (mb) => mb,
    ),
    samples: samples.length,
  };
  return { ...result, freshPlanning };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Wall time of a fresh `node` process that imports `file` (or nothing), median of `samples`. */
function coldImport(file: string | undefined, samples = 5): number[] {
  const code = file ? `await import(${JSON.stringify(pathToFileURL(file).href)});` : "";
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", code], { env, stdio: "inherit" });
    times.push(performance.now() - started);
    if (child.status !== 0) throw new Error(`importing ${file} failed (exit ${child.status})`);
  }
  return times;
}

/** The bundles `npm run build:functions` makes (the stack's own esbuild settings), measured. */
function bundles(): { source: string; results: BundleResult[]; nodeStartupMs: number } {
  process.stderr.write("bundles: npm run build:functions…\n");
  const built = spawnSync("npm", ["run", "--silent", "build:functions"], { env, encoding: "utf8" });
  if (built.status !== 0) {
    process.stderr.write(built.stdout + built.stderr);
    throw new Error("npm run build:functions failed");
  }
  const dir = join(root, "dist", "functions");
  const results = readdirSync(dir)
    .sort()
    .map((name): BundleResult => {
      const file = join(dir, name, "index.mjs");
      const code = readFileSync(file);
      const samplesMs = coldImport(file);
      return {
        handler: name,
        bytes: code.length,
        gzipBytes: gzipSync(code).length,
        coldImportMs: median(samplesMs),
        samplesMs,
      };
    });
  return {
    source: "npm run build:functions: dist/functions/<name>/index.mjs",
    results,
    nodeStartupMs: median(coldImport(undefined)),
  };
}

const results = sizes.map(runSize);
const measured = bundles();
const result: BenchResult = {
  generatedAt: new Date().toISOString(),
  node: process.versions.node,
  platform: `${process.platform}-${process.arch}`,
  cpu: `${cpus()[0]?.model.trim() ?? "unknown CPU"} ×${cpus().length}`,
  sizes: results,
  bundles: measured.results,
  bundleSource: `${measured.source}; an empty \`node -e\` takes ${measured.nodeStartupMs.toFixed(0)} ms`,
};
const text = report(result);
const out = resolve(root, "bench-results");
mkdirSync(out, { recursive: true });
writeFileSync(join(out, "bench.json"), `${JSON.stringify(result, null, 2)}\n`);
writeFileSync(join(out, "bench.txt"), text);
process.stdout.write(text);
process.stderr.write(`wrote ${join(out, "bench.json")} and bench.txt\n`);
