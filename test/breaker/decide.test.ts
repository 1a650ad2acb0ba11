/** The breaker's rules, pure: every decision from facts and records, no I/O. */
import { describe, expect, it } from "vitest";
import { isBandAlarm, toPutMetricAlarmInput } from "../../lib/alarms/spec.js";
import {
  BREAKER_FUNCTION_TAG,
  breakerAlarmSpecs,
  functionOfAlarm,
  planBreakerAlarms,
} from "../../lib/breaker/alarms.js";
import {
  decideEvaluation,
  decideReset,
  decideSignal,
  decideTrip,
  detectDrift,
  halfOpenConcurrency,
  type TripContext,
} from "../../lib/breaker/decide.js";
import { breakerOptIn, catchesFailures, invokersOf } from "../../lib/breaker/facts.js";
import { DEFAULT_BREAKER_POLICY, resolveBreakerPolicy } from "../../lib/breaker/policy.js";
import {
  BREAKER_TAGS,
  countRecentTrips,
  readRecord,
  recordKeys,
  recordTags,
  tagValue,
  withTrip,
} from "../../lib/breaker/record.js";
import type { Inventory } from "../../lib/inventory/types.js";
import {
  NOW,
  ON,
  SYNC,
  UUIDS,
  alarmState,
  arnOf,
  fn,
  minutesAfter,
  openRecord,
  policy,
  ruleInvoker,
  signal,
  sqsMapping,
  subject,
  withRecord,
} from "./fixtures.js";

const ctx = (overrides: Partial<TripContext> = {}): TripContext => ({
  policy: DEFAULT_BREAKER_POLICY,
  now: NOW,
  recentTrips: 0,
  ...overrides,
});
const closed = { kind: "closed" } as const;

describe("policy", () => {
  it("fills defaults", () => {
    expect(resolveBreakerPolicy()).toEqual(DEFAULT_BREAKER_POLICY);
    expect(DEFAULT_BREAKER_POLICY.maxTripsPerHour).toBe(5);
    expect(DEFAULT_BREAKER_POLICY.alarms).toEqual(["error-rate", "invocations-anomaly"]);
  });

  it("names every bad field and unknown setting", () => {
    let message = "";
    try {
      resolveBreakerPolicy({ maxTripsPerHour: 0, alarms: ["latency"], functions: ["bad name!"], colour: 1 });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split("; ").sort()).toEqual([
      'breaker policy.alarms.0: Invalid option: expected one of "error-rate"|"invocations-anomaly"',
      "breaker policy.functions.0: expected a function name (1-64 of a-z A-Z 0-9 _ -)",
      "breaker policy.maxTripsPerHour: Too small: expected number to be >=1",
      'breaker policy: Unrecognized key: "colour"',
    ]);
    expect(() => resolveBreakerPolicy({ alarms: ["latency"] })).toThrow(/breaker policy\.alarms\.0/);
    expect(() => resolveBreakerPolicy({ colour: 1 })).toThrow(/colour/);
    expect(() => resolveBreakerPolicy("yes", "BREAKER_POLICY")).toThrow(/^BREAKER_POLICY/);
  });

  it("sorts and dedupes lists", () => {
    const p = resolveBreakerPolicy({
      functions: ["b", "a", "b"],
      alarms: ["invocations-anomaly", "error-rate"],
    });
    expect(p.functions).toEqual(["a", "b"]);
    expect(p.alarms).toEqual(["error-rate", "invocations-anomaly"]);
  });
});

