// Runs a TypeScript entry point (the CDK app, the function bundler) without a TypeScript runtime: esbuild
// bundles it into one ES module beside node_modules, with packages left external, and Node imports it.
// Usage: node scripts/run-ts.mjs ENTRY.ts [args...]
import { rmSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error("usage: node scripts/run-ts.mjs ENTRY.ts [args...]");
  process.exit(2);
}
const root = resolve(import.meta.dirname, "..");
// Inside node_modules, so the bundle resolves packages from the project; one file per process.
const outfile = join(
  root,
  "node_modules",
  ".cache",
  "watchkeeper",
  `${basename(entry, ".ts")}-${process.pid}.mjs`,
);
await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  packages: "external",
  sourcemap: "inline",
  logLevel: "warning",
});
process.setSourceMapsEnabled(true);
process.argv = [process.argv[0], resolve(entry), ...args];
try {
  await import(pathToFileURL(outfile).href);
} finally {
  rmSync(outfile, { force: true });
}
