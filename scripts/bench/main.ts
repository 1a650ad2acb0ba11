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
import { FUNCTION_RUNTIME } from "../../lib/infra/bundling.js";
import { SIZES, type BenchResult, type BundleResult, type FreshPlanning, type SizeResult } from "./model.js";
import { report } from "./table.js";

const [sizeScript, ...requested] = process.argv.slice(2);
if (!sizeScript) throw new Error("usage: main.mjs <size.mjs> [sizes...]");
const sizes = requested.length > 0 ? requested.map(Number) : [...SIZES];
const root = process.cwd();
const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };

/** Runs a bundled script in a fresh node process and parses the one JSON line it prints. */
function runJson<T>(
  script: string,
  args: readonly string[],
  node = process.execPath,
  flags: string[] = [],
): T {
  const child = spawnSync(node, [...flags, join(dirname(sizeScript!), script), ...args], {
    env,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (child.status !== 0) throw new Error(`${script} ${args.join(" ")} failed (exit ${child.status})`);
  return JSON.parse(child.stdout) as T;
}

/**
 * The Node of the Lambda runtime (FUNCTION_RUNTIME), to plan on it too: WATCHKEEPER_BENCH_LAMBDA_NODE, or
 * `npx node@<major>` (the npm registry's build). Undefined when this machine's Node is that major, or none
 * can be had (stderr says why): planning is then measured on this machine's Node alone.
 */
function lambdaNode(): string | undefined {
  const major = /^nodejs(\d+)/.exec(FUNCTION_RUNTIME.name)?.[1];
  if (!major || process.versions.node.split(".")[0] === major) return undefined;
  const given = process.env.WATCHKEEPER_BENCH_LAMBDA_NODE;
  if (given) return given;
  process.stderr.write(`planning on Node ${major}, the Lambda runtime's: npx node@${major}…\n`);
  const found = spawnSync("npx", ["--yes", `node@${major}`, "-p", "process.execPath"], {
    env,
    encoding: "utf8",
  });
  const path = found.status === 0 ? found.stdout.trim() : "";
  if (!path)
    process.stderr.write(`  Node ${major} could not be had (${found.stderr.trim().split("\n").at(-1)})\n`);
  return path || undefined;
}

/** Planning CPU varies from process to process: the median of five fresh processes on `node`. */
function planFresh(planInput: string, node: string): FreshPlanning {
  const samples = [1, 2, 3, 4, 5].map(() =>
    runJson<Omit<FreshPlanning, "samples">>("plan.mjs", [planInput], node, ["--expose-gc"]),
  );
  const middle = <T>(pick: (s: (typeof samples)[number]) => T, by: (value: T) => number): T =>
    samples.map(pick).sort((a, b) => by(a) - by(b))[samples.length >> 1]!;
  return {
    node: samples[0]!.node,
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
}

function runSize(resources: number, otherNode: string | undefined): SizeResult {
  process.stderr.write(`size ${resources.toLocaleString("en-US")}: generating, converging, steady state…\n`);
  const planInput = join(dirname(sizeScript!), `plan-input-${resources}.json`);
  const result = runJson<SizeResult>("size.mjs", [String(resources), planInput]);
  const freshPlanning = planFresh(planInput, process.execPath);
  const lambdaPlanning = otherNode ? planFresh(planInput, otherNode) : undefined;
  rmSync(planInput, { force: true });
  return { ...result, freshPlanning, ...(lambdaPlanning ? { lambdaPlanning } : {}) };
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

const otherNode = lambdaNode();
const results = sizes.map((resources) => runSize(resources, otherNode));
const measured = bundles();
const result: BenchResult = {
  generatedAt: new Date().toISOString(),
  node: process.versions.node,
  platform: `${process.platform}-${process.arch}`,
  lambdaRuntime: FUNCTION_RUNTIME.name,
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
