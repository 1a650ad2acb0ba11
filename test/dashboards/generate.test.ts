import { describe, expect, it } from "vitest";
import {
  generateDashboards,
  MANAGED_MARKER,
  reviewJson,
  type DashboardSpec,
} from "../../dashboards/index.js";
import type { Inventory } from "../../lib/inventory/types.js";
import { parseInsightsQuery } from "../../lib/sim/metrics.js";
import { bodyProblems } from "./checks.js";
import { AccountBuilder, sampleInventory } from "./fixtures.js";

interface BodyWidget {
  type: string;
  x: number;
  y: number;
  width: number;
  height: number;
  properties: {
    markdown?: string;
    title?: string;
    alarms?: string[];
    states?: string[];
    metrics?: unknown[][];
    annotations?: { horizontal: { value: number; label: string }[] };
    stat?: string;
    view?: string;
  };
}

function widgetsOf(spec: DashboardSpec): BodyWidget[] {
  return (JSON.parse(spec.body) as { widgets: BodyWidget[] }).widgets;
}

function titles(spec: DashboardSpec): string[] {
  return widgetsOf(spec).map((w) => w.properties.title ?? w.properties.markdown!.split("\n")[0]!);
}

const ALARMS = [
  "arn:aws:cloudwatch:us-east-1:123456789012:alarm:watchkeeper-lambda-errors",
  "arn:aws:cloudwatch:us-east-1:123456789012:alarm:watchkeeper-sqs-dlq-orders-dlq",
];

const SAMPLE_OPTIONS = {
  alarmArns: ALARMS,
  runbookBaseUrl: "https://github.com/example/watchkeeper/blob/main/runbooks/",
  generatedAt: "2025-01-01T06:00:00.000Z",
};

