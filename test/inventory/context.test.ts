import { describe, expect, it } from "vitest";
import { Aws } from "../../lib/aws/index.js";
import { attempt, mapLimit, type DiscoveryContext } from "../../lib/inventory/context.js";
import type { DiscoveryWarning } from "../../lib/inventory/index.js";

/** An Aws for AWS's own endpoints, or for an emulator at `endpoint` (whatever the test run's environment says). */
function awsAt(endpoint?: string): Aws {
  const fromEnvironment = process.env.AWS_ENDPOINT_URL;
  delete process.env.AWS_ENDPOINT_URL;
  try {
    return new Aws({
      region: "us-east-1",
      credentials: { accessKeyId: "x", secretAccessKey: "x" },
      ...(endpoint ? { endpoint } : {}),
    });
  } finally {
    if (fromEnvironment !== undefined) process.env.AWS_ENDPOINT_URL = fromEnvironment;
  }
}

function context(endpoint?: string): DiscoveryContext & { warnings: DiscoveryWarning[] } {
  const warnings: DiscoveryWarning[] = [];
  return {
    aws: awsAt(endpoint),
    accountId: "111111111111",
    region: "us-east-1",
    warn: (w) => warnings.push(w),
    progress: () => {},
    unsupported: new Set(),
    warnings,
  };
}

const named = (name: string, extra: object = {}) =>
  Object.assign(new Error(`${name} happened`), { name, ...extra });

/** What the SDK throws when a response does not parse: the raw response attached, no `$fault`. */
function unparseable(statusCode: number): Error {
  const error = new SyntaxError("Unexpected token '<'\n  Deserialization error: to see the raw response ...");
  Object.defineProperty(error, "$response", { value: { statusCode }, enumerable: false });
  Object.defineProperty(error, "$metadata", { value: { httpStatusCode: statusCode }, enumerable: false });
  return error;
}

const listQueues = {
  service: "sqs",
  operation: "ListQueues",
  covers: { kind: "sqs-queue", what: "resources" },
} as const;

