/** The benchmark's pure pieces: lower bounds from quota buckets, and the report's formatting. */
import { describe, expect, it } from "vitest";
import { convergenceBound, lowerBound, steadyStateNeeds } from "../../scripts/bench/bounds.js";
import { HINT_BATCH_WINDOW } from "../../lib/infra/stack.js";
import { HINT_WAIT_MS, isWriteApi, type SizeResult } from "../../scripts/bench/model.js";
import { count, duration, familyTable, formatTable, ratio, summaryTable } from "../../scripts/bench/table.js";
import { sampleAccount } from "../../lib/sim/index.js";

describe("lowerBound", () => {
  it("adds calls per bucket and takes the slowest bucket at its full quota", () => {
    const bound = lowerBound([
      // Lambda's control plane: 15 rps shared by ListFunctions and ListFunctionEventInvokeConfigs.
      { service: "lambda", api: "ListFunctions", calls: 60, why: "" },
      { service: "lambda", api: "ListFunctionEventInvokeConfigs", calls: 240, why: "" },
      // GetFunction has its own 100 rps.
      { service: "lambda", api: "GetFunction", calls: 1000, why: "" },
      { service: "sqs", api: "GetQueueAttributes", calls: 100, why: "" },
    ]);
    expect(bound.calls).toBe(1400);
    expect(bound.callsByService).toEqual({ lambda: 1300, sqs: 100 });
    expect(bound.buckets.map((b) => [b.bucket, b.calls, b.ms])).toEqual([
      ["lambda:control-plane", 300, 20_000],
      ["lambda:GetFunction", 1000, 10_000],
      ["sqs:GetQueueAttributes", 100, 5_000],
    ]);
    expect(bound.ms).toBe(20_000);
  });

  it("is zero for nothing to do", () => {
    expect(lowerBound([])).toMatchObject({ calls: 0, ms: 0, buckets: [] });
  });

  it("bounds convergence by its writes at the quota, and counts the Lambda budgets they fill", () => {
    const bound = convergenceBound(
      [{ service: "sqs", api: "GetQueueAttributes", calls: 100, why: "" }],
      [
        { service: "cloudwatch", api: "PutMetricAlarm", calls: 3_000 },
        { service: "logs", api: "PutRetentionPolicy", calls: 500 },
      ],
      870_000,
    );
    // 3,000 alarms at 3 per second: 1,000 s, more than one 870 s budget.
    expect(bound.ms).toBe(1_000_000);
    expect(bound.runs).toBe(2);
  });
});

describe("steadyStateNeeds", () => {
  it("counts list pages at the maximum page size and one read per resource the APIs make necessary", () => {
    const account = sampleAccount();
    const needs = new Map(
      steadyStateNeeds(account, "watchkeeper-").map((n) => [`${n.service}:${n.api}`, n.calls]),
    );
    expect(needs.get("lambda:ListFunctions")).toBe(1);
    // A small account reads every function's async invoke config.
    expect(needs.get("lambda:ListFunctionEventInvokeConfigs")).toBe(account.functions.size);
    expect(needs.get("sqs:GetQueueAttributes")).toBe(account.queues.size);
    // Every state machine's definition, for its TimeoutSeconds.
    expect(needs.get("sfn:DescribeStateMachine")).toBe(account.stateMachines.size);
    expect(needs.has("lambda:GetFunction")).toBe(false);
    expect(needs.has("kinesis:ListStreamConsumers")).toBe(false);
    // One page of alarms with the prefix (the sample's legacy alarm), even when there are none.
    expect(needs.get("cloudwatch:DescribeAlarms")).toBe(1);
    expect([...needs.keys()].filter((key) => isWriteApi(key.split(":")[1]!))).toEqual([]);
    // The OpenFindings metric is a call every applying run makes, and no write.
    expect(needs.get("cloudwatch:PutMetricData")).toBe(1);
    expect(isWriteApi("PutMetricData")).toBe(false);
    expect(isWriteApi("PutMetricAlarm")).toBe(true);
  });
});

