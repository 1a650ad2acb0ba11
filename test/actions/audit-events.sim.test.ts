/**
 * The audit event: every runbook action that changed something (or tried to) puts its audit line on the
 * account's default bus, on lib/sim's sample account, asserted on the events the account holds. A dry run,
 * a refusal and a scheduled run with nothing due put none. A PutEvents that is denied, that AWS answers
 * with a failed entry (200, FailedEntryCount 1), or that hangs leaves the action's result and the account
 * as they are without it, and is a warning.
 */
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  AUDIT_EVENT,
  AUDIT_EVENT_TIME_LIMIT_MS,
  runAction,
  type Action,
  type ActionResult,
} from "../../lib/actions/index.js";
import { parseConfig } from "../../lib/config/index.js";
import { SimAccount, sampleAccount, simulatedAws, type FaultKind } from "../../lib/sim/index.js";
import { eventbridge } from "../../lib/sim/services/eventbridge.js";
import { createTripAlarms } from "../support/breaker.js";
import { capturingLogger, LEVEL } from "../support/logs.js";

const MINUTE = 60_000;
const ERRORS = "watchkeeper-lambda-errors";
const CONFIG = parseConfig({}, "test");
const TRIP: Action = { action: "breaker-trip", function: "payments-consumer", reason: "storm" };

async function setup(fault?: FaultKind) {
  const sim = sampleAccount();
  const aws = simulatedAws(sim, {
    ...(fault ? { faults: { rules: [{ service: "eventbridge", api: "PutEvents", fault }] } } : {}),
  });
  await createTripAlarms(aws);
  const { logger, lines } = capturingLogger();
  const act = (action: Action) => runAction(aws, action, { actor: "user:alice", config: CONFIG, logger });
  return { sim, aws, act, lines };
}

/** The audit events on the default bus, as a hub would receive them. */
function audited(sim: SimAccount) {
  return sim.eventsOn("default").filter((e) => e.source === AUDIT_EVENT.source);
}

/** What an action can change here: breakers (mappings, concurrency, records), silences, DLQs. */
function stateOf(sim: SimAccount) {
  return {
    alarms: [...sim.alarms.values()].map((a) => [a.name, a.tags, a.config.ActionsEnabled]),
    mappings: [...sim.eventSourceMappings.values()].map((m) => [m.uuid, m.state]),
    concurrency: [...sim.functions.values()].map((f) => [f.name, f.reservedConcurrency]),
    queues: [...sim.queues.values()].map((q) => [q.name, sim.queue(q.name)!.messages.length]),
    moveTasks: sim.moveTasks.length,
  };
}

