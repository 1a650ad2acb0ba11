/**
 * lib/sim's ListMetrics and GetMetricData as the CloudWatch API reference describes them, through real SDK
 * clients: each test names the page (ListMetrics, DimensionFilter, GetMetricData, MetricStat,
 * MetricDataResult) whose rule it pins.
 */
import {
  CloudWatchClient,
  GetMetricDataCommand,
  ListMetricsCommand,
  PutMetricDataCommand,
  type GetMetricDataCommandInput,
  type GetMetricDataCommandOutput,
  type ListMetricsCommandInput,
  type MetricDataQuery,
  type MetricDataResult,
} from "@aws-sdk/client-cloudwatch";
import { describe, expect, it } from "vitest";
import { SimAccount, VirtualClock, simulatedAws, type SimAccountOptions } from "../../lib/sim/index.js";
import { collectPages, expectAwsError, uniqueSet } from "./helpers.js";

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** The sim's "now" in these tests: 2025-04-01T00:00:00Z. */
const NOW = Date.UTC(2025, 3, 1);

function setup(options: SimAccountOptions = {}) {
  const clock = new VirtualClock(NOW);
  const account = new SimAccount({ enforceQuotas: false, clock, ...options });
  return { account, clock, cloudwatch: simulatedAws(account).client(CloudWatchClient) };
}

type Account = ReturnType<typeof setup>["account"];

function emit(account: Account, fn: string, timestamp: number, value = 1, metricName = "Errors"): void {
  account.emitMetric({
    namespace: "AWS/Lambda",
    metricName,
    dimensions: { FunctionName: fn },
    values: [value],
    timestamp,
  });
}

function stat(Id: string, fn: string, Period = 60, Stat = "Sum", extra: Partial<MetricDataQuery> = {}) {
  return {
    Id,
    MetricStat: {
      Metric: {
        Namespace: "AWS/Lambda",
        MetricName: "Errors",
        Dimensions: [{ Name: "FunctionName", Value: fn }],
      },
      Period,
      Stat,
    },
    ...extra,
  } satisfies MetricDataQuery;
}

const byId = (out: GetMetricDataCommandOutput) =>
  Object.fromEntries((out.MetricDataResults ?? []).map((r) => [r.Id!, r]));
const times = (r: MetricDataResult | undefined) => (r?.Timestamps ?? []).map((t) => t.getTime());

/** Follows NextToken to the end, merging each query's values in page order. */
async function readAll(cloudwatch: CloudWatchClient, input: GetMetricDataCommandInput) {
  const pages: GetMetricDataCommandOutput[] = [];
  let token: string | undefined;
  do {
    const page = await cloudwatch.send(new GetMetricDataCommand({ ...input, NextToken: token }));
    pages.push(page);
    token = page.NextToken;
  } while (token && pages.length < 1000);
  const merged = new Map<string, { Timestamps: number[]; Values: number[] }>();
  for (const page of pages)
    for (const r of page.MetricDataResults ?? []) {
      const into = merged.get(r.Id!) ?? { Timestamps: [], Values: [] };
      into.Timestamps.push(...times(r));
      into.Values.push(...(r.Values ?? []));
      merged.set(r.Id!, into);
    }
  return { pages, merged };
}