describe("record (tags on the function)", () => {
  it("reads no state tag as closed", () => {
    expect(readRecord({ team: "x" })).toEqual({ kind: "closed" });
  });

  it("round-trips a concurrency record, including unset as its own value", () => {
    for (const previous of [50, 0, "unset"] as const) {
      const record = openRecord({ previous });
      const reading = readRecord(recordTags(record));
      expect(reading).toEqual({
        kind: "recorded",
        record: { ...record, since: new Date("2025-06-01T12:00:00Z") },
      });
    }
    expect(recordTags(openRecord({ previous: "unset" }))[BREAKER_TAGS.previous]).toBe("unset");
  });

  it("splits many mappings over several tags, each within 256 characters", () => {
    const record = openRecord({ previous: undefined, mappings: [...UUIDS] });
    const tags = recordTags(record);
    expect(Object.keys(tags).filter((k) => k.startsWith(BREAKER_TAGS.mappings))).toEqual([
      BREAKER_TAGS.mappings,
      `${BREAKER_TAGS.mappings}-2`,
    ]);
    for (const value of Object.values(tags)) expect(value.length).toBeLessThanOrEqual(256);
    const reading = readRecord(tags);
    expect(reading.kind === "recorded" && reading.record.mappings).toEqual([...UUIDS]);
  });

  it("says why a record cannot be trusted", () => {
    const bad = (tags: Record<string, string>) => {
      const reading = readRecord(tags);
      return reading.kind === "unreadable" ? reading.problems.join("; ") : `read as ${reading.kind}`;
    };
    const good = recordTags(openRecord());
    expect(bad({ ...good, [BREAKER_TAGS.previous]: "lots" })).toMatch(/neither "unset" nor a number/);
    expect(bad({ ...good, [BREAKER_TAGS.state]: "ajar" })).toMatch(/neither open nor half-open/);
    const { [BREAKER_TAGS.since]: _since, ...noSince } = good;
    expect(bad(noSince)).toMatch(/breaker-since=\(missing\) is not a time/);
    const { [BREAKER_TAGS.previous]: _previous, ...nothing } = good;
    expect(bad(nothing)).toMatch(/names neither a previous concurrency/);
    expect(bad({ ...good, [BREAKER_TAGS.state]: "half-open" })).toMatch(/half-open record needs/);
    expect(bad({ ...good, [BREAKER_TAGS.mappings]: "not-a-uuid" })).toMatch(/not a mapping UUID/);
  });

  it("makes any text a valid tag value", () => {
    expect(tagValue("alarm:High (errors), #1 <now>")).toBe("alarm:High _errors__ _1 _now_");
    expect(tagValue("x".repeat(300))).toHaveLength(256);
    expect(tagValue("user:alice@example.com = ok + 1/2")).toBe("user:alice@example.com = ok + 1/2");
  });

  it("keeps the trip history to the last hour and counts it across functions", () => {
    let tags: Record<string, string> = {};
    for (const minutes of [0, 20, 50, 70])
      tags = { ...tags, [BREAKER_TAGS.trips]: withTrip(tags, minutesAfter(NOW, minutes)) };
    expect(tags[BREAKER_TAGS.trips]).toBe("2025-06-01T12:20:00Z 2025-06-01T12:50:00Z 2025-06-01T13:10:00Z");
    const other = { [BREAKER_TAGS.trips]: "2025-06-01T13:05:00Z garbage 2025-06-01T11:00:00Z" };
    expect(countRecentTrips([tags, other, {}], minutesAfter(NOW, 71))).toBe(4);
    expect(countRecentTrips([tags, other], minutesAfter(NOW, 131))).toBe(0);
  });

  it("removes the record on reset but keeps the trip history and the alarms choice", () => {
    const tags = {
      ...recordTags(openRecord({ mappings: [...UUIDS.slice(0, 7)] })),
      [BREAKER_TAGS.trips]: "2025-06-01T12:00:00Z",
      "watchkeeper:breaker": "on",
      "watchkeeper:breaker-alarms": "error-rate",
    };
    const keys = recordKeys(tags);
    expect(keys).toContain(`${BREAKER_TAGS.mappings}-2`);
    expect(keys).not.toContain(BREAKER_TAGS.trips);
    expect(keys).not.toContain("watchkeeper:breaker");
    expect(keys).not.toContain("watchkeeper:breaker-alarms");
  });
});

describe("opt-in", () => {
  it("reads the tag: on, sync, off; config lists; the tag wins", () => {
    const p = policy({ functions: ["listed", "listed-off"], syncFunctions: ["listed"] });
    expect(breakerOptIn(fn("a", { tags: ON }), p)).toEqual({
      optedIn: true,
      declaredSync: false,
      source: "tag",
    });
    expect(breakerOptIn(fn("a", { tags: SYNC }), p)).toEqual({
      optedIn: true,
      declaredSync: true,
      source: "tag",
    });
    expect(breakerOptIn(fn("listed"), p)).toEqual({ optedIn: true, declaredSync: true, source: "config" });
    expect(breakerOptIn(fn("listed-off", { tags: { "watchkeeper:breaker": "off" } }), p).optedIn).toBe(false);
    expect(breakerOptIn(fn("a"), p).optedIn).toBe(false);
    expect(breakerOptIn(fn("a", { tags: { "watchkeeper:breaker": "maybe" } }), p).note).toMatch(
      /breaker=maybe is not understood; use on, sync or off/,
    );
  });
});

