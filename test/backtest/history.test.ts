/**
 * The metric history the backtest replays (scripts/bench/history): days of per-minute metrics for every
 * resource of an account, ending at its clock, with noise and incidents where the history says. Read back
 * as the backtest reads them: GetMetricData through a real SDK client against lib/sim.
 */
import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { beforeAll, describe, expect, it } from "vitest";
import { generateAccount, sampleAccount, simulatedAws, type SimAccount } from "../../lib/sim/index.js";
import {
  SHORT_HISTORY,
  seedHistory,
  type History,
  type Incident,
  type IncidentKind,
} from "../../scripts/bench/history/index.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** One statistic of one series at 60 s through GetMetricData: period start → value. */
async function read(
  sim: SimAccount,
  metric: { namespace: string; name: string; dimensions: Record<string, string>; stat: string },
  from: number,
  to: number,
): Promise<Map<number, number>> {
  const cloudwatch = simulatedAws(sim).client(CloudWatchClient);
  const out = await cloudwatch.send(
    new GetMetricDataCommand({
      StartTime: new Date(from),
      EndTime: new Date(to),
      MetricDataQueries: [
        {
          Id: "m",
          MetricStat: {
            Metric: {
              Namespace: metric.namespace,
              MetricName: metric.name,
              Dimensions: Object.entries(metric.dimensions).map(([Name, Value]) => ({ Name, Value })),
            },
            Period: 60,
            Stat: metric.stat,
          },
        },
      ],
    }),
  );
  const result = out.MetricDataResults?.[0];
  return new Map((result?.Timestamps ?? []).map((t, i) => [t.getTime(), result!.Values![i]!]));
}

const values = (series: Map<number, number>, from: number, to: number) =>
  [...series].filter(([t]) => t >= from && t < to).map(([, v]) => v);
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

function incident(history: History, kind: IncidentKind): Incident {
  const found = history.incidents.find((i) => i.kind === kind);
  if (!found) throw new Error(`no ${kind} in the history: ${JSON.stringify(history.unplaced)}`);
  return found;
}

