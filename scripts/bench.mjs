// `npm run bench [-- sizes...]`: bundles the benchmark (scripts/bench/*.ts) into node_modules/.cache and
// runs it. Each size runs in its own process on a lib/sim account with AWS's quotas on a virtual clock.
// Usage: node scripts/bench.mjs [1000 10000 50000]
import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";
import { build } from "esbuild";

const root = resolve(import.meta.dirname, "..");
// Inside node_modules, so the bundles resolve packages from the project.
const outdir = join(root, "node_modules", ".cache", "watchkeeper-bench");
await build({
  entryPoints: Object.fromEntries(
    ["main", "size", "plan"].map((name) => [name, join(root, "scripts", "bench", `${name}.ts`)]),
  ),
  outdir,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  packages: "external",
  sourcemap: "linked",
  logLevel: "warning",
});
const run = spawnSync(
  process.execPath,
  ["--enable-source-maps", join(outdir, "main.mjs"), join(outdir, "size.mjs"), ...process.argv.slice(2)],
  { cwd: root, stdio: "inherit" },
);
process.exit(run.status ?? 1);