describe("ListMetrics (API reference: ListMetrics, DimensionFilter)", () => {
  it("filters by namespace, metric name and dimensions; a filter's Name alone matches any value and extra dimensions", async () => {
    const { account, cloudwatch } = setup();
    const at = NOW - HOUR;
    emit(account, "a", at);
    emit(account, "b", at);
    emit(account, "a", at, 1, "Invocations");
    account.emitMetric({
      namespace: "AWS/Lambda",
      metricName: "Errors",
      dimensions: { FunctionName: "a", Resource: "a:live" },
      values: [1],
      timestamp: at,
    });
    account.emitMetric({ namespace: "AWS/Lambda", metricName: "Errors", values: [1], timestamp: at });
    account.emitMetric({
      namespace: "AWS/SQS",
      metricName: "NumberOfMessagesSent",
      dimensions: { QueueName: "q" },
      values: [1],
      timestamp: at,
    });
    const list = async (input: ListMetricsCommandInput) =>
      (await cloudwatch.send(new ListMetricsCommand(input))).Metrics!.map((m) =>
        [m.Namespace, m.MetricName, ...(m.Dimensions ?? []).map((d) => `${d.Name}=${d.Value}`)].join(" "),
      );
    const errors = await list({ Namespace: "AWS/Lambda", MetricName: "Errors" });
    expect(errors).toEqual([
      "AWS/Lambda Errors",
      "AWS/Lambda Errors FunctionName=a",
      "AWS/Lambda Errors FunctionName=a Resource=a:live",
      "AWS/Lambda Errors FunctionName=b",
    ]);
    // The order is stable: the same request lists the same order.
    expect(await list({ Namespace: "AWS/Lambda", MetricName: "Errors" })).toEqual(errors);
    expect(await list({ Namespace: "AWS/Lambda", Dimensions: [{ Name: "FunctionName" }] })).toEqual([
      "AWS/Lambda Errors FunctionName=a",
      "AWS/Lambda Errors FunctionName=a Resource=a:live",
      "AWS/Lambda Errors FunctionName=b",
      "AWS/Lambda Invocations FunctionName=a",
    ]);
    expect(
      await list({
        MetricName: "Errors",
        Dimensions: [{ Name: "FunctionName", Value: "a" }, { Name: "Resource" }],
      }),
    ).toEqual(["AWS/Lambda Errors FunctionName=a Resource=a:live"]);
    expect(await list({ Namespace: "AWS/SQS" })).toEqual(["AWS/SQS NumberOfMessagesSent QueueName=q"]);
    expect(await list({ Namespace: "AWS/Lambda", MetricName: "Throttles" })).toEqual([]);
  });

  it("returns at most 500 a page with a NextToken, every metric once, and refuses a token it did not give", async () => {
    const { account, cloudwatch } = setup();
    for (let i = 0; i < 1201; i++) emit(account, `fn-${String(i).padStart(4, "0")}`, NOW - MINUTE);
    const fetch = (token: string | undefined) =>
      cloudwatch.send(
        new ListMetricsCommand({ Namespace: "AWS/Lambda", MetricName: "Errors", NextToken: token }),
      );
    const sizes: number[] = [];
    const { items, pages } = await collectPages(
      async (token) => {
        const page = await fetch(token);
        sizes.push(page.Metrics?.length ?? 0);
        return page;
      },
      (page) => page.Metrics,
      (page) => page.NextToken,
    );
    expect(pages).toBe(3);
    expect(sizes).toEqual([500, 500, 201]);
    expect(uniqueSet(items.map((m) => m.Dimensions![0]!.Value)).size).toBe(1201);
    // A token can be used again: the same page comes back.
    const first = await fetch(undefined);
    const again = [await fetch(first.NextToken), await fetch(first.NextToken)];
    expect(again[0]!.Metrics).toEqual(again[1]!.Metrics);
    expect(again[0]!.Metrics![0]!.Dimensions![0]!.Value).toBe("fn-0500");
    // ListMetrics models no InvalidNextToken: a bad token is InvalidParameterValue, HTTP 400.
    await expectAwsError(fetch("not-a-token"), "InvalidParameterValueException", 400);
  });

  it("lists only metrics with data in the past two weeks (by the sim clock), and RecentlyActive PT3H only the past three hours", async () => {
    const { account, clock, cloudwatch } = setup();
    emit(account, "stale", NOW - 15 * DAY);
    emit(account, "old", NOW - 13 * DAY);
    emit(account, "earlier", NOW - 4 * HOUR);
    emit(account, "recent", NOW - HOUR);
    const names = async (input: ListMetricsCommandInput = {}) =>
      (await cloudwatch.send(new ListMetricsCommand(input))).Metrics!.map((m) => m.Dimensions![0]!.Value);
    expect(await names()).toEqual(["earlier", "old", "recent"]);
    expect(await names({ RecentlyActive: "PT3H" })).toEqual(["recent"]);
    clock.advance(DAY + MINUTE);
    expect(await names()).toEqual(["earlier", "recent"]);
    expect(await names({ RecentlyActive: "PT3H" })).toEqual([]);
    await expectAwsError(
      cloudwatch.send(new ListMetricsCommand({ RecentlyActive: "PT1H" as "PT3H" })),
      "ValidationError",
      400,
    );
    await expectAwsError(
      cloudwatch.send(
        new ListMetricsCommand({ Dimensions: Array.from({ length: 11 }, (_, i) => ({ Name: `d${i}` })) }),
      ),
      "ValidationError",
      400,
    );
  });
});

