/**
 * The dlq-redrive Lambda action over lib/sim (the move task APIs are not in moto): valid actions act on
 * the sample account's queues, invalid events are refused with a message naming the field, refusals of
 * lib/dlq come back as answers, and the scheduled auto-redrive runs the opt-in plan. Each call reads the
 * account's inventory again through discovery, as the deployed handler does.
 */
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import {
  configFromEnvironment,
  createDlqHandler,
  parseDlqRequest,
  type AutoRedriveConfig,
  type DlqResponse,
} from "../../functions/dlq-redrive.js";
import type { SimAccount } from "../../lib/sim/index.js";
import { advance, bodies, simSetup } from "./fixtures.js";

interface LogLine {
  readonly level: number;
  readonly msg: string;
}

async function setup(seed?: (sim: SimAccount) => void, config?: AutoRedriveConfig) {
  const { sim, aws } = await simSetup(seed);
  const lines: LogLine[] = [];
  const logger = pino(
    { level: "info" },
    { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) },
  );
  const handle = createDlqHandler({
    aws: () => aws,
    logger,
    ...(config ? { config: () => config } : {}),
  });
  return { sim, aws, handle, lines };
}

function ok(response: DlqResponse): Extract<DlqResponse, { ok: true }> {
  if (!response.ok) throw new Error(`expected ok, got ${response.error.code}: ${response.error.message}`);
  return response;
}

function refused(response: DlqResponse): { code: string; message: string } {
  if (response.ok) throw new Error(`expected a refusal, got: ${response.sentence}`);
  return response.error;
}

describe("parseDlqRequest", () => {
  it("accepts each action and a scheduled event", () => {
    expect(parseDlqRequest({ action: "preview", queue: "payments-dlq", sample: 2 })).toEqual({
      ok: true,
      request: { action: "preview", queue: "payments-dlq", sample: 2 },
    });
    expect(
      parseDlqRequest({ action: "redrive", queue: " q ", dryRun: true, ratePerSecond: 50 }),
    ).toMatchObject({
      ok: true,
      request: { queue: "q", dryRun: true, ratePerSecond: 50 },
    });
    expect(parseDlqRequest({ action: "status", queue: "q" }).ok).toBe(true);
    expect(parseDlqRequest({ action: "cancel", queue: "q" }).ok).toBe(true);
    expect(parseDlqRequest({ action: "auto-redrive" }).ok).toBe(true);
    expect(
      parseDlqRequest({ source: "aws.events", "detail-type": "Scheduled Event", detail: {}, version: "0" }),
    ).toEqual({ ok: true, request: { action: "auto-redrive" } });
  });

  it("names what is wrong", () => {
    const message = (event: unknown) => {
      const parsed = parseDlqRequest(event);
      if (parsed.ok) throw new Error("expected a refusal");
      return parsed.message;
    };
    expect(message("redrive")).toBe(
      'event: expected a JSON object with "action", one of preview, redrive, status, cancel, auto-redrive',
    );
    expect(message({ queue: "q" })).toBe(
      "event.action: missing; use one of preview, redrive, status, cancel, auto-redrive",
    );
    expect(message({ action: "purge", queue: "q" })).toBe(
      'event.action: "purge" is not an action; use one of preview, redrive, status, cancel, auto-redrive',
    );
    expect(message({ action: "redrive" })).toBe("event.queue: give the queue's name, URL or ARN");
    expect(message({ action: "redrive", queue: "   " })).toBe(
      "event.queue: give the queue's name, URL or ARN",
    );
    expect(message({ action: "redrive", queue: "q", dryRun: "yes" })).toBe("event.dryRun: true or false");
    expect(message({ action: "redrive", queue: "q", ratePerSecond: 501 })).toBe(
      "event.ratePerSecond: a whole number from 1 to 500",
    );
    expect(message({ action: "redrive", queue: "q", ratePerSecond: 1.5, batchSize: 11 })).toBe(
      "event.ratePerSecond: a whole number from 1 to 500; event.batchSize: a whole number from 1 to 10",
    );
    expect(message({ action: "redrive", queue: "q", via: "magic" })).toBe(
      'event.via: use "move-task" or "reinvoke"',
    );
    expect(message({ action: "status", queue: "q", dryRun: true })).toBe(
      "event: unknown field dryRun for action status",
    );
    expect(message({ action: "preview", queue: "q", sample: 11 })).toBe(
      "event.sample: a whole number from 0 to 10",
    );
  });
});