describe("decideTrip: refusals", () => {
  it("never trips Watchkeeper's own functions, even opted in", () => {
    for (const f of [
      fn("watchkeeper-breaker", { tags: SYNC }),
      fn("ops-bot", { tags: { ...SYNC, "watchkeeper:managed": "true" } }),
    ]) {
      const decision = decideTrip(subject(f), closed, ctx());
      expect(decision).toMatchObject({ action: "refuse", rule: "watchkeeper-function" });
    }
  });

  it("never trips ignored functions or functions that did not opt in", () => {
    expect(
      decideTrip(subject(fn("a", { tags: { ...SYNC, "watchkeeper:ignore": "true" } })), closed, ctx()),
    ).toMatchObject({
      action: "refuse",
      rule: "ignored",
    });
    const decision = decideTrip(subject(fn("a")), closed, ctx());
    expect(decision).toMatchObject({ action: "refuse", rule: "not-opted-in" });
    expect(decision.action === "refuse" && decision.reason).toMatch(/tag it watchkeeper:breaker=on/);
    expect(
      decideTrip(subject(fn("a", { tags: { "watchkeeper:breaker": "off" } })), closed, ctx()),
    ).toMatchObject({
      rule: "not-opted-in",
    });
  });

  it("refuses beyond the trips allowed per hour in the account", () => {
    const f = fn("a", { tags: SYNC });
    expect(decideTrip(subject(f), closed, ctx({ recentTrips: 4 })).action).toBe("trip");
    const decision = decideTrip(subject(f), closed, ctx({ recentTrips: 5 }));
    expect(decision).toMatchObject({ action: "refuse", rule: "rate-limit" });
    expect(decision.action === "refuse" && decision.reason).toMatch(
      /5 breakers tripped .* last hour.*maxTripsPerHour 5/,
    );
  });

  it("refuses an async-invoked function with neither DLQ nor on-failure destination, and says why", () => {
    const f = fn("notify", { tags: ON });
    const decision = decideTrip(subject(f, [ruleInvoker("order-placed", f.arn)]), closed, ctx());
    expect(decision).toMatchObject({ action: "refuse", rule: "async-without-failure-destination" });
    expect(decision.action === "refuse" && decision.reason).toBe(
      "notify is invoked asynchronously by rule order-placed: reserved concurrency 0 would send new events straight to its DLQ or on-failure destination, and with neither they would be lost. Add a DLQ or an on-failure destination, then trip again",
    );
    const topic = { kind: "topic", arn: arnOf.topic("alerts"), target: f.arn } as const;
    expect(decideTrip(subject(f, [topic], false), closed, ctx())).toMatchObject({
      rule: "async-without-failure-destination",
      reason: expect.stringMatching(/topic alerts.*async invoke configs could not be read/),
    });
  });

  it("takes the declared-sync tag as no evidence against a known async invoker", () => {
    const f = fn("notify", { tags: SYNC });
    expect(decideTrip(subject(f, [ruleInvoker("r", f.arn)]), closed, ctx())).toMatchObject({
      rule: "async-without-failure-destination",
    });
  });

  it("judges the destination of the qualifier the invoker targets", () => {
    const f = fn("notify", {
      tags: ON,
      qualifiedAsyncInvoke: [{ qualifier: "live", onFailureDestination: arnOf.queue("failures") }],
    });
    expect(decideTrip(subject(f, [ruleInvoker("r", `${f.arn}:live`)]), closed, ctx()).action).toBe("trip");
    expect(decideTrip(subject(f, [ruleInvoker("r", f.arn)]), closed, ctx())).toMatchObject({
      rule: "async-without-failure-destination",
    });
    expect(catchesFailures(f, `${f.arn}:other`)).toBe(false);
  });

  it("does less when it cannot see how a function is invoked", () => {
    const decision = decideTrip(subject(fn("mystery", { tags: ON })), closed, ctx());
    expect(decision).toMatchObject({ action: "refuse", rule: "unknown-invocation-type" });
    expect(decision.action === "refuse" && decision.reason).toMatch(
      /cannot tell how mystery is invoked; S3 notifications, direct async invokes .*tag it watchkeeper:breaker=sync/,
    );
    // An API in front is not proof that nothing invokes it asynchronously.
    const api = { kind: "api", arn: arnOf.api("abc123"), target: arnOf.fn("mystery") } as const;
    expect(decideTrip(subject(fn("mystery", { tags: ON }), [api]), closed, ctx())).toMatchObject({
      rule: "unknown-invocation-type",
      reason: expect.stringMatching(/behind API abc123/),
    });
    // Each of these is enough.
    expect(decideTrip(subject(fn("m", { tags: SYNC })), closed, ctx()).action).toBe("trip");
    expect(
      decideTrip(subject(fn("m", { tags: ON, deadLetterTargetArn: arnOf.queue("dlq") })), closed, ctx())
        .action,
    ).toBe("trip");
    const withDestination = fn("m", { tags: ON, asyncInvoke: { onFailureDestination: arnOf.queue("f") } });
    expect(decideTrip(subject(withDestination), closed, ctx()).action).toBe("trip");
  });

  it("refuses when the reserved concurrency could not be read, or is already 0", () => {
    expect(
      decideTrip(subject(fn("a", { tags: SYNC, reservedConcurrency: "unknown" })), closed, ctx()),
    ).toMatchObject({
      rule: "unknown-concurrency",
    });
    expect(decideTrip(subject(fn("a", { tags: SYNC, reservedConcurrency: 0 })), closed, ctx())).toMatchObject(
      {
        rule: "already-throttled",
      },
    );
  });

  it("refuses a consumer whose mappings are all disabled, or that has more than the record holds", () => {
    const idle = fn("c", { tags: ON, eventSources: [sqsMapping(UUIDS[0], "q", "Disabled")] });
    expect(decideTrip(subject(idle), closed, ctx())).toMatchObject({ rule: "nothing-to-stop" });
    const many = Array.from({ length: 31 }, (_, i) =>
      sqsMapping(`${String(i).padStart(8, "0")}-0000-4000-8000-000000000000`, `q${i}`),
    );
    expect(decideTrip(subject(fn("c", { tags: ON, eventSources: many })), closed, ctx())).toMatchObject({
      rule: "too-many-mappings",
    });
  });

  it("refuses to act on a record it cannot read", () => {
    const decision = decideTrip(
      subject(fn("a", { tags: SYNC })),
      { kind: "unreadable", problems: ["x"] },
      ctx(),
    );
    expect(decision).toMatchObject({ action: "refuse", rule: "unreadable-record" });
  });
});

