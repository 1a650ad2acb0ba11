/**
 * functions/runbook-action.ts over lib/sim's sample account: every action invoked as the Lambda is, with
 * JSON, and the account's state asserted afterwards (alarm actions and tags, mappings and concurrency,
 * messages moved, retention). Invalid input is answered { ok: false, error } naming the field, with an
 * error log line and no AWS call. lib/sim stands in for AWS here because moto has no message move
 * tasks; test/actions/actions.moto.test.ts covers the real wire.
 */
import { CloudWatchClient, SetAlarmStateCommand } from "@aws-sdk/client-cloudwatch";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_ACTOR,
  createRunbookActionHandler,
  type RunbookActionResponse,
} from "../../functions/runbook-action.js";
import type { ActionResult, OnCallStatus } from "../../lib/actions/index.js";
import { parseConfig } from "../../lib/config/index.js";
import { TAGS } from "../../lib/policy/tags.js";
import { sampleAccount, simulatedAws, type SimAccount } from "../../lib/sim/index.js";
import { createTripAlarms, tripAlarmRecord } from "../support/breaker.js";
import { capturingLogger, LEVEL } from "../support/logs.js";

const MINUTE = 60_000;

function setup(seed: (sim: SimAccount) => void = () => {}) {
  const sim = sampleAccount();
  seed(sim);
  const aws = simulatedAws(sim);
  const { logger, lines } = capturingLogger();
  const handle = createRunbookActionHandler({
    aws: () => aws,
    config: () => parseConfig({}, "test config"),
    logger,
  });
  const audit = () => lines.filter((line) => line.audit === "watchkeeper-action");
  return { sim, aws, handle, lines, audit };
}

function ok(response: RunbookActionResponse): ActionResult {
  if (!("action" in response)) throw new Error(`rejected: ${response.error}`);
  if (!response.ok) throw new Error(`${response.outcome}: ${response.text}`);
  return response;
}

function notOk(response: RunbookActionResponse): ActionResult {
  if (!("action" in response)) throw new Error(`rejected: ${response.error}`);
  if (response.ok) throw new Error(`expected a refusal, got: ${response.text}`);
  return response;
}

function rejected(response: RunbookActionResponse): string {
  if ("action" in response) throw new Error(`expected invalid input, got: ${response.text}`);
  return response.error;
}

const alarm = (sim: SimAccount, name: string) => sim.alarms.get(name)!;
const actionsEnabled = (sim: SimAccount, name: string) => alarm(sim, name).config.ActionsEnabled ?? true;
const mappingOf = (sim: SimAccount, fn: string) =>
  [...sim.eventSourceMappings.values()].find((m) => m.functionName === fn)!;

describe("runbook-action: input", () => {
  it("answers invalid input with the field named, logs an error, and calls nothing", async () => {
    const { sim, handle, lines } = setup();
    sim.resetStats();
    expect(rejected(await handle({ action: "alarm-silence", alarm: "watchkeeper-lambda-errors" }))).toBe(
      "event.minutes: missing (a whole number from 1 to 10,080)",
    );
    expect(rejected(await handle({ action: "retention-set", logGroup: "/aws/lambda/x", days: 45 }))).toMatch(
      /^event\.days: retention 45 is not valid; use one of 1, 3, 5/,
    );
    expect(rejected(await handle({ action: "breaker-trip", function: "payments-consumer" }))).toBe(
      "event.reason: missing (why, in a few words)",
    );
    expect(rejected(await handle({ action: "dlq-redrive", queue: "payments-dlq", rate: 0 }))).toBe(
      "event.rate: a whole number from 1 to 500",
    );
    expect(rejected(await handle({ action: "nuke" }))).toMatch(/^event\.action: "nuke" is not an action/);
    expect(rejected(await handle(null))).toMatch(/^event: expected a JSON object/);
    expect(sim.stats()).toEqual([]);
    const errors = lines.filter((l) => l.level === LEVEL.error);
    expect(errors).toHaveLength(6);
    expect(errors[0]?.msg).toBe("rejected: event.minutes: missing (a whole number from 1 to 10,080)");
  });
});