describe("the sample account's short history", () => {
  let sim: SimAccount;
  let now: number;
  let history: History;
  beforeAll(() => {
    sim = sampleAccount();
    now = sim.clock.now();
    history = seedHistory(sim, SHORT_HISTORY);
  });

  it("covers two days of whole minutes up to the clock, which does not move", () => {
    expect(history.end).toBe(now);
    expect(history.start).toBe(now - 2 * DAY);
    expect(history.minutes).toBe(2 * 1440);
    expect(sim.clock.now()).toBe(now);
  });

  it("publishes nothing at or after the clock, nor before its window", () => {
    let first = Infinity;
    let last = -Infinity;
    for (const series of sim.metrics.series())
      for (const p of series.points) {
        first = Math.min(first, p.timestamp);
        last = Math.max(last, p.timestamp);
      }
    expect(first).toBe(history.start);
    expect(last).toBe(now - MINUTE);
    // The sample account's own hour of Lambda metrics was in the window: replaced, not doubled.
    expect(history.replacedDatapoints).toBe(540);
  });

  it("publishes each series over the whole window: every minute account-wide, the busy ones' every hour", async () => {
    const claimed = await read(
      sim,
      { namespace: "AWS/Lambda", name: "ClaimedAccountConcurrency", dimensions: {}, stat: "Maximum" },
      history.start,
      history.end,
    );
    expect(claimed.size).toBe(history.minutes);
    const busy = history.resources.filter((r) => r.kind === "function" && r.peakPerMinute >= 50);
    expect(busy.length).toBeGreaterThanOrEqual(3);
    for (const fn of busy) {
      const invocations = await read(
        sim,
        { namespace: "AWS/Lambda", name: "Invocations", dimensions: { FunctionName: fn.name }, stat: "Sum" },
        history.start,
        history.end,
      );
      for (let hour = history.start; hour < history.end; hour += HOUR)
        expect(
          values(invocations, hour, hour + HOUR).length,
          `${fn.name} at ${new Date(hour).toISOString()}`,
        ).toBeGreaterThan(0);
    }
  });

  it("places its incidents on their days and hours, on resources of the account", () => {
    expect(history.unplaced).toEqual([]);
    expect(history.incidents.map((i) => [i.id, new Date(i.start).toISOString()])).toEqual([
      ["poison-message-day0", "2024-12-30T15:00:00.000Z"],
      ["api-5xx-burst-day1", "2024-12-31T10:00:00.000Z"],
    ]);
    for (const i of history.incidents) {
      expect(i.end).toBeGreaterThan(i.start);
      expect(i.end).toBeLessThanOrEqual(history.end);
      expect(history.resources.some((r) => r.arn === i.resourceArn && r.name === i.resourceName)).toBe(true);
    }
  });

  it("the poison message's DLQ holds it from its landing to the redrive, and publishes nothing before", async () => {
    const poison = incident(history, "poison-message");
    expect(poison.resourceKind).toBe("queue");
    const visible = await read(
      sim,
      {
        namespace: "AWS/SQS",
        name: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: poison.resourceName },
        stat: "Maximum",
      },
      history.start,
      history.end,
    );
    // Nobody reads a DLQ: it is inactive, so without a message it publishes nothing.
    expect(values(visible, history.start, poison.start)).toEqual([]);
    const held = values(visible, poison.start + 5 * MINUTE, poison.end);
    expect(held.length).toBeGreaterThan(100);
    expect(held.every((v) => v === 1)).toBe(true);
    // Redriven: empty, and published for the six hours SQS keeps an accessed queue active.
    expect(values(visible, poison.end, poison.end + 5 * HOUR).every((v) => v === 0)).toBe(true);
  });

  it("the API's 5xx rate rises in the burst only", async () => {
    const burst = incident(history, "api-5xx-burst");
    const api = [...sim.httpApis.values()].find((a) => a.name === burst.resourceName);
    const [metric, dimensions] =
      burst.resourceKind === "http-api"
        ? ["5xx", { ApiId: api!.id }]
        : ["5XXError", { ApiName: burst.resourceName }];
    const rate = await read(
      sim,
      { namespace: "AWS/ApiGateway", name: metric, dimensions, stat: "Average" },
      history.start,
      history.end,
    );
    const during = values(rate, burst.start, burst.end);
    expect(during.length).toBe(10);
    expect(Math.min(...during)).toBeGreaterThan(0.12);
    expect(
      Math.max(...values(rate, history.start, burst.start), ...values(rate, burst.end, history.end)),
    ).toBeLessThan(0.1);
  });

  it("has the noise of a healthy account: single errors on busy functions, Fail states by design, spikes", async () => {
    const targets = new Set(
      history.incidents.flatMap((i) => [i.resourceName, ...i.related.map((r) => r.name)]),
    );
    const busy = history.resources.find(
      (r) => r.kind === "function" && r.peakPerMinute >= 100 && !targets.has(r.name),
    )!;
    const errors = await read(
      sim,
      { namespace: "AWS/Lambda", name: "Errors", dimensions: { FunctionName: busy.name }, stat: "Sum" },
      history.start,
      history.end,
    );
    const perMinute = [...errors.values()];
    expect(sum(perMinute)).toBeGreaterThan(10);
    expect(Math.max(...perMinute)).toBeLessThanOrEqual(3);

    const machine = history.resources.find((r) => r.kind === "state-machine")!;
    const dims = { StateMachineArn: machine.arn };
    const failed = await read(
      sim,
      { namespace: "AWS/States", name: "ExecutionsFailed", dimensions: dims, stat: "Sum" },
      history.start,
      history.end,
    );
    const started = await read(
      sim,
      { namespace: "AWS/States", name: "ExecutionsStarted", dimensions: dims, stat: "Sum" },
      history.start,
      history.end,
    );
    const share = sum([...failed.values()]) / sum([...started.values()]);
    expect(share).toBeGreaterThan(0.005);
    expect(share).toBeLessThan(0.05);

    // Each spike triples the traffic of the quarter hour before it.
    const rest = history.resources.find((r) => r.kind === "rest-api")!;
    const count = await read(
      sim,
      { namespace: "AWS/ApiGateway", name: "Count", dimensions: { ApiName: rest.name }, stat: "Sum" },
      history.start,
      history.end,
    );
    expect(history.spikes.length).toBeGreaterThanOrEqual(2);
    for (const spike of history.spikes) {
      const ratio =
        sum(values(count, spike.start, spike.end)) /
        sum(values(count, spike.start - (spike.end - spike.start), spike.start));
      expect(ratio).toBeGreaterThan(2.4);
      expect(ratio).toBeLessThan(3.6);
    }
  });

  it("follows a daily cycle: nights are quieter than days", async () => {
    const rest = history.resources.find((r) => r.kind === "rest-api")!;
    const count = await read(
      sim,
      { namespace: "AWS/ApiGateway", name: "Count", dimensions: { ApiName: rest.name }, stat: "Sum" },
      history.start,
      history.end,
    );
    const night = sum(values(count, history.start + 2 * HOUR, history.start + 4 * HOUR));
    const day = sum(values(count, history.start + 10 * HOUR, history.start + 12 * HOUR));
    expect(day / night).toBeGreaterThan(2.5);
  });
});

