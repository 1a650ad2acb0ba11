/**
 * `npm run bench:soak [-- simRuns generatedRuns motoRuns]`: the long randomized soaks (test/safety/soak.ts) —
 * 240 runs on the lib/sim sample account, 40 on a generated 800-resource one (lists of many pages), and 60 on
 * a small moto account through the fault proxy, a fifth of all calls failing with mixed faults. Starts its own moto server on loopback. Prints runs, faults by kind, spurious
 * writes, held changes, partial runs, convergence once faults stop, wall time; exits 1 on any spurious
 * write or an account that does not come back to where it was.
 */
import { Aws } from "../../lib/aws/clients.js";
import { parseConfig } from "../../lib/config/index.js";
import { generateAccount, sampleAccount, type SimAccount } from "../../lib/sim/index.js";
import { startMoto, stopMoto } from "../../test/moto/global-setup.js";
import { MOTO_CREDENTIALS, motoLambdaRole } from "../../test/moto/moto.js";
import { proxyFaultRules } from "../../test/safety/mixed-faults.js";
import { soak, soakSummary, type SoakResult } from "../../test/safety/soak.js";
import { seedSoakAccount } from "../../test/safety/soak-moto-account.js";
import {
  motoSoakTarget,
  PROXY_HANG_LIMIT_MS,
  PROXY_WEIGHTS,
  simSoakTarget,
  SOAK_RATE,
} from "../../test/safety/soak-targets.js";
import { startFaultProxy } from "../../test/support/fault-proxy.js";

const [simRuns = 240, generatedRuns = 40, motoRuns = 60] = process.argv.slice(2).map(Number);
const GENERATED_RESOURCES = 800;
const MOTO_REGION = "eu-west-1";

const progress = (label: string) => (run: { run: number; spurious: readonly string[] }) =>
  process.stderr.write(`\r${label}: run ${run.run}${run.spurious.length > 0 ? " (spurious write!)" : ""}`);

async function simSoak(label: string, sim: SimAccount, runs: number): Promise<SoakResult> {
  const config = parseConfig({ alarms: { notificationTopicArn: sim.topicArn("alerts") } });
  const result = await soak(simSoakTarget(sim, config, `bench-soak-${label}`), {
    minRuns: runs,
    maxRuns: runs,
    onRun: progress(label),
  });
  process.stderr.write("\n");
  return result;
}

async function motoSoak(): Promise<SoakResult> {
  const moto = await startMoto();
  try {
    const direct = new Aws({ region: MOTO_REGION, credentials: MOTO_CREDENTIALS, endpoint: moto.url });
    await seedSoakAccount(direct, await motoLambdaRole(moto.url));
    direct.destroy();
    const proxy = await startFaultProxy({
      target: moto.url,
      rules: proxyFaultRules(SOAK_RATE, PROXY_WEIGHTS),
      seed: "bench-soak-moto",
      hangLimitMs: PROXY_HANG_LIMIT_MS,
    });
    try {
      const target = motoSoakTarget(parseConfig({}), {
        region: MOTO_REGION,
        credentials: MOTO_CREDENTIALS,
        endpoint: moto.url,
        proxy,
      });
      const result = await soak(target, { minRuns: motoRuns, maxRuns: motoRuns, onRun: progress("moto") });
      target.clean.destroy();
      process.stderr.write("\n");
      return result;
    } finally {
      await proxy.close();
    }
  } finally {
    await stopMoto(moto.process);
  }
}

function report(title: string, result: SoakResult): string {
  const s = soakSummary(result);
  const injected = Object.entries(s.injected);
  const total = injected.reduce((n, [, count]) => n + count, 0);
  const rows: [string, string][] = [
    ["runs under faults", `${s.runs} (after ${result.convergeRuns} fault-free run(s) to converge)`],
    ["faults injected", `${total}: ${injected.map(([kind, count]) => `${kind} ${count}`).join(", ")}`],
    ["spurious writes", `${s.spurious}${s.spurious > 0 ? ` — ${describeSpurious(result)}` : ""}`],
    ["held changes per run", `mean ${s.heldMean.toFixed(1)}, max ${s.heldMax}`],
    [
      "runs by health",
      `complete ${s.complete}, partial ${s.partial}, failed ${s.failed} (${s.stopped} stopped before planning)`,
    ],
    ["runs to converge after", `${s.recoveryRuns ?? "did not converge"}`],
    [
      "account after",
      result.recoveryChanges.length === 0 ? "as converged" : result.recoveryChanges.join("; "),
    ],
    [
      "wall time",
      `${(s.wallMs / 1000).toFixed(1)} s (${(s.wallMs / Math.max(1, s.runs)).toFixed(0)} ms a run)`,
    ],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return [title, ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`)].join("\n");
}

function describeSpurious(result: SoakResult): string {
  return result.spurious.map(({ run, status, write }) => `run ${run} (${status}): ${write}`).join("; ");
}

const healthy = (result: SoakResult) =>
  result.spurious.length === 0 && result.recoveryRuns === 1 && result.recoveryChanges.length === 0;

const rate = `${SOAK_RATE * 100} % of calls failing`;
const sample = await simSoak("lib/sim sample", sampleAccount(), simRuns);
const generated = await simSoak(
  "lib/sim generated",
  generateAccount({ resources: GENERATED_RESOURCES, seed: 5 }),
  generatedRuns,
);
const moto = await motoSoak();
const simNote = `${rate}; hangs wait 15 s on the virtual clock`;
process.stdout.write(
  [
    report(`soak on lib/sim, sample account (${simNote})`, sample),
    report(`soak on lib/sim, generated account of ${GENERATED_RESOURCES} resources (${simNote})`, generated),
    report(
      `soak on moto through the fault proxy (${rate}; hangs dropped after ${PROXY_HANG_LIMIT_MS} ms)`,
      moto,
    ),
  ].join("\n\n") + "\n",
);
process.exit([sample, generated, moto].every(healthy) ? 0 : 1);