describe("GetMetricData paging (API reference: GetMetricData MaxDatapoints, ScanBy, NextToken; MetricDataResult StatusCode)", () => {
  /** Three functions with one point a minute for ten minutes, values 0..9 (a), 10..19 (b), 20..29 (c). */
  function tenMinutes() {
    const env = setup();
    const t0 = NOW - HOUR;
    for (const [k, fn] of ["a", "b", "c"].entries())
      for (let m = 0; m < 10; m++) emit(env.account, fn, t0 + m * MINUTE, k * 10 + m);
    const input: GetMetricDataCommandInput = {
      StartTime: new Date(t0),
      EndTime: new Date(t0 + 10 * MINUTE),
      MetricDataQueries: [stat("qa", "a"), stat("qb", "b"), stat("qc", "c")],
    };
    return { ...env, t0, input };
  }

  it("cuts at MaxDatapoints newest first across all queries, PartialData with a top-level NextToken, until Complete", async () => {
    const { cloudwatch, t0, input } = tenMinutes();
    const first = await cloudwatch.send(new GetMetricDataCommand({ ...input, MaxDatapoints: 7 }));
    const page = byId(first);
    // Newest first for the request: minutes 9 and 8 of every query, then minute 7 of the first.
    expect(times(page.qa)).toEqual([t0 + 9 * MINUTE, t0 + 8 * MINUTE, t0 + 7 * MINUTE]);
    expect(page.qa?.Values).toEqual([9, 8, 7]);
    expect(page.qb?.Values).toEqual([19, 18]);
    expect(page.qc?.Values).toEqual([29, 28]);
    expect(first.MetricDataResults?.map((r) => r.StatusCode)).toEqual([
      "PartialData",
      "PartialData",
      "PartialData",
    ]);
    expect(first.NextToken).toBeTruthy();

    const second = byId(
      await cloudwatch.send(
        new GetMetricDataCommand({ ...input, MaxDatapoints: 7, NextToken: first.NextToken }),
      ),
    );
    expect(second.qa?.Values).toEqual([6, 5]);
    expect(second.qb?.Values).toEqual([17, 16, 15]);
    expect(second.qc?.Values).toEqual([27, 26]);

    const paged = await readAll(cloudwatch, { ...input, MaxDatapoints: 7 });
    expect(
      paged.pages.map((p) => (p.MetricDataResults ?? []).reduce((n, r) => n + r.Values!.length, 0)),
    ).toEqual([7, 7, 7, 7, 2]);
    const last = paged.pages.at(-1)!;
    expect(last.NextToken).toBeUndefined();
    expect(last.MetricDataResults?.map((r) => r.StatusCode)).toEqual(["Complete", "Complete", "Complete"]);
    // Merged pages are exactly the answer of one request that fits.
    const whole = byId(await cloudwatch.send(new GetMetricDataCommand(input)));
    for (const id of ["qa", "qb", "qc"]) {
      expect(paged.merged.get(id)?.Timestamps).toEqual(times(whole[id]));
      expect(paged.merged.get(id)?.Values).toEqual(whole[id]?.Values);
    }
    expect(whole.qa?.StatusCode).toBe("Complete");
  });

  it("pages oldest first with ScanBy TimestampAscending", async () => {
    const { cloudwatch, input } = tenMinutes();
    const first = byId(
      await cloudwatch.send(
        new GetMetricDataCommand({ ...input, ScanBy: "TimestampAscending", MaxDatapoints: 4 }),
      ),
    );
    expect([first.qa?.Values, first.qb?.Values, first.qc?.Values]).toEqual([[0, 1], [10], [20]]);
    const paged = await readAll(cloudwatch, { ...input, ScanBy: "TimestampAscending", MaxDatapoints: 4 });
    expect(paged.merged.get("qb")?.Values).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
  });

  it("continues only the same request: other queries, times or a made-up token are InvalidNextToken", async () => {
    const { cloudwatch, input } = tenMinutes();
    const first = await cloudwatch.send(new GetMetricDataCommand({ ...input, MaxDatapoints: 5 }));
    const next = (change: Partial<GetMetricDataCommandInput>) =>
      cloudwatch.send(
        new GetMetricDataCommand({ ...input, MaxDatapoints: 5, NextToken: first.NextToken, ...change }),
      );
    await expect(next({})).resolves.toMatchObject({ MetricDataResults: expect.any(Array) });
    await expectAwsError(next({ MetricDataQueries: [stat("qa", "a")] }), "InvalidNextToken", 400);
    await expectAwsError(next({ EndTime: new Date(NOW) }), "InvalidNextToken", 400);
    await expectAwsError(next({ ScanBy: "TimestampAscending" }), "InvalidNextToken", 400);
    await expectAwsError(next({ NextToken: "bm90LWEtdG9rZW4" }), "InvalidNextToken", 400);
  });

  it("returns no NextToken when the request has a math expression: what fits, PartialData", async () => {
    const { cloudwatch, input } = tenMinutes();
    const out = await cloudwatch.send(
      new GetMetricDataCommand({
        ...input,
        MaxDatapoints: 4,
        MetricDataQueries: [
          stat("qa", "a", 60, "Sum", { ReturnData: false }),
          { Id: "double", Expression: "qa * 2" },
        ],
      }),
    );
    expect(out.NextToken).toBeUndefined();
    expect(out.MetricDataResults).toEqual([
      expect.objectContaining({ Id: "double", Values: [18, 16, 14, 12], StatusCode: "PartialData" }),
    ]);
  });

  it("uses MaxDatapoints 100,800 by default: 6 series of 14 days at one minute take two pages", async () => {
    const { account, cloudwatch } = setup();
    const start = NOW - 14 * DAY;
    for (const fn of ["a", "b", "c", "d", "e", "f"])
      account.metrics.put(
        "AWS/Lambda",
        "Errors",
        [{ Name: "FunctionName", Value: fn }],
        Array.from({ length: 20_160 }, (_, m) => ({ timestamp: start + m * MINUTE, value: 1 })),
      );
    const input = {
      StartTime: new Date(start),
      EndTime: new Date(NOW),
      MetricDataQueries: ["a", "b", "c", "d", "e", "f"].map((fn) => stat(fn, fn)),
    };
    const { pages } = await readAll(cloudwatch, input);
    const counts = pages.map((p) => (p.MetricDataResults ?? []).map((r) => r.Values!.length));
    expect(counts).toEqual([Array(6).fill(16_800), Array(6).fill(3_360)]);
    expect(pages[0]!.MetricDataResults!.every((r) => r.StatusCode === "PartialData")).toBe(true);
    expect(pages[1]!.MetricDataResults!.every((r) => r.StatusCode === "Complete")).toBe(true);
  });
});