describe("every incident kind shows in the data where the history says", () => {
  let sim: SimAccount;
  let history: History;
  beforeAll(() => {
    sim = sampleAccount();
    history = seedHistory(sim, {
      days: 1,
      incidents: [
        { kind: "poison-message", day: 0, at: "01:00" },
        { kind: "api-5xx-burst", day: 0, at: "03:00" },
        { kind: "throttling-storm", day: 0, at: "05:00" },
        { kind: "stuck-stream-consumer", day: 0, at: "06:00" },
        { kind: "slow-drift", day: 0, at: "10:00" },
        { kind: "table-errors", day: 0, at: "20:00" },
        { kind: "workflow-failures", day: 0, at: "21:00" },
      ],
    });
  });

  it("places all seven", () => {
    expect(history.unplaced).toEqual([]);
    expect(history.incidents).toHaveLength(7);
  });

  it("throttling storm: throttles during it, none the hour around it", async () => {
    const storm = incident(history, "throttling-storm");
    const throttles = await read(
      sim,
      {
        namespace: "AWS/Lambda",
        name: "Throttles",
        dimensions: { FunctionName: storm.resourceName },
        stat: "Sum",
      },
      storm.start - HOUR,
      storm.end + HOUR,
    );
    expect(Math.min(...values(throttles, storm.start, storm.end))).toBeGreaterThan(0);
    expect(sum(values(throttles, storm.start - HOUR, storm.start))).toBe(0);
    expect(sum(values(throttles, storm.end, storm.end + HOUR))).toBe(0);
  });

  it("stuck stream consumer: no batches while stopped, then records hours old", async () => {
    const stuck = incident(history, "stuck-stream-consumer");
    const age = await read(
      sim,
      {
        namespace: "AWS/Lambda",
        name: "IteratorAge",
        dimensions: { FunctionName: stuck.resourceName },
        stat: "Maximum",
      },
      stuck.start - HOUR,
      stuck.end + HOUR,
    );
    const stopped = stuck.end - 20 * MINUTE;
    expect(values(age, stuck.start, stopped)).toEqual([]);
    expect(Math.max(...values(age, stopped, stuck.end))).toBeGreaterThan(2 * HOUR);
    expect(Math.max(...values(age, stuck.end, stuck.end + HOUR))).toBeLessThan(10_000);
    // The stream is still read by its other consumer: its GetRecords metrics go on.
    const stream = stuck.related.find((r) => r.kind === "stream")!;
    const success = await read(
      sim,
      {
        namespace: "AWS/Kinesis",
        name: "GetRecords.Success",
        dimensions: { StreamName: stream.name },
        stat: "Sum",
      },
      stuck.start,
      stopped,
    );
    expect(success.size).toBe(180);
  });

  it("slow drift: p90 passes 90 % of the timeout before the rollback, far below before it", async () => {
    const drift = incident(history, "slow-drift");
    const timeoutMs = sim.functions.get(drift.resourceName)!.timeout * 1000;
    const p90 = await read(
      sim,
      {
        namespace: "AWS/Lambda",
        name: "Duration",
        dimensions: { FunctionName: drift.resourceName },
        stat: "p90",
      },
      drift.start - HOUR,
      drift.end + HOUR,
    );
    expect(Math.max(...values(p90, drift.start - HOUR, drift.start))).toBeLessThan(0.2 * timeoutMs);
    const lastHour = values(p90, drift.end - HOUR, drift.end);
    expect(lastHour.filter((v) => v > 0.9 * timeoutMs).length).toBeGreaterThan(40);
    expect(Math.max(...values(p90, drift.end, drift.end + HOUR))).toBeLessThan(0.2 * timeoutMs);
  });

  it("table errors: SystemErrors per operation during them, none before", async () => {
    const errors = incident(history, "table-errors");
    let during = 0;
    for (const operation of ["GetItem", "PutItem", "Query"]) {
      const series = await read(
        sim,
        {
          namespace: "AWS/DynamoDB",
          name: "SystemErrors",
          dimensions: { TableName: errors.resourceName, Operation: operation },
          stat: "Sum",
        },
        history.start,
        history.end,
      );
      expect(values(series, history.start, errors.start)).toEqual([]);
      during += sum(values(series, errors.start, errors.end));
    }
    expect(during).toBeGreaterThan(60);
  });

  it("workflow failures: far more than the Fail states by design", async () => {
    const failures = incident(history, "workflow-failures");
    const dims = { StateMachineArn: failures.resourceArn };
    const read2 = (name: string) =>
      read(sim, { namespace: "AWS/States", name, dimensions: dims, stat: "Sum" }, history.start, history.end);
    const [failed, started] = [await read2("ExecutionsFailed"), await read2("ExecutionsStarted")];
    const share = (from: number, to: number) =>
      sum(values(failed, from, to)) / sum(values(started, from, to));
    expect(share(failures.start, failures.end)).toBeGreaterThan(0.25);
    expect(share(history.start, failures.start)).toBeLessThan(0.06);
  });
});

