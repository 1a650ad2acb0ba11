import { describe, expect, it } from "vitest";
import {
  DEFAULT_RETENTION_POLICY,
  RETENTION_DAYS,
  describeSaving,
  estimateRetentionSaving,
  matchingRule,
  parseRetention,
  planRetention,
  readTagRetention,
  retentionPolicy,
  retentionState,
  snapRetention,
  storagePrice,
  type RetentionChange,
  type RetentionPlan,
} from "../../lib/logs/index.js";
import type { Resource } from "../../lib/inventory/types.js";
import { inventory, lambdaFunction, logGroup } from "./fixtures.js";

const GB = 1024 ** 3;

function plan(resources: readonly Resource[], policy: unknown = {}): RetentionPlan {
  return planRetention(inventory(resources), retentionPolicy(policy));
}

function only(result: RetentionPlan): RetentionChange {
  expect(result.changes).toHaveLength(1);
  return result.changes[0] as RetentionChange;
}

/** Group name → retention after the plan is applied ("never" when it keeps none). */
function outcome(result: RetentionPlan): Record<string, number | "never"> {
  return Object.fromEntries(result.changes.map((c) => [c.target, c.desired.retentionInDays ?? "never"]));
}

describe("valid retention values", () => {
  it("are the set PutRetentionPolicy accepts", () => {
    expect(RETENTION_DAYS).toEqual([
      1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
    ]);
  });

  it("snap up to the next valid value, never below what was asked", () => {
    expect(snapRetention(45)).toBe(60);
    expect(snapRetention(30)).toBe(30);
    expect(snapRetention(2)).toBe(3);
    expect(snapRetention(1.5)).toBe(3);
    expect(snapRetention(366)).toBe(400);
    expect(snapRetention(3653)).toBe(3653);
    expect(snapRetention(3654)).toBeUndefined();
    expect(snapRetention(0)).toBeUndefined();
    expect(snapRetention(-7)).toBeUndefined();
    expect(snapRetention(Number.NaN)).toBeUndefined();
  });

  it("parse configured values strictly, naming the bad value, where it is and the valid set", () => {
    expect(parseRetention(30, "defaultDays")).toBe(30);
    expect(() => parseRetention("90", "defaultDays")).toThrow(
      'defaultDays: expected a number of days or "never", got the string "90"; write 90 without quotes',
    );
    expect(parseRetention("never", "rules[0].days")).toBe("never");
    expect(() => parseRetention(15, "config.defaultDays")).toThrow(
      'config.defaultDays: retention 15 is not valid (the next valid value is 30); use one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 (days) or "never"',
    );
    expect(() => parseRetention("thirty", "x")).toThrow(
      'x: retention "thirty" is not valid; use one of 1, 3, 5',
    );
    expect(() => parseRetention(5000, "x")).toThrow("x: retention 5000 is not valid; use one of");
    expect(() => parseRetention(null, "x")).toThrow("x: retention null is not valid");
  });

  it("read tag values leniently", () => {
    expect(readTagRetention("45")).toEqual({ ok: true, value: 60, asked: 45 });
    expect(readTagRetention(" 14 ")).toEqual({ ok: true, value: 14 });
    expect(readTagRetention("NEVER")).toEqual({ ok: true, value: "never" });
    expect(readTagRetention("two weeks")).toEqual({
      ok: false,
      problem: '"two weeks" is not a number of days or "never"',
    });
    expect(readTagRetention("0")).toEqual({ ok: false, problem: "0 days is outside 1..3653" });
    expect(readTagRetention("99999")).toEqual({ ok: false, problem: "99999 days is outside 1..3653" });
  });
});