describe("GetMetricData periods (API reference: GetMetricData StartTime and retention, MetricStat Period)", () => {
  it("returns nothing, silently, for periods older than their period's retention: 15 days at 60 s, 63 at 300 s, 455 at 3600 s, 3 hours below 60 s", async () => {
    const { account, cloudwatch } = setup();
    // One point an hour for 70 days, half past each hour.
    for (let k = 0; k < 70 * 24; k++) emit(account, "a", NOW - k * HOUR - 30 * MINUTE);
    const out = await cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(NOW - 70 * DAY),
        EndTime: new Date(NOW),
        MetricDataQueries: [
          stat("p60", "a", 60),
          stat("p120", "a", 120),
          stat("p300", "a", 300),
          stat("p3600", "a", 3600),
          stat("p10", "a", 10),
        ],
      }),
    );
    const r = byId(out);
    expect(r.p60?.Values).toHaveLength(15 * 24);
    expect(Math.min(...times(r.p60))).toBeGreaterThanOrEqual(NOW - 15 * DAY);
    expect(r.p120?.Values).toHaveLength(15 * 24);
    expect(r.p300?.Values).toHaveLength(63 * 24);
    expect(r.p3600?.Values).toHaveLength(70 * 24);
    expect(r.p10?.Values).toHaveLength(3);
    expect(out.MetricDataResults?.every((x) => x.StatusCode === "Complete")).toBe(true);
    expect(out.Messages).toEqual([]);
  });

  it("rounds StartTime down by its age and starts the periods there, not at multiples of the period", async () => {
    const { account, cloudwatch } = setup();
    const from = (startTime: number, period: number, end: number) =>
      cloudwatch.send(
        new GetMetricDataCommand({
          StartTime: new Date(startTime),
          EndTime: new Date(end),
          ScanBy: "TimestampAscending",
          MetricDataQueries: [stat("q", "a", period)],
        }),
      );
    // Under 15 days ago: to the minute. 12:07:34 → 12:07:00, and 5-minute periods at :07, :12, :17.
    const base = NOW - HOUR;
    for (let m = 0; m < 20; m++) emit(account, "a", base + m * MINUTE);
    const recent = (await from(base + 7 * MINUTE + 34 * SECOND, 300, base + 20 * MINUTE))
      .MetricDataResults![0]!;
    expect(times(recent)).toEqual([7, 12, 17].map((m) => base + m * MINUTE));
    expect(recent.Values).toEqual([5, 5, 3]);
    // 15 to 63 days ago: to the 5-minute clock interval.
    const mid = NOW - 20 * DAY;
    emit(account, "a", mid + 6 * MINUTE);
    expect(
      times((await from(mid + 7 * MINUTE + 34 * SECOND, 300, mid + HOUR)).MetricDataResults![0]),
    ).toEqual([mid + 5 * MINUTE]);
    // Over 63 days ago: to the hour.
    const old = NOW - 70 * DAY;
    emit(account, "a", old + 10 * MINUTE);
    expect(
      times((await from(old + 7 * MINUTE + 34 * SECOND, 3600, old + 2 * HOUR)).MetricDataResults![0]),
    ).toEqual([old]);
  });

  it("files standard-resolution points at their minute and high-resolution ones (StorageResolution 1) at their second", async () => {
    const { cloudwatch } = setup();
    const base = NOW - 10 * MINUTE;
    for (const [MetricName, StorageResolution] of [
      ["Standard", 60],
      ["High", 1],
    ] as const)
      await cloudwatch.send(
        new PutMetricDataCommand({
          Namespace: "App",
          MetricData: [3, 13, 23].map((s) => ({
            MetricName,
            Value: 1,
            StorageResolution,
            Timestamp: new Date(base + s * SECOND),
          })),
        }),
      );
    const query = (MetricName: string): MetricDataQuery => ({
      Id: MetricName.toLowerCase(),
      MetricStat: { Metric: { Namespace: "App", MetricName }, Period: 10, Stat: "Sum" },
    });
    const out = byId(
      await cloudwatch.send(
        new GetMetricDataCommand({
          // With a 10-second period StartTime rounds to a 10-second division: 7 s → 0 s.
          StartTime: new Date(base + 7 * SECOND),
          EndTime: new Date(base + MINUTE),
          ScanBy: "TimestampAscending",
          MetricDataQueries: [query("Standard"), query("High")],
        }),
      ),
    );
    expect(times(out.standard)).toEqual([base]);
    expect(out.standard?.Values).toEqual([3]);
    expect(times(out.high)).toEqual([0, 10, 20].map((s) => base + s * SECOND));
    await expectAwsError(
      cloudwatch.send(
        new PutMetricDataCommand({
          Namespace: "App",
          MetricData: [{ MetricName: "x", Value: 1, StorageResolution: 30 }],
        }),
      ),
      "InvalidParameterValueException",
      400,
    );
  });

  it("returns only data put with the Unit asked for; data put without a unit is None", async () => {
    const { cloudwatch } = setup();
    await cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: "App",
        MetricData: [
          { MetricName: "Counted", Value: 1, Unit: "Count", Timestamp: new Date(NOW - MINUTE) },
          { MetricName: "Plain", Value: 2, Timestamp: new Date(NOW - MINUTE) },
        ],
      }),
    );
    const values = async (MetricName: string, Unit?: "Count" | "Milliseconds" | "None") =>
      (
        await cloudwatch.send(
          new GetMetricDataCommand({
            StartTime: new Date(NOW - HOUR),
            EndTime: new Date(NOW),
            MetricDataQueries: [
              {
                Id: "q",
                MetricStat: { Metric: { Namespace: "App", MetricName }, Period: 60, Stat: "Sum", Unit },
              },
            ],
          }),
        )
      ).MetricDataResults![0]!.Values;
    expect(await values("Counted", "Count")).toEqual([1]);
    expect(await values("Counted", "Milliseconds")).toEqual([]);
    expect(await values("Plain", "Count")).toEqual([]);
    expect(await values("Plain", "None")).toEqual([2]);
    expect(await values("Plain")).toEqual([2]);
  });

  it("validates as AWS words it: Period, StartTime against EndTime, MaxDatapoints", async () => {
    const { cloudwatch } = setup();
    const send = (input: Partial<GetMetricDataCommandInput>) =>
      cloudwatch.send(
        new GetMetricDataCommand({
          StartTime: new Date(NOW - HOUR),
          EndTime: new Date(NOW),
          MetricDataQueries: [stat("q", "a")],
          ...input,
        }),
      );
    await expectAwsError(
      send({ MetricDataQueries: [stat("q", "a", 61)] }),
      "InvalidParameterValueException",
      400,
    );
    await expectAwsError(send({ MetricDataQueries: [stat("q", "a", 0)] }), "ValidationError", 400);
    await expect(send({ MetricDataQueries: [stat("q", "a", 20)] })).resolves.toBeTruthy();
    const equal = await expectAwsError(send({ StartTime: new Date(NOW) }), "ValidationError", 400);
    expect(equal.message).toBe("The parameter StartTime must not equal parameter EndTime.");
    const reversed = await expectAwsError(
      send({ StartTime: new Date(NOW + MINUTE) }),
      "ValidationError",
      400,
    );
    expect(reversed.message).toBe("The parameter EndTime must be greater than StartTime.");
    await expectAwsError(send({ MaxDatapoints: 0 }), "ValidationError", 400);
    await expectAwsError(
      send({ MetricDataQueries: Array.from({ length: 501 }, (_, i) => stat(`q${i}`, "a")) }),
      "ValidationError",
      400,
    );
  });
});

