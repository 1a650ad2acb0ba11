import { describe, expect, it } from "vitest";
import {
  continuationHint,
  createReconcileHandler,
  parseTrigger,
  runLimits,
} from "../../functions/reconcile.js";
import { configFromEnvironment } from "../../functions/runtime.js";
import { parseConfig } from "../../lib/config/index.js";
import { sampleAccount, simulatedAws } from "../../lib/sim/index.js";
import { capturingLogger, LEVEL } from "../support/logs.js";

/** What a run keeps for its last write and its report, from the invocation's end. */
const RESERVE = (() => {
  const limits = runLimits(0, 900_000);
  return 900_000 - limits.writesBy;
})();

const SCHEDULED = {
  version: "0",
  id: "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
  "detail-type": "Scheduled Event",
  source: "aws.events",
  account: "123456789012",
  time: "2026-11-23T12:00:00Z",
  region: "us-east-1",
  resources: ["arn:aws:events:us-east-1:123456789012:rule/watchkeeper-reconcile"],
  detail: {},
};

const hint = (eventName: string) => ({
  messageId: eventName,
  eventSource: "aws:sqs",
  body: JSON.stringify({
    source: "aws.lambda",
    "detail-type": "AWS API Call via CloudTrail",
    detail: { eventName },
  }),
});

function setup(options: { hintsQueue?: string } = {}) {
  const sim = sampleAccount();
  const hintsQueueUrl =
    options.hintsQueue === undefined ? undefined : sim.addQueue({ name: options.hintsQueue }).url;
  const { logger, lines } = capturingLogger();
  const handler = createReconcileHandler({
    aws: () => simulatedAws(sim),
    config: () => parseConfig({}),
    logger,
    ...(hintsQueueUrl ? { hintsQueueUrl } : {}),
  });
  return { sim, handler, lines, hintsQueueUrl };
}

/** The messages on a simulated queue, as the SQS batch Lambda would deliver, taken off the queue. */
function takeBatch(sim: ReturnType<typeof sampleAccount>, url: string) {
  const queue = sim.queue(url)!;
  const records = queue.messages.map((m) => ({ messageId: m.id, eventSource: "aws:sqs", body: m.body }));
  queue.messages = [];
  return { Records: records };
}

