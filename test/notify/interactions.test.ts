/**
 * The Slack interactions endpoint (functions/slack-interactions.ts): signed requests as Slack sends them
 * through API Gateway, the allow-lists, the hand-off to runbook-action, and the job runbook-action runs
 * for it (lib/actions/slack-job.ts) with what the Slack stand-in received. Only a valid request from an
 * allowed user in an allowed channel is handed off. test/actions/slack.sim.test.ts runs both functions
 * over lib/sim, with the hand-off through Lambda Invoke.
 */
import type { ActionsBlock, Button } from "@slack/types";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  createInteractionHandler,
  interactionsConfigFromEnvironment,
} from "../../functions/slack-interactions.js";
import { createSlackJob } from "../../lib/actions/slack-job.js";
import { SLACK_HANDOFF_KIND, type SlackHandoff } from "../../lib/notify/handoff.js";
import {
  ReplayGuard,
  SlackStandIn,
  buildAlarmMessage,
  parseAlarmNotification,
  signSlackRequest,
  verifySlackRequest,
  type ActionRequest,
  type ActionResult,
  type SlackSecrets,
} from "../../lib/notify/index.js";
import { ACCOUNT, FakeClock, REGION, captureLogger, snsAlarmMessage } from "./fixtures.js";

const SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
const ONCALL = "U0ONCALL1";
const CHANNEL = "C0ALERTS1";
const ALARM_TS = "1700000000.000001";
const QUEUE_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:payments-dlq`;

/** The Redrive button of a real DLQ alarm message. */
function redriveButton(): Button {
  const parsed = parseAlarmNotification(snsAlarmMessage());
  if (!parsed.ok) throw new Error(parsed.reason);
  const message = buildAlarmMessage(parsed.change);
  const actions = message.blocks.find((b) => b.type === "actions") as ActionsBlock;
  return actions.elements[0] as Button;
}

function payloadBody(
  standIn: SlackStandIn,
  overrides: { user?: string; channel?: string; button?: Button } = {},
): string {
  const button = overrides.button ?? redriveButton();
  const payload = {
    type: "block_actions",
    user: { id: overrides.user ?? ONCALL, username: "oncall", team_id: "T00000000" },
    api_app_id: "A00000000",
    team: { id: "T00000000", domain: "acme" },
    channel: { id: overrides.channel ?? CHANNEL, name: "alerts" },
    container: {
      type: "message",
      message_ts: ALARM_TS,
      channel_id: overrides.channel ?? CHANNEL,
      is_ephemeral: false,
    },
    message: { type: "message", ts: ALARM_TS, text: "..." },
    trigger_id: "123.456.abc",
    response_url: standIn.responseUrl("42"),
    actions: [
      {
        type: "button",
        block_id: "wk-actions",
        action_id: button.action_id,
        text: button.text,
        value: button.value,
        action_ts: "1714564800.123456",
      },
    ],
  };
  return `payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/** An API Gateway HTTP API (payload 2.0) event, signed as Slack signs it. */
function httpEvent(
  body: string,
  options: {
    secret?: string;
    timestamp?: number;
    signature?: string;
    base64?: boolean;
    method?: string;
  } = {},
  now: number,
): Record<string, unknown> {
  const timestamp = String(options.timestamp ?? Math.floor(now / 1000));
  return {
    version: "2.0",
    routeKey: "POST /slack/interactions",
    rawPath: "/slack/interactions",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": timestamp,
      "x-slack-signature":
        options.signature ?? signSlackRequest(options.secret ?? SIGNING_SECRET, timestamp, body),
      "user-agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
    },
    body: options.base64 ? Buffer.from(body, "utf8").toString("base64") : body,
    isBase64Encoded: options.base64 ?? false,
    requestContext: { http: { method: options.method ?? "POST", path: "/slack/interactions" } },
  };
}

let standIn: SlackStandIn;
let clock: FakeClock;
let jobs: SlackHandoff[];
let calls: ActionRequest[];
let secrets: SlackSecrets;
let log: ReturnType<typeof captureLogger>;
let finishAction: ((result: ActionResult) => void) | undefined;

