/**
 * Safety: never change what a run could not see. Every read API a scheduled reconcile calls fails, with
 * each kind of fault (AccessDenied, a load balancer's HTML 502, a hang past the request timeout,
 * throttling past the retries), on an already-reconciled account that has drifted once per kind. The
 * drifts the failing read covers must be left as they are, the others repaired, nothing else written,
 * the failure named and the run reported partial. WATCHKEEPER_PRINT_MATRIX=1 prints the table that
 * docs/safety.md holds.
 */
import { afterAll, describe, expect, it } from "vitest";
import { createReconcileHandler } from "../../functions/reconcile.js";
import type { WatchkeeperConfig } from "../../lib/config/schema.js";
import { discoverInventory } from "../../lib/inventory/index.js";
import { TAGS } from "../../lib/policy/tags.js";
import { discoverAndReconcile, plannedWrites } from "../../lib/reconcile/index.js";
import { simulatedAws, type FaultKind, type FaultRule, type SimAccount } from "../../lib/sim/index.js";
import { runMain } from "../cli/capture.js";
import { capturingLogger, LEVEL } from "../support/logs.js";
import {
  convergedAccount,
  coverageOf,
  describeCoverage,
  DRIFTS,
  FAULT_KINDS,
  failing,
  heldDrifts,
  IGNORED_GROUP,
  readsOf,
  SILENCED_ALARM,
  snapshot,
  writesOf,
  writesToRepair,
  type Read,
  type Snapshot,
} from "./matrix.js";

// The simulated account stands for AWS's own endpoints, not for the emulator the moto tests point the
// SDK at (with it, SQS would also warn on every faulted request that its queue URLs name another host).
const motoEndpoint = process.env.AWS_ENDPOINT_URL;
delete process.env.AWS_ENDPOINT_URL;
afterAll(() => {
  if (motoEndpoint !== undefined) process.env.AWS_ENDPOINT_URL = motoEndpoint;
});

const SCHEDULED = { source: "aws.events", "detail-type": "Scheduled Event", detail: {} };
const IDENTITY: Read = { service: "sts", api: "GetCallerIdentity", name: "sts GetCallerIdentity" };
const TAGGING: Read = { service: "tagging", api: "GetResources", name: "tagging GetResources" };

/** The reconcile Lambda over the account, its calls failing as `rules` say; what it logged at error level. */
function reconcileLambda(sim: SimAccount, config: WatchkeeperConfig, rules: FaultRule[]) {
  const { logger, lines } = capturingLogger();
  const handler = createReconcileHandler({
    aws: () => simulatedAws(sim, { faults: { rules } }),
    config: () => config,
    logger,
  });
  return {
    run: () => handler(SCHEDULED, { getRemainingTimeInMillis: () => 900_000 }),
    errors: () => lines.filter((line) => line.level === LEVEL.error).map((line) => line.msg),
  };
}

/** The reads a scheduled run makes on the reconciled account, and those it adds when tags cannot be listed. */
async function enumerateReads() {
  const clean = await convergedAccount();
  clean.sim.resetStats();
  const cleanRun = await reconcileLambda(clean.sim, clean.config, []).run();
  const first = readsOf(clean.sim);
  const untagged = await convergedAccount();
  untagged.sim.resetStats();
  await reconcileLambda(untagged.sim, untagged.config, failing([TAGGING], "denied")).run();
  const known = new Set(first.map((read) => read.name));
  return { cleanRun, first, second: readsOf(untagged.sim).filter((read) => !known.has(read.name)) };
}

const reads = await enumerateReads();

interface Cell {
  /** The reads that fail: a second-order read comes after the one whose failure makes it called. */
  readonly failing: readonly Read[];
  readonly fault: FaultKind;
  readonly rules: FaultRule[];
}

const cells: Cell[] = [
  ...reads.first
    .filter((read) => read.name !== IDENTITY.name)
    .flatMap((read) =>
      FAULT_KINDS.map((fault) => ({ failing: [read], fault, rules: failing([read], fault) })),
    ),
  // Called only when the Tagging API cannot be read, so that one is denied alongside.
  ...reads.second.flatMap((read) =>
    FAULT_KINDS.map((fault) => ({
      failing: [TAGGING, read],
      fault,
      rules: [...failing([TAGGING], "denied"), ...failing([read], fault)],
    })),
  ),
];

const cellName = (cell: Cell) => cell.failing.map((read) => read.name).join(" + ");

/** One cell per kind of fault also runs `watchkeeper apply --yes` on the same faults. */
const THROUGH_CLI: ReadonlyMap<FaultKind, string> = new Map([
  ["denied", "lambda ListFunctions"],
  ["html-502", "sqs GetQueueAttributes"],
  ["hang", "cloudwatch DescribeAlarms"],
  ["throttle", "cloudwatch GetDashboard"],
]);

