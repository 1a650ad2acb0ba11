/**
 * discoverAndReconcile: the scheduled run from nothing (discovery with the reconcile detail, and the reads
 * of what Watchkeeper owns alongside it). Plans what a full discovery would plan; a run cut short by its
 * deadline is finished by the next without applying anything twice.
 */
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../lib/config/index.js";
import { discoverInventory } from "../../lib/inventory/index.js";
import {
  discoverAndReconcile,
  plannedWrites,
  reconcileAccount,
  runHealth,
  runReports,
  type AccountRun,
} from "../../lib/reconcile/index.js";
import { SimAccount, generateAccount, sampleAccount, simulatedAws } from "../../lib/sim/index.js";

function writes(run: AccountRun): string[] {
  return plannedWrites(run).map((change) => `${change.kind} ${change.action} ${change.target}`);
}

function applied(run: AccountRun): string[] {
  return runReports(run)
    .flatMap((report) => report.outcomes)
    .filter((outcome) => outcome.status === "applied")
    .map((outcome) => `${outcome.change.kind} ${outcome.change.action} ${outcome.change.target}`);
}

function calls(account: SimAccount, api: string): number {
  return account.stats().find((s) => s.api === api)?.calls ?? 0;
}

describe("discoverAndReconcile", () => {
  it("plans what a run over a full discovery plans, and converges in one run", async () => {
    const config = parseConfig({});
    const reference = sampleAccount();
    const referenceAws = simulatedAws(reference);
    const full = await reconcileAccount(referenceAws, await discoverInventory(referenceAws), config, {
      dryRun: true,
    });

    const account = sampleAccount();
    const aws = simulatedAws(account);
    const dry = await discoverAndReconcile(aws, config, { dryRun: true });
    expect(writes(dry)).toEqual(writes(full));
    expect(dry.findings).toEqual(full.findings);

    const run = await discoverAndReconcile(aws, config);
    expect(applied(run).sort()).toEqual(writes(full).sort());
    const again = await discoverAndReconcile(aws, config, { dryRun: true });
    expect(writes(again)).toEqual([]);
    expect(account.stats().filter((s) => s.throttled > 0)).toEqual([]);
  });

  it("reads the alarms and dashboards it owns once per run", async () => {
    const account = sampleAccount();
    const aws = simulatedAws(account);
    const config = parseConfig({});
    await discoverAndReconcile(aws, config);
    account.resetStats();
    await discoverAndReconcile(aws, config);
    expect(calls(account, "DescribeAlarms")).toBe(1);
    expect(calls(account, "ListDashboards")).toBe(1);
    expect(calls(account, "GetDashboard")).toBe(1);
    // No change to the account; only the OpenFindings metric that every applying run publishes.
    expect(
      account.stats().filter((s) => /^(Put|Delete|Tag)/.test(s.api) && s.api !== "PutMetricData"),
    ).toEqual([]);
    expect(calls(account, "PutMetricData")).toBe(1);
  });

  it("stops writing at its deadline; the next run finishes without applying anything twice", async () => {
    const account = generateAccount({ resources: 600, seed: 3 });
    const aws = simulatedAws(account);
    const config = parseConfig({});
    const seen = new Set<string>();
    let runs = 0;
    for (let deferred = Infinity; deferred > 0 && runs < 10; runs++) {
      // Two minutes a run: discovery plus a few hundred alarm writes at the PutMetricAlarm quota.
      const run = await discoverAndReconcile(aws, config, { deadline: account.clock.now() + 120_000 });
      for (const change of applied(run)) {
        expect(seen.has(change), change).toBe(false);
        seen.add(change);
      }
      deferred = runReports(run).reduce((n, report) => n + report.deferred, 0);
    }
    expect(runs).toBeGreaterThan(1);
    expect(writes(await discoverAndReconcile(aws, config, { dryRun: true }))).toEqual([]);
    expect(account.stats().filter((s) => s.throttled > 0)).toEqual([]);
  });
});

describe("discoverAndReconcile: a state machine's definition it cannot read", () => {
  const asl = (timeoutSeconds?: number) =>
    JSON.stringify({
      StartAt: "Work",
      States: { Work: { Type: "Pass", End: true } },
      ...(timeoutSeconds !== undefined ? { TimeoutSeconds: timeoutSeconds } : {}),
    });
  const threshold = (account: SimAccount, machine: string) =>
    account.alarms.get(`watchkeeper-stepfunctions-execution-time-${machine}`)?.config.Threshold;

  it("leaves its execution-time alarm as it is, says the run is partial, and catches up once it can read", async () => {
    const account = new SimAccount({ seed: "sfn-sealed" });
    account.addStateMachine({ name: "batch", definition: asl(900) });
    account.addStateMachine({ name: "other", definition: asl(300) });
    const aws = simulatedAws(account);
    const config = parseConfig({});
    expect(runHealth(await discoverAndReconcile(aws, config)).status).toBe("complete");
    expect(threshold(account, "batch")).toBe(720_000);
    expect(threshold(account, "other")).toBe(240_000);

    // Both machines change; batch's definition goes under a key Watchkeeper may not use.
    const batch = account.stateMachines.get("batch")!;
    batch.definition = asl();
    batch.customerKey = { keyId: "arn:aws:kms:us-east-1:123456789012:key/k", callerCanDecrypt: false };
    account.stateMachines.get("other")!.definition = asl(600);
    const sealed = await discoverAndReconcile(aws, config);
    // Held: the alarm's delete, and the dashboard's update (dashboards wait for a complete read).
    expect(runHealth(sealed)).toMatchObject({ status: "partial", held: 2 });
    expect(runHealth(sealed).unread).toEqual([
      expect.stringMatching(
        /^sfn DescribeStateMachine failed \(\S+:stateMachine:batch\): KmsAccessDeniedException/,
      ),
    ]);
    expect(threshold(account, "batch")).toBe(720_000);
    expect(threshold(account, "other")).toBe(480_000);

    // Readable again: no TimeoutSeconds any more, so its alarm goes.
    batch.customerKey = { ...batch.customerKey, callerCanDecrypt: true };
    const read = await discoverAndReconcile(aws, config);
    expect(runHealth(read).status).toBe("complete");
    expect(applied(read).filter((change) => change.startsWith("alarm"))).toEqual([
      "alarm delete watchkeeper-stepfunctions-execution-time-batch",
    ]);
    expect(threshold(account, "batch")).toBeUndefined();
  });
});
