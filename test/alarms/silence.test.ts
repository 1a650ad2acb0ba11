/**
 * Silences in the alarm plan (pure): a managed alarm with a silence that has not ended keeps its actions
 * off, whatever else the plan changes on it; one whose silence ended (or whose end is unreadable) gets
 * its actions back and loses the silence tags; without a time, the plan never lifts a silence.
 */
import { describe, expect, it } from "vitest";
import { planAlarms, type AlarmChange } from "../../lib/alarms/plan.js";
import { readSilence, silencedActions } from "../../lib/alarms/silence.js";
import type { AlarmSpec, ExistingAlarm } from "../../lib/alarms/spec.js";
import { TAGS } from "../../lib/policy/tags.js";
import { ACCOUNT, REGION, fn, inventoryOf, policyOf } from "./fixtures.js";

const NOW = new Date("2026-03-01T12:00:00.000Z");
const LATER = "2026-03-01T13:00:00.000Z";
const EARLIER = "2026-03-01T11:00:00.000Z";
const NAME = "watchkeeper-lambda-errors";
const policy = policyOf();
const inventory = inventoryOf([fn("checkout")]);

function wanted(): AlarmSpec {
  const spec = planAlarms(inventory, policy, []).desired.find((s) => s.name === NAME);
  if (!spec) throw new Error(`${NAME} not planned`);
  return spec;
}

/** The alarm as it exists: as wanted, with its actions as given and extra tags. */
function existing(actionsEnabled: boolean, tags: Record<string, string>, change: Partial<AlarmSpec> = {}) {
  const { name, tags: own, origin: _origin, ...definition } = { ...wanted(), ...change } as AlarmSpec;
  const alarm: ExistingAlarm = {
    ...definition,
    actionsEnabled,
    name,
    arn: `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${name}`,
    managed: true,
    tags: { ...own, ...tags },
  } as ExistingAlarm;
  return alarm;
}

function changeOf(alarm: ExistingAlarm, now: Date | null = NOW): AlarmChange {
  const plan = planAlarms(inventory, policy, [alarm], now ? { now } : {});
  return plan.changes.find((c) => c.target === NAME)!;
}

describe("readSilence", () => {
  it("reads a running, an ended and a damaged silence", () => {
    expect(readSilence({}, NOW)).toEqual({ kind: "none" });
    expect(readSilence({ [TAGS.silencedUntil]: LATER, [TAGS.silencedBy]: "user:alice" }, NOW)).toEqual({
      kind: "active",
      until: new Date(LATER),
      by: "user:alice",
    });
    expect(readSilence({ [TAGS.silencedUntil]: EARLIER }, NOW)).toEqual({
      kind: "ended",
      until: new Date(EARLIER),
    });
    expect(readSilence({ [TAGS.silencedUntil]: "soon" }, NOW)).toEqual({ kind: "unreadable", value: "soon" });
    expect(silencedActions({ [TAGS.silencedUntil]: "soon" }, NOW)).toEqual({ off: false, lift: true });
    expect(silencedActions({ [TAGS.silencedUntil]: LATER }, NOW)).toEqual({ off: true, lift: false });
  });
});

describe("planAlarms with silences", () => {
  it("leaves a silenced alarm as it is while its silence runs", () => {
    const change = changeOf(existing(false, { [TAGS.silencedUntil]: LATER }));
    expect(change.action).toBe("noop");
    expect(change.reason).toBe(`up to date (silenced until ${LATER}: actions stay off)`);
  });

  it("updates a silenced alarm's definition with its actions still off", () => {
    const change = changeOf(existing(false, { [TAGS.silencedUntil]: LATER }, { threshold: 99 }));
    expect(change.action).toBe("update");
    expect(change.diff?.map((d) => d.field)).toEqual(["Threshold"]);
    expect(change.desired?.actionsEnabled).toBe(false);
    expect(change.reason).toBe(`differs in Threshold (silenced until ${LATER}: actions stay off)`);
  });

  it("turns actions back on and lifts the silence once it has ended", () => {
    const change = changeOf(
      existing(false, { [TAGS.silencedUntil]: EARLIER, [TAGS.silencedBy]: "user:alice" }),
    );
    expect(change.action).toBe("update");
    expect(change.desired?.actionsEnabled).toBe(true);
    expect(change.diff).toEqual([
      { field: "ActionsEnabled", from: false, to: true },
      { field: "Silence", from: EARLIER, to: "ended" },
    ]);
    expect(change.reason).toBe("differs in ActionsEnabled, Silence");
  });

  it("removes an ended silence's tags from an alarm whose actions are already on", () => {
    const change = changeOf(existing(true, { [TAGS.silencedUntil]: EARLIER }));
    expect(change.action).toBe("update");
    expect(change.diff).toEqual([{ field: "Silence", from: EARLIER, to: "ended" }]);
  });

  it("turns on actions that were turned off by hand, with no silence", () => {
    const change = changeOf(existing(false, {}));
    expect(change.diff).toEqual([{ field: "ActionsEnabled", from: false, to: true }]);
  });

  it("without a time, never lifts a silence", () => {
    expect(changeOf(existing(false, { [TAGS.silencedUntil]: EARLIER }), null).action).toBe("noop");
  });
});
