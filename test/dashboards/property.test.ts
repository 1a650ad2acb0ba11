/**
 * Properties of every generated dashboard, over many seeded accounts of random size and mix and random
 * (lower) limits: valid JSON, within CloudWatch's limits, on the grid, every explicit metric naming a
 * resource of the inventory, every DLQ and planned alarm shown once, every annotation an alarm's own,
 * and the same bytes for the same inputs.
 */
import { describe, expect, it } from "vitest";
import { generateDashboards, isPartName, type DashboardSpec } from "../../dashboards/index.js";
import { indexInventory } from "../../lib/inventory/query.js";
import type { Inventory } from "../../lib/inventory/types.js";
import type { AlarmSpec } from "../../lib/alarms/index.js";
import { alarmProblems } from "./alarm-checks.js";
import { bodyProblems, CLOUDWATCH, type CheckLimits } from "./checks.js";
import { arnOf, balancedInventory, generateInventory, rng } from "./fixtures.js";

interface Widget {
  type: string;
  properties: {
    title?: string;
    markdown?: string;
    metrics?: unknown[][];
    annotations?: { alarms?: string[] };
  };
}

const widgetsOf = (spec: DashboardSpec) => (JSON.parse(spec.body) as { widgets: Widget[] }).widgets;

/** The queue names drawn in DLQ widgets, across all parts: a lone DLQ's graph may be its alarm's. */
function dlqNamesShown(
  inventory: Inventory,
  alarms: readonly AlarmSpec[],
  specs: readonly DashboardSpec[],
): string[] {
  const queueOfAlarm = (arn: string) =>
    alarms
      .find((a) => arnOf(inventory, a.name) === arn)
      ?.metric?.dimensions.find((d) => d.name === "QueueName")?.value;
  return specs.flatMap((spec) =>
    widgetsOf(spec)
      .filter((w) => w.properties.title?.startsWith("Dead-letter queues"))
      .flatMap((w) =>
        w.properties.annotations?.alarms
          ? [queueOfAlarm(w.properties.annotations.alarms[0]!) ?? "?"]
          : w.properties.metrics!.map((m) => m[3] as string),
      ),
  );
}

function checkAll(
  inventory: Inventory,
  alarms: readonly AlarmSpec[],
  specs: readonly DashboardSpec[],
  plain: readonly DashboardSpec[],
  limits: CheckLimits,
) {
  const base = `watchkeeper-dashboard-${inventory.region}`;
  expect(specs.length).toBeGreaterThan(0);
  for (const [i, spec] of specs.entries()) {
    expect(bodyProblems(spec.body, inventory, limits), `${spec.name}`).toEqual([]);
    expect(isPartName(base, spec.name)).toBe(true);
    expect(spec.name).toBe(i === 0 ? base : `${base}-${i + 1}`);
    const header = widgetsOf(spec)[0]!.properties.markdown!;
    for (const other of specs)
      if (other !== spec) expect(header).toContain(`#dashboards:name=${other.name})`);
  }
  expect(alarmProblems(inventory, alarms, specs, plain)).toEqual([]);
  const index = indexInventory(inventory);
  const dlqs = index
    .ofKind("sqs-queue")
    .filter((q) => index.isDlq(q.arn) && q.tags["watchkeeper:ignore"] !== "true")
    .map((q) => q.name);
  expect(dlqNamesShown(inventory, alarms, specs).sort()).toEqual(dlqs.sort());
}

describe("any generated dashboard", () => {
  it("is valid, within the limits, refers only to inventory resources, and deterministic (150 accounts)", () => {
    const random = rng(20250101);
    for (let seed = 1; seed <= 150; seed++) {
      // Many small accounts (explicit metrics) and some large ones (Metrics Insights, tables, splits).
      const size = random() < 0.5 ? Math.floor(random() * 40) : Math.floor(random() * 3000);
      const { inventory, alarms } = generateInventory(seed, size);
      const tight = random() < 0.5;
      const limits = tight
        ? {
            bodyBytes: 15_000 + Math.floor(random() * 60_000),
            widgetsPerDashboard: 20 + Math.floor(random() * 100),
          }
        : {};
      const plainOptions = { limits, explicitThreshold: Math.floor(random() * 15) };
      const options = { ...plainOptions, alarms };
      const specs = generateDashboards(inventory, options);
      checkAll(inventory, alarms, specs, generateDashboards(inventory, plainOptions), {
        ...CLOUDWATCH,
        bytes: limits.bodyBytes ?? CLOUDWATCH.bytes,
        widgets: limits.widgetsPerDashboard ?? CLOUDWATCH.widgets,
      });
      expect(generateDashboards(inventory, options)).toEqual(specs);
    }
  });
});

describe("a simulated account of 10,000 resources", () => {
  // The size report is an annotation: shown by `vitest --reporter=verbose` (and on failure), not in npm test.
  it("stays within CloudWatch's limits; its size is reported", async ({ annotate }) => {
    const { inventory, alarms } = balancedInventory(10_000);
    expect(inventory.resources).toHaveLength(10_000);
    const started = performance.now();
    const specs = generateDashboards(inventory, { alarms });
    const ms = performance.now() - started;
    const sectionsOnly = generateDashboards(inventory);
    checkAll(inventory, alarms, specs, sectionsOnly, CLOUDWATCH);
    const total = specs.reduce((sum, s) => sum + s.measure.bytes, 0);
    await annotate(
      `10,000 resources, ${alarms.length} alarms → ${specs.length} dashboard(s) in ${ms.toFixed(0)} ms: ` +
        specs
          .map(
            (s) =>
              `${s.name}: ${s.measure.widgets} widgets, ${s.measure.metrics} metrics, ${s.measure.bytes} bytes`,
          )
          .join("; ") +
        `; ${total} bytes in all`,
      "size",
    );
    // Without alarms (sections only): Metrics Insights keeps the body small whatever the account's size.
    await annotate(
      `10,000 resources without alarm widgets → ${sectionsOnly.length} dashboard: ` +
        `${sectionsOnly[0]!.measure.widgets} widgets, ${sectionsOnly[0]!.measure.metrics} metrics, ${sectionsOnly[0]!.measure.bytes} bytes`,
      "size",
    );
    expect(sectionsOnly).toHaveLength(1);
    checkAll(inventory, [], sectionsOnly, sectionsOnly, CLOUDWATCH);
  });
});
