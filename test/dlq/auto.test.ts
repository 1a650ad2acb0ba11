/** The opt-in auto-redrive plan over hand-made inventories: pure, so every rule is one small case. */
import { describe, expect, it } from "vitest";
import {
  autoRedriveAlarmNames,
  autoRedrivePlan,
  formatRedriveCount,
  parseRedriveCount,
  redriveHistory,
  type AlarmStateInput,
  type AutoRedriveDecision,
  type RedriveHistory,
} from "../../lib/dlq/index.js";
import type { EventSourceMapping, Resource } from "../../lib/inventory/index.js";
import { fn, inventoryOf, queue } from "../inventory/fixtures.js";

const NOW = Date.parse("2025-03-01T12:00:00Z");
const TODAY = "2025-03-01";
const minutesAgo = (m: number) => new Date(NOW - m * 60_000).toISOString();
const ok = (minutes: number): AlarmStateInput => ({
  state: "OK",
  stateUpdatedTimestamp: minutesAgo(minutes),
});
const ERRORS = "watchkeeper-lambda-errors-mailer";
const none: RedriveHistory = new Map();

function mailerAccount(
  dlqTags: Record<string, string> = { "watchkeeper:auto-redrive": "30" },
  extra: Resource[] = [],
) {
  const dlq = queue("mail-dlq", { approximateMessages: 5, tags: dlqTags });
  return inventoryOf([dlq, fn("mailer", { deadLetterTargetArn: dlq.arn }), ...extra]);
}

function only(decisions: readonly AutoRedriveDecision[]): AutoRedriveDecision {
  expect(decisions).toHaveLength(1);
  return decisions[0]!;
}

