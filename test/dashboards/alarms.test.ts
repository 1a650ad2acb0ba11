/**
 * The dashboard shows Watchkeeper's alarms: their status near what they watch (every planned alarm once:
 * the account-wide aggregates at the top, each service's per-resource alarms after its section, split at
 * CloudWatch's 100 ARNs per alarm widget), and each alarm on the graphs of the metric it watches, within
 * the rules of "Dashboard Body Structure and Syntax".
 */
import { CloudWatchClient, PutDashboardCommand } from "@aws-sdk/client-cloudwatch";
import { describe, expect, it } from "vitest";
import { annotateWidget, graphAlarms } from "../../dashboards/annotate.js";
import { generateDashboards, type DashboardSpec } from "../../dashboards/index.js";
import { metricWidget, textWidget } from "../../dashboards/widgets.js";
import type { AlarmSpec } from "../../lib/alarms/index.js";
import type { Inventory } from "../../lib/inventory/types.js";
import { SimAccount, simulatedAws } from "../../lib/sim/index.js";
import {
  alarmProblems,
  annotationCounts,
  expectedStatusArns,
  statusArnsShown,
  statusPlacementProblems,
} from "./alarm-checks.js";
import { bodyProblems, CLOUDWATCH } from "./checks.js";
import { AccountBuilder, arnOf, balancedInventory, plannedAlarms, sampleInventory } from "./fixtures.js";
import { TEST_ALARM } from "../alarms/fixtures.js";

interface BodyWidget {
  type: string;
  properties: {
    title?: string;
    markdown?: string;
    alarms?: string[];
    states?: string[];
    sortBy?: string;
    metrics?: unknown[][];
    stat?: string;
    period?: number;
    region?: string;
    annotations?: { alarms?: string[]; horizontal?: { value: number; label: string; color?: string }[] };
  };
}

const widgetsOf = (spec: DashboardSpec) => (JSON.parse(spec.body) as { widgets: BodyWidget[] }).widgets;
const titled = (spec: DashboardSpec, title: string) =>
  widgetsOf(spec).find((w) => w.properties.title === title)!;
/** A widget's title, or its markdown's first line. */
const label = (w: BodyWidget) => w.properties.title ?? w.properties.markdown!.split("\n")[0]!;
/** The group an alarm status widget shows: "Watchkeeper alarms: Lambda" for "…: Lambda (3)" or "…: Lambda, not OK, 2/5". */
const groupOf = (w: BodyWidget) => w.properties.title!.replace(/( \(\d+\)|, not OK, \d+\/\d+)$/, "");

/** Every part through the in-memory account's PutDashboard, which enforces CloudWatch's rules. */
async function putAll(specs: readonly DashboardSpec[]): Promise<void> {
  const cloudwatch = simulatedAws(new SimAccount({ enforceQuotas: false })).client(CloudWatchClient);
  for (const spec of specs) {
    await cloudwatch.send(new PutDashboardCommand({ DashboardName: spec.name, DashboardBody: spec.body }));
  }
}

describe("the alarm status widgets of the sample account", () => {
  const inventory = sampleInventory();
  const alarms = plannedAlarms(inventory);
  const [spec] = generateDashboards(inventory, { alarms });
  const aggregates = alarms.filter((a) => a.origin.level === "aggregate");

  it("list the account-wide aggregates right under the header, by name, in every state", () => {
    const status = widgetsOf(spec!)[1]!;
    expect(aggregates.length).toBeGreaterThan(1);
    expect(status).toMatchObject({
      type: "alarm",
      properties: {
        title: `Watchkeeper alarms: account-wide (${aggregates.length})`,
        sortBy: "stateUpdatedTimestamp",
      },
    });
    expect(status.properties.states).toBeUndefined();
    expect(status.properties.alarms).toEqual(aggregates.map((a) => arnOf(inventory, a.name)).toSorted());
  });

  it("list each service's per-resource alarms right after its section's graphs, every planned alarm once", () => {
    const labels = widgetsOf(spec!).map(label);
    const after = (title: string) => labels[labels.findIndex((l) => l.startsWith(title)) - 1];
    // The last graph of each section with alarms of its own, then their status, then the next section.
    expect(after("## SQS")).toMatch(/^Watchkeeper alarms: Lambda \(\d+\)$/);
    expect(after("## Kinesis")).toMatch(/^Watchkeeper alarms: SQS \(\d+\)$/);
    expect(after("Watchkeeper alarms: SQS")).toBe("Dead-letter queues: messages visible (Maximum)");
    expect(after("## DynamoDB")).toMatch(/^Watchkeeper alarms: API Gateway \(\d+\)$/);
    const status = widgetsOf(spec!).filter((w) => w.type === "alarm");
    expect(status.map(groupOf)).toEqual([
      "Watchkeeper alarms: account-wide",
      "Watchkeeper alarms: Lambda",
      "Watchkeeper alarms: SQS",
      "Watchkeeper alarms: API Gateway",
      // Each state machine's failure-rate alarm is its own.
      "Watchkeeper alarms: Step Functions",
    ]);
    for (const w of status) expect(w.properties.states).toBeUndefined();
    // The WebSocket API's integration latency alarm is shown with the section that draws the API.
    expect(status.find((w) => groupOf(w) === "Watchkeeper alarms: API Gateway")?.properties.alarms).toContain(
      arnOf(inventory, "watchkeeper-apigateway-websocket-integration-latency-order-updates-production"),
    );
    const listed = statusArnsShown([spec!]);
    expect(listed).toEqual(expectedStatusArns(inventory, alarms));
    expect(new Set(listed).size).toBe(listed.length);
    expect(listed.toSorted()).toEqual(alarms.map((a) => arnOf(inventory, a.name)).toSorted());
    expect(statusPlacementProblems(inventory, alarms, [spec!])).toEqual([]);
  });

  it("is the same whatever order the specs come in, and lists an alarm given twice once", () => {
    const again = generateDashboards(inventory, { alarms: [...alarms, ...alarms].reverse() });
    expect(again.map((s) => s.body)).toEqual([spec!.body]);
  });
});