describe("retention policy config", () => {
  it("defaults to 30 days, no cap, never shortening, no rules", () => {
    expect(retentionPolicy()).toEqual(DEFAULT_RETENTION_POLICY);
    expect(DEFAULT_RETENTION_POLICY).toEqual({
      defaultDays: 30,
      shortenLonger: false,
      rules: [],
      excludePrefixes: [],
    });
  });

  it("accepts a full policy", () => {
    const policy = retentionPolicy({
      defaultDays: 14,
      maxDays: 365,
      shortenLonger: true,
      rules: [
        { prefix: "/aws/lambda/audit-", days: 365 },
        { prefix: "/vendor/", exclude: true },
      ],
      excludePrefixes: ["/aws/rds/", "/aws/rds/"],
    });
    expect(policy).toEqual({
      defaultDays: 14,
      maxDays: 365,
      shortenLonger: true,
      rules: [
        { prefix: "/aws/lambda/audit-", days: 365 },
        { prefix: "/vendor/", exclude: true },
      ],
      excludePrefixes: ["/aws/rds/"],
    });
  });

  it("rejects an invalid default with the valid set", () => {
    expect(() => retentionPolicy({ defaultDays: 45 })).toThrow(
      "retention policy.defaultDays: retention 45 is not valid (the next valid value is 60); use one of 1, 3, 5, 7, 14, 30",
    );
    expect(() => retentionPolicy({ defaultDays: "never" })).toThrow(
      'retention policy.defaultDays: retention must be a number of days here, not "never"',
    );
  });

  it("rejects each bad setting by name, all at once", () => {
    let message = "";
    try {
      retentionPolicy(
        {
          defaultDay: 30,
          maxDays: 14,
          defaultDays: 30,
          shortenLonger: "yes",
          rules: [
            { prefix: "/a/", days: 45 },
            { prefix: "/b/", days: 30, exclude: true },
            { prefix: "/a/", days: 30 },
            { prefix: "", days: 30 },
            { prefix: "/c/", days: 90 },
            { prefix: "/d/", days: 7, ttl: 3 },
          ],
          excludePrefixes: ["/ok/", 3],
        },
        "config.retention",
      );
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split("\n")).toEqual([
      "config.retention is not valid:",
      "- config.retention.defaultDay: unknown setting; known settings are defaultDays, maxDays, shortenLonger, rules, excludePrefixes",
      "- config.retention: defaultDays 30 is above maxDays 14; lower defaultDays or raise maxDays",
      '- config.retention.shortenLonger: expected true or false, got "yes"',
      "- config.retention.excludePrefixes: expected a list of non-empty log group name prefixes",
      expect.stringContaining(
        "- config.retention.rules[0].days: retention 45 is not valid (the next valid value is 60)",
      ),
      '- config.retention.rules[1] ("/b/"): give exactly one of days and exclude: true',
      '- config.retention.rules[2].prefix: "/a/" appears in more than one rule; keep one',
      '- config.retention.rules[3].prefix: expected a non-empty log group name prefix, got ""',
      '- config.retention.rules[4].days: 90 for "/c/" is above maxDays 14; lower it or raise maxDays',
      "- config.retention.rules[5].ttl: unknown setting; a rule has prefix, days, exclude",
    ]);
  });

  it("rejects a rule that keeps groups forever under a cap, and a policy that is not an object", () => {
    expect(() => retentionPolicy({ maxDays: 365, rules: [{ prefix: "/x/", days: "never" }] })).toThrow(
      'retention policy.rules[0].days: never for "/x/" is above maxDays 365',
    );
    expect(() => retentionPolicy([30])).toThrow("retention policy: expected an object, got a list");
    expect(() => retentionPolicy({ rules: { prefix: "/x/" } })).toThrow(
      "retention policy.rules: expected a list of { prefix, days } or { prefix, exclude: true }, got an object",
    );
  });
});

