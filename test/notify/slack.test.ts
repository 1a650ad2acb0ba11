/**
 * SlackClient against a real HTTP server on 127.0.0.1 standing in for Slack (webhooks and the Web API).
 * Sleeps go through a fake clock: retry and pacing delays are asserted, never waited for.
 */
import { createServer } from "node:net";
import { beforeEach, describe, expect, it } from "vitest";
import { SlackClient, SlackError, SlackStandIn, type SlackMessage } from "../../lib/notify/index.js";
import { FakeClock, captureLogger } from "./fixtures.js";

const MESSAGE: SlackMessage = {
  text: "[ALARM Critical] payments-dlq holds 3 messages",
  blocks: [{ type: "section", text: { type: "mrkdwn", text: "payments-dlq holds 3 messages" } }],
};
const TOKEN = "xoxb-test-token-4b1d";

let slack: SlackStandIn;
let clock: FakeClock;
beforeEach(async () => {
  slack = await SlackStandIn.start();
  clock = new FakeClock();
  return () => slack.close();
});

const webhookClient = (extra: Record<string, unknown> = {}) =>
  new SlackClient({ webhookUrl: slack.webhookUrl(), clock, ...extra });
const botClient = (extra: Record<string, unknown> = {}) =>
  new SlackClient({ botToken: TOKEN, apiBaseUrl: slack.apiBaseUrl, clock, ...extra });

async function failure(promise: Promise<unknown>): Promise<SlackError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SlackError);
  return error as SlackError;
}