describe("GetMetricData with Metrics Insights (API reference: GetMetricData; Metrics Insights quotas)", () => {
  const insights = (Expression: string): MetricDataQuery => ({ Id: "top", Expression, Period: 3600 });
  const SELECT = 'SELECT SUM(Errors) FROM SCHEMA("AWS/Lambda", FunctionName) GROUP BY FunctionName';

  it("takes one Metrics Insights query a request, beside any number of metrics", async () => {
    const { cloudwatch } = setup();
    const send = (MetricDataQueries: MetricDataQuery[]) =>
      cloudwatch.send(
        new GetMetricDataCommand({
          StartTime: new Date(NOW - HOUR),
          EndTime: new Date(NOW),
          MetricDataQueries,
        }),
      );
    await expect(send([insights(SELECT), stat("a", "a"), stat("b", "b")])).resolves.toBeTruthy();
    const error = await expectAwsError(
      send([insights(SELECT), { ...insights(SELECT), Id: "again" }]),
      "ValidationError",
      400,
    );
    expect(error.message).toBe("Maximum number of queries (1) exceeded");
  });

  it("reads the most recent two weeks by default; the older three-hour limit is an account option", async () => {
    const run = async (options: SimAccountOptions) => {
      const { account, cloudwatch } = setup(options);
      for (const ago of [15 * DAY, 5 * DAY, HOUR]) emit(account, "a", NOW - ago - 30 * MINUTE, 1);
      const out = await cloudwatch.send(
        new GetMetricDataCommand({
          StartTime: new Date(NOW - 20 * DAY),
          EndTime: new Date(NOW),
          MetricDataQueries: [insights(SELECT), stat("metric", "a", 3600)],
        }),
      );
      return byId(out);
    };
    const twoWeeks = await run({});
    expect(twoWeeks.top?.Values).toHaveLength(2);
    // The same data through a MetricStat: hourly data lives 455 days, so all three points.
    expect(twoWeeks.metric?.Values).toHaveLength(3);
    const threeHours = await run({ metricsInsightsLookback: "three-hours" });
    expect(threeHours.top?.Values).toEqual([1]);
    expect(times(threeHours.top)).toEqual([NOW - 2 * HOUR]);
  });
});

