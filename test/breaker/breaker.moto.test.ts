/**
 * The circuit breaker over the real wire: real SDK clients against moto, state read back from moto.
 * Region eu-south-1 belongs to this file (see test/moto/moto.ts).
 *
 * What moto (5.2) covers here: Put/Get/DeleteFunctionConcurrency (GetFunctionConcurrency answers 0
 * correctly; GetFunction omits a concurrency of 0, which is why the breaker reads GetFunctionConcurrency),
 * UpdateEventSourceMapping Enabled, Tag/UntagResource and ListTagsForResource on alarms (the record lives
 * on the function's trip alarm, created first as a reconcile creates it), EventBridge rules and targets
 * (invokers), PutMetricData and ListMetrics, PutMetricAlarm for both trip-alarm shapes, SetAlarmState and
 * DescribeAlarms.
 * NOT in moto: DeadLetterConfig (dropped), async invoke configs with destinations (moto's answer to
 * ListFunctionEventInvokeConfigs breaks the SDK's parser once a config exists; an empty list reads fine),
 * and the account's unreserved-concurrency minimum (off unless MOTO_LAMBDA_CONCURRENCY_QUOTA is set for
 * the whole server). The restore failure at the minimum,
 * functions with a DLQ or on-failure destination, the rate guard and the event orderings are asserted
 * through lib/sim in breaker.sim.test.ts.
 */
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  ListMetricsCommand,
  SetAlarmStateCommand,
} from "@aws-sdk/client-cloudwatch";
import {
  CreateEventSourceMappingCommand,
  CreateFunctionCommand,
  GetEventSourceMappingCommand,
  GetFunctionConcurrencyCommand,
  LambdaClient,
  ListTagsCommand,
  PutFunctionConcurrencyCommand,
} from "@aws-sdk/client-lambda";
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { pino } from "pino";
import { beforeAll, describe, expect, it } from "vitest";
import { readExistingAlarms } from "../../lib/alarms/actual.js";
import { planAlarms } from "../../lib/alarms/plan.js";
import { DEFAULT_ALARM_POLICY } from "../../lib/alarms/policy.js";
import type { Aws } from "../../lib/aws/index.js";
import { BREAKER_FUNCTION_TAG, breakerAlarmSpecs } from "../../lib/breaker/alarms.js";
import { breakerStatus, resetBreaker, tripBreaker } from "../../lib/breaker/breaker.js";
import { observeFunction } from "../../lib/breaker/observe.js";
import { readFunctionTripAlarms } from "../../lib/breaker/store.js";
import { DEFAULT_BREAKER_POLICY } from "../../lib/breaker/policy.js";
import { BREAKER_TAGS } from "../../lib/breaker/record.js";
import { discoverInventory } from "../../lib/inventory/index.js";
import { createBreakerHandler } from "../../functions/breaker.js";
import { MOTO_ACCOUNT_ID, createMotoRule, lambdaZip, motoAws, motoLambdaRole } from "../moto/moto.js";
import { createTripAlarms, tripAlarmRecord } from "../support/breaker.js";
import { alarmEvent } from "./fixtures.js";

const REGION = "eu-south-1";

let aws: Aws;
let lambda: LambdaClient;
const mappings: { consumer?: string; paused?: string } = {};
let tripAlarmNames: string[] = [];

async function createFunction(name: string, tags: Record<string, string>, reserved?: number): Promise<void> {
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: "nodejs20.x",
      Role: await motoLambdaRole(),
      Handler: "index.handler",
      Code: { ZipFile: lambdaZip() },
      Tags: tags,
    }),
  );
  if (reserved !== undefined) {
    await lambda.send(
      new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: reserved }),
    );
  }
}

async function concurrency(name: string): Promise<number | "unset"> {
  const out = await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: name }));
  return out.ReservedConcurrentExecutions ?? "unset";
}

/** The breaker's record of `name`, read back from moto off its trip alarms' tags. */
const record = (name: string) => tripAlarmRecord(aws, name);

async function functionTags(name: string): Promise<Record<string, string>> {
  const arn = `arn:aws:lambda:${REGION}:${MOTO_ACCOUNT_ID}:function:${name}`;
  return (await lambda.send(new ListTagsCommand({ Resource: arn }))).Tags ?? {};
}

