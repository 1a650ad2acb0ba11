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
import { AccountBuilder, arnOf, plannedAlarms, sampleInventory } from "./fixtures.js";

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

// A fixed few of the planned alarms, so the snapshot changes only when the dashboard does (not with every
// catalog change): an aggregate no graph draws line for line (REST 5XX is per stage, its graph per API),
// two aggregates drawn as threshold lines (the per-function Errors query and queue age), and the DLQ's
// alarm, whose graph is the DLQ's only line. alarms.test.ts shows every planned alarm.
const FEW = [
  "watchkeeper-apigateway-rest-5xx",
  "watchkeeper-lambda-errors",
  "watchkeeper-sqs-age-of-oldest-message",
  "watchkeeper-sqs-dlq-messages-visible-orders-dlq",
];
const ALARMS = plannedAlarms(sampleInventory()).filter((alarm) => FEW.includes(alarm.name));

const SECTIONS_ONLY = {
  runbookBaseUrl: "https://github.com/example/watchkeeper/blob/main/runbooks/",
  generatedAt: "2025-01-01T06:00:00.000Z",
};

const SAMPLE_OPTIONS = { ...SECTIONS_ONLY, alarms: ALARMS };

describe("the sample account's dashboard", () => {
  const inventory = sampleInventory();
  const specs = generateDashboards(inventory, SAMPLE_OPTIONS);
  // What the sections draw, before alarms are drawn on some graphs (alarms.test.ts).
  const [sections] = generateDashboards(inventory, SECTIONS_ONLY);

  it("matches the reviewed body", async () => {
    expect(ALARMS).toHaveLength(FEW.length);
    expect(specs).toHaveLength(1);
    await expect(reviewJson(specs)).toMatchFileSnapshot("./__snapshots__/sample-dashboard.json");
  });

  it("is one valid dashboard named after the prefix and region", () => {
    expect(specs.map((s) => s.name)).toEqual(["watchkeeper-dashboard-us-east-1"]);
    expect(bodyProblems(specs[0]!.body, inventory)).toEqual([]);
  });

  it("reads top-down: header, account-wide alarms, then Lambda, SQS (and its DLQ's alarm), Kinesis, API Gateway, DynamoDB, Step Functions, EventBridge", () => {
    const widgets = widgetsOf(specs[0]!);
    const header = widgets[0]!;
    expect(header).toMatchObject({ type: "text", x: 0, y: 0, width: 24 });
    expect(header.properties.markdown).toContain("account 123456789012 · us-east-1");
    expect(header.properties.markdown).toContain(`${MANAGED_MARKER} at 2025-01-01T06:00:00.000Z`);
    expect(header.properties.markdown).toContain(
      "[https://github.com/example/watchkeeper/blob/main/runbooks/README.md](https://github.com/example/watchkeeper/blob/main/runbooks/README.md)",
    );
    expect(widgets[1]).toMatchObject({ type: "alarm" });
    // Every aggregate, sorted by name: an aggregate no graph draws (API 5xx here) is listed like the others.
    expect(widgets[1]!.properties.alarms).toEqual([
      arnOf(inventory, "watchkeeper-apigateway-rest-5xx"),
      arnOf(inventory, "watchkeeper-lambda-errors"),
      arnOf(inventory, "watchkeeper-sqs-age-of-oldest-message"),
    ]);
    // The DLQ's own alarm follows the SQS section, right before the next one.
    const labels = titles(specs[0]!);
    const dlqStatus = labels.indexOf("Watchkeeper alarms: SQS (1)");
    expect(labels[dlqStatus - 1]).toBe("Dead-letter queues: messages visible (Maximum)");
    expect(labels[dlqStatus + 1]).toBe("## Kinesis");
    expect(widgets[dlqStatus]!.properties.alarms).toEqual([
      arnOf(inventory, "watchkeeper-sqs-dlq-messages-visible-orders-dlq"),
    ]);
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
      widgetsOf(sections!).map((w) => [w.properties.title, w.properties.stat]),
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
      "WebSocket Execution error rate (Average)": "Average",
      "WebSocket Client error rate (Average)": "Average",
      "WebSocket Integration latency (p99)": "p99",
      "Read throttle events (Sum)": "Sum",
      "Executions failed (Sum)": "Sum",
      "Failed invocations (Sum)": "Sum",
    });
  });

  it("draws each resource of a small account explicitly and leaves out ignored ones", () => {
    const body = sections!.body;
    expect(body).not.toContain("SELECT");
    expect(body).toContain('"FunctionName","order-worker"');
    // nightly-report carries watchkeeper:ignore=true.
    expect(body).not.toContain('"FunctionName","nightly-report"');
    // The DLQ is drawn in its own widget, not among the work queues.
    const dlq = widgetsOf(sections!).find(
      (w) => w.properties.title === "Dead-letter queues: messages visible (Maximum)",
    )!;
    expect(dlq.properties.metrics).toEqual([
      ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", "orders-dlq"],
    ]);
    const age = widgetsOf(sections!).find((w) => w.properties.title === "Age of oldest message (Maximum)")!;
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
    expect(generateDashboards(shuffled, { ...SAMPLE_OPTIONS, alarms: [...ALARMS].reverse() })[0]!.body).toBe(
      specs[0]!.body,
    );
  });

  it("puts a findings summary under the header and the account-wide alarms", () => {
    const [spec] = generateDashboards(inventory, {
      ...SAMPLE_OPTIONS,
      findingsMarkdown: "## Findings\n\n2 high, 1 medium\n\n- **high** orders: no DLQ",
    });
    expect(titles(spec!).slice(0, 3)).toEqual([
      "# Watchkeeper · account 123456789012 · us-east-1",
      "Watchkeeper alarms: account-wide (3)",
      "## Findings",
    ]);
  });
});