// The SDK's full path, which a fault rule sends a call through, loads part of itself on first use, in real
// time, which the virtual clock sees as everyone waiting: one faulted call without a time limit first, so
// that the cases below are cut off by their fault, not by that.
beforeAll(async () => {
  const sim = new SimAccount();
  const aws = simulatedAws(sim, {
    faults: { rules: [{ service: "eventbridge", api: "PutEvents", fault: "html-502" }] },
  });
  const entry = { Source: "warm-up", DetailType: "warm-up", Detail: "{}" };
  await aws
    .client(EventBridgeClient)
    .send(new PutEventsCommand({ Entries: [entry] }))
    .catch(() => undefined);
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("an action that changed something puts one audit event on the default bus", () => {
  it("breaker trip and reset: one event each, with the audit line's fields and nothing else", async () => {
    const { sim, act, lines } = await setup();
    expect((await act(TRIP)).outcome).toBe("done");
    expect(audited(sim)).toEqual([
      {
        version: "0",
        id: expect.any(String),
        "detail-type": "Watchkeeper Action",
        source: "watchkeeper",
        account: sim.accountId,
        time: expect.stringMatching(/^2025-01-01T\d\d:\d\d:\d\dZ$/),
        region: sim.region,
        resources: [],
        detail: {
          actor: "user:alice",
          action: "breaker-trip",
          target: "payments-consumer",
          dryRun: false,
          outcome: "done",
        },
      },
    ]);
    // The reason ("storm") is free-form: it is in the breaker's record and log, never in the event.
    expect(JSON.stringify(audited(sim))).not.toContain("storm");

    expect((await act({ action: "breaker-reset", function: "payments-consumer" })).outcome).toBe("done");
    expect(audited(sim).map((e) => e.detail)).toEqual([
      expect.objectContaining({ action: "breaker-trip" }),
      expect.objectContaining({ action: "breaker-reset", target: "payments-consumer", outcome: "done" }),
    ]);
    expect(lines.filter((l) => l.level >= LEVEL.warn)).toEqual([]);
  });

  it("DLQ redrive, silence, unsilence and the expiry run when it lifts one: one event each", async () => {
    const { sim, act } = await setup();
    await act({ action: "reconcile" });
    expect(audited(sim)).toEqual([]);

    expect((await act({ action: "dlq-redrive", queue: "payments-dlq" })).outcome).toBe("done");
    expect((await act({ action: "alarm-silence", alarm: ERRORS, minutes: 30 })).outcome).toBe("done");
    expect((await act({ action: "alarm-unsilence", alarm: ERRORS })).outcome).toBe("done");
    await act({ action: "alarm-silence", alarm: ERRORS, minutes: 10 });
    sim.advanceTime(11 * MINUTE);
    expect((await act({ action: "expire-silences" })).outcome).toBe("done");

    expect(audited(sim).map((e) => e.detail)).toEqual([
      { actor: "user:alice", action: "dlq-redrive", target: "payments-dlq", dryRun: false, outcome: "done" },
      { actor: "user:alice", action: "alarm-silence", target: ERRORS, dryRun: false, outcome: "done" },
      { actor: "user:alice", action: "alarm-unsilence", target: ERRORS, dryRun: false, outcome: "done" },
      { actor: "user:alice", action: "alarm-silence", target: ERRORS, dryRun: false, outcome: "done" },
      { actor: "user:alice", action: "expire-silences", target: "account", dryRun: false, outcome: "done" },
    ]);
  });

  it("puts none for a dry run, a refusal, a read, or a scheduled run with nothing due", async () => {
    const { sim, act } = await setup();
    await act({ action: "reconcile" });
    expect((await act({ ...TRIP, dryRun: true })).outcome).toBe("dry-run");
    expect((await act({ action: "dlq-redrive", queue: "payments-dlq", dryRun: true })).outcome).toBe(
      "dry-run",
    );
    expect((await act({ action: "alarm-silence", alarm: "orders-api-5xx", minutes: 5 })).outcome).toBe(
      "refused",
    );
    expect((await act({ action: "alarm-unsilence", alarm: ERRORS })).outcome).toBe("unchanged");
    expect((await act({ action: "expire-silences" })).outcome).toBe("done");
    expect((await act({ action: "dlq-auto-redrive" })).outcome).toBe("done");
    expect((await act({ action: "breaker-status" })).outcome).toBe("done");
    expect(audited(sim)).toEqual([]);
    expect(sim.stats().filter((s) => s.api === "PutEvents")).toEqual([]);
  });
});

describe("a PutEvents that fails never changes the action", () => {
  async function withAndWithout(fault: FaultKind | "failed-entry") {
    const clean = await setup();
    const faulty = await setup(fault === "failed-entry" ? undefined : fault);
    if (fault === "failed-entry") {
      // AWS answers 200 and names the entry it could not take; lib/sim never fails a valid entry itself.
      const put = eventbridge.apis.PutEvents!;
      vi.spyOn(eventbridge.apis, "PutEvents").mockImplementation((input, sim, caller) =>
        sim === faulty.sim
          ? {
              FailedEntryCount: 1,
              Entries: [{ ErrorCode: "InternalFailure", ErrorMessage: "Internal service error." }],
            }
          : put(input, sim, caller),
      );
    }
    const started = { clean: clean.sim.clock.now(), faulty: faulty.sim.clock.now() };
    const results: ActionResult[] = [await clean.act(TRIP), await faulty.act(TRIP)];
    const took = {
      clean: clean.sim.clock.now() - started.clean,
      faulty: faulty.sim.clock.now() - started.faulty,
    };
    return { clean, faulty, results, took };
  }

  it.each([
    ["denied", /PutEvents failed: .*AccessDenied/],
    ["failed-entry", /was not published: InternalFailure: Internal service error\./],
    ["hang", /PutEvents failed: the run's time limit was reached/],
  ] as const)("%s: same result, same account, no event, a warning naming the error", async (fault, error) => {
    const { clean, faulty, results, took } = await withAndWithout(fault);
    const [expected, actual] = results;
    // The same answer, plus the warning for whoever asked (the CLI prints it).
    const { auditWarnings, ...answer } = actual!;
    expect(answer).toEqual(expected);
    expect(answer).toMatchObject({ ok: true, outcome: "done" });
    expect(auditWarnings).toEqual([expect.stringMatching(error)]);
    expect(stateOf(faulty.sim)).toEqual(stateOf(clean.sim));
    expect(audited(clean.sim)).toHaveLength(1);
    expect(audited(faulty.sim)).toEqual([]);

    const warnings = faulty.lines.filter((l) => l.level === LEVEL.warn);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.msg).toMatch(
      /^the audit event of breaker-trip payments-consumer was not published: /,
    );
    expect(warnings[0]?.msg).toMatch(error);
    // The audit line is written all the same, before the event is tried.
    expect(faulty.lines.filter((l) => l.audit === "watchkeeper-action")).toEqual([
      expect.objectContaining({ action: "breaker-trip", target: "payments-consumer", outcome: "done" }),
    ]);
    // A hung call holds the action for the time limit at most (its three attempts would take 45 s).
    expect(took.faulty - took.clean).toBeLessThanOrEqual(AUDIT_EVENT_TIME_LIMIT_MS);
    if (fault === "hang") expect(took.faulty - took.clean).toBeGreaterThan(0);
  });
});