describe("decideTrip: actions", () => {
  it("sets concurrency 0 for a synchronous function, recording N or unset", () => {
    expect(decideTrip(subject(fn("a", { tags: SYNC, reservedConcurrency: 50 })), closed, ctx())).toEqual({
      action: "trip",
      mode: "zero-concurrency",
      previous: 50,
      mappings: [],
      reason: "set a's reserved concurrency 50 → 0; a reset restores 50",
    });
    expect(decideTrip(subject(fn("a", { tags: SYNC })), closed, ctx())).toMatchObject({
      mode: "zero-concurrency",
      previous: "unset",
    });
  });

  it("disables the enabled mappings of an SQS or stream consumer and leaves concurrency alone", () => {
    const f = fn("consumer", {
      tags: ON,
      reservedConcurrency: 20,
      eventSources: [
        sqsMapping(UUIDS[0], "orders"),
        sqsMapping(UUIDS[1], "old", "Disabled"),
        { uuid: UUIDS[2], sourceArn: arnOf.stream("clicks"), sourceKind: "kinesis", state: "Enabled" },
      ],
    });
    const decision = decideTrip(subject(f), closed, ctx());
    expect(decision).toEqual({
      action: "trip",
      mode: "disable-mappings",
      mappings: [UUIDS[0], UUIDS[2]],
      reason:
        "disable 2 event source mappings of consumer (SQS orders, Kinesis clicks); reserved concurrency stays as it is",
    });
  });

  it("does both when something else also invokes a consumer", () => {
    const f = fn("both", {
      tags: ON,
      deadLetterTargetArn: arnOf.queue("dlq"),
      eventSources: [sqsMapping(UUIDS[0], "q")],
    });
    expect(decideTrip(subject(f, [ruleInvoker("r", f.arn)]), closed, ctx())).toMatchObject({
      action: "trip",
      mode: "disable-mappings-and-zero-concurrency",
      previous: "unset",
      mappings: [UUIDS[0]],
    });
  });

  it("is a no-op on an open breaker, and says since when and by whom", () => {
    const record = openRecord();
    const f = withRecord(fn("a", { tags: SYNC, reservedConcurrency: 0 }), record);
    const decision = decideTrip(subject(f), readRecord(f.tags), ctx());
    expect(decision.action).toBe("none");
    expect(decision.action === "none" && decision.reason).toBe(
      "a is already open since 2025-06-01T12:00:00Z by alarm:watchkeeper-breaker-error-rate-orders (watchkeeper-breaker-error-rate-orders ALARM)",
    );
  });

  it("re-applies an open breaker that a deploy undid, naming the drift", () => {
    const record = openRecord({ mappings: [UUIDS[0]] });
    const f = withRecord(
      fn("a", { tags: ON, reservedConcurrency: 25, eventSources: [sqsMapping(UUIDS[0], "q")] }),
      record,
    );
    const decision = decideTrip(subject(f), readRecord(f.tags), ctx());
    expect(decision).toMatchObject({ action: "reapply", zeroConcurrency: true, disableMappings: [UUIDS[0]] });
    expect(decision.action === "reapply" && decision.reason).toMatch(
      /reserved concurrency is 25, not 0 as the breaker set it .*mapping 1111.* is Enabled again/,
    );
  });

  it("re-opens a half-open breaker", () => {
    const record = openRecord({ state: "half-open", halfOpenSince: NOW, halfOpenConcurrency: 1 });
    const f = withRecord(fn("a", { tags: SYNC, reservedConcurrency: 1 }), record);
    expect(decideTrip(subject(f), readRecord(f.tags), ctx({ recentTrips: 99 }))).toMatchObject({
      action: "reopen",
    });
  });
});

