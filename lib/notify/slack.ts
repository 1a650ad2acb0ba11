/**
 * Slack delivery over `fetch`: an incoming webhook (simplest setup: one URL per channel) or a bot token
 * (Web API: chat.postMessage with threads, chat.update, file uploads with files.getUploadURLExternal,
 * the upload URL and files.completeUploadExternal), and replies to an interaction's response_url.
 *
 * Every call is paced per channel (Slack: about one message per second per channel) and retried on
 * HTTP 429 (after Retry-After), 5xx, network errors, timeouts and the Web API's transient errors
 * (`ratelimited`, `internal_error`, ...), up to 5 attempts; then a `SlackError` is thrown, so a Lambda
 * handler fails and its event goes to the handler's DLQ. Errors never carry a webhook URL or token.
 * Base URLs are options, so tests point the client at a local stand-in.
 */
import { systemClock, type Clock } from "../aws/clock.js";
import { silentLogger, type Logger } from "../log.js";
import type { SlackMessage } from "./blockkit.js";
import { ChannelPacer, DEFAULT_RETRY, retryAfterMs, withRetries, type RetryPolicy } from "./retry.js";

export const SLACK_API_BASE_URL = "https://slack.com/api/";

export interface SlackClientOptions {
  /** The incoming webhook used when a channel has none of its own in `webhooks`. */
  readonly webhookUrl?: string;
  /** Incoming webhooks by channel (routing names a channel; each webhook posts to one). */
  readonly webhooks?: Readonly<Record<string, string>>;
  /** A bot token (xoxb-...): threads, updates and files. Preferred over webhooks when both are set. */
  readonly botToken?: string;
  /** Default https://slack.com/api/ */
  readonly apiBaseUrl?: string;
  readonly fetch?: typeof fetch;
  readonly clock?: Clock;
  readonly retry?: Partial<RetryPolicy>;
  /** Minimum time between two messages to one channel; default 1,000 ms. */
  readonly perChannelIntervalMs?: number;
  /** Per HTTP request; default 10 s. */
  readonly requestTimeoutMs?: number;
  readonly logger?: Logger;
}

export interface PostTarget {
  /** A channel ID (bot token), or a key of `webhooks` (webhooks). */
  readonly channel?: string;
  /** Reply in this message's thread. */
  readonly threadTs?: string;
}

export interface PostedMessage {
  readonly via: "webhook" | "bot";
  /** Bot token only: where the message is and its ts, for threads and updates. */
  readonly channel?: string;
  readonly ts?: string;
}

export interface FileUpload {
  readonly channel: string;
  readonly threadTs?: string;
  readonly filename: string;
  readonly title: string;
  readonly altText?: string;
  readonly bytes: Uint8Array;
}

export interface SlackErrorDetails {
  /** "webhook", "chat.postMessage", "response_url", "file upload", ... */
  readonly call: string;
  readonly status?: number;
  /** Slack's error string: "channel_not_found", "ratelimited", "invalid_payload", ... */
  readonly code?: string;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  /** Set when the client gave up after retrying. */
  readonly attempts?: number;
}

export class SlackError extends Error {
  override readonly name = "SlackError";

  constructor(
    message: string,
    readonly details: SlackErrorDetails,
  ) {
    super(message);
  }
}

/** Web API errors that are worth trying again (Slack's method references list them as transient). */
const TRANSIENT_API_ERRORS = new Set([
  "ratelimited",
  "internal_error",
  "fatal_error",
  "service_unavailable",
  "request_timeout",
  "team_added_to_org",
]);

export class SlackClient {
  readonly mode: "webhook" | "bot";
  private readonly apiBaseUrl: string;
  private readonly fetch: typeof fetch;
  private readonly clock: Clock;
  private readonly policy: RetryPolicy;
  private readonly pacer: ChannelPacer;
  private readonly timeoutMs: number;
  private readonly logger: Logger;

  constructor(private readonly options: SlackClientOptions) {
    if (!options.botToken && !options.webhookUrl && Object.keys(options.webhooks ?? {}).length === 0) {
      throw new Error("Slack needs a bot token or an incoming webhook URL; neither was given");
    }
    this.mode = options.botToken ? "bot" : "webhook";
    this.apiBaseUrl = withSlash(options.apiBaseUrl ?? SLACK_API_BASE_URL);
    this.fetch = options.fetch ?? globalThis.fetch;
    this.clock = options.clock ?? systemClock;
    this.policy = { ...DEFAULT_RETRY, ...options.retry };
    this.pacer = new ChannelPacer(this.clock, options.perChannelIntervalMs ?? 1000);
    this.timeoutMs = options.requestTimeoutMs ?? 10_000;
    this.logger = options.logger ?? silentLogger;
  }