interface Observed {
  /** The reconciled account, before the drifts; without write times. */
  readonly converged: Snapshot;
  readonly before: Snapshot;
  readonly after: Snapshot;
  readonly writes: Record<string, number>;
}

/** A reconciled account, drifted; `act` on it; what it then holds and the writes `act` made. */
async function observe(
  act: (sim: SimAccount, config: WatchkeeperConfig) => Promise<void>,
): Promise<Observed> {
  const { sim, config } = await convergedAccount();
  const converged = snapshot(sim, { at: false });
  for (const drift of DRIFTS) drift.apply(sim);
  const before = snapshot(sim);
  sim.resetStats();
  await act(sim, config);
  return { converged, before, after: snapshot(sim), writes: writesOf(sim) };
}

/** The drifts a run repaired (back to the reconciled state) and those it left as they were. */
function driftOutcomes({ converged, before, after }: Observed) {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const withoutTime = (value: unknown) => {
    if (typeof value !== "object" || value === null) return value;
    const { at: _at, ...rest } = value as { at?: unknown };
    return rest;
  };
  const repaired: string[] = [];
  const left: string[] = [];
  for (const drift of DRIFTS) {
    if (same(after.get(drift.key), before.get(drift.key))) left.push(drift.id);
    else if (same(withoutTime(after.get(drift.key)), converged.get(drift.key))) repaired.push(drift.id);
  }
  return { repaired, left };
}

/** What a run must do: leave `held` drifts as they are, repair the rest, write nothing else. */
function expectOnly(observed: Observed, held: ReadonlySet<string>) {
  const drifted = new Set(DRIFTS.map((drift) => drift.key));
  const others = (s: Snapshot) => Object.fromEntries([...s].filter(([key]) => !drifted.has(key)));
  expect(others(observed.after)).toEqual(others(observed.before));
  const expected = {
    repaired: DRIFTS.filter((d) => !held.has(d.id)).map((d) => d.id),
    left: DRIFTS.filter((d) => held.has(d.id)).map((d) => d.id),
  };
  expect(driftOutcomes(observed)).toEqual(expected);
  expect(observed.writes).toEqual(writesToRepair(expected.repaired));
  const silenced = observed.after.get(`alarm:${SILENCED_ALARM}`) as {
    config: { ActionsEnabled?: boolean };
    tags: Record<string, string>;
  };
  expect(silenced.config.ActionsEnabled).toBe(false);
  expect(silenced.tags[TAGS.silencedUntil]).toBeDefined();
  expect(observed.after.get(`retention:${IGNORED_GROUP}`)).toBe("never");
}

/** The table's rows, from what the cells observed. */
const table = new Map<string, { covers: string; left: string; byFault: Map<FaultKind, string> }>();

function record(name: string, covers: string, left: readonly string[], fault: FaultKind, result: string) {
  const row = table.get(name) ?? { covers, left: left.join(" ") || "—", byFault: new Map() };
  row.byFault.set(fault, `${row.byFault.get(fault) ?? ""}${result}`);
  table.set(name, row);
}

describe("the reconciled account the matrix starts from", () => {
  it("plans no write on a second run; a run without faults repairs every drift and reports complete", async () => {
    const { sim, config } = await convergedAccount();
    expect(plannedWrites(await discoverAndReconcile(simulatedAws(sim), config, { dryRun: true }))).toEqual(
      [],
    );
    expect(reads.cleanRun).toMatchObject({ status: "complete", applied: 0, unread: 0 });
    let result: unknown;
    const observed = await observe(async (drifted, driftedConfig) => {
      result = await reconcileLambda(drifted, driftedConfig, []).run();
    });
    expect(result).toMatchObject({ status: "complete", unread: 0, failed: 0 });
    expectOnly(observed, new Set());
  });

  it("enumerates the reads from what a run calls; the ones that matter are among them", () => {
    const names = reads.first.map((read) => read.name);
    for (const name of [
      "sts GetCallerIdentity",
      "lambda ListFunctions",
      "lambda ListEventSourceMappings",
      "sqs ListQueues",
      "sqs GetQueueAttributes",
      "dynamodb ListTables",
      "dynamodb DescribeTable",
      "logs DescribeLogGroups",
      "tagging GetResources",
      "cloudwatch DescribeAlarms",
      "cloudwatch ListDashboards",
      "cloudwatch GetDashboard",
      "sns ListTopics",
      "sns ListSubscriptions",
      "eventbridge ListRules",
      "eventbridge ListTargetsByRule",
    ])
      expect(names).toContain(name);
    expect(reads.second.map((read) => read.name).sort()).toEqual([
      "cloudwatch ListTagsForResource",
      "lambda GetFunction",
    ]);
  });
});