describe("SlackClient: incoming webhook", () => {
  it("posts text and blocks as JSON", async () => {
    expect(await webhookClient().post(MESSAGE)).toEqual({ via: "webhook" });
    const [request] = slack.requestsTo(slack.webhookUrl());
    expect(request?.method).toBe("POST");
    expect(request?.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(request?.json).toEqual(MESSAGE);
    expect(clock.sleeps).toEqual([]);
  });

  it("waits for Retry-After on 429, then delivers", async () => {
    slack.script("/services/T00000000/B00000000/alerts", [
      { status: 429, body: "rate_limited", headers: { "retry-after": "1" } },
    ]);
    const { logger, text } = captureLogger();
    await webhookClient({ logger }).post(MESSAGE);
    expect(slack.requestsTo(slack.webhookUrl()).map((r) => r.status)).toEqual([429, 200]);
    expect(clock.sleeps).toEqual([1000]);
    expect(slack.delivered()).toHaveLength(1);
    expect(text()).toContain("retrying in 1000 ms");
    expect(text()).not.toContain("/services/");
  });

  it("backs off after a 500, then delivers", async () => {
    slack.script("/services/T00000000/B00000000/alerts", [{ status: 500, body: "rollup_error" }]);
    await webhookClient().post(MESSAGE);
    expect(slack.requestsTo(slack.webhookUrl()).map((r) => r.status)).toEqual([500, 200]);
    expect(clock.sleeps).toEqual([1000]);
  });

  it("gives up after 5 attempts of persistent 500s, with an error that names no secret", async () => {
    slack.script(
      "/services/T00000000/B00000000/alerts",
      Array(10).fill({ status: 500, body: "rollup_error" }),
    );
    const error = await failure(webhookClient().post(MESSAGE));
    expect(slack.requestsTo(slack.webhookUrl())).toHaveLength(5);
    expect(clock.sleeps).toEqual([1000, 2000, 4000, 8000]);
    expect(error.message).toBe("Slack webhook failed after 5 attempts: webhook: HTTP 500 rollup_error");
    expect(error.details).toMatchObject({ call: "webhook", status: 500, attempts: 5, retryable: true });
    expect(error.message).not.toContain(slack.url);
  });

  it("does not retry what Slack refuses (400 invalid_payload, 404 channel_not_found)", async () => {
    slack.script("/services/T00000000/B00000000/alerts", [{ status: 400, body: "invalid_payload" }]);
    const error = await failure(webhookClient().post(MESSAGE));
    expect(error.message).toBe("webhook: HTTP 400 invalid_payload");
    expect(error.details).toMatchObject({ status: 400, code: "invalid_payload", retryable: false });
    expect(slack.requestsTo(slack.webhookUrl())).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it("fails when Retry-After asks for longer than it may wait, leaving it to Lambda's retries", async () => {
    slack.script("/services/T00000000/B00000000/alerts", [
      { status: 429, headers: { "retry-after": "120" } },
    ]);
    const error = await failure(webhookClient().post(MESSAGE));
    expect(error.details).toMatchObject({ status: 429, attempts: 1 });
    expect(clock.sleeps).toEqual([]);
  });

  it("retries network errors", async () => {
    // A port that was free a moment ago: connections are refused.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, "127.0.0.1", () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const error = await failure(
      new SlackClient({ webhookUrl: `http://127.0.0.1:${port}/services/T/B/x`, clock }).post(MESSAGE),
    );
    expect(error.message).toBe(
      "Slack webhook failed after 5 attempts: webhook: network error (ECONNREFUSED)",
    );
    expect(clock.sleeps).toEqual([1000, 2000, 4000, 8000]);
  });

  it("routes channels to their own webhooks, and paces each channel to one message a second", async () => {
    const client = new SlackClient({
      webhookUrl: slack.webhookUrl("default"),
      webhooks: { payments: slack.webhookUrl("payments") },
      clock,
    });
    await client.post(MESSAGE, { channel: "payments" });
    await client.post(MESSAGE, { channel: "payments" });
    await client.post(MESSAGE, { channel: "other" });
    expect(slack.requests.map((r) => r.path)).toEqual([
      "/services/T00000000/B00000000/payments",
      "/services/T00000000/B00000000/payments",
      "/services/T00000000/B00000000/default",
    ]);
    expect(clock.sleeps).toEqual([1000]);
  });
});

describe("SlackClient: bot token (Web API)", () => {
  it("posts with chat.postMessage and returns the message's place", async () => {
    const posted = await botClient().post(MESSAGE, { channel: "C0ALERTS" });
    expect(posted).toEqual({ via: "bot", channel: "C0ALERTS", ts: "1700000000.000001" });
    const [request] = slack.requestsTo("/api/chat.postMessage");
    expect(request?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request?.json).toEqual({
      channel: "C0ALERTS",
      text: MESSAGE.text,
      blocks: MESSAGE.blocks,
      unfurl_links: false,
      unfurl_media: false,
    });
  });

  it("replies in a thread", async () => {
    await botClient().post(MESSAGE, { channel: "C0ALERTS", threadTs: "1700000000.000001" });
    expect(slack.requestsTo("/api/chat.postMessage")[0]?.json).toMatchObject({
      thread_ts: "1700000000.000001",
    });
  });

  it("retries HTTP 429 with Retry-After and transient ok:false errors, not permanent ones", async () => {
    slack.script("/api/chat.postMessage", [
      { status: 429, body: { ok: false, error: "ratelimited" }, headers: { "retry-after": "2" } },
      { status: 200, body: { ok: false, error: "internal_error" } },
    ]);
    await botClient().post(MESSAGE, { channel: "C0ALERTS" });
    expect(slack.requestsTo("/api/chat.postMessage")).toHaveLength(3);
    // Retry-After 2 s; then the backoff for a second failure, 2 s.
    expect(clock.sleeps).toEqual([2000, 2000]);

    slack.script("/api/chat.postMessage", [{ status: 200, body: { ok: false, error: "channel_not_found" } }]);
    const error = await failure(botClient().post(MESSAGE, { channel: "C0GONE" }));
    expect(error.message).toBe("chat.postMessage failed: channel_not_found");
    expect(error.details).toMatchObject({ code: "channel_not_found", retryable: false });
    expect(slack.requestsTo("/api/chat.postMessage")).toHaveLength(4);
  });

  it("refuses to post without a channel", async () => {
    const error = await failure(botClient().post(MESSAGE));
    expect(error.message).toContain("needs a channel");
    expect(slack.requests).toHaveLength(0);
  });

  it("uploads a file: getUploadURLExternal, the bytes, completeUploadExternal into the thread", async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4]);
    const id = await botClient().uploadFile({
      channel: "C0ALERTS",
      threadTs: "1700000000.000001",
      filename: "graph.png",
      title: "Errors: last 3 hours",
      altText: "graph",
      bytes: png,
    });
    expect(id).toBe("F00000001");
    expect(slack.requests.map((r) => r.path)).toEqual([
      "/api/files.getUploadURLExternal",
      "/upload/F00000001",
      "/api/files.completeUploadExternal",
    ]);
    expect(slack.requests[0]?.form).toEqual({ filename: "graph.png", length: "8", alt_txt: "graph" });
    expect(slack.requests[1]?.bytes).toBe(8);
    expect(slack.requests[1]?.headers.authorization).toBeUndefined();
    expect(slack.requests[2]?.json).toEqual({
      files: [{ id: "F00000001", title: "Errors: last 3 hours" }],
      channel_id: "C0ALERTS",
      thread_ts: "1700000000.000001",
    });
  });

  it("needs a bot token for uploads and updates", async () => {
    const error = await failure(webhookClient().update("C0ALERTS", "1.2", MESSAGE));
    expect(error.message).toContain("needs a bot token");
  });
});

describe("SlackClient: response_url", () => {
  it("posts the body as JSON and retries a 500", async () => {
    slack.script("/actions/T00000000/7/response", [{ status: 503 }]);
    await webhookClient().respond(slack.responseUrl("7"), {
      response_type: "ephemeral",
      text: "Working on it",
    });
    expect(slack.requestsTo(slack.responseUrl("7")).map((r) => [r.status, r.json])).toEqual([
      [503, { response_type: "ephemeral", text: "Working on it" }],
      [200, { response_type: "ephemeral", text: "Working on it" }],
    ]);
  });
});