describe("drift", () => {
  it("is nothing when the function is as the breaker left it", () => {
    const f = fn("a", { reservedConcurrency: 0, eventSources: [sqsMapping(UUIDS[0], "q", "Disabled")] });
    expect(detectDrift(f, openRecord({ mappings: [UUIDS[0]] }))).toEqual([]);
  });

  it("names concurrency changed, mappings re-enabled or gone, and what a reset would still restore", () => {
    const f = fn("a", { reservedConcurrency: "unset", eventSources: [sqsMapping(UUIDS[0], "q")] });
    const drift = detectDrift(f, openRecord({ previous: 25, mappings: [UUIDS[0], UUIDS[1]] }));
    expect(drift.map((d) => d.kind)).toEqual(["concurrency", "mapping-enabled", "mapping-missing"]);
    expect(drift[0]?.sentence).toMatch(/is unset, not 0 .* a reset would still restore 25/);
    expect(
      decideTrip(
        subject({ ...f, eventSources: [], tags: { "watchkeeper:breaker": "on" } }),
        { kind: "recorded", record: openRecord({ previous: undefined, mappings: [UUIDS[1]] }) },
        ctx(),
      ),
    ).toMatchObject({
      action: "none",
      reason: expect.stringMatching(/no longer exists/),
    });
  });

  it("expects the half-open trickle while half-open", () => {
    const record = openRecord({ state: "half-open", halfOpenSince: NOW, halfOpenConcurrency: 1 });
    expect(detectDrift(fn("a", { reservedConcurrency: 1 }), record)).toEqual([]);
    expect(detectDrift(fn("a", { reservedConcurrency: 0 }), record)).toHaveLength(1);
  });
});

describe("decideReset", () => {
  const optedIn = policy({ functions: ["a"] });
  it("restores exactly what was recorded and skips mappings that are gone", () => {
    const record = openRecord({ previous: "unset", mappings: [UUIDS[0], UUIDS[1]] });
    const f = fn("a", { eventSources: [sqsMapping(UUIDS[0], "q", "Disabled")] });
    expect(decideReset(f, { kind: "recorded", record }, optedIn)).toMatchObject({
      action: "reset",
      restore: "unset",
      enableMappings: [UUIDS[0]],
      missingMappings: [UUIDS[1]],
    });
  });

  it("leaves concurrency alone when the trip did", () => {
    const decision = decideReset(
      fn("a"),
      { kind: "recorded", record: openRecord({ previous: undefined, mappings: [UUIDS[0]] }) },
      optedIn,
    );
    expect(decision.action === "reset" && "restore" in decision).toBe(false);
  });

  it("is a no-op on a closed breaker and refuses an unreadable record", () => {
    expect(decideReset(fn("a"), closed, optedIn)).toEqual({
      action: "none",
      reason: "a's breaker is closed; nothing to reset",
    });
    expect(decideReset(fn("a"), { kind: "unreadable", problems: ["p"] }, optedIn)).toMatchObject({
      rule: "unreadable-record",
    });
  });
});

