/**
 * `detail: "reconcile"`: what the reconcile capabilities use and nothing more — no GetFunction (tags from
 * the Tagging API, reserved concurrency marked not read), no Kinesis consumers, and in large accounts
 * async invoke configs only of functions something shows to be invoked asynchronously.
 */
import { simulatedAwsDenying } from "../support/sim.js";
import { describe, expect, it } from "vitest";
import { Aws } from "../../lib/aws/index.js";
import {
  discoverInventory,
  readGaps,
  RESOURCE_KINDS,
  type Inventory,
  type Resource,
} from "../../lib/inventory/index.js";
import {
  ASYNC_CONFIG_ALLOWANCE_MS,
  needsAsyncInvokeConfig,
  readsEveryAsyncConfig,
} from "../../lib/inventory/services/lambda.js";
import { summarizeInventory } from "../../lib/inventory/summary.js";
import { SimAccount, sampleAccount, simPlugin, simulatedAws } from "../../lib/sim/index.js";

function calls(account: SimAccount, api: string): number {
  return account.stats().find((s) => s.api === api)?.calls ?? 0;
}

function functionsOf(inventory: Inventory) {
  return inventory.resources.filter(
    (r): r is Resource & { kind: "lambda-function" } => r.kind === "lambda-function",
  );
}

function byName(inventory: Inventory, name: string) {
  const fn = functionsOf(inventory).find((f) => f.name === name);
  if (!fn) throw new Error(`function ${name} not discovered`);
  return fn;
}

/** The same account behind an Aws whose Tagging API answers AccessDenied. */
function withoutTaggingApi(account: SimAccount): Aws {
  return simulatedAwsDenying(account, "tagging");
}

describe('discoverInventory with detail "reconcile" on the sample account', async () => {
  const full = await discoverInventory(simulatedAws(sampleAccount()));
  const account = sampleAccount();
  const lean = await discoverInventory(simulatedAws(account), { detail: "reconcile" });

  it("finds the same resources, tags and relations as a full discovery", () => {
    expect(lean.resources.map((r) => r.arn)).toEqual(full.resources.map((r) => r.arn));
    expect(lean.resources.map((r) => r.tags)).toEqual(full.resources.map((r) => r.tags));
    expect(lean.relations).toEqual(full.relations);
    expect(lean.warnings).toEqual([]);
  });

  it("reads every function's async invoke config in a small account, and says reserved concurrency was not read", () => {
    for (const fn of functionsOf(lean)) {
      const { reservedConcurrency: _r, notRead, ...rest } = fn;
      const { reservedConcurrency: _f, ...fullRest } = byName(full, fn.name);
      expect(rest).toEqual(fullRest);
      expect(fn.reservedConcurrency).toBe("unknown");
      expect(notRead).toEqual(["reserved-concurrency"]);
    }
    expect(summarizeInventory(lean).functionsWithReservedConcurrency).toBe("not-read");
    expect(summarizeInventory(full).functionsWithReservedConcurrency).toBe(1);
  });

  it("makes no GetFunction or ListStreamConsumers call, and lists tags in one listing", () => {
    expect(calls(account, "GetFunction")).toBe(0);
    expect(calls(account, "ListStreamConsumers")).toBe(0);
    expect(calls(account, "ListFunctionEventInvokeConfigs")).toBe(functionsOf(lean).length);
    expect(calls(account, "GetResources")).toBe(1);
    const stream = lean.resources.find((r) => r.kind === "kinesis-stream");
    expect(stream).toBeDefined();
    expect(stream).not.toHaveProperty("consumers");
  });

  it("reads tags and concurrency with GetFunction when the Tagging API is denied", async () => {
    const denied = sampleAccount();
    const inventory = await discoverInventory(withoutTaggingApi(denied), { detail: "reconcile" });
    expect(calls(denied, "GetFunction")).toBe(functionsOf(inventory).length);
    expect(byName(inventory, "image-resizer")).toMatchObject({
      reservedConcurrency: 50,
      tags: { team: "media" },
    });
    for (const fn of functionsOf(inventory)) {
      expect(fn.tags).toEqual(byName(full, fn.name).tags);
      expect(fn.notRead).toBeUndefined();
    }
    // The other kinds' tags are unknown, each said once; the functions' came from GetFunction.
    expect(inventory.warnings.map((w) => `${w.service} ${w.operation} ${w.code} ${w.covers?.kind}`)).toEqual(
      RESOURCE_KINDS.filter((kind) => kind !== "lambda-function").map(
        (kind) => `tagging GetResources AccessDeniedException ${kind}`,
      ),
    );
    expect(new Set(inventory.warnings.map((w) => w.covers?.what))).toEqual(new Set(["tags"]));
  });
});

