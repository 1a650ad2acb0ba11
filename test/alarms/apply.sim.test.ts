/**
 * The alarms capability on lib/sim: a generated account with quotas enforced on a virtual clock. The
 * account holds the alarms afterwards; the tests assert on them and on the report, not on calls.
 */
import { simulatedAwsDenying } from "../support/sim.js";
import { describe, expect, it } from "vitest";
import { readExistingAlarms } from "../../lib/alarms/actual.js";
import { applyAlarmChanges } from "../../lib/alarms/apply.js";
import { resolveAlarmPolicy } from "../../lib/alarms/policy.js";
import { reconcileAlarms } from "../../lib/alarms/reconcile.js";
import { toPutMetricAlarmInput } from "../../lib/alarms/spec.js";
import { discoverInventory } from "../../lib/inventory/discover.js";
import { generateAccount, sampleAccount, SimAccount, simulatedAws } from "../../lib/sim/index.js";

function policyFor(sim: SimAccount) {
  return resolveAlarmPolicy({ notificationTopicArn: `arn:aws:sns:${sim.region}:${sim.accountId}:oncall` })
    .policy;
}

/** Alarms carrying the managed tag: the sample account also holds two it does not own. */
const managedAlarms = (sim: SimAccount) =>
  [...sim.alarms.values()].filter((a) => a.tags["watchkeeper:managed"] === "true");

const throttledCloudWatchCalls = (sim: SimAccount) =>
  sim
    .stats()
    .filter((s) => s.service === "cloudwatch")
    .reduce((sum, s) => sum + s.throttled, 0);

describe("alarms on a simulated account with quotas enforced", () => {
  it("applies over 2,000 alarms with no throttling surfaced, then a second run writes nothing", async () => {
    const sim = generateAccount({ resources: 6000, seed: 11 });
    const aws = simulatedAws(sim);
    const inventory = await discoverInventory(aws);
    const policy = policyFor(sim);
    const started = sim.clock.now();

    const first = await reconcileAlarms(aws, inventory, policy, { clock: sim.clock });
    const creates = first.plan.changes.filter((c) => c.action === "create").length;
    expect(creates).toBeGreaterThanOrEqual(2000);
    expect(first.report).toMatchObject({ applied: creates, failed: 0, deferred: 0 });
    expect(first.report.outcomes.filter((o) => o.status === "failed").map((o) => o.error)).toEqual([]);
    expect(throttledCloudWatchCalls(sim)).toBe(0);
    // PutMetricAlarm is paced at 80% of its 3 TPS quota: 2,000 alarms take over 13 minutes.
    expect(sim.clock.now() - started).toBeGreaterThan((creates / 3) * 1000);

    // The account holds exactly the planned alarms, as planned.
    expect(sim.alarms.size).toBe(first.plan.desired.length);
    for (const spec of first.plan.desired) {
      const alarm = sim.alarms.get(spec.name);
      expect(alarm, spec.name).toBeDefined();
      const { Tags, ...wanted } = toPutMetricAlarmInput(spec);
      expect(alarm?.config).toMatchObject(wanted);
      expect(alarm?.tags).toMatchObject(Object.fromEntries((Tags ?? []).map((t) => [t.Key, t.Value])));
    }

    const second = await reconcileAlarms(aws, inventory, policy, { clock: sim.clock });
    expect(second.plan.changes.every((c) => c.action === "noop" && c.reason === "up to date")).toBe(true);
    expect(second.report).toMatchObject({ applied: 0, failed: 0, deferred: 0 });
    expect(second.ownershipSource).toBe("tagging-api");
  }, 120_000);

  it("stops before its deadline; the next run finishes the job", async () => {
    const sim = sampleAccount();
    const aws = simulatedAws(sim);
    const inventory = await discoverInventory(aws);
    const policy = policyFor(sim);

    const foreign = [...sim.alarms.values()].map((a) => ({
      name: a.name,
      updated: a.configUpdatedAt,
      tags: { ...a.tags },
    }));
    expect(foreign.map((a) => a.name).sort()).toEqual(["orders-api-5xx", "watchkeeper-legacy-orders-errors"]);

    const cut = await reconcileAlarms(aws, inventory, policy, {
      clock: sim.clock,
      deadline: sim.clock.now() + 10_000,
      operationBudgetMs: 1000,
    });
    expect(cut.report.deferred).toBeGreaterThan(0);
    expect(cut.report.applied).toBeGreaterThan(0);
    expect(cut.report.failed).toBe(0);
    expect(managedAlarms(sim)).toHaveLength(cut.report.applied);

    const rest = await reconcileAlarms(aws, inventory, policy, { clock: sim.clock });
    expect(rest.report).toMatchObject({ applied: cut.report.deferred, failed: 0, deferred: 0 });
    expect(managedAlarms(sim)).toHaveLength(rest.plan.desired.length);
    // The alarms Watchkeeper does not own are as they were, the prefixed one reported as not owned.
    for (const before of foreign) {
      const after = sim.alarms.get(before.name);
      expect({ name: after?.name, updated: after?.configUpdatedAt, tags: after?.tags }).toEqual(before);
    }
    expect(rest.plan.changes.find((c) => c.target === "watchkeeper-legacy-orders-errors")?.reason).toBe(
      "not owned: missing tag watchkeeper:managed=true",
    );
    expect(rest.plan.changes.some((c) => c.target === "orders-api-5xx")).toBe(false);
  });

  it("a failed change is reported, the others are applied, and the next run repairs it", async () => {
    const sim = sampleAccount();
    const aws = simulatedAws(sim);
    const inventory = await discoverInventory(aws);
    const policy = policyFor(sim);
    const planned = await reconcileAlarms(aws, inventory, policy, { clock: sim.clock, dryRun: true });
    expect(planned.report.outcomes.every((o) => o.status === "dry-run")).toBe(true);
    expect(managedAlarms(sim)).toHaveLength(0);

    // One change AWS refuses (a query period that is neither 10, 30 nor a multiple of 60) among valid ones.
    const changes = planned.plan.changes.map((change) =>
      change.desired?.name === "watchkeeper-lambda-errors"
        ? {
            ...change,
            desired: {
              ...change.desired,
              metrics: change.desired.metrics!.map((query) => ({ ...query, period: 45 })),
            },
          }
        : change,
    );
    const report = await applyAlarmChanges(aws, changes, { clock: sim.clock });
    expect(report.failed).toBe(1);
    expect(report.applied).toBe(changes.filter((c) => c.action === "create").length - 1);
    const failed = report.outcomes.find((o) => o.status === "failed");
    expect(failed?.change.target).toBe("watchkeeper-lambda-errors");
    expect(failed?.error).toMatch(/Period/);
    expect(managedAlarms(sim)).toHaveLength(report.applied);

    const repair = await reconcileAlarms(aws, inventory, policy, { clock: sim.clock });
    expect(
      repair.plan.changes.filter((c) => c.action !== "noop").map((c) => `${c.action} ${c.target}`),
    ).toEqual(["create watchkeeper-lambda-errors"]);
    expect(repair.report).toMatchObject({ applied: 1, failed: 0 });
    expect(managedAlarms(sim)).toHaveLength(repair.plan.desired.length);
  });

  it("reads ownership from each alarm's tags when the Tagging API is denied, with a warning", async () => {
    const sim = sampleAccount();
    const aws = simulatedAws(sim);
    const inventory = await discoverInventory(aws);
    const policy = policyFor(sim);
    await reconcileAlarms(aws, inventory, policy, { clock: sim.clock });

    // The same account, but GetResources answers AccessDenied, as for a role without tag:GetResources.
    const denied = simulatedAwsDenying(sim, "tagging");
    const viaTags = await readExistingAlarms(denied, { prefix: policy.prefix });
    expect(viaTags.ownershipSource).toBe("alarm-tags");
    expect(viaTags.warnings).toEqual([
      "managed alarms not listed: tagging GetResources failed: AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/watchkeeper/watchkeeper is not authorized to perform: tag:GetResources because no identity-based policy allows the tag:GetResources action; reading each alarm's tags instead",
    ]);
    const viaApi = await readExistingAlarms(aws, { prefix: policy.prefix });
    expect(viaApi.ownershipSource).toBe("tagging-api");
    expect(viaTags.alarms).toEqual(viaApi.alarms);

    const again = await reconcileAlarms(denied, inventory, policy, { clock: sim.clock });
    expect(again.plan.changes.filter((c) => c.action !== "noop")).toEqual([]);
    expect(again.warnings[0]).toMatch(/^managed alarms not listed: tagging GetResources failed: /);
  });
});