/** The endpoint, with the hand-off to runbook-action recorded. */
function handler() {
  return createInteractionHandler({
    logger: log.logger,
    config: () => ({
      secretId: "watchkeeper/slack",
      allowedUsers: new Set([ONCALL]),
      allowedChannels: new Set([CHANNEL]),
    }),
    secrets: async () => secrets,
    handOff: async (handoff) => void jobs.push(handoff),
    clock,
    replay: new ReplayGuard(),
  });
}

/** What runbook-action runs for a hand-off, with the action itself stubbed. */
function slackJob(options: { slowAction?: boolean } = {}) {
  return createSlackJob({
    logger: log.logger,
    secrets: async () => secrets,
    runAction: (request) => {
      calls.push(request);
      if (options.slowAction) return new Promise((resolve) => (finishAction = resolve));
      return Promise.resolve({ ok: true, text: "Moved 3 messages back to payments." });
    },
    slackOptions: { clock, apiBaseUrl: standIn.apiBaseUrl },
  });
}

beforeEach(async () => {
  standIn = await SlackStandIn.start();
  clock = new FakeClock();
  jobs = [];
  calls = [];
  log = captureLogger();
  finishAction = undefined;
  secrets = { webhookUrl: standIn.webhookUrl(), signingSecret: SIGNING_SECRET };
});
afterEach(() => standIn.close());

describe("slack-interactions: a valid request from an allowed user", () => {
  it("acknowledges with 200 after handing the action to runbook-action, which runs it once and replies in the thread", async () => {
    const handle = handler();
    const ack = await handle(httpEvent(payloadBody(standIn), {}, clock.now()));
    expect(ack.statusCode).toBe(200);
    expect(calls).toHaveLength(0);
    expect(jobs).toEqual([
      {
        kind: SLACK_HANDOFF_KIND,
        request: {
          action: "dlq-redrive",
          target: QUEUE_ARN,
          user: ONCALL,
          channel: CHANNEL,
          alarmName: "watchkeeper-sqs-dlq-messages-visible-payments-dlq",
          requestedAt: "2024-05-01T12:00:00.123Z",
          // The alarm's account and region, from the button: where the action must run.
          account: ACCOUNT,
          region: REGION,
        },
        responseUrl: standIn.responseUrl("42"),
        threadTs: ALARM_TS,
      },
    ]);

    // runbook-action, invoked asynchronously with the hand-off.
    const running = slackJob({ slowAction: true })(jobs[0]!);
    // It says "working on it", then starts the action; the action is still running.
    await vi.waitFor(() => expect(calls).toHaveLength(1), { timeout: 5000 });
    const responses = standIn.requestsTo(standIn.responseUrl("42"));
    expect(responses.map((r) => r.json)).toEqual([
      {
        response_type: "ephemeral",
        replace_original: false,
        text: `:hourglass_flowing_sand: Working on it: Redrive ${QUEUE_ARN}`,
      },
    ]);
    finishAction!({ ok: true, text: "Moved 3 messages back to payments." });
    expect(await running).toEqual({ ok: true, text: "Moved 3 messages back to payments." });
    expect(standIn.requestsTo(standIn.responseUrl("42"))[1]?.json).toEqual({
      response_type: "in_channel",
      replace_original: false,
      thread_ts: ALARM_TS,
      text: `:white_check_mark: <@${ONCALL}> Redrive ${QUEUE_ARN}: Moved 3 messages back to payments.`,
    });
    expect(log.text()).not.toContain(SIGNING_SECRET);
  });

  it("with a bot token, posts the result in the alarm message's thread with chat.postMessage", async () => {
    secrets = { botToken: "xoxb-test", signingSecret: SIGNING_SECRET };
    const handle = handler();
    expect((await handle(httpEvent(payloadBody(standIn), {}, clock.now()))).statusCode).toBe(200);
    await slackJob()(jobs[0]!);
    expect(calls).toHaveLength(1);
    expect(standIn.requestsTo("/api/chat.postMessage")[0]?.json).toMatchObject({
      channel: CHANNEL,
      thread_ts: ALARM_TS,
      text: `:white_check_mark: <@${ONCALL}> Redrive ${QUEUE_ARN}: Moved 3 messages back to payments.`,
    });
  });

  it("reads a base64-encoded body (Function URLs, binary media types)", async () => {
    const response = await handler()(httpEvent(payloadBody(standIn), { base64: true }, clock.now()));
    expect(response.statusCode).toBe(200);
    expect(jobs).toHaveLength(1);
  });

  it("reports a failed action in the thread without throwing (the action is not retried)", async () => {
    const job = createSlackJob({
      logger: log.logger,
      secrets: async () => secrets,
      runAction: async (request) => {
        calls.push(request);
        throw new Error("StartMessageMoveTask: AccessDenied");
      },
      slackOptions: { clock },
    });
    await handler()(httpEvent(payloadBody(standIn), {}, clock.now()));
    expect(await job(jobs[0]!)).toEqual({ ok: false, text: "failed: StartMessageMoveTask: AccessDenied" });
    expect(JSON.stringify(standIn.requestsTo(standIn.responseUrl("42"))[1]?.json)).toContain(
      ":x: <@U0ONCALL1> Redrive",
    );
  });
});