describe("alarm status widgets split at the limit", () => {
  const inventory = sampleInventory();
  const alarms = plannedAlarms(inventory);
  const aggregates = alarms.filter((a) => a.origin.level === "aggregate").length;

  it("take one widget for a group that fits exactly, and split one alarm past it", () => {
    const fits = generateDashboards(inventory, { alarms, limits: { alarmsPerAlarmWidget: aggregates } });
    const fitting = widgetsOf(fits[0]!).filter((w) => w.type === "alarm");
    expect(fitting.map(groupOf)).toEqual([...new Set(fitting.map(groupOf))]);
    expect(fitting[0]!.properties.alarms).toHaveLength(aggregates);
    const over = generateDashboards(inventory, { alarms, limits: { alarmsPerAlarmWidget: aggregates - 1 } });
    const widgets = widgetsOf(over[0]!);
    expect(widgets[1]!.properties.markdown).toMatch(
      new RegExp(
        `^## Watchkeeper alarms: account-wide\n\n${aggregates} alarms in 2 widgets of up to ${aggregates - 1};`,
      ),
    );
    const top = widgets.filter((w) => w.type === "alarm" && groupOf(w).endsWith("account-wide"));
    expect(top.map((w) => w.properties.title)).toEqual([
      "Watchkeeper alarms: account-wide, not OK, 1/2",
      "Watchkeeper alarms: account-wide, not OK, 2/2",
    ]);
    expect(top.map((w) => w.properties.alarms!.length)).toEqual([aggregates - 1, 1]);
    for (const w of top) expect(w.properties.states).toEqual(["ALARM", "INSUFFICIENT_DATA"]);
    // The services' groups are smaller: each still one widget, in every state.
    const rest = widgets.filter((w) => w.type === "alarm").slice(2);
    expect(rest.length).toBeGreaterThan(0);
    for (const w of rest) expect(w.properties.states).toBeUndefined();
    expect(statusArnsShown(over)).toEqual(expectedStatusArns(inventory, alarms));
    expect(statusPlacementProblems(inventory, alarms, over)).toEqual([]);
  });

  it("hold 100 alarms each in an account with thousands, each service's after its graphs, each part valid and accepted", async () => {
    const { inventory: large, alarms: many } = balancedInventory(3000);
    expect(many.length).toBeGreaterThan(1000);
    const specs = generateDashboards(large, { alarms: many });
    const status = specs.flatMap((s) => widgetsOf(s).filter((w) => w.type === "alarm"));
    const groups = new Map<string, BodyWidget[]>();
    for (const w of status) groups.set(groupOf(w), [...(groups.get(groupOf(w)) ?? []), w]);
    expect(groups.size).toBeGreaterThan(2);
    for (const [group, widgets] of groups) {
      const sizes = widgets.map((w) => w.properties.alarms!.length);
      expect(
        sizes.slice(0, -1).every((n) => n === 100),
        group,
      ).toBe(true);
      expect(sizes.at(-1)!, group).toBeLessThanOrEqual(100);
    }
    expect([...groups.values()].some((widgets) => widgets.length > 1)).toBe(true);
    expect(statusArnsShown(specs)).toEqual(expectedStatusArns(large, many));
    // The first dashboard starts with the account-wide alarms, then the Lambda section's graphs.
    const first = widgetsOf(specs[0]!);
    expect(groupOf(first[1]!)).toBe("Watchkeeper alarms: account-wide");
    expect(first[2]!.properties.markdown).toMatch(/^## Lambda\n/);
    expect(first.some((w) => w.type === "metric")).toBe(true);
    for (const spec of specs) expect(bodyProblems(spec.body, large, CLOUDWATCH)).toEqual([]);
    expect(alarmProblems(large, many, specs, generateDashboards(large))).toEqual([]);
    await putAll(specs);
  });
});

describe("alarms drawn on the graphs of the sample account", () => {
  const inventory = sampleInventory();
  const alarms = plannedAlarms(inventory);
  const [spec] = generateDashboards(inventory, { alarms });
  const [plain] = generateDashboards(inventory);

  it("turn the lone DLQ's graph into its alarm's graph: the same line, with the threshold and state", () => {
    const dlq = titled(spec!, "Dead-letter queues: messages visible (Maximum)");
    expect(dlq.properties).toEqual({
      title: "Dead-letter queues: messages visible (Maximum)",
      region: "us-east-1",
      view: "timeSeries",
      stacked: false,
      annotations: { alarms: [arnOf(inventory, "watchkeeper-sqs-dlq-messages-visible-orders-dlq")] },
    });
  });

  it("draw an aggregate's threshold on the graph of every queue it covers, labelled with the alarm", () => {
    const age = titled(spec!, "Age of oldest message (Maximum)");
    expect(age.properties.metrics).toEqual(
      titled(plain!, "Age of oldest message (Maximum)").properties.metrics,
    );
    expect(age.properties.annotations).toEqual({
      horizontal: [{ value: 3600, label: "watchkeeper-sqs-age-of-oldest-message ≥ 3,600", color: "#d62728" }],
    });
  });

  it("draw the per-function Errors and Throttles queries' thresholds on the per-function graphs", () => {
    // Each function is a contributor of the query (the ignored one is neither graphed nor queried).
    for (const [title, name] of [
      ["Errors (Sum)", "watchkeeper-lambda-errors"],
      ["Throttles (Sum)", "watchkeeper-lambda-throttles"],
    ] as const) {
      expect(titled(spec!, title).properties.metrics).toEqual(titled(plain!, title).properties.metrics);
      expect(titled(spec!, title).properties.annotations).toEqual({
        horizontal: [{ value: 0, label: `${name} > 0`, color: "#d62728" }],
      });
    }
  });

  it("leave graphs alone that no one alarm covers line for line", () => {
    // Rules on the default bus and on a custom bus are two alarms' contributors: neither covers every line.
    expect(titled(spec!, "Failed invocations (Sum)").properties).toEqual(
      titled(plain!, "Failed invocations (Sum)").properties,
    );
    // A state machine's own alarm is on its failure rate, not on the count the graph draws.
    expect(titled(spec!, "Executions failed (Sum)").properties).toEqual(
      titled(plain!, "Executions failed (Sum)").properties,
    );
    // The per-stage latency alarms watch ApiName and Stage; the graph draws ApiName.
    expect(titled(spec!, "REST Latency (p99)").properties).toEqual(
      titled(plain!, "REST Latency (p99)").properties,
    );
  });

  it("only ever name a planned alarm whose metric the graph drew, and pass PutDashboard", async () => {
    expect(alarmProblems(inventory, alarms, [spec!], [plain!])).toEqual([]);
    expect(annotationCounts([spec!])).toEqual({ alarms: 1, thresholds: 10 });
    expect(bodyProblems(spec!.body, inventory)).toEqual([]);
    await putAll([spec!]);
  });
});

describe("which graph an alarm is drawn on", () => {
  function solo(tags: Record<string, string> = {}): Inventory {
    const b = new AccountBuilder("eu-west-1");
    b.fn("checkout", { tags });
    return b.inventory({ lambdaLimit: 1000 });
  }

  it("a function with alarms of its own gets them on its one-line Errors and Throttles graphs, not on p99 Duration (its alarm is p90)", () => {
    const inventory = solo({ "watchkeeper:alarms": "individual" });
    const [spec] = generateDashboards(inventory, { alarms: plannedAlarms(inventory) });
    const alarmOf = (title: string) => titled(spec!, title).properties.annotations?.alarms;
    expect(alarmOf("Errors (Sum)")).toEqual([arnOf(inventory, "watchkeeper-lambda-errors-checkout")]);
    expect(alarmOf("Throttles (Sum)")).toEqual([arnOf(inventory, "watchkeeper-lambda-throttles-checkout")]);
    expect(alarmOf("Duration (p99)")).toBeUndefined();
    expect(alarmOf("Invocations (Sum)")).toBeUndefined();
  });

  it("a queue the aggregate leaves out keeps the graph free of the aggregate's threshold", () => {
    const b = new AccountBuilder("eu-west-1");
    b.queue("orders", { tags: { "watchkeeper:alarms": "individual" } });
    b.queue("emails");
    const inventory = b.inventory();
    const alarms = plannedAlarms(inventory);
    const [spec] = generateDashboards(inventory, { alarms });
    expect(titled(spec!, "Age of oldest message (Maximum)").properties.annotations).toBeUndefined();
    expect(alarmProblems(inventory, alarms, [spec!], generateDashboards(inventory))).toEqual([]);
  });

  it("a top-N graph gets the threshold of an aggregate that leaves no queue out, and none when it does", () => {
    const b = new AccountBuilder("eu-west-1");
    for (let i = 0; i < 12; i++) b.queue(`jobs-${i}`);
    const inventory = b.inventory();
    const [spec] = generateDashboards(inventory, { alarms: plannedAlarms(inventory) });
    expect(titled(spec!, "Top 10 queues by Age of oldest message (Maximum)").properties.annotations).toEqual({
      horizontal: [
        expect.objectContaining({ value: 3600, label: expect.stringMatching(/^watchkeeper-sqs-age/) }),
      ],
    });
    b.queue("jobs-dlq");
    b.queue("jobs-12", { dlq: b.resources.find((r) => r.name === "jobs-dlq") as never });
    const withDlq = b.inventory();
    const [excluded] = generateDashboards(withDlq, { alarms: plannedAlarms(withDlq) });
    const top = titled(excluded!, "Top 10 queues by Age of oldest message (Maximum)");
    expect(top.properties.annotations).toBeUndefined();
  });
});

describe("annotateWidget keeps to the documented rules", () => {
  const account = { accountId: "123456789012", region: "eu-west-1" };
  const errors = (period: number): AlarmSpec => ({
    name: "watchkeeper-lambda-errors-checkout",
    metric: {
      namespace: "AWS/Lambda",
      metricName: "Errors",
      dimensions: [{ name: "FunctionName", value: "checkout" }],
      statistic: "Sum",
      period,
    },
    ...TEST_ALARM,
    description: "",
    origin: {
      entryId: "lambda-errors",
      level: "individual",
      metricsAnalyzed: 1,
      highResolution: false,
      usesMetricsInsights: false,
    },
  });
  const graph = (options: { annotations?: { value: number }[]; view?: "table" } = {}) =>
    metricWidget({
      title: "Errors (Sum)",
      region: "eu-west-1",
      stat: "Sum",
      period: 60,
      metrics: [
        {
          namespace: "AWS/Lambda",
          metricName: "Errors",
          dimensions: [{ name: "FunctionName", value: "checkout" }],
        },
      ],
      ...options,
    });

  it("makes a one-line graph the graph of the alarm that watches that line at the same period", () => {
    const annotated = annotateWidget(graph(), graphAlarms([errors(60)], account));
    expect(annotated.properties).toEqual({
      title: "Errors (Sum)",
      region: "eu-west-1",
      view: "timeSeries",
      stacked: false,
      annotations: {
        alarms: ["arn:aws:cloudwatch:eu-west-1:123456789012:alarm:watchkeeper-lambda-errors-checkout"],
      },
    });
  });

  it("leaves it alone when the alarm's period differs, the graph has lines of its own, or it is a table", () => {
    const alarms = graphAlarms([errors(60)], account);
    expect(annotateWidget(graph(), graphAlarms([errors(300)], account))).toEqual(graph());
    const lined = graph({ annotations: [{ value: 5 }] });
    expect(annotateWidget(lined, alarms)).toEqual(lined);
    expect(annotateWidget(graph({ view: "table" }), alarms)).toEqual(graph({ view: "table" }));
    expect(annotateWidget(textWidget("x"), alarms)).toEqual(textWidget("x"));
  });

  it("writes ARNs in the region's partition", () => {
    const china = { accountId: "123456789012", region: "cn-north-1" };
    const annotated = annotateWidget(
      { ...graph(), properties: { ...graph().properties, region: "cn-north-1" } },
      graphAlarms([errors(60)], china),
    );
    expect(annotated.properties).toMatchObject({
      annotations: {
        alarms: ["arn:aws-cn:cloudwatch:cn-north-1:123456789012:alarm:watchkeeper-lambda-errors-checkout"],
      },
    });
  });
});