describe("WebSocket APIs' alarms", () => {
  it("are made per stage and by query, kept while GetApis cannot be read (even for an API gone meanwhile), then deleted", async () => {
    const sim = new SimAccount({ seed: "websocket-alarms" });
    const chat = sim.addHttpApi({ name: "chat", protocolType: "WEBSOCKET", stages: ["production", "beta"] });
    sim.addHttpApi({ name: "portal" });
    const policy = policyFor(sim);
    const run = async (aws = simulatedAws(sim)) =>
      reconcileAlarms(aws, await discoverInventory(aws), policy, { clock: sim.clock });
    const apiAlarms = () =>
      managedAlarms(sim)
        .map((a) => a.name)
        .filter((name) => name.startsWith("watchkeeper-apigateway-"))
        .sort();

    await run();
    const made = apiAlarms();
    expect(made).toEqual([
      "watchkeeper-apigateway-http-4xx",
      "watchkeeper-apigateway-http-5xx",
      "watchkeeper-apigateway-http-latency-portal-$default",
      "watchkeeper-apigateway-websocket-client-errors",
      "watchkeeper-apigateway-websocket-execution-errors",
      "watchkeeper-apigateway-websocket-integration-latency-chat-beta",
      "watchkeeper-apigateway-websocket-integration-latency-chat-production",
    ]);

    // The API goes while the listing that would show it is denied: a plan never deletes what it could not read.
    sim.httpApis.delete(chat.id);
    const blind = await run(
      simulatedAws(sim, {
        faults: { rules: [{ service: "apigatewayv2", api: "GetApis", fault: "denied" }] },
      }),
    );
    expect(blind.plan.changes.filter((c) => c.action === "delete")).toEqual([]);
    expect(apiAlarms()).toEqual(made);

    // Read again: it is gone, and with the last WebSocket API, so are the kind's alarms.
    await run();
    expect(apiAlarms()).toEqual(made.filter((name) => !name.includes("websocket")));
  });
});
