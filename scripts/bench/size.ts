/**
 * One benchmark size, run in its own process so that CPU time and peak memory are this size's alone:
 * generate a seeded lib/sim account, run the agent until it converges (each run gets the Lambda's
 * budget on the virtual clock), run once more for the steady state, time the pure planning, and print
 * one JSON `SizeResult` on stdout.
 *
 *   node size.mjs <resources> [plan-input.json] [seed]
 */
import { writeFileSync } from "node:fs";
import { readExistingAlarms } from "../../lib/alarms/actual.js";
import { parseConfig } from "../../lib/config/schema.js";
import type { Inventory, ResourceKind } from "../../lib/inventory/types.js";
import { discoverAndReconcile, runReports } from "../../lib/reconcile/account.js";
import { generateAccount, simulatedAws } from "../../lib/sim/index.js";
import { measurePlanning } from "./planning.js";
import { convergenceBound, lowerBound, steadyStateNeeds } from "./bounds.js";
import {
  LAMBDA_BUDGET_MS,
  LAMBDA_TIMEOUT_MS,
  MAX_RUNS,
  isWriteApi,
  type ApiCalls,
  type ConvergenceRun,
  type SizeResult,
} from "./model.js";

const resources = Number(process.argv[2]);
const planInput = process.argv[3];
const seed = Number(process.argv[4] ?? 1);
if (!Number.isInteger(resources) || resources < 20)
  throw new Error(`usage: size.mjs <resources ≥ 20> [plan-input.json] [seed]`);

const wallStart = performance.now();
const cpuStart = process.cpuUsage();
const account = generateAccount({ resources, seed });
const aws = simulatedAws(account);
const config = parseConfig({});
const clock = account.clock;

/** Calls per API since `before` (a stats snapshot), with throttles. */
function callsSince(before: Map<string, ApiCalls>): ApiCalls[] {
  return account
    .stats()
    .map((s) => {
      const prior = before.get(`${s.service}:${s.api}`);
      return {
        service: s.service,
        api: s.api,
        calls: s.calls - (prior?.calls ?? 0),
        throttled: s.throttled - (prior?.throttled ?? 0),
        errors: s.errors - (prior?.errors ?? 0),
      };
    })
    .filter((c) => c.calls > 0);
}

function snapshot(): Map<string, ApiCalls> {
  return new Map(account.stats().map((s) => [`${s.service}:${s.api}`, { ...s }]));
}

interface OneRun {
  readonly run: ConvergenceRun;
  readonly inventory: Inventory;
  readonly applied: readonly string[];
  readonly calls: readonly ApiCalls[];
}

/**
 * One scheduled invocation, as functions/reconcile.ts runs it: discovery and the reads of what
 * Watchkeeper owns, then every capability, with writes stopped at the budget's deadline.
 */
async function oneRun(index: number): Promise<OneRun> {
  const before = snapshot();
  const start = clock.now();
  let discoveredAt = start;
  const alarmWrites: { first?: number; last: number; count: number } = { last: 0, count: 0 };
  const run = await discoverAndReconcile(aws, config, {
    deadline: start + LAMBDA_BUDGET_MS,
    // The last discovery progress report is the end of discovery.
    onProgress: () => (discoveredAt = clock.now()),
    onOutcome: (outcome) => {
      if (outcome.status !== "applied" || outcome.change.kind !== "alarm") return;
      alarmWrites.first ??= clock.now();
      alarmWrites.last = clock.now();
      alarmWrites.count += 1;
    },
  });
  if (alarmWrites.first !== undefined) {
    // Rate between the first and the last alarm write of the run: n writes, n − 1 intervals.
    writing.ms += alarmWrites.last - alarmWrites.first;
    writing.intervals += alarmWrites.count - 1;
  }
  const durationMs = clock.now() - start;
  const outcomes = runReports(run).flatMap((report) => report.outcomes);
  const calls = callsSince(before);
  const applied = outcomes.filter((o) => o.status === "applied");
  return {
    inventory: run.inventory,
    applied: applied.map((o) => `${o.change.kind} ${o.change.target}`),
    calls,
    run: {
      index,
      discoveryMs: discoveredAt - start,
      durationMs,
      applied: applied.length,
      deferred: outcomes.filter((o) => o.status === "deferred").length,
      failed: outcomes.filter((o) => o.status === "failed").length,
      writeCalls: sum(calls.filter((c) => isWriteApi(c.api))),
      throttled: calls.reduce((n, c) => n + c.throttled, 0),
      // Lambda stops an invocation at its timeout: what a longer run did after it would not happen.
      ...(durationMs > LAMBDA_TIMEOUT_MS ? { killed: "the run outlasted the 15-minute Lambda timeout" } : {}),
    },
  };
}

