// Bundles the CLI into one ES module so `watchkeeper` starts fast and needs no TypeScript at run time.
import { build } from "esbuild";

await build({
  entryPoints: { watchkeeper: "bin/watchkeeper.ts" },
  outdir: "dist",
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