describe("planRetention", () => {
  it("sets the default on a group that never expires", () => {
    const change = only(plan([logGroup("/aws/lambda/orders")]));
    expect(change).toMatchObject({
      action: "update",
      kind: "log-retention",
      target: "/aws/lambda/orders",
      source: "default",
      actual: { logGroupName: "/aws/lambda/orders" },
      desired: { logGroupName: "/aws/lambda/orders", retentionInDays: 30 },
      diff: [{ field: "retentionInDays", from: "never", to: 30 }],
      reason: "never expires: set 30 days from the default",
    });
    expect(change.actual.retentionInDays).toBeUndefined();
  });

  it("uses the configured default", () => {
    expect(only(plan([logGroup("/a")], { defaultDays: 14 })).desired.retentionInDays).toBe(14);
  });

  it("keeps a group already at the default, a shorter one and a longer one", () => {
    const result = plan([
      logGroup("/equal", { retentionInDays: 30 }),
      logGroup("/shorter", { retentionInDays: 7 }),
      logGroup("/longer", { retentionInDays: 365 }),
    ]);
    expect(result.changes.map((c) => [c.target, c.action, c.reason])).toEqual([
      ["/equal", "noop", "already 30 days from the default"],
      ["/longer", "noop", "365 days is longer than 30 days from the default and kept (shortenLonger is off)"],
      ["/shorter", "noop", "7 days is shorter than the default 30 and kept"],
    ]);
    expect(result.changes.every((c) => c.desired.retentionInDays === c.actual.retentionInDays)).toBe(true);
  });

  it("shortens a longer retention only when the policy says so", () => {
    const change = only(plan([logGroup("/longer", { retentionInDays: 365 })], { shortenLonger: true }));
    expect(change).toMatchObject({
      action: "update",
      desired: { retentionInDays: 30 },
      reason: "365 days is longer than 30 days from the default: shortened (shortenLonger is on)",
    });
  });

  it("caps groups above maxDays, even when shortenLonger is off", () => {
    const result = plan(
      [
        logGroup("/way-longer", { retentionInDays: 3653 }),
        logGroup("/longer", { retentionInDays: 180 }),
        logGroup("/never"),
      ],
      { maxDays: 365 },
    );
    expect(outcome(result)).toEqual({ "/longer": 180, "/never": 30, "/way-longer": 365 });
    expect(result.changes.find((c) => c.target === "/way-longer")?.reason).toBe(
      "3653 days is above maxDays 365: capped (wanted 30 days; shortenLonger is off)",
    );
  });

  it("applies the longest matching prefix rule, whatever the rule order", () => {
    const rules = [
      { prefix: "/aws/lambda/", days: 14 },
      { prefix: "/aws/lambda/audit-", days: 365 },
      { prefix: "/aws/", days: 60 },
    ] as const;
    const groups = [
      logGroup("/aws/lambda/audit-trail"),
      logGroup("/aws/lambda/orders"),
      logGroup("/aws/ecs/web"),
    ];
    const expected = { "/aws/ecs/web": 60, "/aws/lambda/audit-trail": 365, "/aws/lambda/orders": 14 };
    expect(outcome(plan(groups, { rules }))).toEqual(expected);
    expect(outcome(plan(groups, { rules: [...rules].reverse() }))).toEqual(expected);
    expect(matchingRule("/aws/lambda/audit-x", rules)?.prefix).toBe("/aws/lambda/audit-");
    expect(matchingRule("/other", rules)).toBeUndefined();
    expect(plan(groups, { rules }).changes[1]?.reason).toBe(
      'never expires: set 365 days from the rule for "/aws/lambda/audit-"',
    );
  });

  it("raises a shorter retention to a rule's value but keeps a longer one", () => {
    const result = plan(
      [logGroup("/audit/short", { retentionInDays: 30 }), logGroup("/audit/long", { retentionInDays: 731 })],
      { rules: [{ prefix: "/audit/", days: 365 }] },
    );
    expect(outcome(result)).toEqual({ "/audit/long": 731, "/audit/short": 365 });
    expect(result.changes.map((c) => c.reason)).toEqual([
      '731 days is longer than 365 days from the rule for "/audit/" and kept (shortenLonger is off)',
      '30 days is shorter than 365 days from the rule for "/audit/": raised',
    ]);
  });

  it("leaves groups alone under a rule that keeps them forever", () => {
    const result = plan([logGroup("/keep/a"), logGroup("/keep/b", { retentionInDays: 90 })], {
      rules: [{ prefix: "/keep/", days: "never" }],
    });
    expect(result.changes.map((c) => [c.action, c.source, c.reason])).toEqual([
      ["noop", "rule", 'never expires, as the rule for "/keep/" asks'],
      [
        "noop",
        "rule",
        'the rule for "/keep/" asks to never expire, but Watchkeeper never removes a retention: 90 days kept',
      ],
    ]);
  });

  it("excludes by prefix, by rule and by the ignore tag, before any other rule or tag", () => {
    const result = plan(
      [
        logGroup("/vendor/app", { tags: { "watchkeeper:retention": "7" } }),
        logGroup("/aws/lambda/legacy-x"),
        logGroup("/aws/lambda/ignored", {
          tags: { "watchkeeper:ignore": "true", "watchkeeper:retention": "7" },
        }),
        logGroup("/aws/lambda/kept"),
      ],
      {
        excludePrefixes: ["/vendor/"],
        rules: [
          { prefix: "/aws/lambda/legacy-", exclude: true },
          { prefix: "/vendor/app", days: 14 },
        ],
      },
    );
    expect(result.changes.map((c) => [c.target, c.action, c.source, c.reason])).toEqual([
      ["/aws/lambda/ignored", "noop", "excluded", "excluded: watchkeeper:ignore=true on the group"],
      ["/aws/lambda/kept", "update", "default", "never expires: set 30 days from the default"],
      ["/aws/lambda/legacy-x", "noop", "excluded", 'excluded: rule for prefix "/aws/lambda/legacy-"'],
      ["/vendor/app", "noop", "excluded", 'excluded: name starts with "/vendor/" (excludePrefixes)'],
    ]);
  });

  it("leaves DELIVERY-class groups alone, since their retention cannot be set", () => {
    const result = plan([
      logGroup("/delivery", { logGroupClass: "DELIVERY", tags: { "watchkeeper:retention": "90" } }),
      logGroup("/standard", { logGroupClass: "STANDARD" }),
    ]);
    expect(result.changes.map((c) => [c.target, c.action, c.reason])).toEqual([
      ["/delivery", "noop", "excluded: DELIVERY-class groups have a fixed retention"],
      ["/standard", "update", "never expires: set 30 days from the default"],
    ]);
  });

  it("follows the group's retention tag, snapped up, in both directions", () => {
    const result = plan([
      logGroup("/tagged/never", { tags: { "watchkeeper:retention": "45" } }),
      logGroup("/tagged/longer", { retentionInDays: 365, tags: { "watchkeeper:retention": "14" } }),
      logGroup("/tagged/shorter", { retentionInDays: 7, tags: { "watchkeeper:retention": "90" } }),
    ]);
    expect(outcome(result)).toEqual({ "/tagged/longer": 14, "/tagged/never": 60, "/tagged/shorter": 90 });
    expect(result.changes.map((c) => c.reason)).toEqual([
      "365 days is longer than 14 days from tag watchkeeper:retention=14: shortened",
      "never expires: set 60 days from tag watchkeeper:retention=45 (snapped up to 60)",
      "7 days is shorter than 90 days from tag watchkeeper:retention=90: raised",
    ]);
    expect(result.changes.every((c) => c.source === "group-tag")).toBe(true);
  });

  it("reads a 'never' tag as: set nothing, remove nothing; under a cap, the cap wins", () => {
    const tags = { "watchkeeper:retention": "never" };
    const free = plan([logGroup("/a", { tags }), logGroup("/b", { tags, retentionInDays: 30 })]);
    expect(free.changes.map((c) => c.action)).toEqual(["noop", "noop"]);
    expect(outcome(free)).toEqual({ "/a": "never", "/b": 30 });

    const capped = only(plan([logGroup("/a", { tags })], { maxDays: 365 }));
    expect(capped).toMatchObject({
      action: "update",
      desired: { retentionInDays: 365 },
      reason:
        "never expires: set 365 days, the maxDays cap (tag watchkeeper:retention=never asks for no expiry)",
    });
  });

  it("caps a tag above maxDays", () => {
    const change = only(
      plan([logGroup("/a", { tags: { "watchkeeper:retention": "3653" } })], { maxDays: 365 }),
    );
    expect(change.desired.retentionInDays).toBe(365);
  });

  it("warns about an unreadable tag and falls back to the rule or default, without failing", () => {
    const result = plan(
      [
        logGroup("/bad/word", { tags: { "watchkeeper:retention": "forever-ish" } }),
        logGroup("/bad/zero", { tags: { "watchkeeper:retention": "0" } }),
        logGroup("/other", { tags: { "watchkeeper:retention": "99999" } }),
      ],
      { rules: [{ prefix: "/bad/", days: 90 }] },
    );
    expect(outcome(result)).toEqual({ "/bad/word": 90, "/bad/zero": 90, "/other": 30 });
    expect(result.warnings).toEqual([
      {
        logGroup: "/bad/word",
        message:
          'tag watchkeeper:retention on the group: "forever-ish" is not a number of days or "never"; ignored (use a number of days or "never")',
      },
      {
        logGroup: "/bad/zero",
        message:
          'tag watchkeeper:retention on the group: 0 days is outside 1..3653; ignored (use a number of days or "never")',
      },
      {
        logGroup: "/other",
        message:
          'tag watchkeeper:retention on the group: 99999 days is outside 1..3653; ignored (use a number of days or "never")',
      },
    ]);
  });
});

