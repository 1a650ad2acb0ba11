/**
 * Dashboards for accounts discovered through lib/sim (the demo's sample account and a generated one of
 * 10,000 resources), with the alarms lib/alarms plans for them, written back through the sim, whose
 * PutDashboard enforces CloudWatch's widget, metric and alarm rules; and the dashboard of a reconcile run.
 */
import { describe, expect, it } from "vitest";
import {
  applyDashboards,
  generateDashboards,
  planAccountDashboards,
  reviewJson,
  type DashboardSpec,
} from "../../dashboards/index.js";
import { DEFAULT_ALARM_POLICY } from "../../lib/alarms/index.js";
import type { Aws } from "../../lib/aws/clients.js";
import type { Inventory } from "../../lib/inventory/types.js";
import { parseConfig } from "../../lib/config/index.js";
import { discoverInventory } from "../../lib/inventory/index.js";
import { countChanges } from "../../lib/plan/change.js";
import { reconcileAccount } from "../../lib/reconcile/index.js";
import { generateAccount, sampleAccount, simulatedAws, VirtualClock } from "../../lib/sim/index.js";
import {
  alarmProblems,
  annotationCounts,
  expectedStatusArns,
  statusArnsShown,
  statusPlacementProblems,
} from "./alarm-checks.js";
import { bodyProblems, CLOUDWATCH } from "./checks.js";
import { arnOf, plannedAlarms } from "./fixtures.js";

const RUNBOOKS = DEFAULT_ALARM_POLICY.runbookBaseUrl;

interface BodyWidget {
  type: string;
  properties: { title?: string; markdown?: string; alarms?: string[] };
}

const widgetsOf = (spec: DashboardSpec) => (JSON.parse(spec.body) as { widgets: BodyWidget[] }).widgets;

function calls(aws: Aws, api: string): number {
  return aws.pacer.calls().find((c) => c.service === "cloudwatch" && c.api === api)?.calls ?? 0;
}

describe("the sample account, discovered through lib/sim", async () => {
  const clock = new VirtualClock();
  const account = sampleAccount({ clock });
  const aws = simulatedAws(account);
  const inventory = await discoverInventory(aws);
  // A fixed few, so the snapshot changes only when the dashboard does (not with every catalog change):
  // two account-wide aggregates and the DLQ's alarm, whose graph is the DLQ's only line.
  const FEW = ["lambda-errors", "lambda-throttles", "sqs-dlq-messages-visible-payments-dlq"];
  const alarms = plannedAlarms(inventory).filter((a) => FEW.includes(a.name.replace(/^watchkeeper-/, "")));
  const specs = generateDashboards(inventory, { alarms, runbookBaseUrl: RUNBOOKS });

  it("matches the reviewed body", async () => {
    expect(alarms).toHaveLength(FEW.length);
    expect(specs.map((s) => s.name)).toEqual(["watchkeeper-dashboard-us-east-1"]);
    expect(bodyProblems(specs[0]!.body, inventory)).toEqual([]);
    await expect(reviewJson(specs)).toMatchFileSnapshot("./__snapshots__/sim-sample-dashboard.json");
  });

  it("shows every alarm lib/alarms plans for it, and draws some of them on their graphs", () => {
    const all = plannedAlarms(inventory);
    expect(all.length).toBeGreaterThan(10);
    const withAll = generateDashboards(inventory, { alarms: all, runbookBaseUrl: RUNBOOKS });
    for (const spec of withAll) expect(bodyProblems(spec.body, inventory)).toEqual([]);
    const plain = generateDashboards(inventory, { runbookBaseUrl: RUNBOOKS });
    expect(alarmProblems(inventory, all, withAll, plain)).toEqual([]);
    expect(annotationCounts(withAll).alarms).toBeGreaterThan(0);
    expect(annotationCounts(withAll).thresholds).toBeGreaterThan(0);
  });

  it("apply writes it into the account; a second run makes no PutDashboard call", async () => {
    const first = await planAccountDashboards(aws, inventory, { alarms, runbookBaseUrl: RUNBOOKS });
    expect(countChanges(first.changes)).toMatchObject({ create: 1 });
    const report = await applyDashboards(aws, first.changes, { clock: account.clock });
    expect(report).toMatchObject({ applied: 1, failed: 0 });
    expect(account.dashboards.get("watchkeeper-dashboard-us-east-1")?.body).toBe(specs[0]!.body);

    clock.advance(3_600_000);
    const later = new Date(account.clock.now()).toISOString();
    const second = await planAccountDashboards(aws, inventory, {
      alarms,
      runbookBaseUrl: RUNBOOKS,
      generatedAt: later,
    });
    expect(countChanges(second.changes)).toEqual({ create: 0, update: 0, delete: 0, noop: 1 });
    await applyDashboards(aws, second.changes, { clock: account.clock });
    expect(calls(aws, "PutDashboard")).toBe(1);
  });
});

