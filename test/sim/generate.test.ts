import { describe, expect, it } from "vitest";
import { generateAccount, type SimAccount } from "../../lib/sim/index.js";

function resourceCount(account: SimAccount): number {
  return [
    account.functions,
    account.queues,
    account.streams,
    account.tables,
    account.restApis,
    account.httpApis,
    account.stateMachines,
    account.rules,
    account.topics,
    account.logGroups,
  ].reduce((sum, registry) => sum + registry.size, 0);
}

function fingerprint(account: SimAccount): string {
  return JSON.stringify([
    [...account.functions.values()].map((f) => [
      f.name,
      f.reservedConcurrency,
      f.deadLetterTargetArn,
      f.logGroup,
    ]),
    [...account.queues.values()].map((q) => [q.name, q.redrivePolicy]),
    [...account.eventSourceMappings.values()].map((m) => [m.uuid, m.functionName, m.eventSourceArn]),
    [...account.rules.values()].map((r) => r.targets),
    [...account.subscriptions.keys()],
  ]);
}

describe("generateAccount", () => {
  it.each([1_000, 10_000])("builds exactly %i resources", (resources) => {
    expect(resourceCount(generateAccount({ resources, seed: 1 }))).toBe(resources);
  });

  // Speed is measured by `npm run bench`, not asserted here.
  it("builds exactly 50,000 resources", () => {
    expect(resourceCount(generateAccount({ resources: 50_000, seed: 1 }))).toBe(50_000);
  });

  it("is deterministic per seed", () => {
    expect(fingerprint(generateAccount({ resources: 2_000, seed: 42 }))).toBe(
      fingerprint(generateAccount({ resources: 2_000, seed: 42 })),
    );
    expect(fingerprint(generateAccount({ resources: 2_000, seed: 42 }))).not.toBe(
      fingerprint(generateAccount({ resources: 2_000, seed: 43 })),
    );
  });

  it("has the relations discovery must follow", () => {
    const account = generateAccount({ resources: 5_000, seed: 9 });
    const queues = [...account.queues.values()];
    const dlqUse = new Map<string, number>();
    for (const q of queues)
      if (q.redrivePolicy)
        dlqUse.set(
          q.redrivePolicy.deadLetterTargetArn,
          (dlqUse.get(q.redrivePolicy.deadLetterTargetArn) ?? 0) + 1,
        );
    expect([...dlqUse.values()].some((n) => n > 1)).toBe(true);
    expect(
      queues
        .filter((q) => q.fifo)
        .every((q) => !q.redrivePolicy || account.queueByArn(q.redrivePolicy.deadLetterTargetArn)?.fifo),
    ).toBe(true);
    const sources = [...account.eventSourceMappings.values()].map((m) => m.eventSourceArn.split(":")[2]);
    expect(new Set(sources)).toEqual(new Set(["sqs", "kinesis", "dynamodb"]));
    // One v2 API in four is a WebSocket API, so scale runs cover the kind.
    const v2Apis = [...account.httpApis.values()];
    expect(v2Apis.filter((api) => api.protocolType === "WEBSOCKET").length).toBe(
      Math.floor(v2Apis.length / 4),
    );
    const functions = [...account.functions.values()];
    expect(functions.every((f) => account.logGroups.has(f.logGroup))).toBe(true);
    expect(functions.some((f) => f.customLogGroup)).toBe(true);
    expect(functions.some((f) => f.deadLetterTargetArn)).toBe(true);
    expect(functions.some((f) => f.eventInvokeConfig?.onFailure)).toBe(true);
    expect(functions.filter((f) => f.tags["watchkeeper:breaker"] === "on").length).toBeGreaterThan(0);
    const reserved = functions.reduce((sum, f) => sum + (f.reservedConcurrency ?? 0), 0);
    expect(reserved).toBeGreaterThan(0);
    expect(account.lambdaConcurrencyLimit - reserved).toBeGreaterThanOrEqual(
      account.minimumUnreservedConcurrency,
    );
    expect([...account.logGroups.values()].some((g) => g.retentionInDays === undefined)).toBe(true);
    expect(account.subscriptions.size).toBeGreaterThan(0);
    // Two state machines in three with a TimeoutSeconds in their definition, of both types.
    const timeouts = [...account.stateMachines.values()].map((m) => ({
      type: m.type,
      timeout: (JSON.parse(m.definition) as { TimeoutSeconds?: number }).TimeoutSeconds,
    }));
    const timed = timeouts.filter((m) => m.timeout !== undefined);
    expect(timed.length).toBe(timeouts.length - Math.ceil(timeouts.length / 3));
    expect(new Set(timed.map((m) => m.type))).toEqual(new Set(["STANDARD", "EXPRESS"]));
    expect(timed.filter((m) => m.type === "EXPRESS").every((m) => m.timeout! <= 300)).toBe(true);
  });

  it("rejects sizes too small to hold the mix", () => {
    expect(() => generateAccount({ resources: 5 })).toThrow(/≥ 20/);
  });
});
