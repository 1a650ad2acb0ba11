import { describe, expect, it } from "vitest";
import { generateDashboards, type DashboardSpec } from "../../dashboards/index.js";
import { isPartName, partName, splitIntoDashboards } from "../../dashboards/split.js";
import { DEFAULT_DASHBOARD_LIMITS } from "../../dashboards/limits.js";
import { textWidget } from "../../dashboards/widgets.js";
import { bodyProblems, CLOUDWATCH } from "./checks.js";
import { generateInventory, sampleInventory } from "./fixtures.js";

interface BodyWidget {
  type: string;
  properties: { markdown?: string; title?: string };
}

const widgetsOf = (spec: DashboardSpec) => (JSON.parse(spec.body) as { widgets: BodyWidget[] }).widgets;
const label = (w: BodyWidget) => w.properties.title ?? w.properties.markdown!.split("\n")[0]!;

describe("part names", () => {
  it("are <base>, <base>-2, <base>-3 ...", () => {
    expect([0, 1, 2, 9].map((i) => partName("watchkeeper-dashboard-us-east-1", i))).toEqual([
      "watchkeeper-dashboard-us-east-1",
      "watchkeeper-dashboard-us-east-1-2",
      "watchkeeper-dashboard-us-east-1-3",
      "watchkeeper-dashboard-us-east-1-10",
    ]);
  });

  it("recognise only exact parts of one base, not other regions' or other suffixes", () => {
    const base = "watchkeeper-dashboard-us-east-1";
    expect(isPartName(base, base)).toBe(true);
    expect(isPartName(base, `${base}-2`)).toBe(true);
    expect(isPartName(base, `${base}-12`)).toBe(true);
    expect(isPartName(base, `${base}-1`)).toBe(false);
    expect(isPartName(base, `${base}-02`)).toBe(false);
    expect(isPartName(base, `${base}-copy`)).toBe(false);
    expect(isPartName(base, `${base}0`)).toBe(false);
    expect(isPartName(base, "watchkeeper-dashboard-us-east-2")).toBe(false);
  });
});

describe("splitting", () => {
  const { inventory, alarms } = generateInventory(11, 3000);
  // Alarm status widgets small enough for these tight budgets: 100 ARNs alone take about 10 kB.
  const alarmsPerAlarmWidget = 20;

  it("splits when the body budget is small, every part within it, and links every part from each header", () => {
    // The header links every part, and the biggest block (SQS, 88 DLQs on one graph) must fit beside it:
    // with a status widget per 20 of the ~1,900 planned alarms (each DLQ and state machine has its own),
    // 12 kB no longer does.
    const budget = 14_000;
    const specs = generateDashboards(inventory, {
      alarms,
      limits: { bodyBytes: budget, alarmsPerAlarmWidget },
    });
    expect(specs.length).toBeGreaterThan(2);
    const names = specs.map((s) => s.name);
    expect(names[0]).toBe("watchkeeper-dashboard-eu-west-1");
    expect(names.slice(1)).toEqual(names.slice(1).map((_, i) => `watchkeeper-dashboard-eu-west-1-${i + 2}`));
    for (const [i, spec] of specs.entries()) {
      expect(bodyProblems(spec.body, inventory, { ...CLOUDWATCH, bytes: budget })).toEqual([]);
      expect(spec).toMatchObject({ part: i + 1, parts: specs.length });
      const header = widgetsOf(spec)[0]!.properties.markdown!;
      expect(header).toContain(`Dashboard ${i + 1} of ${specs.length}: `);
      for (const [j, other] of names.entries()) {
        if (j === i) expect(header).toContain(`**${j + 1}**`);
        else
          expect(header).toContain(
            `[${j + 1}](https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards:name=${other})`,
          );
      }
    }
  });

  it("keeps the top-down order across parts: the parts read in sequence are the unsplit dashboard", () => {
    const whole = generateDashboards(inventory, { alarms, limits: { alarmsPerAlarmWidget } });
    const split = generateDashboards(inventory, {
      alarms,
      limits: { bodyBytes: 15_000, alarmsPerAlarmWidget },
    });
    const withoutHeaders = (specs: DashboardSpec[]) => specs.flatMap((s) => widgetsOf(s).slice(1).map(label));
    expect(split.length).toBeGreaterThan(whole.length);
    expect(withoutHeaders(split)).toEqual(withoutHeaders(whole));
  });

  it("splits on the widget limit too", () => {
    const specs = generateDashboards(sampleInventory(), { limits: { widgetsPerDashboard: 12 } });
    expect(specs.map((s) => widgetsOf(s).length).every((n) => n <= 12)).toBe(true);
    expect(specs.length).toBeGreaterThan(1);
  });

  it("refuses a block that cannot fit even alone, saying what to change", () => {
    expect(() =>
      splitIntoDashboards("d", [{ widgets: [textWidget("x".repeat(5000))] }], () => textWidget("header"), {
        ...DEFAULT_DASHBOARD_LIMITS,
        bodyBytes: 1000,
      }),
    ).toThrow(/does not fit in one dashboard even alone \(\d+ bytes > 1000\); raise the body size budget/);
  });
});