describe("a simulated account of 10,000 resources (lib/sim generateAccount)", () => {
  /** Discovered once for the tests below; only the first writes into it (its dashboards). */
  let discovered: Promise<{ account: ReturnType<typeof generateAccount>; aws: Aws; inventory: Inventory }>;
  const large = () =>
    (discovered ??= (async () => {
      const account = generateAccount({ resources: 10_000, seed: 1 });
      const aws = simulatedAws(account);
      return { account, aws, inventory: await discoverInventory(aws) };
    })());

  // The size report is an annotation: shown by `vitest --reporter=verbose` (and on failure), not in npm test.
  it("stays within the limits with every planned alarm, is accepted by PutDashboard, and its size is reported", async ({
    annotate,
  }) => {
    const { account, aws, inventory } = await large();
    expect(inventory.resources).toHaveLength(10_000);
    const alarms = plannedAlarms(inventory);

    const started = performance.now();
    const specs = generateDashboards(inventory, { alarms, runbookBaseUrl: RUNBOOKS });
    const ms = performance.now() - started;
    for (const spec of specs) expect(bodyProblems(spec.body, inventory, CLOUDWATCH)).toEqual([]);
    const sectionsOnly = generateDashboards(inventory, { runbookBaseUrl: RUNBOOKS });
    expect(alarmProblems(inventory, alarms, specs, sectionsOnly)).toEqual([]);
    expect(sectionsOnly).toHaveLength(1);
    await annotate(
      `lib/sim account of ${inventory.resources.length} resources and ${alarms.length} planned alarms → ` +
        `${specs.length} dashboard(s) in ${ms.toFixed(0)} ms: ` +
        specs
          .map(
            (s) =>
              `${s.name} ${s.measure.widgets} widgets, ${s.measure.metrics} metrics, ${s.measure.bytes} bytes`,
          )
          .join("; ") +
        `. Without alarm widgets: 1 dashboard, ${sectionsOnly[0]!.measure.widgets} widgets, ` +
        `${sectionsOnly[0]!.measure.metrics} metrics, ${sectionsOnly[0]!.measure.bytes} bytes.`,
      "size",
    );

    const plan = await planAccountDashboards(aws, inventory, { alarms, runbookBaseUrl: RUNBOOKS });
    const report = await applyDashboards(aws, plan.changes, { clock: account.clock });
    expect(report).toMatchObject({ failed: 0, applied: specs.length });
    expect(account.dashboards.size).toBe(specs.length);
  });

  it("has graphs on the first dashboard: the account-wide alarms on top, then the sections, each followed by its resources' alarms", async () => {
    const { inventory } = await large();
    const alarms = plannedAlarms(inventory);
    expect(alarms.length).toBeGreaterThan(3000);
    const specs = generateDashboards(inventory, { alarms, runbookBaseUrl: RUNBOOKS });
    expect(specs.length).toBeGreaterThan(1);
    const first = widgetsOf(specs[0]!);
    const aggregates = alarms.filter((alarm) => alarm.origin.level === "aggregate");
    expect(first[1]).toMatchObject({
      type: "alarm",
      properties: { title: `Watchkeeper alarms: account-wide (${aggregates.length})` },
    });
    expect(first[1]!.properties.alarms).toEqual(aggregates.map((a) => arnOf(inventory, a.name)).toSorted());
    expect(first[2]!.properties.markdown).toMatch(/^## Lambda\n/);
    // Every graph of the Lambda section comes before the first of its thousands of alarms' status widgets.
    const firstStatus = first.findIndex((w, i) => i > 1 && w.type === "alarm");
    const plain = widgetsOf(generateDashboards(inventory)[0]!);
    const heading = (name: string) =>
      plain.findIndex((w) => w.properties.markdown?.startsWith(`## ${name}\n`));
    const lambdaGraphs = plain.slice(heading("Lambda"), heading("SQS")).filter((w) => w.type === "metric");
    expect(lambdaGraphs.length).toBeGreaterThan(3);
    expect(first.slice(0, firstStatus).filter((w) => w.type === "metric")).toHaveLength(lambdaGraphs.length);
    expect(first[firstStatus]!.properties.title).toMatch(/^Watchkeeper alarms: Lambda, not OK, 1\/\d+$/);
    expect(statusArnsShown(specs)).toEqual(expectedStatusArns(inventory, alarms));
    expect(statusPlacementProblems(inventory, alarms, specs)).toEqual([]);
  });
});

describe("a reconcile run", () => {
  it("writes a dashboard whose status lists exactly the alarms the run planned, the breaker's among them", async () => {
    const sim = sampleAccount();
    const aws = simulatedAws(sim);
    const inventory = await discoverInventory(aws);
    const run = await reconcileAccount(aws, inventory, parseConfig({}));
    const planned = run.alarms.plan.desired;
    expect(planned.some((alarm) => alarm.name.startsWith("watchkeeper-breaker-"))).toBe(true);
    const written = run.dashboards!.plan.changes.map((change) => change.desired!);
    expect(statusArnsShown(written)).toEqual(expectedStatusArns(inventory, planned));
    for (const spec of written) expect(sim.dashboards.get(spec.name)?.body).toBe(spec.body);
  });

  it("holds the dashboard back when the inventory has a gap: it would drop what could not be read", async () => {
    const sim = sampleAccount();
    const aws = simulatedAws(sim, {
      faults: { rules: [{ service: "sqs", api: "ListQueues", fault: "denied" }] },
    });
    const run = await reconcileAccount(aws, await discoverInventory(aws), parseConfig({}));
    const changes = run.dashboards!.plan.changes;
    expect(changes.length).toBeGreaterThan(0);
    for (const change of changes) expect(change).toMatchObject({ action: "noop", held: "create" });
    expect(calls(aws, "PutDashboard")).toBe(0);
    expect(sim.dashboards.size).toBe(0);
  });
});