describe("decideSignal (alarm events)", () => {
  const ALARM = "watchkeeper-breaker-error-rate-orders";
  const f = fn("orders", { tags: SYNC, reservedConcurrency: 25 });
  const auto = ctx({ policy: policy({ autoReset: true, coolDownSeconds: 600 }) });

  it("trips on ALARM only while the alarm is in ALARM now", () => {
    expect(
      decideSignal(subject(f), closed, signal(ALARM, "ALARM", NOW, alarmState(ALARM, "ALARM")), ctx()),
    ).toMatchObject({
      action: "trip",
    });
    expect(
      decideSignal(
        subject(f),
        closed,
        signal(ALARM, "ALARM", NOW, alarmState(ALARM, "OK", minutesAfter(NOW, 1))),
        ctx(),
      ),
    ).toEqual({
      action: "ignore",
      reason: `stale ALARM event: ${ALARM} is OK since 2025-06-01T12:01:00Z; orders is not tripped`,
    });
    expect(decideSignal(subject(f), closed, signal(ALARM, "ALARM", NOW, undefined), ctx()).action).toBe(
      "ignore",
    );
    expect(
      decideSignal(
        subject(f),
        closed,
        signal(ALARM, "INSUFFICIENT_DATA", NOW, alarmState(ALARM, "INSUFFICIENT_DATA")),
        ctx(),
      ).action,
    ).toBe("ignore");
  });

  it("resets on OK only for the alarm that opened it, after the trip, with auto-reset on and the cool-down over", () => {
    const record = openRecord({ previous: 25, mappings: [] });
    const open = withRecord({ ...f, reservedConcurrency: 0 }, record);
    const reading = readRecord(open.tags);
    const ok = (
      at: Date,
      current = alarmState(ALARM, "OK", at),
      others: ReturnType<typeof alarmState>[] = [],
    ) => signal(ALARM, "OK", at, current, others);
    const later = minutesAfter(NOW, 11);

    expect(decideSignal(subject(open), reading, ok(later), ctx()).action).toBe("none"); // auto-reset off
    expect(decideSignal(subject(open), reading, ok(later), ctx()).action === "none" && true).toBe(true);
    expect(decideSignal(subject(open), reading, { ...ok(later), actor: "alarm:other" }, auto)).toMatchObject({
      action: "ignore",
      reason: expect.stringMatching(/opened by alarm:watchkeeper-breaker-error-rate-orders, not alarm:other/),
    });
    expect(decideSignal(subject(open), reading, ok(minutesAfter(NOW, -1)), auto)).toMatchObject({
      action: "ignore",
      reason: expect.stringMatching(/^stale OK event/),
    });
    expect(
      decideSignal(subject(open), reading, ok(later, alarmState(ALARM, "ALARM", later)), auto).action,
    ).toBe("ignore");
    expect(
      decideSignal(
        subject(open),
        reading,
        ok(later, undefined, [alarmState("watchkeeper-breaker-invocations-anomaly-orders", "ALARM")]),
        auto,
      ),
    ).toMatchObject({
      action: "none",
      reason: expect.stringMatching(/invocations-anomaly-orders still in ALARM/),
    });
    expect(
      decideSignal(subject(open), reading, ok(minutesAfter(NOW, 5)), { ...auto, now: minutesAfter(NOW, 5) }),
    ).toMatchObject({
      action: "none",
      reason: expect.stringMatching(/cool-down ends at 2025-06-01T12:10:00Z/),
    });
    expect(decideSignal(subject(open), reading, ok(later), { ...auto, now: later })).toMatchObject({
      action: "half-open",
      concurrency: 1,
    });
    const noTrickle = {
      ...auto,
      now: later,
      policy: policy({ autoReset: true, coolDownSeconds: 600, halfOpenConcurrency: 0 }),
    };
    expect(decideSignal(subject(open), reading, ok(later), noTrickle)).toMatchObject({
      action: "reset",
      reset: { restore: 25 },
    });
  });

  it("closes a disabled-mappings breaker straight away (no half-open for mappings)", () => {
    const record = openRecord({ previous: undefined, mappings: [UUIDS[0]] });
    const open = withRecord(
      fn("c", { tags: ON, eventSources: [sqsMapping(UUIDS[0], "q", "Disabled")] }),
      record,
    );
    const later = minutesAfter(NOW, 20);
    expect(
      decideSignal(
        subject(open),
        readRecord(open.tags),
        signal(ALARM, "OK", later, alarmState(ALARM, "OK", later)),
        { ...auto, now: later },
      ),
    ).toMatchObject({
      action: "reset",
      reset: { enableMappings: [UUIDS[0]] },
    });
  });
});