describe("determinism", () => {
  const options = { days: 1, incidents: [{ kind: "api-5xx-burst", day: 0, at: "12:00" }] } as const;
  const digest = (sim: SimAccount) =>
    [...sim.metrics.series()]
      .map((s) => {
        const total = s.points.reduce((n, p) => n + p.value * (p.count ?? 1), 0);
        return `${s.namespace} ${s.metricName} ${JSON.stringify(s.dimensions)} ${s.points.length} ${total}`;
      })
      .sort()
      .join("\n");

  it("same account and seed: the same points and incidents; another seed: others", () => {
    const [a, b, c] = [sampleAccount(), sampleAccount(), sampleAccount()];
    const ha = seedHistory(a, options);
    const hb = seedHistory(b, options);
    seedHistory(c, { ...options, seed: "another" });
    expect(digest(b)).toBe(digest(a));
    expect(hb).toEqual(ha);
    expect(digest(c)).not.toBe(digest(a));
  });
});

describe("any account", () => {
  it("a generated account: a load for each resource of the kinds the model has, the rest said", () => {
    const sim = generateAccount({ resources: 150, seed: 3 });
    const history = seedHistory(sim, {
      days: 1,
      incidents: [
        { kind: "poison-message", day: 0, at: "02:00" },
        { kind: "api-5xx-burst", day: 0, at: "09:00" },
        { kind: "workflow-failures", day: 0, at: "13:00" },
        { kind: "table-errors", day: 0, at: "23:50" },
      ],
    });
    const kinds = (kind: string) => history.resources.filter((r) => r.kind === kind).length;
    expect(kinds("function")).toBe(sim.functions.size);
    expect(kinds("queue")).toBe(sim.queues.size);
    expect(kinds("table")).toBe(sim.tables.size);
    expect(kinds("state-machine")).toBe(sim.stateMachines.size);
    expect(history.skipped.find((s) => s.kind === "log group")?.names).toHaveLength(sim.logGroups.size);
    expect(history.incidents.map((i) => i.kind)).toEqual([
      "poison-message",
      "api-5xx-burst",
      "workflow-failures",
    ]);
    // 23:50 plus 30 minutes is past the history's end.
    expect(history.unplaced).toEqual([
      {
        plan: { kind: "table-errors", day: 0, at: "23:50" },
        why: "day 0 at 23:50: the incident would end after the history",
      },
    ]);
  });

  it("messages the account's queues already hold show from when they were sent, as its own incidents", async () => {
    const sim = sampleAccount();
    const sent = sim.clock.now();
    sim.advanceTime(6 * HOUR);
    const history = seedHistory(sim, { days: 1, incidents: [] });
    expect(history.incidents.map((i) => [i.id, i.start - sent, i.end])).toEqual([
      ["held-messages-ledger-dlq.fifo", 0, history.end],
      ["held-messages-payments-dlq", 0, history.end],
    ]);
    const visible = await read(
      sim,
      {
        namespace: "AWS/SQS",
        name: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: "payments-dlq" },
        stat: "Maximum",
      },
      history.start,
      history.end,
    );
    expect(values(visible, history.start, sent)).toEqual([]);
    expect(values(visible, sent, history.end)).toEqual(Array.from({ length: 6 * 60 }, () => 3));
  });
});