describe("attempt", () => {
  it("returns the value of a call that succeeds", async () => {
    const ctx = context();
    expect(await attempt(ctx, listQueues, async () => 42)).toEqual({ ok: true, value: 42 });
    expect(ctx.warnings).toEqual([]);
  });

  it("turns AccessDenied into a warning naming the resource and what it leaves unknown", async () => {
    const ctx = context();
    const covers = { kind: "lambda-function", what: "facts", resource: "arn:f" } as const;
    const outcome = await attempt(
      ctx,
      { service: "lambda", operation: "GetFunction", resource: "arn:f", covers },
      () => Promise.reject(named("AccessDeniedException")),
    );
    expect(outcome).toEqual({ ok: false, reason: "denied" });
    expect(ctx.warnings).toEqual([
      {
        service: "lambda",
        operation: "GetFunction",
        code: "AccessDeniedException",
        message: "AccessDeniedException: AccessDeniedException happened",
        resource: "arn:f",
        covers,
      },
    ]);
  });

  it("on an emulator, reads an HTML 404 or 500 as an API it lacks: warns once, calls it no more", async () => {
    for (const status of [404, 500]) {
      const ctx = context("http://127.0.0.1:5000");
      let calls = 0;
      const call = {
        service: "lambda",
        operation: "GetAccountSettings",
        covers: { kind: "lambda-function", what: "facts" },
      } as const;
      const run = async () => {
        calls++;
        throw unparseable(status);
      };
      expect(await attempt(ctx, call, run)).toEqual({ ok: false, reason: "unsupported" });
      expect(await attempt(ctx, call, run)).toEqual({ ok: false, reason: "unsupported" });
      expect(calls).toBe(1);
      expect(ctx.warnings).toMatchObject([
        { operation: "GetAccountSettings", code: "UnsupportedByEndpoint", unsupported: true },
      ]);
    }
  });

  it("never reads a proxy's 502, 503 or 504 page, or any page from AWS's own endpoints, as an API it lacks", async () => {
    const cases: [string | undefined, number][] = [
      ["http://127.0.0.1:5000", 502],
      ["http://127.0.0.1:5000", 503],
      ["http://127.0.0.1:5000", 504],
      [undefined, 404],
      [undefined, 500],
    ];
    for (const [endpoint, status] of cases) {
      const ctx = context(endpoint);
      const outcome = await attempt(ctx, listQueues, () => Promise.reject(unparseable(status)));
      expect(outcome).toEqual({ ok: false, reason: "failed" });
      expect(ctx.warnings).toHaveLength(1);
      expect(ctx.warnings[0]).toMatchObject({ covers: listQueues.covers });
      expect(ctx.warnings[0]!.unsupported).toBeUndefined();
      expect(ctx.warnings[0]!.message).toContain(`HTTP ${status}`);
    }
  });

  it("keeps an endpoint's own unsupported code", async () => {
    const ctx = context();
    await attempt(
      ctx,
      { service: "logs", operation: "X", covers: { kind: "log-group", what: "resources" } },
      () => Promise.reject(named("UnknownOperationException")),
    );
    expect(ctx.warnings.map((w) => [w.code, w.unsupported])).toEqual([["UnknownOperationException", true]]);
  });

  it("skips a resource that disappeared, quietly", async () => {
    const ctx = context();
    for (const name of ["ResourceNotFoundException", "QueueDoesNotExist", "NotFoundException"]) {
      expect(
        await attempt(ctx, { ...listQueues, operation: "GetQueueAttributes", resource: "https://q" }, () =>
          Promise.reject(named(name, { $fault: "client" })),
        ),
      ).toEqual({ ok: false, reason: "missing" });
    }
    expect(ctx.warnings).toEqual([]);
  });

  it("a listing's not-found, or one read from a page that is not AWS's, is a failure", async () => {
    const ctx = context();
    expect(await attempt(ctx, listQueues, () => Promise.reject(named("NotFoundException")))).toEqual({
      ok: false,
      reason: "failed",
    });
    const page404 = Object.assign(unparseable(404), {
      name: "NotFound",
      $fault: "client",
      message: "Unknown",
    });
    expect(
      await attempt(ctx, { ...listQueues, resource: "https://q" }, () => Promise.reject(page404)),
    ).toEqual({ ok: false, reason: "failed" });
    expect(ctx.warnings).toHaveLength(2);
  });

  it("throttling past retries, timeouts, network and server errors are failures that cover what the call reads", async () => {
    const ctx = context();
    for (const error of [
      named("ThrottlingException", { $fault: "client" }),
      Object.assign(new Error("a request has exceeded the configured 15000 ms requestTimeout"), {
        name: "TimeoutError",
        code: "ETIMEDOUT",
      }),
      Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
      Object.assign(named("InternalFailure", { $fault: "server" }), { $response: {} }),
    ]) {
      expect(await attempt(ctx, listQueues, () => Promise.reject(error))).toEqual({
        ok: false,
        reason: "failed",
      });
    }
    expect(ctx.warnings.map((w) => w.covers)).toEqual(Array(4).fill(listQueues.covers));
  });

  it("rethrows missing or rejected credentials: then nothing at all can be read", async () => {
    const ctx = context();
    for (const error of [
      named("ExpiredTokenException", { $fault: "client" }),
      named("CredentialsProviderError"),
    ]) {
      await expect(attempt(ctx, listQueues, () => Promise.reject(error))).rejects.toBe(error);
    }
    expect(ctx.warnings).toEqual([]);
  });
});

describe("mapLimit", () => {
  it("keeps at most `limit` calls in flight and results in input order", async () => {
    let inFlight = 0;
    let peak = 0;
    const results = await mapLimit([5, 1, 4, 2, 3, 0, 6], 3, async (n) => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, n));
      inFlight--;
      return n * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30, 0, 60]);
    expect(peak).toBe(3);
  });

  it("stops taking new work after a failure and rethrows it", async () => {
    const started: number[] = [];
    await expect(
      mapLimit([1, 2, 3, 4, 5], 1, async (n) => {
        started.push(n);
        if (n === 2) throw new Error("boom");
        return n;
      }),
    ).rejects.toThrow("boom");
    expect(started).toEqual([1, 2]);
  });

  it("handles an empty list", async () => {
    expect(await mapLimit([], 8, async () => 1)).toEqual([]);
  });
});
