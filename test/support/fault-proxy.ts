/**
 * A fault-injecting HTTP proxy on loopback, in front of an AWS-compatible endpoint (the moto server):
 * real SDK clients pointed at it get, for a seeded share of their requests, what real networks and
 * endpoints send — a load balancer's HTML 502, AccessDenied or throttling in the request's own protocol,
 * a request that is never answered, a connection reset — and everything else is forwarded unchanged.
 *
 *   const proxy = await startFaultProxy({ target: motoEndpoint(), rules: [{ service: "sqs", fault: "throttle" }] });
 *   const aws = new Aws({ region, endpoint: proxy.url });
 *   ...
 *   await proxy.close();
 */
import { randomUUID } from "node:crypto";
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { AwsService } from "../../lib/aws/quotas.js";
import { Rng } from "../../lib/sim/random.js";
import { faultResponse, serviceOfAuthorization, type WireResponse } from "../../lib/sim/wire.js";

export type ProxyFault = "html-502" | "denied" | "throttle" | "hang" | "reset";

export interface ProxyRule {
  /** Every service when absent. */
  readonly service?: AwsService;
  /** As in `ListQueues`; every operation when absent. */
  readonly operation?: string;
  readonly fault: ProxyFault;
  /** Share of the matching requests that get the fault (default 1). */
  readonly rate?: number;
}

export interface FaultProxyOptions {
  /** Base URL requests are forwarded to, e.g. the moto server's. */
  readonly target: string;
  readonly rules: readonly ProxyRule[];
  /** Seeds which requests get a fault (default 1). */
  readonly seed?: number | string;
  /** A hung request's socket is destroyed after this long, should the client never give up (default 60 s). */
  readonly hangLimitMs?: number;
}

export interface FaultProxy {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Requests sent on to the target. */
  readonly forwarded: number;
  /** Faults injected, per kind. */
  readonly injected: Readonly<Record<ProxyFault, number>>;
  /** Stops listening and destroys every open connection, hung ones included. */
  close(): Promise<void>;
}

/** Principal named in injected AccessDenied messages: moto's default account. */
const PRINCIPAL = "arn:aws:sts::123456789012:assumed-role/watchkeeper/watchkeeper";
const MAX_BODY_BYTES = 16 * 1024 * 1024;
const FORWARD_TIMEOUT_MS = 30_000;

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  const rng = new Rng(options.seed ?? 1);
  const hangLimitMs = options.hangLimitMs ?? 60_000;
  for (const [i, rule] of options.rules.entries()) {
    const rate = rule.rate ?? 1;
    if (!(rate >= 0 && rate <= 1))
      throw new Error(`proxy rule ${i} (${rule.fault}): rate ${rate} is not in [0, 1]`);
  }
  const injected: Record<ProxyFault, number> = { "html-502": 0, denied: 0, throttle: 0, hang: 0, reset: 0 };
  let forwarded = 0;
  const sockets = new Set<Socket>();

  const server = createServer((req, res) => {
    void readBody(req).then(
      (body) => {
        const call = identify(req, body);
        const fault = call.service && draw(options.rules, rng, call.service, call.operation);
        if (!fault) {
          forwarded += 1;
          forward(target, req, body, res);
          return;
        }
        injected[fault] += 1;
        if (fault === "hang") {
          req.socket.setTimeout(hangLimitMs, () => req.socket.destroy());
        } else if (fault === "reset") {
          req.socket.resetAndDestroy();
        } else {
          const headers = req.headers as Record<string, string | undefined>;
          const method = req.method ?? "GET";
          send(
            res,
            faultResponse(
              fault,
              call.service!,
              call.operation ?? "",
              { method, headers },
              PRINCIPAL,
              randomUUID(),
            ),
          );
        }
      },
      (error: Error) =>
        send(res, { statusCode: 413, headers: { "content-type": "text/plain" }, body: error.message }),
    );
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("fault proxy: no loopback port was assigned");

  return {
    url: `http://127.0.0.1:${address.port}`,
    get forwarded() {
      return forwarded;
    },
    injected,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

interface Call {
  readonly service?: AwsService;
  readonly operation?: string;
}

/** Service from the SigV4 credential scope; operation from X-Amz-Target, the query Action, or Lambda's REST path. */
function identify(req: IncomingMessage, body: Buffer): Call {
  const service = serviceOfAuthorization(req.headers.authorization);
  const target = req.headers["x-amz-target"];
  if (typeof target === "string") return { service, operation: target.split(".").pop() };
  const url = new URL(req.url ?? "/", "http://proxy");
  if ((req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) {
    const action = new URLSearchParams(body.toString("utf8")).get("Action") ?? url.searchParams.get("Action");
    return { service, operation: action ?? undefined };
  }
  const rest = LAMBDA_REST.find(([method, path]) => method === req.method && path.test(url.pathname));
  return { service, operation: rest?.[2] };
}

/** The Lambda REST operations Watchkeeper reads, by method and path. */
const LAMBDA_REST: readonly (readonly [string, RegExp, string])[] = [
  ["GET", /^\/2015-03-31\/functions\/?$/, "ListFunctions"],
  ["GET", /^\/2015-03-31\/functions\/[^/]+$/, "GetFunction"],
  ["GET", /^\/2015-03-31\/event-source-mappings\/?$/, "ListEventSourceMappings"],
  ["GET", /^\/2019-09-25\/functions\/[^/]+\/event-invoke-config$/, "GetFunctionEventInvokeConfig"],
  ["GET", /^\/2019-09-30\/functions\/[^/]+\/concurrency$/, "GetFunctionConcurrency"],
];

/** The first rule that applies and wins its draw. */
function draw(
  rules: readonly ProxyRule[],
  rng: Rng,
  service: AwsService,
  operation?: string,
): ProxyFault | undefined {
  for (const rule of rules) {
    if (rule.service !== undefined && rule.service !== service) continue;
    if (rule.operation !== undefined && rule.operation !== operation) continue;
    if (rng.chance(rule.rate ?? 1)) return rule.fault;
  }
  return undefined;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on("end", () =>
      size <= MAX_BODY_BYTES
        ? resolve(Buffer.concat(chunks))
        : reject(new Error(`fault proxy: request body of ${size} bytes is over ${MAX_BODY_BYTES}`)),
    );
    req.on("error", reject);
  });
}

function forward(target: URL, req: IncomingMessage, body: Buffer, res: ServerResponse): void {
  const upstream = httpRequest(
    {
      hostname: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: req.headers,
      timeout: FORWARD_TIMEOUT_MS,
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on("timeout", () => upstream.destroy(new Error(`no answer within ${FORWARD_TIMEOUT_MS} ms`)));
  upstream.on("error", (error) => {
    if (res.headersSent) res.destroy();
    else
      send(res, {
        statusCode: 502,
        headers: { "content-type": "text/plain" },
        body: `fault proxy: ${target.origin} failed: ${error.message}`,
      });
  });
  upstream.end(body);
}

function send(res: ServerResponse, answer: WireResponse): void {
  res.writeHead(answer.statusCode, { ...answer.headers, "content-length": Buffer.byteLength(answer.body) });
  res.end(answer.body);
}