describe("the sample account's dashboard", () => {
  const inventory = sampleInventory();
  const specs = generateDashboards(inventory, SAMPLE_OPTIONS);

  it("matches the reviewed body", async () => {
    expect(specs).toHaveLength(1);
    await expect(reviewJson(specs)).toMatchFileSnapshot("./__snapshots__/sample-dashboard.json");
  });

  it("is one valid dashboard named after the prefix and region", () => {
    expect(specs.map((s) => s.name)).toEqual(["watchkeeper-dashboard-us-east-1"]);
    expect(bodyProblems(specs[0]!.body, inventory)).toEqual([]);
  });

  it("reads top-down: header, alarm status, then Lambda, SQS, Kinesis, API Gateway, DynamoDB, Step Functions, EventBridge", () => {
    const widgets = widgetsOf(specs[0]!);
    const header = widgets[0]!;
    expect(header).toMatchObject({ type: "text", x: 0, y: 0, width: 24 });
    expect(header.properties.markdown).toContain("account 123456789012 · us-east-1");
    expect(header.properties.markdown).toContain(`${MANAGED_MARKER} at 2025-01-01T06:00:00.000Z`);
    expect(header.properties.markdown).toContain(
      "[https://github.com/example/watchkeeper/blob/main/runbooks/README.md](https://github.com/example/watchkeeper/blob/main/runbooks/README.md)",
    );
    expect(widgets[1]).toMatchObject({ type: "alarm", properties: { alarms: [...ALARMS].sort() } });
    const headings = widgets
      .filter((w) => w.properties.markdown?.startsWith("## "))
      .map((w) => w.properties.markdown!.split("\n")[0]);
    expect(headings).toEqual([
      "## Lambda",
      "## SQS",
      "## Kinesis",
      "## API Gateway",
      "## DynamoDB",
      "## Step Functions",
      "## EventBridge",
    ]);
    const ys = widgets.map((w) => w.y);
    expect(ys).toEqual([...ys].sort((a, b) => a - b));
  });

  it("draws the account concurrency against the account limit from the inventory", () => {
    const concurrency = widgetsOf(specs[0]!).find(
      (w) => w.properties.title === "Concurrency vs the account limit",
    )!;
    expect(concurrency.properties.stat).toBe("Maximum");
    expect(concurrency.properties.annotations!.horizontal).toEqual([
      expect.objectContaining({ value: 1000, label: "Account limit (1000)" }),
      expect.objectContaining({ value: 900, label: "90 % of the limit" }),
    ]);
  });

  it("uses the alarm catalog's statistics: Sum errors, p99 duration, Maximum age and depth", () => {
    const stats = Object.fromEntries(
      widgetsOf(specs[0]!).map((w) => [w.properties.title, w.properties.stat]),
    );
    expect(stats).toMatchObject({
      "Errors (Sum)": "Sum",
      "Throttles (Sum)": "Sum",
      "Duration (p99)": "p99",
      "Age of oldest message (Maximum)": "Maximum",
      "Dead-letter queues: messages visible (Maximum)": "Maximum",
      "Iterator age (Maximum)": "Maximum",
      "REST 5XX rate (Average)": "Average",
      "HTTP Latency (p99)": "p99",
      "Read throttle events (Sum)": "Sum",
      "Executions failed (Sum)": "Sum",
      "Failed invocations (Sum)": "Sum",
    });
  });

  it("draws each resource of a small account explicitly and leaves out ignored ones", () => {
    const body = specs[0]!.body;
    expect(body).not.toContain("SELECT");
    expect(body).toContain('"FunctionName","order-worker"');
    // nightly-report carries watchkeeper:ignore=true.
    expect(body).not.toContain('"FunctionName","nightly-report"');
    // The DLQ is drawn in its own widget, not among the work queues.
    const dlq = widgetsOf(specs[0]!).find(
      (w) => w.properties.title === "Dead-letter queues: messages visible (Maximum)",
    )!;
    expect(dlq.properties.metrics).toEqual([
      ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", "orders-dlq"],
    ]);
    const age = widgetsOf(specs[0]!).find((w) => w.properties.title === "Age of oldest message (Maximum)")!;
    expect(age.properties.metrics!.map((m) => m[3])).toEqual(["notifications", "orders"]);
    // A rule on a custom bus is named by bus and rule.
    expect(body).toContain(
      '"EventBusName","commerce","RuleName","order-events",{"label":"commerce/order-events"}',
    );
  });

  it("is deterministic: same inputs, same bytes, whatever order the inventory lists things in", () => {
    const again = generateDashboards(sampleInventory(), SAMPLE_OPTIONS);
    expect(again).toEqual(specs);
    const shuffled: Inventory = { ...inventory, resources: [...inventory.resources].reverse() };
    expect(
      generateDashboards(shuffled, { ...SAMPLE_OPTIONS, alarmArns: [...ALARMS].reverse() })[0]!.body,
    ).toBe(specs[0]!.body);
  });

  it("puts a findings summary right under the header", () => {
    const [spec] = generateDashboards(inventory, {
      ...SAMPLE_OPTIONS,
      findingsMarkdown: "## Findings\n\n2 high, 1 medium\n\n- **high** orders: no DLQ",
    });
    expect(titles(spec!).slice(0, 3)).toEqual([
      "# Watchkeeper · account 123456789012 · us-east-1",
      "## Findings",
      "Watchkeeper alarms (2)",
    ]);
  });
});