describe("runbook-action: every action on the sample account", () => {
  it("status: the DLQs holding messages, nothing firing, nothing open", async () => {
    const { handle } = setup();
    const result = ok(await handle({ action: "status" }));
    const status = result.details as OnCallStatus;
    expect(status.dlqs.map((d) => [d.queue.name, d.depth])).toEqual([
      ["ledger-dlq.fifo", 2],
      ["payments-dlq", 3],
    ]);
    expect(status.breakers).toEqual([]);
    expect(status.alarms.watchkeeper).toEqual([]);
    expect(status.warnings).toEqual([]);
    expect(result.text).toMatch(/^DLQs with messages: 2$/m);
    expect(result.text).toMatch(/^ {2}payments-dlq +3 visible/m);
  });

  it("reconcile: a dry run writes nothing; the run creates the managed alarms and sets retention", async () => {
    const { sim, handle } = setup();
    const dry = ok(await handle({ action: "reconcile", dryRun: true }));
    expect(dry.outcome).toBe("dry-run");
    expect(sim.alarms.has("watchkeeper-lambda-errors")).toBe(false);
    const run = ok(await handle({ action: "reconcile" }));
    expect(run.text).toMatch(/^reconciled \d+ resources: \d+ applied, 0 failed, 0 deferred/);
    expect(alarm(sim, "watchkeeper-lambda-errors").tags["watchkeeper:managed"]).toBe("true");
    expect(sim.logGroups.get("/aws/lambda/orders-list")?.retentionInDays).toBe(30);
  });

  it("alarm-silence and alarm-unsilence: actions off with the end recorded, then on again", async () => {
    const { sim, handle, audit } = setup();
    ok(await handle({ action: "reconcile" }));
    const name = "watchkeeper-lambda-errors";
    const dry = ok(await handle({ action: "alarm-silence", alarm: name, minutes: 60, dryRun: true }));
    expect(dry.text).toMatch(/^would silence: silenced watchkeeper-lambda-errors until/);
    expect(actionsEnabled(sim, name)).toBe(true);

    const before = sim.clock.now();
    const silenced = ok(
      await handle({ action: "alarm-silence", alarm: name, minutes: 60, actor: "user:alice" }),
    );
    expect(silenced.text).toBe(
      "silenced watchkeeper-lambda-errors until 2025-01-01 01:00 UTC (1 h): no notifications until then; it keeps evaluating",
    );
    expect(actionsEnabled(sim, name)).toBe(false);
    const until = Date.parse(alarm(sim, name).tags[TAGS.silencedUntil]!);
    expect(until - before).toBeGreaterThanOrEqual(60 * MINUTE - 1);
    expect(until - sim.clock.now()).toBeLessThanOrEqual(60 * MINUTE + 1);
    expect(alarm(sim, name).tags[TAGS.silencedBy]).toBe("user:alice");

    const unsilenced = ok(await handle({ action: "alarm-unsilence", alarm: name }));
    expect(unsilenced.text).toMatch(/^unsilenced watchkeeper-lambda-errors: its actions are on again/);
    expect(actionsEnabled(sim, name)).toBe(true);
    expect(alarm(sim, name).tags[TAGS.silencedUntil]).toBeUndefined();
    expect(alarm(sim, name).tags[TAGS.silencedBy]).toBeUndefined();
    expect(ok(await handle({ action: "alarm-unsilence", alarm: name })).outcome).toBe("unchanged");

    // Only these fields (and pino's own): nothing from the input beyond what is named, no secret.
    for (const line of audit())
      expect(Object.keys(line).sort()).toEqual(
        [
          "action",
          "actor",
          "audit",
          "dryRun",
          "hostname",
          "level",
          "msg",
          "outcome",
          "pid",
          "target",
          "time",
        ].sort(),
      );
    expect(audit().slice(-3)).toEqual([
      expect.objectContaining({
        actor: "user:alice",
        action: "alarm-silence",
        target: name,
        outcome: "done",
      }),
      expect.objectContaining({
        actor: DEFAULT_ACTOR,
        action: "alarm-unsilence",
        target: name,
        outcome: "done",
      }),
      expect.objectContaining({ action: "alarm-unsilence", outcome: "unchanged", dryRun: false }),
    ]);
  });

  it("alarm-silence refuses alarms Watchkeeper does not own, and names a missing one", async () => {
    const { sim, handle } = setup();
    const unowned = notOk(
      await handle({ action: "alarm-silence", alarm: "watchkeeper-legacy-orders-errors", minutes: 30 }),
    );
    expect(unowned.outcome).toBe("refused");
    expect(unowned.text).toBe(
      "not silenced: watchkeeper-legacy-orders-errors is not Watchkeeper's: it lacks the tag watchkeeper:managed=true, so Watchkeeper leaves it alone",
    );
    const other = notOk(await handle({ action: "alarm-silence", alarm: "orders-api-5xx", minutes: 30 }));
    expect(other.text).toMatch(
      /^not silenced: orders-api-5xx is not Watchkeeper's \(its name does not start with watchkeeper-\)/,
    );
    expect(actionsEnabled(sim, "orders-api-5xx")).toBe(true);
    expect(alarm(sim, "orders-api-5xx").tags[TAGS.silencedUntil]).toBeUndefined();
    expect(notOk(await handle({ action: "alarm-silence", alarm: "nope", minutes: 30 })).text).toBe(
      "no alarm named nope in us-east-1",
    );
  });

  it("expire-silences: lifts the silences that ended and leaves the running ones", async () => {
    const { sim, handle } = setup();
    ok(await handle({ action: "reconcile" }));
    ok(await handle({ action: "alarm-silence", alarm: "watchkeeper-lambda-errors", minutes: 30 }));
    ok(await handle({ action: "alarm-silence", alarm: "watchkeeper-lambda-throttles", minutes: 120 }));
    expect(ok(await handle({ action: "expire-silences" })).text).toBe(
      "no silence has ended; 2 still running",
    );

    sim.advanceTime(31 * MINUTE);
    const dry = ok(await handle({ action: "expire-silences", dryRun: true }));
    expect(dry.text).toBe("would lift 1 ended silence (watchkeeper-lambda-errors); 1 still running");
    expect(actionsEnabled(sim, "watchkeeper-lambda-errors")).toBe(false);

    const lifted = ok(await handle({ action: "expire-silences" }));
    expect(lifted.text).toBe("lifted 1 ended silence (watchkeeper-lambda-errors); 1 still running");
    expect(actionsEnabled(sim, "watchkeeper-lambda-errors")).toBe(true);
    expect(alarm(sim, "watchkeeper-lambda-errors").tags[TAGS.silencedUntil]).toBeUndefined();
    expect(actionsEnabled(sim, "watchkeeper-lambda-throttles")).toBe(false);
  });

  it("breaker-trip, breaker-status and breaker-reset: the mapping disabled and restored; refusals are answers", async () => {
    const { sim, aws, handle } = setup();
    await createTripAlarms(aws);
    const dry = ok(
      await handle({ action: "breaker-trip", function: "payments-consumer", reason: "storm", dryRun: true }),
    );
    expect(dry.text).toMatch(/^would trip: disable 1 event source mapping of payments-consumer/);
    expect(mappingOf(sim, "payments-consumer").state).toBe("Enabled");

    const tripped = ok(
      await handle({
        action: "breaker-trip",
        function: "payments-consumer",
        reason: "storm",
        actor: "user:bob",
      }),
    );
    expect(tripped.text).toMatch(/^tripped: .* \(by user:bob: storm\)$/);
    expect(mappingOf(sim, "payments-consumer").state).toBe("Disabled");
    expect((await tripAlarmRecord(aws, "payments-consumer"))["watchkeeper:breaker-by"]).toBe("user:bob");
    const status = ok(await handle({ action: "breaker-status" }));
    expect(status.text).toMatch(/^1 breaker, 1 open:\n {2}payments-consumer: open since/);
    expect(
      ok(await handle({ action: "breaker-trip", function: "payments-consumer", reason: "again" })).outcome,
    ).toBe("unchanged");

    const reset = ok(await handle({ action: "breaker-reset", function: "payments-consumer" }));
    expect(reset.text).toMatch(/^reset: /);
    expect(mappingOf(sim, "payments-consumer").state).toBe("Enabled");
    expect((await tripAlarmRecord(aws, "payments-consumer"))["watchkeeper:breaker-state"]).toBeUndefined();

    const refused = notOk(
      await handle({ action: "breaker-trip", function: "image-resizer", reason: "test" }),
    );
    expect(refused.outcome).toBe("refused");
    expect(refused.text).toMatch(/^not tripped: .*not opted in|^not tripped: image-resizer/);
    expect(sim.functions.get("image-resizer")!.reservedConcurrency).toBe(50);
    expect(notOk(await handle({ action: "breaker-reset", function: "ghost" })).text).toBe(
      "no function ghost in this account and region; nothing to reset",
    );
  });

  it("dlq-redrive and dlq-auto-redrive refuse, moving nothing, when a DLQ's sources cannot all be read", async () => {
    const sim = sampleAccount();
    const waiting = sim.queue("payments-dlq")!.messages.length;
    expect(waiting).toBeGreaterThan(0);
    // A function's async DLQ is a source too: without the functions, the queue's sources are unknown.
    const aws = simulatedAws(sim, {
      faults: { rules: [{ service: "lambda", api: "ListFunctions", fault: "html-502" }] },
    });
    const handle = createRunbookActionHandler({
      aws: () => aws,
      config: () => parseConfig({}, "test config"),
      logger: capturingLogger().logger,
    });
    for (const action of [{ action: "dlq-redrive", queue: "payments-dlq" }, { action: "dlq-auto-redrive" }]) {
      const refused = notOk(await handle(action));
      expect(refused).toMatchObject({ outcome: "refused", details: { code: "unseen" } });
      expect(refused.text).toMatch(
        /not redriving: .*lambda ListFunctions failed: the endpoint answered HTTP 502/,
      );
    }
    expect(sim.moveTasks).toEqual([]);
    expect(sim.queue("payments-dlq")!.messages).toHaveLength(waiting);
  });

  it("dlq-list, dlq-show, dlq-redrive, dlq-status and dlq-cancel over the payments DLQ's move task", async () => {
    // 60 messages at 1 a second: the task is still running while the next calls read the inventory.
    const { sim, handle } = setup((sim) => {
      for (let n = 0; n < 57; n++)
        sim.addMessage("payments-dlq", {
          body: `{"paymentId":${n}}`,
          fromQueue: "payments",
          receiveCount: 5,
        });
    });
    expect(ok(await handle({ action: "dlq-list" })).text).toMatch(
      /^8 dead-letter queues, 2 holding messages:/,
    );
    expect(ok(await handle({ action: "dlq-show", queue: "payments-dlq" })).text).toMatch(
      /^payments-dlq holds 60 messages/,
    );
    expect(ok(await handle({ action: "dlq-redrive", queue: "payments-dlq", dryRun: true })).text).toMatch(
      /^dry run, nothing moved/,
    );
    expect(sim.moveTasks).toEqual([]);

    const started = ok(await handle({ action: "dlq-redrive", queue: "payments-dlq", rate: 1 }));
    expect(started.text).toMatch(/^started a message move task for payments-dlq: about 60 messages/);
    const running = ok(await handle({ action: "status" })).details as OnCallStatus;
    expect(running.redrives).toEqual([expect.objectContaining({ queue: "payments-dlq", status: "RUNNING" })]);
    const again = notOk(await handle({ action: "dlq-redrive", queue: "payments-dlq" }));
    expect(again).toMatchObject({ outcome: "refused", details: { code: "task-running" } });

    expect(ok(await handle({ action: "dlq-cancel", queue: "payments-dlq", dryRun: true })).text).toMatch(
      /^would cancel the move task of payments-dlq/,
    );
    const cancelled = ok(await handle({ action: "dlq-cancel", queue: "payments-dlq" }));
    expect(cancelled.text).toMatch(/payments-dlq/);
    sim.advanceTime(10_000);
    const moved = sim.queue("payments")!.messages.length;
    expect(moved).toBeGreaterThan(0);
    expect(moved).toBeLessThan(60);
    expect(sim.queue("payments-dlq")!.messages.length).toBe(60 - moved);
    expect(ok(await handle({ action: "dlq-status", queue: "payments-dlq" })).text).toMatch(/CANCELLED/);
    expect(notOk(await handle({ action: "dlq-cancel", queue: "payments-dlq" })).details).toEqual({
      code: "no-running-task",
    });

    ok(await handle({ action: "dlq-redrive", queue: "payments-dlq" }));
    sim.advanceTime(5_000);
    expect(sim.queue("payments")!.messages).toHaveLength(60);
    expect(sim.queue("payments-dlq")!.messages).toHaveLength(0);
  });

  it("dlq-redrive re-invokes an async DLQ within the invocation's time, and refuses a queue that is no DLQ", async () => {
    const { sim, handle } = setup((sim) => {
      for (const n of [1, 2, 3]) sim.addMessage("notifications-dlq", { body: `{"n":${n}}` });
    });
    const result = ok(
      await handle(
        { action: "dlq-redrive", queue: "notifications-dlq", maxMessages: 2 },
        { getRemainingTimeInMillis: () => 60_000 },
      ),
    );
    expect(result.text).toContain("2 messages from notifications-dlq re-invoked into notifications-sender");
    expect(sim.functions.get("notifications-sender")!.invocations.map((i) => i.payload)).toEqual([
      '{"n":1}',
      '{"n":2}',
    ]);
    expect(sim.queue("notifications-dlq")!.messages).toHaveLength(1);
    const tooFast = notOk(await handle({ action: "dlq-redrive", queue: "notifications-dlq", rate: 50 }));
    expect(tooFast.text).toBe("rate 50 is not valid: use a whole number from 1 to 10");
    const notDlq = notOk(await handle({ action: "dlq-redrive", queue: "payments" }));
    expect(notDlq).toMatchObject({ outcome: "refused", details: { code: "not-a-dlq" } });
  });

  it("dlq-auto-redrive: opted-in queues only, once their error alarm has been OK long enough", async () => {
    const { sim, handle } = setup((sim) => {
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
    expect(ok(await handle({ action: "dlq-auto-redrive" })).text).toBe(
      "1 opted-in DLQ: 0 to redrive, 1 skipped; 0 redrives started or run, 0 not",
    );
    sim.advanceTime(16 * MINUTE);
    expect(ok(await handle({ action: "dlq-auto-redrive", dryRun: true })).text).toBe(
      "dry run: 1 opted-in DLQ: 1 to redrive, 0 skipped",
    );
    expect(sim.moveTasks).toEqual([]);
    expect(ok(await handle({ action: "dlq-auto-redrive" })).text).toBe(
      "1 opted-in DLQ: 1 to redrive, 0 skipped; 1 redrive started or run, 0 not",
    );
    sim.advanceTime(1_000);
    expect(sim.queue("payments")!.messages).toHaveLength(3);
    expect(sim.queue("payments-dlq")!.tags["watchkeeper:redrives"]).toBe("2025-01-01:1");
  });

  it("retention-set: sets the group, says what the next reconcile does, and refuses a missing group", async () => {
    const { sim, handle } = setup();
    const raised = ok(
      await handle({ action: "retention-set", logGroup: "/aws/lambda/orders-list", days: 14 }),
    );
    expect(raised.text).toBe(
      "set /aws/lambda/orders-list: never expires → 14 days; the next reconcile keeps it",
    );
    expect(sim.logGroups.get("/aws/lambda/orders-list")?.retentionInDays).toBe(14);
    const shortened = ok(
      await handle({ action: "retention-set", logGroup: "/aws/lambda/orders-create", days: 7 }),
    );
    expect(shortened.text).toMatch(
      /30 days → 7 days \(events older than 7 days are deleted within 72 hours\); the next reconcile keeps it$/,
    );
    expect(sim.logGroups.get("/aws/lambda/orders-create")?.retentionInDays).toBe(7);
    expect(
      ok(await handle({ action: "retention-set", logGroup: "/aws/lambda/orders-create", days: 7 })).outcome,
    ).toBe("unchanged");
    expect(notOk(await handle({ action: "retention-set", logGroup: "/nope", days: 7 })).text).toBe(
      "no log group named /nope in us-east-1",
    );
  });

  it("top-offenders: the functions behind the account-wide Lambda errors alarm, worst first", async () => {
    const { aws, handle } = setup();
    ok(await handle({ action: "reconcile" }));
    await aws.client(CloudWatchClient).send(
      new SetAlarmStateCommand({
        AlarmName: "watchkeeper-lambda-errors",
        StateValue: "ALARM",
        StateReason: "Threshold Crossed",
      }),
    );
    const top = ok(await handle({ action: "top-offenders", alarm: "watchkeeper-lambda-errors", limit: 3 }));
    const lines = top.text.split("\n");
    expect(lines[0]).toMatch(/^top 3 FunctionName of watchkeeper-lambda-errors when it went to ALARM/);
    expect(lines.slice(1).map((l) => l.trim().split(/\s+/)[1])).toEqual([
      "clickstream-processor",
      "payments-consumer",
      "orders-create",
    ]);
    const single = notOk(
      await handle({ action: "top-offenders", alarm: "watchkeeper-lambda-duration-report-generator" }),
    );
    expect(single.text).toMatch(/watches one resource \(report-generator\)/);
  });
});