  /** Posts a message: to the channel's webhook, or with chat.postMessage (in a thread when `threadTs` is set). */
  async post(message: SlackMessage, target: PostTarget = {}): Promise<PostedMessage> {
    if (this.mode === "webhook") {
      const url = this.webhookFor(target.channel);
      await this.call("webhook", target.channel ?? "default", () =>
        this.request(url, {
          json: { ...message, ...(target.threadTs ? { thread_ts: target.threadTs } : {}) },
        }),
      );
      return { via: "webhook" };
    }
    if (!target.channel) {
      throw new SlackError("chat.postMessage needs a channel: set a default channel or a route", {
        call: "chat.postMessage",
        retryable: false,
      });
    }
    const response = await this.api("chat.postMessage", target.channel, {
      channel: target.channel,
      text: message.text,
      blocks: message.blocks,
      unfurl_links: false,
      unfurl_media: false,
      ...(target.threadTs ? { thread_ts: target.threadTs } : {}),
    });
    return {
      via: "bot",
      channel: typeof response.channel === "string" ? response.channel : target.channel,
      ...(typeof response.ts === "string" ? { ts: response.ts } : {}),
    };
  }

  /** chat.update: replaces a message the bot posted. */
  async update(channel: string, ts: string, message: SlackMessage): Promise<void> {
    this.requireBot("chat.update");
    await this.api("chat.update", channel, { channel, ts, text: message.text, blocks: message.blocks });
  }

  /** Uploads a file into a channel (or thread): getUploadURLExternal, the bytes, completeUploadExternal. */
  async uploadFile(file: FileUpload): Promise<string> {
    this.requireBot("files.getUploadURLExternal");
    const ticket = await this.api(
      "files.getUploadURLExternal",
      undefined,
      {
        filename: file.filename,
        length: String(file.bytes.byteLength),
        ...(file.altText ? { alt_txt: file.altText } : {}),
      },
      "form",
    );
    const uploadUrl = ticket.upload_url;
    const fileId = ticket.file_id;
    if (typeof uploadUrl !== "string" || typeof fileId !== "string") {
      throw new SlackError("files.getUploadURLExternal answered without upload_url or file_id", {
        call: "files.getUploadURLExternal",
        retryable: false,
      });
    }
    await this.call("file upload", undefined, () =>
      this.request(uploadUrl, { bytes: file.bytes, contentType: "application/octet-stream" }),
    );
    await this.api("files.completeUploadExternal", file.channel, {
      files: [{ id: fileId, title: file.title }],
      channel_id: file.channel,
      ...(file.threadTs ? { thread_ts: file.threadTs } : {}),
    });
    return fileId;
  }

  /**
   * Posts to an interaction's response_url (valid 30 minutes, 5 times). `response_type: "in_channel"`
   * with `thread_ts` replies in that thread; `"ephemeral"` shows only to the user who clicked.
   */
  async respond(
    responseUrl: string,
    body: Readonly<Record<string, unknown>>,
    channel?: string,
  ): Promise<void> {
    await this.call("response_url", channel, () => this.request(responseUrl, { json: body }));
  }

  private webhookFor(channel: string | undefined): string {
    const url = (channel ? this.options.webhooks?.[channel] : undefined) ?? this.options.webhookUrl;
    if (!url) {
      throw new SlackError(`no incoming webhook for channel "${channel}" and no default webhookUrl`, {
        call: "webhook",
        retryable: false,
      });
    }
    return url;
  }

  private requireBot(call: string): void {
    if (this.mode !== "bot") {
      throw new SlackError(`${call} needs a bot token; this Slack setup has only incoming webhooks`, {
        call,
        retryable: false,
      });
    }
  }

  /** One Web API method; resolves with the JSON answer when `ok` is true. */
  private async api(
    method: string,
    channel: string | undefined,
    body: Readonly<Record<string, unknown>>,
    encoding: "json" | "form" = "json",
  ): Promise<Record<string, unknown>> {
    const url = `${this.apiBaseUrl}${method}`;
    const auth = { authorization: `Bearer ${this.options.botToken}` };
    return this.call(method, channel, async () => {
      const response = await this.request(
        url,
        encoding === "json"
          ? { json: body, headers: auth }
          : { form: body as Record<string, string>, headers: auth },
      );
      let json: unknown;
      try {
        json = JSON.parse(response.body);
      } catch {
        throw new SlackError(`${method} answered HTTP ${response.status} with a body that is not JSON`, {
          call: method,
          status: response.status,
          retryable: false,
        });
      }
      const answer = (typeof json === "object" && json !== null ? json : {}) as Record<string, unknown>;
      if (answer.ok !== true) {
        const code = typeof answer.error === "string" ? answer.error : "unknown_error";
        throw new SlackError(`${method} failed: ${code}`, {
          call: method,
          status: response.status,
          code,
          retryable: TRANSIENT_API_ERRORS.has(code),
          ...(response.retryAfterMs !== undefined ? { retryAfterMs: response.retryAfterMs } : {}),
        });
      }
      return answer;
    });
  }