describe("autoRedrivePlan", () => {
  it("redrives when the source's error alarm has been OK long enough", () => {
    const plan = autoRedrivePlan(mailerAccount(), { [ERRORS]: ok(45) }, none, NOW);
    expect(only(plan.decisions)).toMatchObject({
      action: "redrive",
      method: "reinvoke",
      functionName: "mailer",
      waitMinutes: 30,
      tagOn: "mail-dlq",
      alarms: [{ name: ERRORS, state: "OK", okForMinutes: 45 }],
      redrivesToday: 0,
      maxPerDay: 3,
      reason: "error alarm OK for at least 30 min; redrive 1 of at most 3 today",
    });
    expect(plan.day).toBe(TODAY);
    expect(plan.sentence).toBe("1 opted-in DLQ: 1 to redrive, 0 skipped");
    expect(plan.warnings).toEqual([]);
  });

  it("waits while the alarm has been OK for less than the tag asks, or is not OK", () => {
    const recent = only(autoRedrivePlan(mailerAccount(), { [ERRORS]: ok(10) }, none, NOW).decisions);
    expect(recent).toMatchObject({ action: "skip" });
    expect(recent.reason).toBe(
      `error alarm ${ERRORS} has been OK for 10 min, less than the 30 min asked by watchkeeper:auto-redrive on mail-dlq`,
    );
    for (const state of ["ALARM", "INSUFFICIENT_DATA"]) {
      const decision = only(
        autoRedrivePlan(
          mailerAccount(),
          { [ERRORS]: { state, stateUpdatedTimestamp: minutesAgo(600) } },
          none,
          NOW,
        ).decisions,
      );
      expect(decision).toMatchObject({ action: "skip", reason: `error alarm ${ERRORS} is ${state}` });
    }
  });

  it("does nothing without the source's error alarm, and says how to get one", () => {
    const decision = only(autoRedrivePlan(mailerAccount(), new Map(), none, NOW).decisions);
    expect(decision.action).toBe("skip");
    expect(decision.reason).toContain(`error alarm ${ERRORS} not found`);
    expect(decision.reason).toContain("watchkeeper:alarms=individual");
  });

  it("stops at maxPerDay redrives a UTC day, and counts again the next day", () => {
    const states = new Map([[ERRORS, ok(120)]]);
    const dlqArn = mailerAccount().resources[0]!.arn;
    const today = new Map([[dlqArn, { day: TODAY, count: 3 }]]);
    const capped = only(autoRedrivePlan(mailerAccount(), states, today, NOW).decisions);
    expect(capped).toMatchObject({ action: "skip", redrivesToday: 3 });
    expect(capped.reason).toContain(
      "already redriven 3 times today (2025-03-01, UTC), the most allowed is 3",
    );

    const yesterday = new Map([[dlqArn, { day: "2025-02-28", count: 3 }]]);
    expect(only(autoRedrivePlan(mailerAccount(), states, yesterday, NOW).decisions)).toMatchObject({
      action: "redrive",
      redrivesToday: 0,
    });

    const once = new Map([[dlqArn, { day: TODAY, count: 1 }]]);
    expect(only(autoRedrivePlan(mailerAccount(), states, once, NOW, { maxPerDay: 1 }).decisions).action).toBe(
      "skip",
    );
    expect(
      only(autoRedrivePlan(mailerAccount(), states, once, NOW, { maxPerDay: 2 }).decisions),
    ).toMatchObject({
      action: "redrive",
      reason: "error alarm OK for at least 30 min; redrive 2 of at most 2 today",
    });
  });

  it("warns about a bad tag value and does not redrive", () => {
    for (const value of ["abc", "0", "-5", "10081", "1.5", "", "30m"]) {
      const plan = autoRedrivePlan(
        mailerAccount({ "watchkeeper:auto-redrive": value }),
        { [ERRORS]: ok(9999) },
        none,
        NOW,
      );
      const decision = only(plan.decisions);
      expect(decision.action).toBe("skip");
      expect(plan.warnings).toEqual([
        `watchkeeper:auto-redrive="${value}" on mail-dlq is not valid: use the minutes the source's error alarm ` +
          `must have been OK, a whole number from 1 to 10080`,
      ]);
    }
  });

  it("warns about an unreadable redrive count and does not redrive", () => {
    const inventory = mailerAccount({
      "watchkeeper:auto-redrive": "30",
      "watchkeeper:redrives": "yesterday:2",
    });
    const plan = autoRedrivePlan(inventory, { [ERRORS]: ok(60) }, redriveHistory(inventory), NOW);
    expect(only(plan.decisions).action).toBe("skip");
    expect(plan.warnings[0]).toContain(
      'watchkeeper:redrives="yesterday:2" on mail-dlq is not <yyyy-mm-dd>:<n>',
    );
  });

  it("reads the opt-in from a source when the DLQ has none", () => {
    const dlq = queue("mail-dlq", { approximateMessages: 1 });
    const inventory = inventoryOf([
      dlq,
      fn("mailer", { deadLetterTargetArn: dlq.arn, tags: { "watchkeeper:auto-redrive": "5" } }),
    ]);
    expect(only(autoRedrivePlan(inventory, { [ERRORS]: ok(6) }, none, NOW).decisions)).toMatchObject({
      action: "redrive",
      tagOn: "mailer",
      waitMinutes: 5,
    });
  });

  it("gates an SQS queue's DLQ on its consumers' error alarms, waiting the longest its sources ask", () => {
    const dlq = queue("orders-dlq", { approximateMessages: 2 });
    const consumer = (arn: string): EventSourceMapping => ({
      uuid: arn,
      sourceArn: arn,
      sourceKind: "sqs",
      state: "Enabled",
    });
    const a = queue("orders-a", {
      redrivePolicy: { deadLetterTargetArn: dlq.arn, maxReceiveCount: 5 },
      tags: { "watchkeeper:auto-redrive": "10" },
    });
    const b = queue("orders-b", {
      redrivePolicy: { deadLetterTargetArn: dlq.arn, maxReceiveCount: 5 },
      tags: { "watchkeeper:auto-redrive": "60" },
    });
    const inventory = inventoryOf([
      dlq,
      a,
      b,
      fn("orders-worker", { eventSources: [consumer(a.arn)] }),
      fn("orders-backfill", { eventSources: [consumer(b.arn)] }),
    ]);
    expect(autoRedriveAlarmNames(inventory)).toEqual([
      "watchkeeper-lambda-errors-orders-backfill",
      "watchkeeper-lambda-errors-orders-worker",
    ]);
    const states = {
      "watchkeeper-lambda-errors-orders-worker": ok(90),
      "watchkeeper-lambda-errors-orders-backfill": ok(30),
    };
    const plan = autoRedrivePlan(inventory, states, none, NOW);
    expect(only(plan.decisions)).toMatchObject({ action: "skip", method: "move-task", waitMinutes: 60 });
    expect(plan.warnings).toEqual([
      "orders-dlq: sources disagree on watchkeeper:auto-redrive (orders-a=10, orders-b=60): waiting the longest",
    ]);
    expect(
      only(
        autoRedrivePlan(
          inventory,
          { ...states, "watchkeeper-lambda-errors-orders-backfill": ok(61) },
          none,
          NOW,
        ).decisions,
      ).action,
    ).toBe("redrive");
  });

  it("skips an SQS source nobody consumes: there is no error alarm to wait for", () => {
    const dlq = queue("orphan-dlq", { approximateMessages: 2, tags: { "watchkeeper:auto-redrive": "5" } });
    const inventory = inventoryOf([
      dlq,
      queue("orphan", { redrivePolicy: { deadLetterTargetArn: dlq.arn, maxReceiveCount: 5 } }),
    ]);
    expect(only(autoRedrivePlan(inventory, {}, none, NOW).decisions).reason).toBe(
      "source queue orphan has no consuming function in the inventory, so there is no error alarm to wait for",
    );
  });

  it("skips an ignored, empty or ambiguous DLQ", () => {
    const states = { [ERRORS]: ok(600) };
    const ignored = mailerAccount({ "watchkeeper:auto-redrive": "5", "watchkeeper:ignore": "true" });
    expect(only(autoRedrivePlan(ignored, states, none, NOW).decisions).reason).toBe(
      "the queue carries watchkeeper:ignore=true",
    );

    const dlq = queue("mail-dlq", { approximateMessages: 0, tags: { "watchkeeper:auto-redrive": "5" } });
    const empty = inventoryOf([dlq, fn("mailer", { deadLetterTargetArn: dlq.arn })]);
    expect(only(autoRedrivePlan(empty, states, none, NOW).decisions).reason).toBe(
      "the queue was empty when the inventory was read",
    );

    const shared = queue("shared-dlq", { approximateMessages: 3, tags: { "watchkeeper:auto-redrive": "5" } });
    const ambiguous = inventoryOf([
      shared,
      fn("a", { deadLetterTargetArn: shared.arn }),
      fn("b", { deadLetterTargetArn: shared.arn }),
    ]);
    expect(only(autoRedrivePlan(ambiguous, {}, none, NOW).decisions).reason).toMatch(
      /^automatic redrive needs an unambiguous route: shared-dlq receives the async failures of several functions/,
    );
  });

  it("leaves queues that did not opt in out of the plan", () => {
    const plan = autoRedrivePlan(mailerAccount({}), { [ERRORS]: ok(600) }, none, NOW);
    expect(plan.decisions).toEqual([]);
    expect(plan.sentence).toBe("no DLQ is opted in to auto-redrive (tag watchkeeper:auto-redrive=<minutes>)");
  });

  it("takes other error alarms when told which", () => {
    const plan = autoRedrivePlan(mailerAccount(), new Map([["team-mailer-errors", ok(31)]]), none, NOW, {
      errorAlarmsOf: (f) => [`team-${f.name}-errors`],
    });
    expect(only(plan.decisions)).toMatchObject({
      action: "redrive",
      alarms: [{ name: "team-mailer-errors" }],
    });
    expect(autoRedriveAlarmNames(mailerAccount(), { alarmPrefix: "wk-" })).toEqual([
      "wk-lambda-errors-mailer",
    ]);
  });
});

describe("redrive count tag", () => {
  it("reads and writes <yyyy-mm-dd>:<n>", () => {
    expect(parseRedriveCount("2025-03-01:2")).toEqual({ day: "2025-03-01", count: 2 });
    expect(formatRedriveCount({ day: "2025-03-01", count: 3 })).toBe("2025-03-01:3");
    expect(parseRedriveCount(undefined)).toBeUndefined();
    for (const bad of ["2025-03-01", "2025-13-45:1", "x:1", "2025-03-01:-1", "2025-03-01:two"]) {
      expect(parseRedriveCount(bad)).toBe("invalid");
    }
  });
});
