/**
 * A local stand-in for Slack on 127.0.0.1 (node:http, a free port): incoming webhooks
 * (`/services/...`), the Web API methods Watchkeeper calls (`/api/chat.postMessage`, `chat.update`,
 * `files.getUploadURLExternal`, `files.completeUploadExternal`), the file upload URL it hands out
 * (`/upload/...`) and interaction response URLs (`/actions/...`). It records every request and answers
 * as Slack does, unless told otherwise: `script(path, [...])` queues responses for a path (429 with
 * Retry-After, 500s, `{ ok: false, error }`), consumed in order before the defaults apply again.
 * The tests' Slack, and the demo's: `watchkeeper demo` posts to it and prints what it received.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  readonly method: string;
  /** The path, e.g. "/api/chat.postMessage" or "/services/T000/B000/alerts". */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The body as text (uploads: byte length in `bytes`, body left empty). */
  readonly body: string;
  readonly bytes: number;
  /** The body as JSON or form fields, when it is one. */
  readonly json?: unknown;
  readonly form?: Readonly<Record<string, string>>;
  /** The status the stand-in answered. */
  readonly status: number;
}

export interface ScriptedResponse {
  readonly status: number;
  /** A string is sent as text/plain, anything else as JSON. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export class SlackStandIn {
  readonly requests: RecordedRequest[] = [];
  private readonly scripts = new Map<string, ScriptedResponse[]>();
  private messages = 0;
  private files = 0;

  private readonly server: Server;
  private base = "";

  private constructor() {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        response.writeHead(500, { "content-type": "text/plain" });
        response.end(error instanceof Error ? error.message : String(error));
      });
    });
  }

  /** Listens on 127.0.0.1, on a port the system picks. */
  static async start(): Promise<SlackStandIn> {
    const standIn = new SlackStandIn();
    await new Promise<void>((resolve, reject) => {
      standIn.server.once("error", reject);
      standIn.server.listen(0, "127.0.0.1", () => resolve());
    });
    const { port } = standIn.server.address() as AddressInfo;
    standIn.base = `http://127.0.0.1:${port}`;
    return standIn;
  }

  /** e.g. http://127.0.0.1:43121 */
  get url(): string {
    return this.base;
  }

  /** An incoming webhook URL; `name` tells webhooks apart (one per channel). */
  webhookUrl(name = "alerts"): string {
    return `${this.url}/services/T00000000/B00000000/${name}`;
  }

  /** Base URL of the Web API (SlackClient's `apiBaseUrl`). */
  get apiBaseUrl(): string {
    return `${this.url}/api/`;
  }

  /** A response_url for an interaction payload. */
  responseUrl(id = "1"): string {
    return `${this.url}/actions/T00000000/${id}/response`;
  }

  /** Queues responses for one path ("/api/chat.postMessage", or a webhook's path); used in order. */
  script(path: string, responses: readonly ScriptedResponse[]): void {
    this.scripts.set(path, [...(this.scripts.get(path) ?? []), ...responses]);
  }

  /** Requests to one path (a full URL of this stand-in works too). */
  requestsTo(pathOrUrl: string): RecordedRequest[] {
    const path = pathOrUrl.startsWith(this.url) ? pathOrUrl.slice(this.url.length) : pathOrUrl;
    return this.requests.filter((r) => r.path === path);
  }

  /** Messages posted (webhooks and chat.postMessage), answered 2xx, as Slack would show them. */
  delivered(): { path: string; body: Record<string, unknown> }[] {
    return this.requests
      .filter((r) => r.path.startsWith("/services/") || r.path === "/api/chat.postMessage")
      .filter((r) => r.status >= 200 && r.status < 300 && isObject(r.json))
      .map((r) => ({ path: r.path, body: r.json as Record<string, unknown> }));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const path = new URL(request.url ?? "/", this.url).pathname;
    const upload = path.startsWith("/upload/");
    const body = upload ? "" : raw.toString("utf8");
    const contentType = String(request.headers["content-type"] ?? "");
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : String(v ?? "")]),
    );
    const recorded: Omit<RecordedRequest, "status"> = {
      method: request.method ?? "GET",
      path,
      headers,
      body,
      bytes: raw.length,
      ...(contentType.includes("json") ? { json: safeJson(body) } : {}),
      ...(contentType.includes("x-www-form-urlencoded")
        ? { form: Object.fromEntries(new URLSearchParams(body)) }
        : {}),
    };
    const scripted = this.scripts.get(path)?.shift();
    const answer = scripted ?? this.defaultAnswer(recorded);
    this.requests.push({ ...recorded, status: answer.status });
    const isText = typeof answer.body === "string" || answer.body === undefined;
    response.writeHead(answer.status, {
      "content-type": isText ? "text/plain; charset=utf-8" : "application/json; charset=utf-8",
      ...answer.headers,
    });
    response.end(isText ? ((answer.body as string | undefined) ?? "") : JSON.stringify(answer.body));
  }

  /** What Slack answers when all goes well. */
  private defaultAnswer(request: Omit<RecordedRequest, "status">): ScriptedResponse {
    const { path } = request;
    if (path.startsWith("/services/") || path.startsWith("/actions/")) return { status: 200, body: "ok" };
    if (path.startsWith("/upload/")) return { status: 200, body: `OK - ${request.bytes}` };
    const json = isObject(request.json) ? request.json : {};
    if (path.startsWith("/api/") && !/^Bearer \S+$/.test(request.headers.authorization ?? "")) {
      return { status: 200, body: { ok: false, error: "not_authed" } };
    }
    switch (path) {
      case "/api/chat.postMessage": {
        this.messages += 1;
        const ts = `1700000000.${String(this.messages).padStart(6, "0")}`;
        return {
          status: 200,
          body: { ok: true, channel: json.channel, ts, message: { ts, text: json.text } },
        };
      }
      case "/api/chat.update":
        return { status: 200, body: { ok: true, channel: json.channel, ts: json.ts } };
      case "/api/files.getUploadURLExternal": {
        this.files += 1;
        const id = `F${String(this.files).padStart(8, "0")}`;
        return { status: 200, body: { ok: true, upload_url: `${this.url}/upload/${id}`, file_id: id } };
      }
      case "/api/files.completeUploadExternal": {
        const files = Array.isArray(json.files) ? json.files : [];
        return { status: 200, body: { ok: true, files } };
      }
      default:
        return path.startsWith("/api/")
          ? { status: 200, body: { ok: false, error: "unknown_method" } }
          : { status: 404, body: "not_found" };
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