  /** Paces, retries, and turns the last failure into a SlackError naming the call and the attempts. */
  private async call<T>(call: string, channel: string | undefined, attempt: () => Promise<T>): Promise<T> {
    return withRetries(
      async () => {
        if (channel !== undefined) await this.pacer.wait(channel);
        return attempt();
      },
      {
        policy: this.policy,
        clock: this.clock,
        advice: (error) =>
          error instanceof SlackError
            ? {
                retryable: error.details.retryable,
                ...(error.details.retryAfterMs !== undefined
                  ? { retryAfterMs: error.details.retryAfterMs }
                  : {}),
              }
            : { retryable: false },
        giveUp: (error, attempts) => {
          const details = error instanceof SlackError ? error.details : { call, retryable: true };
          const message = error instanceof Error ? error.message : String(error);
          return new SlackError(`Slack ${call} failed after ${attempts} attempts: ${message}`, {
            ...details,
            attempts,
          });
        },
        onRetry: (error, n, delayMs) =>
          this.logger.warn(
            {
              slackCall: call,
              attempt: n,
              delayMs,
              ...(error instanceof SlackError && error.details.status
                ? { status: error.details.status }
                : {}),
              ...(error instanceof SlackError && error.details.code ? { code: error.details.code } : {}),
            },
            `Slack ${call} attempt ${n} failed (${error instanceof Error ? error.message : String(error)}); retrying in ${delayMs} ms`,
          ),
      },
    );
  }

  /**
   * One HTTP POST. 2xx resolves (with the body); 429 and 5xx throw retryable SlackErrors (429 with
   * Retry-After); other statuses throw with Slack's plain-text error ("channel_not_found"); network
   * errors and timeouts are retryable.
   */
  private async request(
    url: string,
    body: {
      json?: unknown;
      form?: Readonly<Record<string, string>>;
      bytes?: Uint8Array;
      contentType?: string;
      headers?: Readonly<Record<string, string>>;
    },
  ): Promise<{ status: number; body: string; retryAfterMs?: number }> {
    const call = callName(url, this.apiBaseUrl);
    const headers: Record<string, string> = { ...body.headers };
    let payload: string | Uint8Array;
    if (body.json !== undefined) {
      headers["content-type"] = "application/json; charset=utf-8";
      payload = JSON.stringify(body.json);
    } else if (body.form !== undefined) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      payload = new URLSearchParams(body.form as Record<string, string>).toString();
    } else {
      headers["content-type"] = body.contentType ?? "application/octet-stream";
      payload = body.bytes ?? new Uint8Array();
    }
    let response: Response;
    try {
      response = await this.fetch(url, {
        method: "POST",
        headers,
        body: payload,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new SlackError(`${call}: ${networkProblem(error)}`, { call, retryable: true });
    }
    const text = await response.text().catch(() => "");
    const retryAfter = retryAfterMs(response.headers.get("retry-after"), this.clock.now());
    if (response.status === 429) {
      throw new SlackError(
        `${call}: rate limited (HTTP 429, Retry-After ${response.headers.get("retry-after") ?? "none"})`,
        {
          call,
          status: 429,
          code: "rate_limited",
          retryable: true,
          retryAfterMs: retryAfter ?? 1000,
        },
      );
    }
    if (response.status >= 500) {
      throw new SlackError(`${call}: HTTP ${response.status} ${shortBody(text)}`.trim(), {
        call,
        status: response.status,
        ...(text ? { code: shortBody(text) } : {}),
        retryable: true,
        ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}),
      });
    }
    if (response.status < 200 || response.status >= 300) {
      throw new SlackError(`${call}: HTTP ${response.status} ${shortBody(text)}`.trim(), {
        call,
        status: response.status,
        ...(text ? { code: shortBody(text) } : {}),
        retryable: false,
      });
    }
    return {
      status: response.status,
      body: text,
      ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}),
    };
  }
}

/** Names a URL without its secret parts: a webhook's path is its credential. */
function callName(url: string, apiBaseUrl: string): string {
  if (url.startsWith(apiBaseUrl)) return url.slice(apiBaseUrl.length);
  try {
    const { pathname } = new URL(url);
    if (pathname.includes("/services/")) return "webhook";
    if (pathname.includes("/actions/")) return "response_url";
    return "file upload";
  } catch {
    return "request";
  }
}

/** Slack's webhook errors are short codes ("invalid_payload"); anything long is cut. */
function shortBody(text: string): string {
  const trimmed = text.trim().replace(/\s+/g, " ");
  return trimmed.length > 200 ? `${trimmed.slice(0, 199)}…` : trimmed;
}

function networkProblem(error: unknown): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return "timed out";
  }
  const cause = error instanceof Error ? (error.cause as { code?: string } | undefined) : undefined;
  return `network error${cause?.code ? ` (${cause.code})` : ""}`;
}

function withSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}