describe("report formatting", () => {
  it("aligns the first column left and the others right", () => {
    expect(
      formatTable([
        ["size", "calls"],
        ["1,000", "7"],
      ]),
    ).toBe("size   calls\n1,000      7");
  });

  it("writes durations, counts and ratios for people", () => {
    expect(duration(400)).toBe("0.4 s");
    expect(duration(243_000)).toBe("4 min 03 s");
    expect(duration(7_500_000)).toBe("2 h 05 min");
    expect(count(12345.6)).toBe("12,346");
    expect(ratio(125, 100)).toBe("1.25×");
    expect(ratio(0, 0)).toBe("1.00×");
  });

  const size: SizeResult = {
    resources: 1000,
    seed: 1,
    inventoried: 1000,
    kinds: {},
    warnings: 0,
    alarms: 400,
    convergence: {
      converged: true,
      runs: [
        {
          index: 1,
          discoveryMs: 24_000,
          durationMs: 210_000,
          applied: 470,
          deferred: 0,
          failed: 0,
          writeCalls: 470,
          throttled: 0,
        },
      ],
      virtualMs: 210_000,
      writeCalls: 470,
      throttled: 0,
      repeated: 0,
      repeatedExamples: [],
      alarmWriteRps: 2.4,
      bound: { needs: [], calls: 1163, callsByService: {}, buckets: [], ms: 134_000, runs: 1 },
    },
    steady: {
      index: 2,
      discoveryMs: 24_000,
      durationMs: 24_000,
      applied: 0,
      deferred: 0,
      failed: 0,
      writeCalls: 0,
      throttled: 0,
      calls: [
        { service: "lambda", api: "ListFunctions", calls: 6, throttled: 0, errors: 0 },
        { service: "sqs", api: "GetQueueAttributes", calls: 140, throttled: 0, errors: 0 },
      ],
    },
    bound: {
      needs: [],
      calls: 140,
      callsByService: { lambda: 6, sqs: 134 },
      buckets: [{ bucket: "sqs:GetQueueAttributes", rps: 20, calls: 134, ms: 6_700 }],
      ms: 19_200,
    },
    planning: { alarmsMs: 70, retentionMs: 5, findingsMs: 10, dashboardsMs: 12, totalMs: 97 },
    process: { cpuMs: 1200, wallMs: 2400, maxRssMb: 150 },
  };

  it("shows planning on the Lambda runtime's Node first, and on this machine's when they differ", () => {
    const cpu = (totalMs: number) => ({
      alarmsMs: totalMs / 2,
      retentionMs: totalMs / 4,
      findingsMs: totalMs / 8,
      dashboardsMs: totalMs / 8,
      totalMs,
    });
    const fresh = (node: string, cold: number) => ({
      node,
      cold: cpu(cold),
      warm: cpu(cold / 2),
      maxRssMb: 110,
      samples: 5,
    });
    const local = summaryTable([{ ...size, freshPlanning: fresh("20.20.2", 160) }]);
    expect(local).toMatch(/^ {2}CPU, a new container's first pass, Node 20\.20\.2 +160 ms$/m);
    expect(local).toMatch(/^ {4}alarms · retention +80 · 40 ms$/m);
    expect(local).toMatch(/^ {2}CPU, a warm container's next pass, Node 20\.20\.2 +80 ms$/m);
    expect(local).not.toMatch(/first pass.*\n(.*\n)*.*first pass/);

    const both = summaryTable([
      { ...size, freshPlanning: fresh("20.20.2", 160), lambdaPlanning: fresh("24.21.0", 120) },
    ]);
    expect(both).toMatch(/^ {2}CPU, a new container's first pass, Node 24\.21\.0 +120 ms$/m);
    expect(both).toMatch(/^ {2}CPU, a new container's first pass, Node 20\.20\.2 +160 ms$/m);
    expect(both.indexOf("Node 24.21.0")).toBeLessThan(both.indexOf("Node 20.20.2"));
  });

  it("counts the hints queue's batching window between runs that hint the next", () => {
    expect(HINT_WAIT_MS).toBe(HINT_BATCH_WINDOW.toMilliseconds());
    const runs = [1, 2, 3].map((index) => ({ ...size.convergence.runs[0]!, index, durationMs: 870_000 }));
    const summary = summaryTable([
      { ...size, convergence: { ...size.convergence, runs, virtualMs: 3 * 870_000 } },
    ]);
    expect(summary).toMatch(/^ {2}elapsed, each run hinting the next +47 min 30 s$/m);
    expect(summary).toMatch(/^ {2}elapsed on the hourly schedule alone +2 h 14 min$/m);
  });

  it("puts the actual next to its bound, with the ratio", () => {
    const summary = summaryTable([size]);
    expect(summary).toMatch(/^ {2}virtual time +24\.0 s$/m);
    expect(summary).toMatch(/^ {4}lower bound +19\.2 s$/m);
    expect(summary).toMatch(/^ {4}ratio +1\.25×$/m);
    expect(summary).toMatch(/^ {2}write calls +0$/m);
    expect(familyTable([size]).split("\n")).toEqual([
      "family  1,000: calls / bound",
      "lambda         6 / 6 (1.00×)",
      "sqs        140 / 134 (1.04×)",
      "total      146 / 140 (1.04×)",
    ]);
  });
});