describe('discoverInventory with detail "reconcile" when a service fails', () => {
  it("records that service's failure, once, as what the snapshot does not know", async () => {
    const account = sampleAccount();
    const plugin = simPlugin(account);
    const aws = new Aws({
      region: account.region,
      clock: account.clock,
      plugin: (service) =>
        service === "eventbridge"
          ? {
              applyToStack(stack) {
                stack.add(
                  () => async () => {
                    throw Object.assign(new Error("socket hang up"), { name: "NetworkingError" });
                  },
                  { step: "initialize", name: "failEventBridge", priority: "low" },
                );
              },
            }
          : plugin(service),
    });
    const inventory = await discoverInventory(aws, { detail: "reconcile" });
    const failed = inventory.warnings.filter((w) => w.service === "eventbridge");
    expect(failed.map((w) => [w.operation, w.covers])).toEqual([
      ["ListEventBuses", { kind: "eventbridge-rule", what: "resources" }],
    ]);
    expect(failed[0]!.message).toContain("socket hang up");
    expect(readGaps(inventory).settled("eventbridge-rule")).toBe(false);
    // A queue can be a rule target's DLQ: without the rules, queues are not settled either.
    expect(readGaps(inventory).settled("sqs-queue")).toBe(false);
    expect(readGaps(inventory).settled("dynamodb-table")).toBe(true);
    expect(inventory.resources.some((r) => r.kind === "eventbridge-rule")).toBe(false);
  });

  it("records SNS's two failures when topics and subscriptions both fail, without an unobserved rejection", async () => {
    const account = sampleAccount();
    const plugin = simPlugin(account);
    const aws = new Aws({
      region: account.region,
      clock: account.clock,
      plugin: (service) =>
        service === "sns"
          ? {
              applyToStack(stack) {
                stack.add(
                  () => async () => {
                    throw Object.assign(new Error("connection reset"), { name: "NetworkingError" });
                  },
                  { step: "initialize", name: "failSns", priority: "low" },
                );
              },
            }
          : plugin(service),
    });
    const inventory = await discoverInventory(aws, { kinds: ["sns-topic", "eventbridge-rule"] });
    expect(inventory.warnings.map((w) => `${w.operation} ${w.covers?.kind} ${w.covers?.what}`)).toEqual([
      "ListSubscriptions sns-topic facts",
      "ListTopics sns-topic resources",
    ]);
    expect(readGaps(inventory).settled("sns-topic")).toBe(false);
  });
});

describe('discoverInventory with detail "reconcile" on a large account', () => {
  it("reads every function's async config up to what fits its allowance of the control-plane quota", () => {
    // 15 requests per second, paced at 80 %, for five minutes.
    expect(ASYNC_CONFIG_ALLOWANCE_MS).toBe(300_000);
    expect(readsEveryAsyncConfig(3_600)).toBe(true);
    expect(readsEveryAsyncConfig(3_601)).toBe(false);
    expect(needsAsyncInvokeConfig({ invokedAsync: true, deadLetterTarget: false })).toBe(true);
    expect(needsAsyncInvokeConfig({ invokedAsync: false, deadLetterTarget: true })).toBe(true);
    expect(needsAsyncInvokeConfig({ invokedAsync: false, deadLetterTarget: false })).toBe(false);
  });

  /** 3,700 functions: five with a reason to read their async config, and one with a destination nothing shows. */
  function largeAccount(): SimAccount {
    const account = new SimAccount({ seed: "discover-detail", lambdaConcurrencyLimit: 10_000 });
    for (let i = 0; i < 3_695; i++) account.addFunction({ name: `fn-${String(i).padStart(4, "0")}` });
    const failures = account.addQueue({ name: "failures" });
    const dlq = account.addQueue({ name: "dlq" });
    const fn = (name: string) => account.arns.of("lambda", `function:${name}`);
    account.addFunction({ name: "rule-target", eventInvokeConfig: { onFailure: failures.arn } });
    account.addFunction({ name: "alias-target", eventInvokeConfig: { maximumRetryAttempts: 0 } });
    account.addFunction({ name: "sns-target" });
    account.addFunction({ name: "with-dlq", deadLetterTargetArn: dlq.arn });
    account.addFunction({ name: "s3-invoked", eventInvokeConfig: { onFailure: failures.arn } });
    account.addRule({
      name: "nightly",
      scheduleExpression: "rate(1 day)",
      targets: [{ arn: fn("rule-target") }, { arn: `${fn("alias-target")}:live` }],
    });
    account.addTopic({ name: "alerts" });
    account.addSubscription({ topic: "alerts", protocol: "lambda", endpoint: fn("sns-target") });
    return account;
  }

  it("reads only the functions rules, topics and async DLQs show to be invoked asynchronously", async () => {
    const account = largeAccount();
    const inventory = await discoverInventory(simulatedAws(account), { detail: "reconcile" });
    const functions = functionsOf(inventory);
    expect(functions).toHaveLength(3_700);
    expect(inventory.warnings).toEqual([]);
    expect(calls(account, "ListFunctionEventInvokeConfigs")).toBe(4);
    const read = functions.filter((f) => !f.notRead?.includes("async-invoke")).map((f) => f.name);
    expect(read.sort()).toEqual(["alias-target", "rule-target", "sns-target", "with-dlq"]);
    expect(byName(inventory, "rule-target").asyncInvoke).toEqual({
      onFailureDestination: account.queue("failures")!.arn,
    });
    // What is lost: an on-failure destination only the function's own config names.
    const s3 = byName(inventory, "s3-invoked");
    expect(s3.notRead).toEqual(["async-invoke", "reserved-concurrency"]);
    expect(s3.asyncInvoke).toBeUndefined();
    expect(
      inventory.relations.filter((r) => r.from === s3.arn && r.type === "on-failure-destination"),
    ).toEqual([]);
  });

  it("reads every function's async config when it cannot know who invokes them", async () => {
    const account = largeAccount();
    const inventory = await discoverInventory(simulatedAws(account), {
      detail: "reconcile",
      kinds: ["lambda-function", "sqs-queue"],
    });
    expect(calls(account, "ListFunctionEventInvokeConfigs")).toBe(3_700);
    expect(functionsOf(inventory).filter((f) => f.notRead?.includes("async-invoke"))).toEqual([]);
    expect(byName(inventory, "s3-invoked").asyncInvoke).toEqual({
      onFailureDestination: account.queue("failures")!.arn,
    });
  });
});