describe.each(cells.map((cell) => [cellName(cell), cell] as const))("%s failing", (name, cell) => {
  const coverage = coverageOf(cell.failing);
  // Left as they are: the drifts the failure covers. Where it covers every kind (DescribeAlarms, the
  // Tagging API with its fallback), nothing is left to repair but what the others do not reach.
  const held = heldDrifts(coverage);
  const scopes = (list: readonly { kind: string; what: string }[]) =>
    [...new Set(list.map((scope) => `${scope.kind}: ${scope.what}`))].sort();

  it(`${cell.fault}: writes nothing it covers, repairs the rest, names it, reports partial`, async () => {
    let result: Record<string, unknown> = {};
    let errors: string[] = [];
    let unknown: string[] = [];
    const observed = await observe(async (sim, config) => {
      const faulted = simulatedAws(sim, { faults: { rules: cell.rules } });
      // What the failure leaves unknown, as discovery says (reads only).
      const inventory = await discoverInventory(faulted, { detail: "reconcile" });
      unknown = scopes(inventory.warnings.flatMap((warning) => (warning.covers ? [warning.covers] : [])));
      const lambda = reconcileLambda(sim, config, cell.rules);
      result = await lambda.run();
      errors = lambda.errors();
    });

    expect(unknown).toEqual(scopes(coverage.scopes));
    expectOnly(observed, held);
    expect(result).toMatchObject({ status: "partial", failed: 0 });
    expect(result.unread).toBeGreaterThanOrEqual(1);
    for (const read of cell.failing)
      expect(
        errors.filter((msg) => msg.includes(read.name)),
        errors.join("\n"),
      ).not.toEqual([]);
    record(
      name,
      describeCoverage(coverage),
      driftOutcomes(observed).left,
      cell.fault,
      `${String(result.status)} ✓`,
    );
  });

  if (THROUGH_CLI.get(cell.fault) === name) {
    it(`${cell.fault}: watchkeeper apply --yes exits 3, heads its report with the failed read, writes the same`, async () => {
      let cli = { code: -1, stdout: "", stderr: "" };
      const observed = await observe(async (sim) => {
        cli = await runMain(["apply", "--demo", "--yes"], {
          sim,
          aws: simulatedAws(sim, { faults: { rules: cell.rules } }),
        });
      });
      expect(cli.code, cli.stderr).toBe(3);
      expect(cli.stdout).toMatch(
        /^Could not read everything: what these reads cover was left alone \(exit 3\)$/m,
      );
      for (const read of cell.failing) expect(cli.stdout).toMatch(new RegExp(`^ {2}! .*${read.name}`, "m"));
      expectOnly(observed, held);
      record(name, describeCoverage(coverage), driftOutcomes(observed).left, cell.fault, ", CLI exit 3 ✓");
    });
  }
});

describe.each(FAULT_KINDS)("sts GetCallerIdentity failing: %s", (fault) => {
  it("the run fails, naming the call, and writes nothing", async () => {
    let errors: string[] = [];
    let rejected: unknown;
    const observed = await observe(async (sim, config) => {
      const lambda = reconcileLambda(sim, config, failing([IDENTITY], fault));
      rejected = await lambda.run().then(
        () => undefined,
        (error: unknown) => error,
      );
      errors = lambda.errors();
    });
    expect(rejected).toBeInstanceOf(Error);
    expect(errors.filter((msg) => msg.startsWith(`reconcile failed: ${IDENTITY.name} failed`))).toHaveLength(
      1,
    );
    expect(observed.after).toEqual(observed.before);
    expect(observed.writes).toEqual({});
    record(
      IDENTITY.name,
      "who the caller is: nothing is read",
      DRIFTS.map((d) => d.id),
      fault,
      "failed ✓",
    );
  });
});

afterAll(() => {
  if (process.env.WATCHKEEPER_PRINT_MATRIX !== "1") return;
  const rows = [...table].map(
    ([name, row]) =>
      `| ${name} | ${row.covers} | ${row.left} | ${FAULT_KINDS.map((f) => row.byFault.get(f) ?? "").join(" | ")} |`,
  );
  console.log(
    [
      `| read that fails | what its failure leaves unknown | drifts left as they are | ${FAULT_KINDS.join(" | ")} |`,
      `|${" --- |".repeat(3 + FAULT_KINDS.length)}`,
      ...rows,
    ].join("\n"),
  );
});
