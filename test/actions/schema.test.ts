/** parseAction: every action's input accepted as documented, and every bad field named. */
import { describe, expect, it } from "vitest";
import { ACTION_NAMES, parseAction, type ParseOptions } from "../../lib/actions/index.js";

function error(input: unknown, options: ParseOptions = { at: "event" }): string {
  const parsed = parseAction(input, options);
  if (parsed.ok) throw new Error(`expected a refusal, got ${JSON.stringify(parsed.action)}`);
  return parsed.error;
}

describe("parseAction", () => {
  it("accepts one valid input of every action", () => {
    const valid: Record<(typeof ACTION_NAMES)[number], Record<string, unknown>> = {
      status: {},
      "dlq-list": {},
      "dlq-show": { queue: "payments-dlq", sample: 2 },
      "dlq-redrive": { queue: " payments-dlq ", via: "move-task", rate: 50, dryRun: true },
      "dlq-status": { queue: "payments-dlq" },
      "dlq-cancel": { queue: "https://sqs.eu-west-1.amazonaws.com/123456789012/payments-dlq" },
      "dlq-auto-redrive": { maxPerDay: 2 },
      "breaker-status": {},
      "breaker-trip": {
        function: "arn:aws:lambda:eu-west-1:123456789012:function:payments-consumer",
        reason: "error loop",
      },
      "breaker-reset": { function: "payments-consumer" },
      "alarm-silence": { alarm: "watchkeeper-lambda-errors", minutes: 60, actor: "user:alice" },
      "alarm-unsilence": { alarm: "watchkeeper-lambda-errors" },
      "expire-silences": {},
      "retention-set": { logGroup: "/aws/lambda/orders-list", days: 30 },
      reconcile: { dryRun: false },
      "top-offenders": { alarm: "watchkeeper-lambda-errors", limit: 3 },
    };
    for (const name of ACTION_NAMES) {
      const parsed = parseAction({ action: name, ...valid[name] });
      expect(parsed, name).toMatchObject({ ok: true, action: { action: name } });
    }
    expect(parseAction({ action: "dlq-redrive", queue: " payments-dlq " })).toEqual({
      ok: true,
      action: { action: "dlq-redrive", queue: "payments-dlq" },
    });
  });

  it("says what is not an action", () => {
    expect(error("status")).toBe(
      `event: expected a JSON object with "action", one of ${ACTION_NAMES.join(", ")}`,
    );
    expect(error({ queue: "q" })).toBe(`event.action: missing; use one of ${ACTION_NAMES.join(", ")}`);
    expect(error({ action: "purge" })).toBe(
      `event.action: "purge" is not an action; use one of ${ACTION_NAMES.join(", ")}`,
    );
  });

  it("names each bad field, with what it should be", () => {
    expect(error({ action: "dlq-redrive" })).toBe("event.queue: missing (the queue's name, URL or ARN)");
    expect(error({ action: "dlq-redrive", queue: "   " })).toBe("event.queue: the queue's name, URL or ARN");
    expect(error({ action: "dlq-redrive", queue: "q", rate: 501, maxMessages: 0 })).toBe(
      "event.rate: a whole number from 1 to 500; event.maxMessages: a whole number from 1 to 10,000",
    );
    expect(error({ action: "dlq-redrive", queue: "q", via: "magic" })).toBe(
      'event.via: use "move-task" or "reinvoke"',
    );
    expect(error({ action: "dlq-status", queue: "q", ratePerSecond: 5 })).toBe(
      "event: unknown field ratePerSecond for action dlq-status",
    );
    expect(error({ action: "breaker-trip", function: "payments-consumer" })).toBe(
      "event.reason: missing (why, in a few words)",
    );
    expect(error({ action: "breaker-trip", function: "not a name", reason: "x" })).toBe(
      "event.function: a Lambda function name or ARN (letters, digits, - and _)",
    );
    expect(error({ action: "alarm-silence", alarm: "a", minutes: 0 })).toBe(
      "event.minutes: a whole number from 1 to 10,080",
    );
    expect(error({ action: "alarm-silence", alarm: "a", minutes: 1.5 })).toBe(
      "event.minutes: a whole number from 1 to 10,080",
    );
    expect(error({ action: "alarm-silence", alarm: "a" })).toBe(
      "event.minutes: missing (a whole number from 1 to 10,080)",
    );
    expect(error({ action: "retention-set", logGroup: "/aws/lambda/x", days: 45 })).toBe(
      'event.days: retention 45 is not valid; use one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 or "never"',
    );
    expect(error({ action: "retention-set", logGroup: "no spaces please", days: 30 })).toBe(
      "event.logGroup: a log group name (letters, digits and . - _ / #)",
    );
    expect(error({ action: "status", dryRun: "yes" })).toBe("event.dryRun: true or false");
    expect(error({ action: "status", actor: "alice<script>" })).toBe(
      "event.actor: letters, digits, spaces and _ . : / = + @ -",
    );
  });

  it("names fields as the caller knows them", () => {
    expect(
      error({ action: "alarm-silence", alarm: "a", minutes: 20_000 }, { labels: { minutes: "--for" } }),
    ).toBe("--for: a whole number from 1 to 10,080");
    expect(error({ action: "dlq-show", queue: "" }, { labels: { queue: "<dlq>" } })).toBe(
      "<dlq>: the queue's name, URL or ARN",
    );
    expect(error({ action: "reconcile", extra: 1 }, {})).toBe(
      "input: unknown field extra for action reconcile",
    );
  });
});