describe("decideEvaluation (schedule)", () => {
  const ALARM = "watchkeeper-breaker-error-rate-orders";
  const auto = policy({ autoReset: true, coolDownSeconds: 600, halfOpenSeconds: 300 });
  const at = (minutes: number, p = auto) => ctx({ policy: p, now: minutesAfter(NOW, minutes) });
  const open = withRecord(fn("orders", { tags: SYNC, reservedConcurrency: 0 }), openRecord());
  const halfOpen = withRecord(
    fn("orders", { tags: SYNC, reservedConcurrency: 1 }),
    openRecord({ state: "half-open", halfOpenSince: minutesAfter(NOW, 10), halfOpenConcurrency: 1 }),
  );

  it("half-opens after the cool-down, closes after a quiet half-open period, re-opens on ALARM", () => {
    const quiet = [alarmState(ALARM, "OK")];
    expect(decideEvaluation(subject(open), readRecord(open.tags), quiet, at(5)).action).toBe("none");
    expect(decideEvaluation(subject(open), readRecord(open.tags), quiet, at(10))).toMatchObject({
      action: "half-open",
      concurrency: 1,
    });
    expect(decideEvaluation(subject(halfOpen), readRecord(halfOpen.tags), quiet, at(12)).action).toBe("none");
    expect(decideEvaluation(subject(halfOpen), readRecord(halfOpen.tags), quiet, at(15))).toMatchObject({
      action: "reset",
      reset: { restore: 25 },
    });
    expect(
      decideEvaluation(subject(halfOpen), readRecord(halfOpen.tags), [alarmState(ALARM, "ALARM")], at(12))
        .action,
    ).toBe("reopen");
  });

  it("leaves breakers a person tripped, or whose trip alarm is gone, to a person", () => {
    const manual = withRecord(
      fn("orders", { tags: SYNC, reservedConcurrency: 0 }),
      openRecord({ by: "user:alice" }),
    );
    expect(decideEvaluation(subject(manual), readRecord(manual.tags), [], at(60))).toMatchObject({
      action: "none",
      reason: "orders was tripped by user:alice; only a person resets it",
    });
    expect(decideEvaluation(subject(open), readRecord(open.tags), [], at(60))).toMatchObject({
      reason: expect.stringMatching(/trip alarm .* no longer exists/),
    });
  });

  it("reports drift, and re-applies it only when the policy says so", () => {
    const drifted = withRecord(fn("orders", { tags: SYNC, reservedConcurrency: 25 }), openRecord());
    const reported = decideEvaluation(
      subject(drifted),
      readRecord(drifted.tags),
      [alarmState(ALARM, "ALARM")],
      at(1),
    );
    expect(reported).toMatchObject({
      action: "none",
      drift: [{ kind: "concurrency", expected: 0, actual: 25 }],
    });
    expect(reported.action === "none" && reported.reason).toMatch(/reported, not re-applied/);
    const reapply = decideEvaluation(
      subject(drifted),
      readRecord(drifted.tags),
      [],
      at(1, policy({ reapplyOnDrift: true })),
    );
    expect(reapply).toMatchObject({ action: "reapply", trip: { zeroConcurrency: true } });
  });

  it("half-opens at no more than the previous reservation", () => {
    const p = policy({ halfOpenConcurrency: 5 });
    expect(halfOpenConcurrency(openRecord({ previous: 2 }), p)).toBe(2);
    expect(halfOpenConcurrency(openRecord({ previous: "unset" }), p)).toBe(5);
    expect(halfOpenConcurrency(openRecord({ previous: 0 }), p)).toBeUndefined();
    expect(halfOpenConcurrency(openRecord(), policy({ halfOpenConcurrency: 0 }))).toBeUndefined();
  });
});