describe("createDlqHandler", () => {
  it("previews, dry-runs and redrives the sample account's payments DLQ, then reports status", async () => {
    const { sim, handle } = await setup();
    const preview = ok(await handle({ action: "preview", queue: "payments-dlq" }));
    expect(preview.sentence).toMatch(/^payments-dlq holds 3 messages/);

    const dry = ok(await handle({ action: "redrive", queue: "payments-dlq", dryRun: true }));
    expect(dry.sentence).toMatch(/^dry run, nothing moved/);
    expect(sim.moveTasks).toEqual([]);

    const started = ok(await handle({ action: "redrive", queue: "payments-dlq", ratePerSecond: 1 }));
    expect(started.sentence).toContain("started a message move task for payments-dlq: about 3 messages");
    // Reading the inventory again takes about 1.4 s of virtual time: the 1/s task is still running.
    const second = refused(await handle({ action: "redrive", queue: "payments-dlq" }));
    expect(second.code).toBe("task-running");

    advance(sim, 5_000);
    expect(bodies(sim, "payments")).toHaveLength(3);
    const status = ok(await handle({ action: "status", queue: "payments-dlq" }));
    expect(status.sentence).toContain("latest move task: COMPLETED, 3 of 3 moved");
    expect(refused(await handle({ action: "cancel", queue: "payments-dlq" })).code).toBe("no-running-task");
  });

  it("re-invokes the sample's async DLQ within the invocation's time", async () => {
    const { sim, handle } = await setup((sim) => {
      for (const n of [1, 2, 3]) sim.addMessage("notifications-dlq", { body: `{"n":${n}}` });
    });
    const response = ok(
      await handle(
        { action: "redrive", queue: "notifications-dlq" },
        { getRemainingTimeInMillis: () => 60_000 },
      ),
    );
    expect(response.sentence).toContain(
      "3 messages from notifications-dlq re-invoked into notifications-sender",
    );
    expect(sim.functions.get("notifications-sender")!.invocations.map((i) => i.payload)).toEqual([
      '{"n":1}',
      '{"n":2}',
      '{"n":3}',
    ]);
  });

  it("answers refusals with their code and message, and invalid input without touching AWS", async () => {
    const { sim, handle, lines } = await setup();
    expect(refused(await handle({ action: "redrive", queue: "nope" }))).toMatchObject({
      code: "not-found",
      message: expect.stringContaining('queue "nope" is not in the inventory'),
    });
    expect(refused(await handle({ action: "redrive", queue: "payments" })).code).toBe("not-a-dlq");
    sim.resetStats();
    expect(refused(await handle({ action: "redrive", queue: "payments-dlq", ratePerSecond: 0 }))).toEqual({
      code: "invalid-input",
      message: "event.ratePerSecond: a whole number from 1 to 500",
    });
    expect(sim.stats()).toEqual([]);
    expect(lines.some((l) => l.level === 50 && l.msg.startsWith("rejected: event.ratePerSecond"))).toBe(true);
  });

  it("runs the scheduled auto-redrive for opted-in queues only, once their error alarm has been OK long enough", async () => {
    const { sim, handle } = await setup((sim) => {
      sim.queue("payments-dlq")!.tags["watchkeeper:auto-redrive"] = "15";
      sim.addAlarm({
        AlarmName: "watchkeeper-lambda-errors-payments-consumer",
        Namespace: "AWS/Lambda",
        MetricName: "Errors",
        Dimensions: [{ Name: "FunctionName", Value: "payments-consumer" }],
        Statistic: "Sum",
        Period: 60,
        EvaluationPeriods: 3,
        Threshold: 0,
        ComparisonOperator: "GreaterThanThreshold",
        state: "OK",
      });
    });
    const early = ok(await handle({ source: "aws.events", "detail-type": "Scheduled Event", detail: {} }));
    expect(early.sentence).toBe("1 opted-in DLQ: 0 to redrive, 1 skipped; 0 redrives started or run, 0 not");
    expect(sim.moveTasks).toEqual([]);

    advance(sim, 16 * 60_000);
    const dry = ok(await handle({ action: "auto-redrive", dryRun: true }));
    expect(dry.sentence).toBe("dry run: 1 opted-in DLQ: 1 to redrive, 0 skipped");
    expect(sim.moveTasks).toEqual([]);

    const run = ok(await handle({ action: "auto-redrive" }));
    expect(run.sentence).toBe("1 opted-in DLQ: 1 to redrive, 0 skipped; 1 redrive started or run, 0 not");
    advance(sim, 1_000);
    expect(bodies(sim, "payments")).toHaveLength(3);
    expect(sim.queue("payments-dlq")!.tags["watchkeeper:redrives"]).toBe("2025-01-01:1");
  });

  it("refuses a bad configuration by name", () => {
    expect(configFromEnvironment({ AUTO_REDRIVE_MAX_PER_DAY: "5", WATCHKEEPER_ALARM_PREFIX: "wk-" })).toEqual(
      {
        maxPerDay: 5,
        alarmPrefix: "wk-",
      },
    );
    expect(() => configFromEnvironment({ AUTO_REDRIVE_MAX_PER_DAY: "lots" })).toThrow(
      'AUTO_REDRIVE_MAX_PER_DAY "lots" is not valid: use a whole number from 1 to 100',
    );
  });
});