describe("GetMetricData at backtest scale", () => {
  it("answers 500 queries over 14 days of one-minute data a page at a time without scanning every point", async () => {
    const { account, cloudwatch } = setup();
    const start = NOW - 14 * DAY;
    const series = 50;
    for (let s = 0; s < series; s++)
      account.metrics.put(
        "AWS/Lambda",
        "Errors",
        [{ Name: "FunctionName", Value: `fn-${s}` }],
        Array.from({ length: 20_160 }, (_, m) => ({ timestamp: start + m * MINUTE, value: (m + s) % 7 })),
      );
    const stats = [
      "Sum",
      "Average",
      "Maximum",
      "Minimum",
      "SampleCount",
      "p50",
      "p90",
      "p99",
      "p99.9",
      "Sum",
    ];
    const queries = Array.from({ length: 500 }, (_, q) =>
      stat(`q${q}`, `fn-${q % series}`, 60, stats[Math.floor(q / series)]!),
    );
    const input = { StartTime: new Date(start), EndTime: new Date(NOW), MetricDataQueries: queries };
    const began = performance.now();
    const first = await cloudwatch.send(new GetMetricDataCommand(input));
    const second = await cloudwatch.send(new GetMetricDataCommand({ ...input, NextToken: first.NextToken }));
    const elapsed = performance.now() - began;
    for (const page of [first, second]) {
      expect(page.MetricDataResults).toHaveLength(500);
      expect(page.MetricDataResults!.reduce((n, r) => n + r.Values!.length, 0)).toBe(100_800);
      expect(page.NextToken).toBeTruthy();
    }
    // 201.6 periods a query a page: the second page starts where the first stopped, newest first.
    expect(times(byId(first).q0)[0]).toBe(NOW - MINUTE);
    expect(Math.max(...times(byId(second).q0))).toBeLessThan(Math.min(...times(byId(first).q0)));
    // Generous for a shared two-core machine; a page takes a few hundred milliseconds there.
    expect(elapsed).toBeLessThan(10_000);
  });
});
