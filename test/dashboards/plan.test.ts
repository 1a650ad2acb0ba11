import { describe, expect, it } from "vitest";
import {
  comparableBody,
  generateDashboards,
  isManagedBody,
  planDashboards,
  type DashboardSpec,
  type ExistingDashboard,
} from "../../dashboards/index.js";
import { countChanges } from "../../lib/plan/change.js";
import { plannedAlarms, sampleInventory } from "./fixtures.js";

const BASE = "watchkeeper-dashboard-us-east-1";
const desired = (generatedAt = "2025-01-01T00:00:00.000Z") =>
  generateDashboards(sampleInventory(), { generatedAt });
const existing = (spec: DashboardSpec, body = spec.body): ExistingDashboard => ({ name: spec.name, body });
const UNOWNED = JSON.stringify({
  widgets: [{ type: "text", x: 0, y: 0, width: 6, height: 2, properties: { markdown: "# Team board" } }],
});

describe("planDashboards", () => {
  it("creates what does not exist", () => {
    const specs = desired();
    const changes = planDashboards(BASE, specs, []);
    expect(changes).toEqual([
      expect.objectContaining({ action: "create", kind: "dashboard", target: BASE, desired: specs[0] }),
    ]);
    expect(changes[0]!.reason).toMatch(/^does not exist; part 1 of 1 \(\d+ widgets, [\d,]+ bytes\)$/);
  });

  it("leaves an identical dashboard alone, even generated later and stored with other key order", () => {
    const [before] = desired("2025-01-01T00:00:00.000Z");
    const [after] = desired("2025-03-01T12:00:00.000Z");
    expect(after!.body).not.toBe(before!.body);
    const reversed = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(reversed)
        : v && typeof v === "object"
          ? Object.fromEntries(
              Object.entries(v)
                .reverse()
                .map(([k, x]) => [k, reversed(x)]),
            )
          : v;
    const reordered = JSON.stringify(reversed(JSON.parse(before!.body)));
    expect(reordered).not.toBe(before!.body);
    for (const stored of [before!.body, reordered]) {
      expect(planDashboards(BASE, [after!], [existing(before!, stored)])).toEqual([
        expect.objectContaining({ action: "noop", target: BASE, reason: "up to date" }),
      ]);
    }
  });

  it("updates a managed dashboard whose content changed", () => {
    const [old] = generateDashboards(sampleInventory(), { alarms: plannedAlarms(sampleInventory()) });
    const [now] = desired();
    const [change] = planDashboards(BASE, [now!], [existing(old!)]);
    expect(change).toMatchObject({ action: "update", target: BASE, desired: now, actual: { name: BASE } });
    expect(change!.diff).toEqual([
      { field: "body", from: expect.stringMatching(/widgets/), to: expect.stringMatching(/widgets/) },
    ]);
  });

  it("says what changed in widgets, and 'same size' when the byte count did not move", () => {
    const [now] = desired();
    const parsed = JSON.parse(now!.body) as { widgets: { properties: { title?: string } }[] };
    const titled = parsed.widgets.find((w) => typeof w.properties.title === "string")!;
    // The same number of bytes, one title different: the size alone would say nothing changed.
    titled.properties.title = titled.properties.title!.replace(/./, (ch) => (ch === "X" ? "Y" : "X"));
    const [edited] = planDashboards(BASE, [now!], [existing(now!, JSON.stringify(parsed))]);
    expect(edited!.diff).toEqual([
      { field: "body", from: expect.stringMatching(/widgets/), to: "same size, 1 widget changed" },
    ]);
    const original = JSON.parse(now!.body) as typeof parsed;
    const fewer = { ...original, widgets: original.widgets.slice(0, -2) };
    const [grown] = planDashboards(BASE, [now!], [existing(now!, JSON.stringify(fewer))]);
    expect(grown!.diff![0]!.to).toMatch(/^\d+ widgets, [\d,]+ bytes, 2 added$/);
  });

  it("never touches a dashboard without the marker, even under Watchkeeper's own name", () => {
    const [spec] = desired();
    const changes = planDashboards(
      BASE,
      [spec!],
      [
        { name: BASE, body: UNOWNED },
        { name: `${BASE}-4`, body: UNOWNED },
      ],
    );
    expect(changes.map((c) => [c.action, c.target])).toEqual([
      ["noop", BASE],
      ["noop", `${BASE}-4`],
    ]);
    expect(changes[0]!.reason).toContain("not Watchkeeper's, left alone");
    expect(countChanges(changes)).toEqual({ create: 0, update: 0, delete: 0, noop: 2 });
  });

  it("deletes managed parts no longer needed, and ignores names that are not parts of this base", () => {
    const inventory = sampleInventory();
    const three = generateDashboards(inventory, { limits: { widgetsPerDashboard: 12 } });
    expect(three.length).toBeGreaterThanOrEqual(3);
    const one = generateDashboards(inventory);
    expect(one).toHaveLength(1);
    const stored = [
      ...three.map((s) => existing(s)),
      { name: `${BASE}-old`, body: three[1]!.body },
      { name: "watchkeeper-dashboard-us-east-2", body: three[1]!.body },
    ];
    const changes = planDashboards(BASE, one, stored);
    expect(changes.map((c) => [c.action, c.target])).toEqual([
      ["update", BASE],
      ...three.slice(1).map((s) => ["delete", s.name]),
    ]);
    expect(changes[1]!.reason).toBe("no longer needed: the account now fits in 1 dashboard");
  });
});

describe("ownership and comparison", () => {
  it("ownership needs the marker in a text widget, not just anywhere in the body", () => {
    const [spec] = desired();
    expect(isManagedBody(spec!.body)).toBe(true);
    expect(isManagedBody(UNOWNED)).toBe(false);
    expect(isManagedBody("not json")).toBe(false);
    const inTitle = JSON.stringify({
      widgets: [
        {
          type: "metric",
          properties: { title: "Generated by Watchkeeper (watchkeeper:managed=true)", metrics: [] },
        },
      ],
    });
    expect(isManagedBody(inTitle)).toBe(false);
  });

  it("compares bodies without key order or the generated time", () => {
    expect(comparableBody('{"b":1,"a":[{"y":2,"x":1}]}')).toBe(comparableBody('{"a":[{"x":1,"y":2}],"b":1}'));
    expect(comparableBody("{")).toBeUndefined();
  });
});
