// Bundles the CLI into one ES module so `watchkeeper` starts fast and needs no TypeScript at run time.
// Usage: node scripts/build.mjs [outdir]   (default: dist)
import { build } from "esbuild";

const outdir = process.argv[2] ?? "dist";

await build({
  entryPoints: { watchkeeper: "bin/watchkeeper.ts" },
  outdir,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  packages: "external",
  banner: { js: "#!/usr/bin/env node" },
  sourcemap: "linked",
  logLevel: "warning",
});
