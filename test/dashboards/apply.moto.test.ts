/**
 * Dashboards over the real wire, against moto (region ca-central-1, claimed in test/moto/moto.ts).
 * moto stores dashboards per region (AWS keeps them global to the account), checks only that a body is
 * JSON (no widget, metric or size limits), always answers PutDashboard with no validation messages,
 * and returns every ListDashboards match in one page.
 */
import {
  CloudWatchClient,
  GetDashboardCommand,
  ListDashboardsCommand,
  PutDashboardCommand,
} from "@aws-sdk/client-cloudwatch";
import { describe, expect, it } from "vitest";
import {
  applyDashboards,
  generateDashboards,
  planAccountDashboards,
  planDashboards,
  readDashboards,
} from "../../dashboards/index.js";
import type { Aws } from "../../lib/aws/clients.js";
import { systemClock } from "../../lib/aws/clock.js";
import { countChanges } from "../../lib/plan/change.js";
import { motoAws } from "../moto/moto.js";
import { sampleInventory } from "./fixtures.js";

const REGION = "ca-central-1";
const inventory = { ...sampleInventory(REGION), accountId: "123456789012" };

function calls(aws: Aws, api: string): number {
  return aws.pacer.calls().find((c) => c.service === "cloudwatch" && c.api === api)?.calls ?? 0;
}

async function bodyOf(aws: Aws, name: string): Promise<string | undefined> {
  const out = await aws.client(CloudWatchClient).send(new GetDashboardCommand({ DashboardName: name }));
  return out.DashboardBody;
}

async function names(aws: Aws, prefix: string): Promise<string[]> {
  const out = await aws
    .client(CloudWatchClient)
    .send(new ListDashboardsCommand({ DashboardNamePrefix: prefix }));
  return (out.DashboardEntries ?? []).map((e) => e.DashboardName!).sort();
}

const UNOWNED = JSON.stringify({
  widgets: [
    { type: "text", x: 0, y: 0, width: 12, height: 2, properties: { markdown: "# The team's own board" } },
  ],
});

describe("applying dashboards against moto", () => {
  it("writes the dashboard once; a second apply makes no PutDashboard call", async () => {
    const prefix = "wk-once-";
    const base = `${prefix}dashboard-${REGION}`;
    const aws = motoAws(REGION);

    const first = await planAccountDashboards(aws, inventory, {
      prefix,
      generatedAt: "2025-01-01T00:00:00.000Z",
    });
    expect(first.changes.map((c) => [c.action, c.target])).toEqual([["create", base]]);
    const report = await applyDashboards(aws, first.changes, { clock: systemClock });
    expect(report).toMatchObject({ applied: 1, failed: 0, deferred: 0 });
    expect(calls(aws, "PutDashboard")).toBe(1);
    expect(await bodyOf(aws, base)).toBe(first.changes[0]!.desired!.body);

    // A later run over the same account: only the generated time differs, so nothing is written.
    const getsBefore = calls(aws, "GetDashboard");
    const second = await planAccountDashboards(aws, inventory, {
      prefix,
      generatedAt: "2025-01-02T00:00:00.000Z",
    });
    expect(countChanges(second.changes)).toEqual({ create: 0, update: 0, delete: 0, noop: 1 });
    const again = await applyDashboards(aws, second.changes, { clock: systemClock });
    expect(again.applied).toBe(0);
    expect(calls(aws, "PutDashboard")).toBe(1);
    expect(calls(aws, "GetDashboard") - getsBefore).toBe(1);
    expect(await bodyOf(aws, base)).toBe(first.changes[0]!.desired!.body);
  });

  it("rewrites a changed dashboard, splits and shrinks back, and never touches an unowned one", async () => {
    const prefix = "wk-split-";
    const base = `${prefix}dashboard-${REGION}`;
    const aws = motoAws(REGION);
    const cloudwatch = aws.client(CloudWatchClient);
    // Someone's own dashboard under a name Watchkeeper could use for a fifth part.
    await cloudwatch.send(new PutDashboardCommand({ DashboardName: `${base}-5`, DashboardBody: UNOWNED }));

    const split = generateDashboards(inventory, { prefix, limits: { widgetsPerDashboard: 12 } });
    expect(split.length).toBeGreaterThanOrEqual(3);
    const created = planDashboards(base, split, await readDashboards(aws, base));
    expect(created.map((c) => c.action)).toEqual([...split.map(() => "create"), "noop"]);
    expect(created.at(-1)).toMatchObject({ action: "noop", target: `${base}-5` });
    expect(await applyDashboards(aws, created, { clock: systemClock })).toMatchObject({ failed: 0 });
    expect(await names(aws, base)).toEqual([...split.map((s) => s.name), `${base}-5`].sort());

    const whole = await planAccountDashboards(aws, inventory, { prefix });
    expect(whole.changes.map((c) => [c.action, c.target])).toEqual([
      ["update", base],
      ...split.slice(1).map((s) => ["delete", s.name]),
      ["noop", `${base}-5`],
    ]);
    const report = await applyDashboards(aws, whole.changes, { clock: systemClock });
    expect(report).toMatchObject({ failed: 0, applied: split.length });
    expect(calls(aws, "DeleteDashboards")).toBe(1);
    expect(await names(aws, base)).toEqual([base, `${base}-5`]);
    expect(await bodyOf(aws, `${base}-5`)).toBe(UNOWNED);
  });

  it("leaves an unowned dashboard with Watchkeeper's own name as it is", async () => {
    const prefix = "wk-taken-";
    const base = `${prefix}dashboard-${REGION}`;
    const aws = motoAws(REGION);
    await aws
      .client(CloudWatchClient)
      .send(new PutDashboardCommand({ DashboardName: base, DashboardBody: UNOWNED }));
    const plan = await planAccountDashboards(aws, inventory, { prefix });
    expect(plan.changes).toEqual([expect.objectContaining({ action: "noop", target: base })]);
    expect(plan.changes[0]!.reason).toContain("not Watchkeeper's, left alone");
    await applyDashboards(aws, plan.changes, { clock: systemClock });
    // The one PutDashboard is the test's own, above.
    expect(calls(aws, "PutDashboard")).toBe(1);
    expect(await bodyOf(aws, base)).toBe(UNOWNED);
  });

  it("reports a failed write and goes on with the rest", async () => {
    const prefix = "wk-fail-";
    const base = `${prefix}dashboard-${REGION}`;
    const aws = motoAws(REGION);
    const [spec] = generateDashboards(inventory, { prefix });
    const broken = { ...spec!, name: `${base}-2`, body: "{ not json" };
    const changes = planDashboards(base, [spec!, broken], []);
    const report = await applyDashboards(aws, changes, { clock: systemClock });
    expect(report.outcomes.map((o) => [o.change.target, o.status])).toEqual([
      [base, "applied"],
      [`${base}-2`, "failed"],
    ]);
    expect(report.outcomes[1]!.error).toMatch(/invalid JSON|Body/i);
    expect(await names(aws, base)).toEqual([base]);
  });
});