describe("many resources of a kind", () => {
  function accountWith(functions: number, queues: number): Inventory {
    const b = new AccountBuilder("eu-central-1");
    for (let i = 0; i < functions; i++) b.fn(`fn-${String(i).padStart(3, "0")}`);
    for (let i = 0; i < queues; i++) b.queue(`q-${i}`);
    return b.inventory({ lambdaLimit: 3000 });
  }

  it("switches from explicit metrics to Metrics Insights top 10 above 10 resources", () => {
    const [ten] = generateDashboards(accountWith(10, 0));
    expect(ten!.body).not.toContain("SELECT");
    const [eleven] = generateDashboards(accountWith(11, 0));
    const queries = widgetsOf(eleven!).flatMap((w) =>
      (w.properties.metrics ?? []).flatMap((m) =>
        typeof m[0] === "object" ? [(m[0] as { expression: string }).expression] : [],
      ),
    );
    expect(queries).toEqual([
      'SELECT SUM(Invocations) FROM SCHEMA("AWS/Lambda", FunctionName) GROUP BY FunctionName ORDER BY SUM() DESC LIMIT 10',
      'SELECT SUM(Errors) FROM SCHEMA("AWS/Lambda", FunctionName) GROUP BY FunctionName ORDER BY SUM() DESC LIMIT 10',
      'SELECT SUM(Throttles) FROM SCHEMA("AWS/Lambda", FunctionName) GROUP BY FunctionName ORDER BY SUM() DESC LIMIT 10',
      'SELECT MAX(Duration) FROM SCHEMA("AWS/Lambda", FunctionName) GROUP BY FunctionName ORDER BY MAX() DESC LIMIT 10',
    ]);
    for (const query of queries) expect(parseInsightsQuery(query).limit).toBe(10);
    // Account-wide metrics stay: they cost one metric whatever the number of functions.
    expect(titles(eleven!)).toContain("Duration p99 (all 11 functions)");
  });

  it("keeps the body the same size whether there are 11 or 5,000 functions", () => {
    const [small] = generateDashboards(accountWith(11, 11));
    const [large] = generateDashboards(accountWith(5000, 5000));
    const strip = (s: DashboardSpec) => s.body.replace(/[\d,]+ (functions|resources|queues)/g, "N $1");
    expect(strip(large!)).toBe(strip(small!));
  });

  it("takes the threshold and N from options", () => {
    const [spec] = generateDashboards(accountWith(4, 0), { explicitThreshold: 3, topN: 5 });
    expect(spec!.body).toContain("ORDER BY SUM() DESC LIMIT 5");
    expect(titles(spec!)).toContain("Top 5 functions by Errors (Sum)");
  });
});

describe("the alarm status widgets", () => {
  const inventory = sampleInventory();
  const arns = (n: number) =>
    Array.from(
      { length: n },
      (_, i) => `arn:aws:cloudwatch:us-east-1:123456789012:alarm:wk-${String(i).padStart(4, "0")}`,
    );

  it("hold at most 100 alarms each; with more, they show only alarms not OK, after the sections", () => {
    const [spec] = generateDashboards(inventory, { alarmArns: arns(250) });
    const widgets = widgetsOf(spec!);
    const alarmWidgets = widgets.filter((w) => w.type === "alarm");
    expect(alarmWidgets.map((w) => w.properties.alarms!.length)).toEqual([100, 100, 50]);
    expect(alarmWidgets.flatMap((w) => w.properties.alarms)).toEqual(arns(250));
    for (const w of alarmWidgets) expect(w.properties.states).toEqual(["ALARM", "INSUFFICIENT_DATA"]);
    const eventBridge = widgets.findIndex((w) => w.properties.markdown?.startsWith("## EventBridge"));
    const firstAlarm = widgets.findIndex((w) => w.type === "alarm");
    expect(firstAlarm).toBeGreaterThan(eventBridge);
    expect(widgets[firstAlarm - 1]!.properties.markdown).toMatch(
      /^## Watchkeeper alarms\n\n250 alarms in 3 widgets/,
    );
  });

  it("show every state when one widget holds them all, right under the header", () => {
    const [spec] = generateDashboards(inventory, { alarmArns: arns(100) });
    const widgets = widgetsOf(spec!);
    expect(widgets[1]!.type).toBe("alarm");
    expect(widgets[1]!.properties.states).toBeUndefined();
  });
});

describe("bad options", () => {
  it("are refused with what is wrong", () => {
    expect(() => generateDashboards(sampleInventory(), { prefix: "my team/" })).toThrow(
      'dashboard name "my team/dashboard-us-east-1" contains " /"',
    );
    expect(() => generateDashboards(sampleInventory(), { runbookBaseUrl: "https://x/runbooks" })).toThrow(
      'runbookBaseUrl must end with "/", got https://x/runbooks',
    );
  });

  it("an empty account still gets a header", () => {
    const empty = new AccountBuilder("us-west-2").inventory();
    const [spec] = generateDashboards(empty);
    expect(titles(spec!)).toEqual(["# Watchkeeper · account 123456789012 · us-west-2"]);
    expect(bodyProblems(spec!.body, empty)).toEqual([]);
  });
});