describe("invokers", () => {
  it("finds rules, topics and APIs that invoke the function, qualified targets included", () => {
    const target = arnOf.fn("a");
    const invokers = invokersOf(target, [
      { type: "rule-target", from: arnOf.rule("r"), to: `${target}:live` },
      { type: "subscription", from: arnOf.topic("t"), to: target },
      { type: "api-integration", from: arnOf.api("x"), to: target },
      { type: "rule-target", from: arnOf.rule("other"), to: arnOf.fn("b") },
      { type: "async-dlq", from: target, to: arnOf.queue("q") },
    ]);
    expect(invokers.map((i) => `${i.kind} ${i.target}`)).toEqual([
      `rule ${target}:live`,
      `topic ${target}`,
      `api ${target}`,
    ]);
  });
});

describe("trip alarms as data", () => {
  const inventory: Inventory = {
    accountId: "123456789012",
    region: "eu-south-1",
    discoveredAt: NOW.toISOString(),
    resources: [
      fn("orders", { tags: SYNC }),
      fn("payments", { tags: { ...ON, "watchkeeper:breaker-alarms": "error-rate" } }),
      fn("bogus", { tags: { ...ON, "watchkeeper:breaker-alarms": "latency" } }),
      fn("plain"),
      fn("watchkeeper-breaker", { tags: SYNC }),
    ],
    relations: [],
    warnings: [],
  };

  it("makes the configured alarms for opted-in functions only, named so the handler finds the function", () => {
    const { specs, warnings } = planBreakerAlarms(inventory, DEFAULT_BREAKER_POLICY);
    expect(specs.map((s) => s.name)).toEqual([
      "watchkeeper-breaker-error-rate-bogus",
      "watchkeeper-breaker-error-rate-orders",
      "watchkeeper-breaker-error-rate-payments",
      "watchkeeper-breaker-invocations-anomaly-bogus",
      "watchkeeper-breaker-invocations-anomaly-orders",
    ]);
    expect(warnings).toEqual([
      expect.stringMatching(/breaker-alarms=latency on bogus: latency is not a trip alarm/),
    ]);
    expect(specs.map((s) => s.tags[BREAKER_FUNCTION_TAG])).toEqual([
      "bogus",
      "orders",
      "payments",
      "bogus",
      "orders",
    ]);
    for (const spec of specs) {
      expect(functionOfAlarm("watchkeeper-", spec.name)).toBe(spec.tags[BREAKER_FUNCTION_TAG]);
      expect(spec.tags["watchkeeper:managed"]).toBe("true");
    }
    expect(breakerAlarmSpecs(inventory, DEFAULT_BREAKER_POLICY)).toEqual(specs);
  });

  it("writes the error rate with a static threshold and the band with ThresholdMetricId", () => {
    const specs = breakerAlarmSpecs(inventory, policy({ errorRatePercent: 25, anomalyBandWidth: 2 }));
    const rate = specs.find((s) => s.name === "watchkeeper-breaker-error-rate-orders")!;
    expect(isBandAlarm(rate)).toBe(false);
    expect(toPutMetricAlarmInput(rate)).toMatchObject({
      Threshold: 25,
      ComparisonOperator: "GreaterThanThreshold",
      Metrics: expect.arrayContaining([
        expect.objectContaining({
          Id: "rate",
          Expression: "IF(invocations >= 10, 100 * errors / invocations, 0)",
          ReturnData: true,
        }),
      ]),
    });
    const band = specs.find((s) => s.name === "watchkeeper-breaker-invocations-anomaly-orders")!;
    expect(isBandAlarm(band)).toBe(true);
    const input = toPutMetricAlarmInput(band);
    expect(input.ThresholdMetricId).toBe("band");
    expect(input.ComparisonOperator).toBe("GreaterThanUpperThreshold");
    expect("Threshold" in input).toBe(false);
    expect(input.Metrics?.find((m) => m.Id === "band")?.Expression).toBe(
      "ANOMALY_DETECTION_BAND(invocations, 2)",
    );
  });

  it("maps an alarm to its function by FunctionName dimension first, then by name", () => {
    expect(functionOfAlarm("watchkeeper-", "watchkeeper-breaker-custom", ["orders"])).toBe("orders");
    expect(functionOfAlarm("watchkeeper-", "watchkeeper-breaker-custom", ["a", "b"])).toBeUndefined();
    expect(functionOfAlarm("watchkeeper-", "watchkeeper-breaker-error-rate-my-fn")).toBe("my-fn");
    expect(functionOfAlarm("watchkeeper-", "watchkeeper-breaker-custom")).toBeUndefined();
    expect(functionOfAlarm("watchkeeper-", "orders-errors", ["orders"])).toBeUndefined();
  });
});