describe("reconcile handler", () => {
  it("a scheduled event runs the whole reconcile and creates the alarms", async () => {
    const { sim, handler, lines } = setup();
    const result = await handler(SCHEDULED, { getRemainingTimeInMillis: () => 900_000 });
    expect(result).toMatchObject({ status: "complete", failed: 0, deferred: 0 });
    expect([...sim.alarms.keys()].filter((name) => name.startsWith("watchkeeper-lambda-errors"))).toEqual([
      "watchkeeper-lambda-errors",
    ]);
    expect(lines.at(-1)).toMatchObject({ level: LEVEL.info, msg: "reconcile finished" });
  });

  it("a batch of resource-created hints makes one run, and a repeat makes no writes", async () => {
    const { sim, handler } = setup();
    const batch = {
      Records: [hint("CreateFunction20150331"), hint("CreateQueue"), hint("CreateFunction20150331")],
    };
    const first = await handler(batch);
    expect(first).toMatchObject({ status: "complete" });
    const alarms = sim.alarms.size;
    const again = await handler(batch);
    expect(again).toMatchObject({ status: "complete", applied: 0 });
    expect(sim.alarms.size).toBe(alarms);
  });

  it("stops starting writes when the invocation's time runs out; the next run finishes", async () => {
    const { sim, handler } = setup();
    // 5 s of writes at the PutMetricAlarm quota before the reserve (see runLimits).
    const cut = await handler(SCHEDULED, { getRemainingTimeInMillis: () => RESERVE + 5_000 });
    expect(cut).toMatchObject({ status: "complete", failed: 0 });
    expect((cut as { deferred: number }).deferred).toBeGreaterThan(0);
    const finished = await handler(SCHEDULED, { getRemainingTimeInMillis: () => 900_000 });
    expect(finished).toMatchObject({ status: "complete", failed: 0, deferred: 0 });
    expect((finished as { applied: number }).applied).toBeGreaterThan(0);
    expect(await handler(SCHEDULED)).toMatchObject({ applied: 0, deferred: 0 });
    expect(sim.alarms.size).toBeGreaterThan(40);
  });

  it("a run cut short with changes left asks for the next at once; that run finishes and asks no more", async () => {
    const { sim, handler, hintsQueueUrl } = setup({ hintsQueue: "watchkeeper-resource-created-hints" });
    // 15 s of writes before the reserve: some of the alarms are created, the rest deferred.
    const cut = await handler(SCHEDULED, { getRemainingTimeInMillis: () => RESERVE + 15_000 });
    expect(cut).toMatchObject({ status: "complete", failed: 0, nextRunAsked: true });
    expect((cut as { applied: number }).applied).toBeGreaterThan(0);
    const deferred = (cut as { deferred: number }).deferred;
    expect(deferred).toBeGreaterThan(0);
    const batch = takeBatch(sim, hintsQueueUrl!);
    expect(batch.Records.map((r) => JSON.parse(r.body) as unknown)).toEqual([
      JSON.parse(continuationHint(deferred)),
    ]);
    expect(parseTrigger(batch)).toEqual({
      trigger: { kind: "hints", events: ["watchkeeper ContinueReconcile"] },
    });

    const next = await handler(batch, { getRemainingTimeInMillis: () => 900_000 });
    expect(next).toMatchObject({ status: "complete", failed: 0, deferred: 0, nextRunAsked: false });
    expect((next as { applied: number }).applied).toBeGreaterThan(0);
    expect(sim.queue(hintsQueueUrl!)!.messages).toEqual([]);
  });

  it("a run that applied nothing asks for no next run: the schedule takes the rest, no loop", async () => {
    const { sim, handler, hintsQueueUrl } = setup({ hintsQueue: "watchkeeper-resource-created-hints" });
    // Only the reserve left: discovery runs, no write is started.
    const result = await handler(SCHEDULED, { getRemainingTimeInMillis: () => RESERVE });
    expect(result).toMatchObject({ status: "complete", applied: 0, nextRunAsked: false });
    expect((result as { deferred: number }).deferred).toBeGreaterThan(0);
    expect(sim.queue(hintsQueueUrl!)!.messages).toEqual([]);
  });

  it("a hint that cannot be sent is logged; the run still reports what it did", async () => {
    const sim = sampleAccount();
    const { logger, lines } = capturingLogger();
    const handler = createReconcileHandler({
      aws: () => simulatedAws(sim),
      config: () => parseConfig({}),
      logger,
      hintsQueueUrl: `https://sqs.us-east-1.amazonaws.com/${sim.accountId}/no-such-queue`,
    });
    const result = await handler(SCHEDULED, { getRemainingTimeInMillis: () => RESERVE + 15_000 });
    expect(result).toMatchObject({ status: "complete", failed: 0, nextRunAsked: false });
    expect((result as { applied: number }).applied).toBeGreaterThan(0);
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: LEVEL.warn,
        msg: expect.stringMatching(
          /^could not ask for the next run \(sqs SendMessage failed: QueueDoesNotExist: .*\): the \d+ deferred changes wait for the schedule$/,
        ),
      }),
    );
  });

  it("rejects what is neither a schedule nor a hint batch, with a log line naming the problem", async () => {
    const { sim, handler, lines } = setup();
    const result = await handler({ source: "aws.s3", "detail-type": "Object Created" });
    expect(result.status).toBe("rejected");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: LEVEL.error });
    expect(lines[0]!.msg).toMatch(/^rejected: neither a Scheduled Event nor an SQS batch.*event\.Records/);
    expect(sim.stats()).toEqual([]);
  });

  it("parses an empty SQS batch as malformed", () => {
    expect(parseTrigger({ Records: [] })).toHaveProperty("rejected");
  });
});

describe("configFromEnvironment", () => {
  it("uses defaults without WATCHKEEPER_CONFIG and validates it when set", () => {
    expect(configFromEnvironment({}).prefix).toBe("watchkeeper-");
    expect(configFromEnvironment({ WATCHKEEPER_CONFIG: '{"prefix":"ops-"}' }).prefix).toBe("ops-");
    expect(() => configFromEnvironment({ WATCHKEEPER_CONFIG: "{" })).toThrow(
      /WATCHKEEPER_CONFIG is not valid JSON/,
    );
    expect(() => configFromEnvironment({ WATCHKEEPER_CONFIG: '{"prefix":""}' })).toThrow(
      /WATCHKEEPER_CONFIG is not valid:\n {2}prefix:/,
    );
  });
});