describe("log groups of functions", () => {
  it("names the function writing to its default group and applies the function's tags to it", () => {
    const result = plan([
      lambdaFunction("orders", { tags: { "watchkeeper:retention": "90" } }),
      logGroup("/aws/lambda/orders"),
      logGroup("/aws/lambda/unowned"),
    ]);
    expect(result.changes.map((c) => [c.target, c.functions, c.source, c.desired.retentionInDays])).toEqual([
      ["/aws/lambda/orders", ["orders"], "function-tag", 90],
      ["/aws/lambda/unowned", [], "default", 30],
    ]);
    expect(result.changes[0]?.reason).toBe(
      "never expires: set 90 days from tag watchkeeper:retention=90 on function orders",
    );
  });

  it("matches a custom log group (advanced logging) to its function, not the unused default group", () => {
    const result = plan([
      lambdaFunction("billing", { logGroupName: "/app/billing", tags: { "watchkeeper:retention": "180" } }),
      logGroup("/app/billing"),
      logGroup("/aws/lambda/billing", { retentionInDays: 3 }),
    ]);
    expect(result.changes.map((c) => [c.target, c.functions, c.source, c.action])).toEqual([
      ["/app/billing", ["billing"], "function-tag", "update"],
      ["/aws/lambda/billing", [], "default", "noop"],
    ]);
    expect(outcome(result)).toEqual({ "/app/billing": 180, "/aws/lambda/billing": 3 });
  });

  it("matches through the inventory's log-group relations too", () => {
    const fn = lambdaFunction("relay", { tags: { "watchkeeper:retention": "7" } });
    const group = logGroup("/shared/relay");
    const result = planRetention(
      inventory([fn, group], [{ type: "log-group", from: fn.arn, to: `${group.arn}:*` }]),
      DEFAULT_RETENTION_POLICY,
    );
    expect(only(result)).toMatchObject({
      functions: ["relay"],
      source: "function-tag",
      desired: { retentionInDays: 7 },
    });
  });

  it("ignores a relation to a group the inventory does not hold, even one of the same name elsewhere", () => {
    const fn = lambdaFunction("relay", { tags: { "watchkeeper:retention": "7" } });
    const group = logGroup("/shared/relay");
    const elsewhere = group.arn.replace(/:\d{12}:/, ":999999999999:");
    expect(elsewhere).not.toBe(group.arn);
    const result = planRetention(
      inventory([fn, group], [{ type: "log-group", from: fn.arn, to: elsewhere }]),
      DEFAULT_RETENTION_POLICY,
    );
    expect(only(result)).toMatchObject({ functions: [], source: "default" });
  });

  it("lets the group's own tag win over its function's", () => {
    const change = only(
      plan([
        lambdaFunction("api", { tags: { "watchkeeper:retention": "90" } }),
        logGroup("/aws/lambda/api", { tags: { "watchkeeper:retention": "14" } }),
      ]),
    );
    expect(change).toMatchObject({
      source: "group-tag",
      functions: ["api"],
      desired: { retentionInDays: 14 },
    });
  });

  it("excludes the group of an ignored function", () => {
    const change = only(
      plan([
        lambdaFunction("secret", { tags: { "watchkeeper:ignore": "yes" } }),
        logGroup("/aws/lambda/secret"),
      ]),
    );
    expect(change).toMatchObject({
      action: "noop",
      source: "excluded",
      reason: "excluded: watchkeeper:ignore=yes on function secret",
    });
  });

  it("uses the longest ask when functions sharing a group disagree, and says so", () => {
    const result = plan([
      lambdaFunction("a", { logGroupName: "/shared", tags: { "watchkeeper:retention": "14" } }),
      lambdaFunction("b", { logGroupName: "/shared", tags: { "watchkeeper:retention": "100" } }),
      lambdaFunction("c", { logGroupName: "/shared", tags: { "watchkeeper:retention": "soon" } }),
      logGroup("/shared"),
    ]);
    const change = only(result);
    expect(change).toMatchObject({ functions: ["a", "b", "c"], desired: { retentionInDays: 120 } });
    expect(change.reason).toBe(
      "never expires: set 120 days from tag watchkeeper:retention=100 (snapped up to 120) on function b",
    );
    expect(result.warnings.map((w) => w.message)).toEqual([
      'tag watchkeeper:retention on function c: "soon" is not a number of days or "never"; ignored (use a number of days or "never")',
      "functions sharing this group ask for different retentions (a=14, b=100); the longest is used",
    ]);
  });
});

