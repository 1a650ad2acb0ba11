/**
 * Dashboards for accounts discovered through lib/sim (the demo's sample account and a generated one of
 * 10,000 resources), with the alarms lib/alarms plans for them, written back through the sim, whose
 * PutDashboard enforces CloudWatch's widget and metric limits.
 */
import { describe, expect, it } from "vitest";
import {
  applyDashboards,
  generateDashboards,
  planAccountDashboards,
  reviewJson,
  type DashboardSpec,
} from "../../dashboards/index.js";
import { DEFAULT_ALARM_POLICY, planAlarms } from "../../lib/alarms/index.js";
import type { Aws } from "../../lib/aws/clients.js";
import { discoverInventory, type Inventory } from "../../lib/inventory/index.js";
import { countChanges } from "../../lib/plan/change.js";
import { generateAccount, sampleAccount, simulatedAws, VirtualClock } from "../../lib/sim/index.js";
import { bodyProblems, CLOUDWATCH } from "./checks.js";

const RUNBOOKS = DEFAULT_ALARM_POLICY.runbookBaseUrl;

function plannedAlarmArns(inventory: Inventory): string[] {
  const plan = planAlarms(inventory, DEFAULT_ALARM_POLICY, []);
  return plan.desired.map(
    (a) => `arn:aws:cloudwatch:${inventory.region}:${inventory.accountId}:alarm:${a.name}`,
  );
}

function calls(aws: Aws, api: string): number {
  return aws.pacer.calls().find((c) => c.service === "cloudwatch" && c.api === api)?.calls ?? 0;
}

const alarmsShown = (specs: readonly DashboardSpec[]) =>
  specs.flatMap((s) =>
    (JSON.parse(s.body) as { widgets: { properties: { alarms?: string[] } }[] }).widgets.flatMap(
      (w) => w.properties.alarms ?? [],
    ),
  );

describe("the sample account, discovered through lib/sim", async () => {
  const clock = new VirtualClock();
  const account = sampleAccount({ clock });
  const aws = simulatedAws(account);
  const inventory = await discoverInventory(aws);
  // A fixed few, so the snapshot changes only when the dashboard does (not when the alarm catalog does).
  const alarmArns = ["lambda-errors", "lambda-throttles", "sqs-dlq-messages-payments-dlq"].map(
    (name) => `arn:aws:cloudwatch:${inventory.region}:${inventory.accountId}:alarm:watchkeeper-${name}`,
  );
  const specs = generateDashboards(inventory, { alarmArns, runbookBaseUrl: RUNBOOKS });

  it("matches the reviewed body", async () => {
    expect(specs.map((s) => s.name)).toEqual(["watchkeeper-dashboard-us-east-1"]);
    expect(bodyProblems(specs[0]!.body, inventory)).toEqual([]);
    await expect(reviewJson(specs)).toMatchFileSnapshot("./__snapshots__/sim-sample-dashboard.json");
  });

  it("holds every alarm lib/alarms plans for it", () => {
    const arns = plannedAlarmArns(inventory);
    expect(arns.length).toBeGreaterThan(10);
    const withAll = generateDashboards(inventory, { alarmArns: arns, runbookBaseUrl: RUNBOOKS });
    for (const spec of withAll) expect(bodyProblems(spec.body, inventory)).toEqual([]);
    expect(alarmsShown(withAll)).toEqual([...new Set(arns)].sort());
  });

  it("apply writes it into the account; a second run makes no PutDashboard call", async () => {
    const first = await planAccountDashboards(aws, inventory, { alarmArns, runbookBaseUrl: RUNBOOKS });
    expect(countChanges(first.changes)).toMatchObject({ create: 1 });
    const report = await applyDashboards(aws, first.changes, { clock: account.clock });
    expect(report).toMatchObject({ applied: 1, failed: 0 });
    expect(account.dashboards.get("watchkeeper-dashboard-us-east-1")?.body).toBe(specs[0]!.body);

    clock.advance(3_600_000);
    const later = new Date(account.clock.now()).toISOString();
    const second = await planAccountDashboards(aws, inventory, {
      alarmArns,
      runbookBaseUrl: RUNBOOKS,
      generatedAt: later,
    });
    expect(countChanges(second.changes)).toEqual({ create: 0, update: 0, delete: 0, noop: 1 });
    await applyDashboards(aws, second.changes, { clock: account.clock });
    expect(calls(aws, "PutDashboard")).toBe(1);
  });
});

describe("a simulated account of 10,000 resources (lib/sim generateAccount)", () => {
  // The size report is an annotation: shown by `vitest --reporter=verbose` (and on failure), not in npm test.
  it("stays within the limits with every planned alarm, is accepted by PutDashboard, and its size is reported", async ({
    annotate,
  }) => {
    const account = generateAccount({ resources: 10_000, seed: 1 });
    const aws = simulatedAws(account);
    const inventory = await discoverInventory(aws);
    expect(inventory.resources).toHaveLength(10_000);
    const alarmArns = plannedAlarmArns(inventory);

    const started = performance.now();
    const specs = generateDashboards(inventory, { alarmArns, runbookBaseUrl: RUNBOOKS });
    const ms = performance.now() - started;
    for (const spec of specs) expect(bodyProblems(spec.body, inventory, CLOUDWATCH)).toEqual([]);
    expect(alarmsShown(specs)).toEqual([...new Set(alarmArns)].sort());
    const sectionsOnly = generateDashboards(inventory);
    expect(sectionsOnly).toHaveLength(1);
    await annotate(
      `lib/sim account of ${inventory.resources.length} resources and ${alarmArns.length} planned alarms → ` +
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

    const plan = await planAccountDashboards(aws, inventory, { alarmArns, runbookBaseUrl: RUNBOOKS });
    const report = await applyDashboards(aws, plan.changes, { clock: account.clock });
    expect(report).toMatchObject({ failed: 0, applied: specs.length });
    expect(account.dashboards.size).toBe(specs.length);
  });
});
