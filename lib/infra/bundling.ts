/**
 * How every Watchkeeper function is built: one set of esbuild settings, used by the stack (through
 * NodejsFunction) and by `npm run build:functions`, which measures each bundle with the same settings.
 * ES modules, minified, no source maps, and the AWS SDK bundled rather than taken from the runtime, so
 * each function carries exactly the clients it imports (lib/aws makes clients by class).
 */
import { Runtime } from "aws-cdk-lib/aws-lambda";
import { LogLevel, OutputFormat, type BundlingOptions } from "aws-cdk-lib/aws-lambda-nodejs";
import type { BuildOptions } from "esbuild";

/** The newest Node.js runtime Lambda offers as GA in this aws-cdk-lib. */
export const FUNCTION_RUNTIME = Runtime.NODEJS_24_X;

/** CommonJS dependencies inside an ES module bundle still call `require` for Node built-ins. */
const CREATE_REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/** The settings both builders share, in esbuild's own terms. */
export const FUNCTION_BUNDLE = {
  platform: "node",
  format: "esm",
  target: `node${FUNCTION_RUNTIME.name.replace(/^nodejs(\d+).*$/, "$1")}`,
  minify: true,
  sourcemap: false,
  // Prefer the ES module build of dependencies that ship both: it tree-shakes.
  mainFields: ["module", "main"],
  banner: CREATE_REQUIRE_BANNER,
  // Nothing external: the SDK v3 clients a handler imports are bundled with it.
  external: [] as string[],
} as const;

/** FUNCTION_BUNDLE for NodejsFunction. */
export function nodejsBundling(): BundlingOptions {
  return {
    format: OutputFormat.ESM,
    target: FUNCTION_BUNDLE.target,
    minify: FUNCTION_BUNDLE.minify,
    sourceMap: FUNCTION_BUNDLE.sourcemap,
    mainFields: [...FUNCTION_BUNDLE.mainFields],
    banner: FUNCTION_BUNDLE.banner,
    externalModules: [...FUNCTION_BUNDLE.external],
    // Sizes are reported by `npm run build:functions`; synth and its tests print only what went wrong.
    logLevel: LogLevel.WARNING,
  };
}

/** FUNCTION_BUNDLE for esbuild's API: one handler to one file, with a metafile for the size report. */
export function esbuildOptions(entry: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: FUNCTION_BUNDLE.platform,
    format: FUNCTION_BUNDLE.format,
    target: FUNCTION_BUNDLE.target,
    minify: FUNCTION_BUNDLE.minify,
    sourcemap: FUNCTION_BUNDLE.sourcemap,
    mainFields: [...FUNCTION_BUNDLE.mainFields],
    banner: { js: FUNCTION_BUNDLE.banner },
    external: [...FUNCTION_BUNDLE.external],
    metafile: true,
    logLevel: "warning",
  };
}

/**
 * The most a function's bundle may weigh (minified, before zip): past it `npm run build:functions` and
 * the bundling test fail. The largest is about 1.5 MB today; zod's classic API is about 445 KB of every
 * bundle (it does not tree-shake; 260 KB of it are locales), the SDK's core and clients most of the rest.
 */
export const BUNDLE_BUDGET_BYTES = 2 * 1024 * 1024;