describe("determinism", () => {
  it("gives the same plan whatever order the inventory lists resources in", () => {
    const resources: Resource[] = [
      logGroup("/z", { retentionInDays: 3653, storedBytes: 10 * GB }),
      lambdaFunction("m", { logGroupName: "/m" }),
      logGroup("/m", { storedBytes: GB }),
      logGroup("/a", { tags: { "watchkeeper:retention": "bad" } }),
      logGroup("/b", { retentionInDays: 7 }),
    ];
    const policy = { maxDays: 365, rules: [{ prefix: "/b", days: 14 }] };
    const first = plan(resources, policy);
    const second = plan([...resources].reverse(), policy);
    expect(second).toEqual(first);
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    expect(first.changes.map((c) => c.target)).toEqual(["/a", "/b", "/m", "/z"]);
  });
});

describe("storage saving", () => {
  it("estimates from stored bytes: spread over the old window, or up to everything for never-expire groups", () => {
    const result = plan(
      [
        logGroup("/never", { storedBytes: 100 * GB }),
        logGroup("/long", { retentionInDays: 3653, storedBytes: 20 * GB }),
        logGroup("/unknown"),
        logGroup("/raised", { retentionInDays: 1, storedBytes: GB, tags: { "watchkeeper:retention": "7" } }),
        logGroup("/kept", { retentionInDays: 7, storedBytes: 5 * GB }),
      ],
      { maxDays: 365 },
    );
    const saving = result.saving;
    expect(saving.groups.map((g) => [g.logGroup, g.fromDays, g.toDays, g.basis])).toEqual([
      ["/never", undefined, 30, "upper-bound"],
      ["/long", 3653, 365, "window"],
    ]);
    const longRemoved = Math.round(20 * GB * (1 - 365 / 3653));
    expect(saving.groups[1]?.removedBytes).toBe(longRemoved);
    expect(saving.removedBytes).toBe(100 * GB + longRemoved);
    expect(saving.monthlyUsd).toBeCloseTo(((100 * GB + longRemoved) / GB) * 0.03, 10);
    expect(saving.unknownGroups).toBe(1);
    expect(saving.upperBound).toBe(true);
    expect(describeSaving(saving)).toBe(
      "up to $3.54/month (118.0 GB at $0.03/GB-month, eu-west-1 price, approximate; 1 group with unknown size not counted)",
    );
  });

  it("prices by region, says when it falls back to us-east-1's price, and never shows $0.00 for a saving", () => {
    const changes = plan([logGroup("/small", { storedBytes: 50 * 1024 ** 2 })]).changes;
    expect(describeSaving(estimateRetentionSaving(changes, storagePrice("eu-central-1")))).toBe(
      "up to < $0.01/month (50.0 MB at $0.0324/GB-month, eu-central-1 price, approximate)",
    );
    expect(describeSaving(estimateRetentionSaving(changes, storagePrice("me-south-1")))).toBe(
      "up to < $0.01/month (50.0 MB at $0.03/GB-month, approximate: us-east-1 price, none known for me-south-1)",
    );
  });

  it("is empty when nothing gets shorter", () => {
    const saving = estimateRetentionSaving(
      plan([logGroup("/a", { retentionInDays: 30, storedBytes: GB })]).changes,
    );
    expect(saving).toMatchObject({
      groups: [],
      removedBytes: 0,
      monthlyUsd: 0,
      upperBound: false,
      unknownGroups: 0,
    });
    expect(describeSaving(saving)).toBe("no storage saving estimated");
  });
});

