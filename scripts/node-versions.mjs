// `npm run test:node`: the CLI tests (test/cli, which run the built bundle as a user would) on each
// supported Node major other than this machine's, each fetched from the npm registry with
// `npx -y node@<major>` as the benchmark does. Bounded: a fetch that fails or takes over 3 minutes skips
// that major with the reason (the tests on this machine's Node still ran in `npm test`); a test failure fails.
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";

/** As in bin/cli/node-support.ts (SUPPORTED_NODE_MAJORS), package.json's engines and the README. */
const MAJORS = [22, 24];
const FETCH_MS = 180_000;
const TESTS_MS = 600_000;

const root = resolve(import.meta.dirname, "..");
const here = Number(process.versions.node.split(".")[0]);
let failed = false;
for (const major of MAJORS.filter((m) => m !== here)) {
  const found = spawnSync("npx", ["--yes", `node@${major}`, "-p", "process.execPath"], {
    cwd: root,
    encoding: "utf8",
    timeout: FETCH_MS,
  });
  const node = found.status === 0 ? found.stdout.trim() : "";
  if (!node) {
    const why = found.error?.message ?? found.stderr.trim().split("\n").at(-1) ?? `exit ${found.status}`;
    console.log(`Node ${major}: skipped, npx node@${major} could not be had (${why})`);
    continue;
  }
  console.log(`Node ${major}: ${node}`);
  const run = spawnSync(node, ["node_modules/vitest/vitest.mjs", "run", "test/cli"], {
    cwd: root,
    stdio: "inherit",
    timeout: TESTS_MS,
  });
  if (run.status !== 0) {
    console.error(`Node ${major}: the CLI tests failed (${run.error?.message ?? `exit ${run.status}`})`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