/** Time between the first and last alarm write of each run, and the writes in it. */
const writing = { ms: 0, intervals: 0 };

function sum(calls: readonly ApiCalls[]): number {
  return calls.reduce((n, c) => n + c.calls, 0);
}

// ── First convergence: runs until one defers nothing ────────────────────────────────────────────────

const runs: ConvergenceRun[] = [];
const appliedIn = new Map<string, number>();
const repeated: string[] = [];
let converged = false;
const convergenceStart = clock.now();
const beforeConvergence = snapshot();
for (let index = 1; index <= MAX_RUNS && !converged; index++) {
  const { run, applied } = await oneRun(index);
  runs.push(run);
  for (const key of applied) {
    if (appliedIn.has(key)) repeated.push(`${key} (runs ${appliedIn.get(key)} and ${index})`);
    else appliedIn.set(key, index);
  }
  converged = !run.killed && run.deferred === 0 && run.failed === 0;
  process.stderr.write(
    `  ${resources}: run ${index}: discovery ${(run.discoveryMs / 1000).toFixed(0)} s, ${run.applied} applied, ${run.deferred} deferred${run.killed ? `, killed: ${run.killed}` : ""}\n`,
  );
  // A run stopped before it wrote anything leaves the account as it was: the next would be the same.
  if (run.killed && run.applied === 0 && runs.length >= 2) break;
}
const convergenceCalls = callsSince(beforeConvergence);
const convergenceMs = clock.now() - convergenceStart;

// ── Steady state: one more run over the converged account ───────────────────────────────────────────

const steady = await oneRun(runs.length + 1);
const needs = steadyStateNeeds(account, config.prefix);
const bound = lowerBound(needs);

// ── Planning: the pure functions over the steady state's inventory, nothing else ────────────────────

const existing = await readExistingAlarms(aws, { prefix: config.prefix });
const inventory = steady.inventory;
// In this process, after every run above: the JIT has seen the planning code before (a warm container).
// Over a copy, so that nothing the runs built from this snapshot (its index) is reused.
const planning = measurePlanning(structuredClone(inventory), existing.alarms, config);
// For plan.mjs, which measures planning again in a fresh process (cold, and without the simulator's memory).
if (planInput) writeFileSync(planInput, JSON.stringify({ inventory, existing: existing.alarms }));
const totalCpu = process.cpuUsage(cpuStart);

const counts: Partial<Record<ResourceKind, number>> = {};
for (const r of inventory.resources) counts[r.kind] = (counts[r.kind] ?? 0) + 1;

const result: SizeResult = {
  resources,
  seed,
  inventoried: inventory.resources.length,
  kinds: counts,
  warnings: inventory.warnings.length,
  alarms: account.alarms.size,
  convergence: {
    converged,
    runs,
    virtualMs: convergenceMs,
    writeCalls: sum(convergenceCalls.filter((c) => isWriteApi(c.api))),
    throttled: convergenceCalls.reduce((n, c) => n + c.throttled, 0),
    repeated: repeated.length,
    repeatedExamples: repeated.slice(0, 5),
    alarmWriteRps: writing.ms > 0 ? writing.intervals / (writing.ms / 1000) : 0,
    bound: convergenceBound(
      needs,
      convergenceCalls.filter((c) => isWriteApi(c.api)),
      LAMBDA_BUDGET_MS,
    ),
  },
  steady: {
    ...steady.run,
    calls: steady.calls,
  },
  bound,
  planning,
  process: {
    cpuMs: (totalCpu.user + totalCpu.system) / 1000,
    wallMs: performance.now() - wallStart,
    // maxRSS is in kilobytes.
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  },
};
process.stdout.write(`${JSON.stringify(result)}\n`);