async function mappingState(uuid: string): Promise<string | undefined> {
  return (await lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }))).State;
}

const user = { actor: "user:alice", reason: "error storm after deploy 42" };

beforeAll(async () => {
  aws = motoAws(REGION);
  lambda = aws.client(LambdaClient);
  const sqs = aws.client(SQSClient);
  const queueArn = async (name: string) => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }));
    return attrs.Attributes?.QueueArn ?? "";
  };

  await createFunction("sized", { "watchkeeper:breaker": "sync", team: "checkout" }, 7);
  await createFunction("unsized", { "watchkeeper:breaker": "sync" });
  await createFunction("consumer", { "watchkeeper:breaker": "on" });
  const work = await lambda.send(
    new CreateEventSourceMappingCommand({
      FunctionName: "consumer",
      EventSourceArn: await queueArn("work"),
      BatchSize: 10,
    }),
  );
  const backfill = await lambda.send(
    new CreateEventSourceMappingCommand({
      FunctionName: "consumer",
      EventSourceArn: await queueArn("backfill"),
      Enabled: false,
    }),
  );
  mappings.consumer = work.UUID;
  mappings.paused = backfill.UUID;

  await createFunction("notifier", { "watchkeeper:breaker": "on" });
  await createMotoRule(
    aws,
    "order-placed",
    "orders",
    `arn:aws:lambda:${REGION}:${MOTO_ACCOUNT_ID}:function:notifier`,
  );
  await createFunction("stranger", {});
  await createFunction("alarmed", { "watchkeeper:breaker": "sync" }, 3);
  // The breaker keeps its record on a function's trip alarm: a reconcile creates them first.
  tripAlarmNames = await createTripAlarms(aws);
});