describe("WebSocket APIs", () => {
  function accountWith(webSockets: number): Inventory {
    const b = new AccountBuilder("eu-central-1");
    b.httpApi("webhooks", "h0");
    for (let i = 0; i < webSockets; i++) b.webSocketApi(`live-${i}`, `w${i}`);
    return b.inventory({ lambdaLimit: 1000 });
  }
  const section = (spec: DashboardSpec) =>
    widgetsOf(spec).filter((w) => w.properties.title?.includes("WebSocket"));

  it("are drawn in the API Gateway section by ApiId, with their own metrics", () => {
    const [spec] = generateDashboards(accountWith(2));
    expect(
      widgetsOf(spec!).find((w) => w.properties.markdown?.startsWith("## API Gateway"))?.properties.markdown,
    ).toBe("## API Gateway\n\n1 HTTP API (each drawn), 2 WebSocket APIs (each drawn).");
    expect(
      section(spec!).map((w) => [
        w.properties.title,
        w.properties.stat,
        w.properties.metrics!.map((m) => m.slice(0, 4)),
      ]),
    ).toEqual(
      [
        ["WebSocket Execution error rate (Average)", "Average", "ExecutionError"],
        ["WebSocket Client error rate (Average)", "Average", "ClientError"],
        ["WebSocket Integration latency (p99)", "p99", "IntegrationLatency"],
      ].map(([title, stat, metric]) => [
        title,
        stat,
        ["w0", "w1"].map((id) => ["AWS/ApiGateway", metric, "ApiId", id]),
      ]),
    );
  });

  it("above 10, a top 10 by query; the latency query says it ranks HTTP APIs too", () => {
    const [spec] = generateDashboards(accountWith(11));
    expect(
      section(spec!).map((w) => [
        w.properties.title,
        (w.properties.metrics![0]![0] as { expression: string }).expression,
      ]),
    ).toEqual([
      [
        "Top 10 WebSocket APIs by Execution error rate (Average)",
        'SELECT AVG(ExecutionError) FROM SCHEMA("AWS/ApiGateway", ApiId) GROUP BY ApiId ORDER BY AVG() DESC LIMIT 10',
      ],
      [
        "Top 10 WebSocket APIs by Client error rate (Average)",
        'SELECT AVG(ClientError) FROM SCHEMA("AWS/ApiGateway", ApiId) GROUP BY ApiId ORDER BY AVG() DESC LIMIT 10',
      ],
      [
        "Top 10 HTTP and WebSocket APIs by Integration latency (p99)",
        'SELECT MAX(IntegrationLatency) FROM SCHEMA("AWS/ApiGateway", ApiId) GROUP BY ApiId ORDER BY MAX() DESC LIMIT 10',
      ],
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