describe("slack-interactions: nothing runs for a request that is not valid and allowed", () => {
  const cases: [string, (body: string, now: number) => Record<string, unknown>, number][] = [
    [
      "signed with the wrong secret",
      (b, now) => httpEvent(b, { secret: "wrong-secret-0123456789" }, now),
      401,
    ],
    [
      "a timestamp 301 s old",
      (b, now) => httpEvent(b, { timestamp: Math.floor(now / 1000) - 301 }, now),
      401,
    ],
    [
      "a timestamp 301 s ahead",
      (b, now) => httpEvent(b, { timestamp: Math.floor(now / 1000) + 301 }, now),
      401,
    ],
    [
      "a replayed signature on a modified body",
      (b, now) => {
        const signed = httpEvent(b, {}, now);
        const tampered = b.replace(encodeURIComponent(ONCALL), encodeURIComponent("U0ATTACKR"));
        return { ...signed, body: tampered };
      },
      401,
    ],
    [
      "no signature headers",
      (b) => ({
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: b,
        requestContext: { http: { method: "POST" } },
      }),
      401,
    ],
    ["a GET", (b, now) => httpEvent(b, { method: "GET" }, now), 405],
  ];

  it.each(cases)("refuses %s", async (_what, event, status) => {
    const response = await handler()(event(payloadBody(standIn), clock.now()));
    expect(response.statusCode).toBe(status);
    expect(jobs).toEqual([]);
    expect(calls).toEqual([]);
    expect(standIn.requests).toEqual([]);
  });

  it("refuses a user who is not on the allow-list (403), with a log line naming them", async () => {
    const body = payloadBody(standIn, { user: "U0STRANGER" });
    const response = await handler()(httpEvent(body, {}, clock.now()));
    expect(response.statusCode).toBe(403);
    expect(jobs).toEqual([]);
    expect(log.lines.at(-1)).toMatchObject({
      level: 40,
      msg: "refused: Slack user U0STRANGER is not allowed to run actions",
    });
  });

  it("refuses a channel that is not on the allow-list (403)", async () => {
    const body = payloadBody(standIn, { channel: "C0RANDOM1" });
    const response = await handler()(httpEvent(body, {}, clock.now()));
    expect(response.statusCode).toBe(403);
    expect(jobs).toEqual([]);
  });

  it("refuses the same signed request twice (replay within the window)", async () => {
    const handle = handler();
    const event = httpEvent(payloadBody(standIn), {}, clock.now());
    expect((await handle(event)).statusCode).toBe(200);
    expect((await handle(event)).statusCode).toBe(401);
    expect(jobs).toHaveLength(1);
  });

  it("rejects a signed but malformed payload (400) and ignores buttons that are not Watchkeeper's (200)", async () => {
    const handle = handler();
    const bad = "payload=%7B%22type%22%3A%22block_actions%22%7D";
    expect((await handle(httpEvent(bad, {}, clock.now()))).statusCode).toBe(400);
    expect(log.lines.at(-1)?.msg).toBe(
      "rejected: payload.user: Invalid input: expected object, received undefined",
    );
    const other = payloadBody(standIn, {
      button: {
        type: "button",
        action_id: "someone-else:approve",
        text: { type: "plain_text", text: "Approve" },
        value: "x",
      },
    });
    expect((await handle(httpEvent(other, {}, clock.now()))).statusCode).toBe(200);
    expect(jobs).toEqual([]);
    expect(calls).toEqual([]);
  });

  it("answers 500 when the secret has no signing secret, and runs nothing", async () => {
    secrets = { webhookUrl: standIn.webhookUrl() };
    const response = await handler()(httpEvent(payloadBody(standIn), {}, clock.now()));
    expect(response.statusCode).toBe(500);
    expect(jobs).toEqual([]);
  });
});