describe("trip and reset against moto", () => {
  it("round-trips a function with reserved concurrency N: 0 while open, N again after reset", async () => {
    expect(await concurrency("sized")).toBe(7);
    const trip = await tripBreaker(aws, "sized", user);
    expect(trip).toMatchObject({ result: "tripped", mode: "zero-concurrency", previous: 7, mappings: [] });
    expect(trip.sentence).toBe(
      "tripped: set sized's reserved concurrency 7 → 0; a reset restores 7 (by user:alice: error storm after deploy 42)",
    );
    expect(await concurrency("sized")).toBe(0);
    const iso = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(await record("sized")).toEqual({
      [BREAKER_TAGS.state]: "open",
      [BREAKER_TAGS.previous]: "7",
      [BREAKER_TAGS.since]: iso,
      [BREAKER_TAGS.by]: "user:alice",
      [BREAKER_TAGS.reason]: "error storm after deploy 42",
      [BREAKER_TAGS.applied]: iso,
      [BREAKER_TAGS.trips]: expect.stringMatching(/^\d{4}-/),
    });
    // The function's own tags are left as they were: the record is on its trip alarm.
    expect(await functionTags("sized")).toEqual({ "watchkeeper:breaker": "sync", team: "checkout" });

    // Idempotent: a second trip changes nothing.
    const again = await tripBreaker(aws, "sized", { actor: "user:bob", reason: "again" });
    expect(again.result).toBe("already-open");
    expect(await concurrency("sized")).toBe(0);
    expect((await record("sized"))[BREAKER_TAGS.by]).toBe("user:alice");

    const reset = await resetBreaker(aws, "sized", { actor: "user:alice", reason: "fixed" });
    expect(reset).toMatchObject({ result: "reset", restored: 7 });
    expect(await concurrency("sized")).toBe(7);
    const closed = await record("sized");
    expect(Object.keys(closed)).toEqual([BREAKER_TAGS.trips]); // the history stays for the rate guard
    expect(await functionTags("sized")).toEqual({ "watchkeeper:breaker": "sync", team: "checkout" });

    expect(await resetBreaker(aws, "sized", user)).toMatchObject({ result: "already-closed" });
    expect(await concurrency("sized")).toBe(7);
  });

  it("round-trips a function with no reserved concurrency back to unset (DeleteFunctionConcurrency)", async () => {
    expect(await concurrency("unsized")).toBe("unset");
    expect(await tripBreaker(aws, "unsized", user)).toMatchObject({ result: "tripped", previous: "unset" });
    expect(await concurrency("unsized")).toBe(0);
    expect((await record("unsized"))[BREAKER_TAGS.previous]).toBe("unset");
    expect(await resetBreaker(aws, "unsized", user)).toMatchObject({ result: "reset", restored: "unset" });
    expect(await concurrency("unsized")).toBe("unset");
    expect((await record("unsized"))[BREAKER_TAGS.state]).toBeUndefined();
  });

  it("disables an SQS consumer's enabled mapping instead of throttling it, and re-enables exactly that one", async () => {
    const trip = await tripBreaker(aws, "consumer", user);
    expect(trip).toMatchObject({
      result: "tripped",
      mode: "disable-mappings",
      mappings: [mappings.consumer],
    });
    expect(await mappingState(mappings.consumer!)).toBe("Disabled");
    expect(await mappingState(mappings.paused!)).toBe("Disabled");
    expect(await concurrency("consumer")).toBe("unset");
    expect(await record("consumer")).toMatchObject({
      [BREAKER_TAGS.state]: "open",
      [BREAKER_TAGS.mappings]: mappings.consumer,
    });
    expect((await record("consumer"))[BREAKER_TAGS.previous]).toBeUndefined();

    const reset = await resetBreaker(aws, "consumer", user);
    expect(reset).toMatchObject({
      result: "reset",
      enabledMappings: [mappings.consumer],
      skippedMappings: [],
    });
    expect(await mappingState(mappings.consumer!)).toBe("Enabled");
    expect(await mappingState(mappings.paused!)).toBe("Disabled"); // it was disabled before the trip
    expect(await concurrency("consumer")).toBe("unset");
  });

  it("refuses an async-invoked function without a DLQ or on-failure destination, and changes nothing", async () => {
    const trip = await tripBreaker(aws, "notifier", user);
    expect(trip).toMatchObject({ result: "refused", rule: "async-without-failure-destination" });
    expect(trip.sentence).toBe(
      "not tripped: notifier is invoked asynchronously by rule order-placed: reserved concurrency 0 would send new events straight to its DLQ or on-failure destination, and with neither they would be lost. Add a DLQ or an on-failure destination, then trip again",
    );
    expect(await concurrency("notifier")).toBe("unset");
    expect(await record("notifier")).toEqual({});
  });

  it("refuses a function that did not opt in, and a dry run changes nothing", async () => {
    expect(await tripBreaker(aws, "stranger", user)).toMatchObject({
      result: "refused",
      rule: "not-opted-in",
    });
    const dry = await tripBreaker(aws, "unsized", { ...user, dryRun: true });
    expect(dry).toMatchObject({ result: "tripped", dryRun: true });
    expect(dry.sentence).toMatch(/^would trip: set unsized's reserved concurrency unset → 0/);
    expect(await concurrency("unsized")).toBe("unset");
    expect(await tripBreaker(aws, "no-such-function", user)).toMatchObject({ result: "not-found" });
  });

  it("emits BreakerTrips and BreakerResets with the function's name", async () => {
    const metrics = await aws
      .client(CloudWatchClient)
      .send(new ListMetricsCommand({ Namespace: "Watchkeeper" }));
    const seen = (metrics.Metrics ?? []).map(
      (m) => `${m.MetricName} ${m.Dimensions?.find((d) => d.Name === "FunctionName")?.Value}`,
    );
    expect(seen).toEqual(
      expect.arrayContaining([
        "BreakerTrips sized",
        "BreakerResets sized",
        "BreakerTrips consumer",
        "BreakerResets unsized",
      ]),
    );
  });

  it("reports status for one function and for an inventory", async () => {
    const [one] = await breakerStatus(aws, "notifier");
    expect(one).toMatchObject({
      state: "closed",
      wouldTrip: { action: "refuse", rule: "async-without-failure-destination" },
    });
    const inventory = await discoverInventory(aws, {
      kinds: ["lambda-function", "eventbridge-rule", "sns-topic"],
    });
    const all = await breakerStatus(aws, inventory);
    expect(all.map((s) => `${s.functionName} ${s.state} ${s.wouldTrip?.action}`).sort()).toEqual([
      "alarmed closed trip",
      "consumer closed trip",
      "notifier closed refuse",
      "sized closed trip",
      "unsized closed trip",
    ]);
  });
});

describe("trip alarms and the handler against moto", () => {
  it("creates both trip-alarm shapes, maps them back to their function, and trips on an ALARM event", async () => {
    const inventory = await discoverInventory(aws, { kinds: ["lambda-function"] });
    const specs = breakerAlarmSpecs(inventory, DEFAULT_BREAKER_POLICY);
    expect(specs.filter((s) => s.tags[BREAKER_FUNCTION_TAG] === "alarmed")).toHaveLength(2);
    // Created in beforeAll through the alarms plan and its apply, for every opted-in function.
    expect(tripAlarmNames).toEqual(specs.map((s) => s.name));
    const cloudwatch = aws.client(CloudWatchClient);
    const described = await cloudwatch.send(
      new DescribeAlarmsCommand({ AlarmNamePrefix: "watchkeeper-breaker-" }),
    );
    const band = described.MetricAlarms?.find(
      (a) => a.AlarmName === "watchkeeper-breaker-invocations-anomaly-alarmed",
    );
    expect(band?.ThresholdMetricId).toBe("band");
    expect(band?.ComparisonOperator).toBe("GreaterThanUpperThreshold");
    // Read back over the wire, both shapes compare equal to what was written (records and trip history
    // on them included): the alarms plan keeps them.
    const existing = await readExistingAlarms(aws, { prefix: "watchkeeper-breaker-" });
    const replan = planAlarms(inventory, DEFAULT_ALARM_POLICY, existing.alarms, { extra: specs });
    expect(
      replan.changes
        .filter((c) => c.target.startsWith("watchkeeper-breaker-"))
        .map((c) => `${c.action} ${c.target} ${c.reason}`),
    ).toEqual(specs.map((s) => `noop ${s.name} up to date`));
    expect(specs.map((s) => s.name)).toEqual(
      expect.arrayContaining([
        "watchkeeper-breaker-error-rate-alarmed",
        "watchkeeper-breaker-invocations-anomaly-alarmed",
      ]),
    );
    expect(
      (await readFunctionTripAlarms(aws, "watchkeeper-", (await observeFunction(aws, "alarmed"))!.fn))
        .map((a) => `${a.name} → ${a.functionName}`)
        .sort(),
    ).toEqual([
      "watchkeeper-breaker-error-rate-alarmed → alarmed",
      "watchkeeper-breaker-invocations-anomaly-alarmed → alarmed",
    ]);

    const name = "watchkeeper-breaker-error-rate-alarmed";
    await cloudwatch.send(
      new SetAlarmStateCommand({ AlarmName: name, StateValue: "ALARM", StateReason: "test" }),
    );
    const lines: { msg: string; level: number }[] = [];
    const logger = pino({ level: "info" }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    const handle = createBreakerHandler({ aws: () => aws, logger, policy: () => DEFAULT_BREAKER_POLICY });
    const result = await handle(
      alarmEvent(name, "ALARM", new Date(), { region: REGION, account: MOTO_ACCOUNT_ID }),
    );
    expect(result.status).toBe("acted");
    expect(await concurrency("alarmed")).toBe(0);
    expect((await record("alarmed"))[BREAKER_TAGS.by]).toBe(`alarm:${name}`);
    expect(lines.map((l) => l.msg)).toContain(
      `tripped: set alarmed's reserved concurrency 3 → 0; a reset restores 3 (by alarm:${name}: ${name} ALARM)`,
    );
    // Auto-reset is off by default: an OK leaves it open; a person resets it.
    await cloudwatch.send(
      new SetAlarmStateCommand({ AlarmName: name, StateValue: "OK", StateReason: "test" }),
    );
    const ok = await handle(
      alarmEvent(name, "OK", new Date(Date.now() + 1000), { region: REGION, account: MOTO_ACCOUNT_ID }),
    );
    expect(ok.status).toBe("unchanged");
    expect(await concurrency("alarmed")).toBe(0);
    expect(await resetBreaker(aws, "alarmed", user)).toMatchObject({ result: "reset", restored: 3 });
    expect(await concurrency("alarmed")).toBe(3);
  });
});
