import { describe, expect, it } from "vitest";
import { Aws } from "../../lib/aws/index.js";
import { attempt, mapLimit, type DiscoveryContext } from "../../lib/inventory/context.js";
import type { DiscoveryWarning } from "../../lib/inventory/index.js";

function context(): DiscoveryContext & { warnings: DiscoveryWarning[] } {
  const warnings: DiscoveryWarning[] = [];
  return {
    aws: new Aws({ region: "us-east-1", credentials: { accessKeyId: "x", secretAccessKey: "x" } }),
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
function unparseable(): Error {
  const error = new SyntaxError("Unexpected token '<'\n  Deserialization error: to see the raw response ...");
  Object.defineProperty(error, "$response", { value: { statusCode: 404 }, enumerable: false });
  return error;
}

describe("attempt", () => {
  it("returns the value of a call that succeeds", async () => {
    const ctx = context();
    expect(await attempt(ctx, { service: "sqs", operation: "ListQueues" }, async () => 42)).toEqual({
      ok: true,
      value: 42,
    });
    expect(ctx.warnings).toEqual([]);
  });

  it("turns AccessDenied into a warning naming the resource", async () => {
    const ctx = context();
    const outcome = await attempt(
      ctx,
      { service: "lambda", operation: "GetFunction", resource: "arn:f" },
      () => Promise.reject(named("AccessDeniedException")),
    );
    expect(outcome).toEqual({ ok: false, reason: "denied" });
    expect(ctx.warnings).toEqual([
      {
        service: "lambda",
        operation: "GetFunction",
        code: "AccessDeniedException",
        message: "AccessDeniedException happened",
        resource: "arn:f",
      },
    ]);
  });

  it("warns once about an unsupported API and does not call it again", async () => {
    const ctx = context();
    let calls = 0;
    const call = { service: "lambda", operation: "GetAccountSettings" } as const;
    const run = async () => {
      calls++;
      throw unparseable();
    };
    expect(await attempt(ctx, { ...call, resource: "a" }, run)).toEqual({ ok: false, reason: "unsupported" });
    expect(await attempt(ctx, { ...call, resource: "b" }, run)).toEqual({ ok: false, reason: "unsupported" });
    expect(calls).toBe(1);
    expect(ctx.warnings).toEqual([
      {
        service: "lambda",
        operation: "GetAccountSettings",
        code: "UnsupportedByEndpoint",
        message: "Unexpected token '<'",
      },
    ]);
  });

  it("keeps an endpoint's own unsupported code", async () => {
    const ctx = context();
    await attempt(ctx, { service: "logs", operation: "X" }, () =>
      Promise.reject(named("UnknownOperationException")),
    );
    expect(ctx.warnings.map((w) => w.code)).toEqual(["UnknownOperationException"]);
  });

  it("skips a resource that disappeared, quietly", async () => {
    const ctx = context();
    for (const name of ["ResourceNotFoundException", "QueueDoesNotExist", "NotFoundException"]) {
      expect(
        await attempt(ctx, { service: "sqs", operation: "GetQueueAttributes" }, () =>
          Promise.reject(named(name)),
        ),
      ).toEqual({ ok: false, reason: "missing" });
    }
    expect(ctx.warnings).toEqual([]);
  });

  it("rethrows everything else: credentials, throttling, network, modeled server errors", async () => {
    const ctx = context();
    for (const error of [
      named("ExpiredTokenException", { $fault: "client" }),
      named("ThrottlingException", { $fault: "client" }),
      Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
      Object.assign(named("InternalFailure", { $fault: "server" }), { $response: {} }),
    ]) {
      await expect(
        attempt(ctx, { service: "sqs", operation: "ListQueues" }, () => Promise.reject(error)),
      ).rejects.toBe(error);
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