describe("verifySlackRequest", () => {
  const now = Date.UTC(2024, 4, 1, 12, 0, 0);
  const timestamp = String(now / 1000);
  const body = "payload=%7B%7D";
  const signature = signSlackRequest(SIGNING_SECRET, timestamp, body);

  it("accepts a request signed with the signing secret", () => {
    expect(signature).toMatch(/^v0=[0-9a-f]{64}$/);
    expect(
      verifySlackRequest({ signingSecret: SIGNING_SECRET, timestamp, signature, rawBody: body, now }),
    ).toEqual({ ok: true });
  });

  it.each([
    ["wrong secret", { signingSecret: "another-secret-123" }, "signature does not match the body"],
    ["modified body", { rawBody: `${body}&x=1` }, "signature does not match the body"],
    [
      "other timestamp, same signature",
      { timestamp: String(now / 1000 - 1) },
      "signature does not match the body",
    ],
    ["stale timestamp", { now: now + 301_000 }, "stale request: timestamp is 301 s from now (at most 300 s)"],
    ["truncated signature", { signature: signature.slice(0, 20) }, "signature does not match the body"],
    ["no signature", { signature: undefined }, "missing X-Slack-Signature header"],
    [
      "a timestamp that is not a number",
      { timestamp: "yesterday" },
      "X-Slack-Request-Timestamp is not Unix seconds",
    ],
  ])("refuses %s", (_what, change, reason) => {
    expect(
      verifySlackRequest({
        signingSecret: SIGNING_SECRET,
        timestamp,
        signature,
        rawBody: body,
        now,
        ...change,
      }),
    ).toEqual({ ok: false, reason });
  });

  it("accepts the full 300 s window", () => {
    expect(
      verifySlackRequest({
        signingSecret: SIGNING_SECRET,
        timestamp,
        signature,
        rawBody: body,
        now: now + 300_000,
      }).ok,
    ).toBe(true);
  });
});

describe("interactionsConfigFromEnvironment", () => {
  it("requires the secret and both allow-lists, naming what is wrong", () => {
    expect(() => interactionsConfigFromEnvironment({})).toThrow("SLACK_SECRET_ID is not set");
    expect(() => interactionsConfigFromEnvironment({ SLACK_SECRET_ID: "s" })).toThrow(
      "SLACK_ALLOWED_USERS is not set",
    );
    expect(() =>
      interactionsConfigFromEnvironment({
        SLACK_SECRET_ID: "s",
        SLACK_ALLOWED_USERS: "U1A,@bob",
        SLACK_ALLOWED_CHANNELS: "C1",
      }),
    ).toThrow("SLACK_ALLOWED_USERS: @bob is not a Slack ID");
    const config = interactionsConfigFromEnvironment({
      SLACK_SECRET_ID: "s",
      SLACK_ALLOWED_USERS: "U0ONCALL1, U0LEAD001",
      SLACK_ALLOWED_CHANNELS: "C0ALERTS1",
    });
    expect([...config.allowedUsers]).toEqual(["U0ONCALL1", "U0LEAD001"]);
  });
});
