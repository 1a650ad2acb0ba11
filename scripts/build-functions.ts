/**
 * Bundles every Watchkeeper function with the stack's own esbuild settings (lib/infra/bundling.ts) into
 * dist/functions/<name>/index.mjs, checks each bundle loads and exports `handler`, and prints its size,
 * gzipped size and largest packages. Fails when a bundle outgrows BUNDLE_BUDGET_BYTES.
 * Usage: npm run build:functions
 */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { build, type Metafile } from "esbuild";
import { BUNDLE_BUDGET_BYTES, esbuildOptions } from "../lib/infra/bundling.js";
import { FUNCTIONS } from "../lib/infra/functions.js";
import { HUB_FUNCTIONS } from "../lib/infra/hub.js";
import { PROJECT_ROOT } from "../lib/infra/paths.js";

const OUT = join(PROJECT_ROOT, "dist", "functions");
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0).padStart(6)} KB`;

/** Bytes of output per package (or per project folder), largest first. */
function largest(metafile: Metafile, count: number): string {
  const byPackage = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [file, input] of Object.entries(output.inputs)) {
      const name =
        /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1] ?? file.split("/").slice(0, 2).join("/");
      byPackage.set(name, (byPackage.get(name) ?? 0) + input.bytesInOutput);
    }
  }
  return [...byPackage]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, bytes]) => `${name} ${(bytes / 1024).toFixed(0)} KB`)
    .join(", ");
}

rmSync(OUT, { recursive: true, force: true });
let over = 0;
console.log(`${"function".padEnd(20)} ${"bundle".padStart(9)} ${"gzip".padStart(9)}  largest parts`);
// The hub's functions too, each handler once (the hub notifier is the notifier's bundle).
const specs = [...FUNCTIONS, ...HUB_FUNCTIONS.filter((hub) => !FUNCTIONS.some((f) => f.entry === hub.entry))];
// esbuild works in its own process: bundle all at once, then load and measure one by one.
const built = await Promise.all(
  specs.map(async (spec) => {
    const outfile = join(OUT, spec.name, "index.mjs");
    const { metafile } = await build(esbuildOptions(join(PROJECT_ROOT, spec.entry), outfile));
    return { spec, outfile, metafile: metafile! };
  }),
);
for (const { spec, outfile, metafile } of built) {
  const module = (await import(pathToFileURL(outfile).href)) as { handler?: unknown };
  if (typeof module.handler !== "function")
    throw new Error(`${spec.entry} does not export a handler function`);
  const code = readFileSync(outfile);
  const flag = code.length > BUNDLE_BUDGET_BYTES ? "  OVER BUDGET" : "";
  if (flag) over += 1;
  console.log(
    `${spec.name.padEnd(20)} ${kb(code.length)} ${kb(gzipSync(code).length)}  ${largest(metafile, 3)}${flag}`,
  );
}
console.log(`budget: ${kb(BUNDLE_BUDGET_BYTES).trim()} per bundle; bundles in ${OUT}`);
if (over > 0) {
  console.error(`${over} bundle(s) over the budget`);
  process.exit(1);
}