describe("retentionState", () => {
  it("gives one row per group with its current and planned retention", () => {
    const state = retentionState(
      inventory([
        lambdaFunction("orders"),
        logGroup("/aws/lambda/orders", { storedBytes: 42 }),
        logGroup("/kept", { retentionInDays: 14 }),
        logGroup("/off", { tags: { "watchkeeper:ignore": "true" } }),
        logGroup("/odd", { tags: { "watchkeeper:retention": "x" } }),
      ]),
      retentionPolicy(),
    );
    expect(state.rows).toEqual([
      {
        logGroup: "/aws/lambda/orders",
        current: "never",
        planned: 30,
        status: "will-change",
        source: "default",
        functions: ["orders"],
        storedBytes: 42,
        reason: "never expires: set 30 days from the default",
      },
      {
        logGroup: "/kept",
        current: 14,
        planned: 14,
        status: "ok",
        source: "default",
        functions: [],
        reason: "14 days is shorter than the default 30 and kept",
      },
      {
        logGroup: "/odd",
        current: "never",
        planned: 30,
        status: "will-change",
        source: "default",
        functions: [],
        reason: "never expires: set 30 days from the default",
      },
      {
        logGroup: "/off",
        current: "never",
        planned: "never",
        status: "excluded",
        source: "excluded",
        functions: [],
        reason: "excluded: watchkeeper:ignore=true on the group",
      },
    ]);
    expect(state.warnings).toHaveLength(1);
  });
});
