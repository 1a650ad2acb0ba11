/**
 * Anomaly-detection bands in lib/alarms: a spec compares with `thresholdMetricId` instead of a threshold,
 * is written and read back without one, costs three alarm metrics, and other capabilities' specs (the
 * breaker's trip alarms) are planned with the catalog's: created, kept, updated and deleted.
 */
import { CloudWatchClient, PutMetricAlarmCommand, type MetricAlarm } from "@aws-sdk/client-cloudwatch";
import { describe, expect, it } from "vitest";
import { normalizeAlarm, readExistingAlarms } from "../../lib/alarms/actual.js";
import { billedMetrics, estimateMonthlyCost, estimatePlanCost } from "../../lib/alarms/cost.js";
import { planAlarms, type AlarmPlan } from "../../lib/alarms/plan.js";
import {
  alarmFields,
  isBandAlarm,
  toPutMetricAlarmInput,
  type AlarmSpec,
  type BandThreshold,
  type ExistingAlarm,
} from "../../lib/alarms/spec.js";
import { BREAKER_FUNCTION_TAG, breakerAlarmSpecs } from "../../lib/breaker/alarms.js";
import { resolveBreakerPolicy } from "../../lib/breaker/policy.js";
import { SimAccount, simulatedAws } from "../../lib/sim/index.js";
import { ACCOUNT, REGION, TOPIC_ARN, fn, inventoryOf, policyOf, tagged } from "./fixtures.js";

const policy = policyOf();
const ON = { "watchkeeper:breaker": "on" };

/** An anomaly band on one function's invocations, as another capability would want it. */
function bandSpec(width = 2, name = "watchkeeper-custom-band-orders"): Extract<AlarmSpec, BandThreshold> {
  return {
    name,
    description: `Invocations of orders above the expected band (${width} standard deviations).`,
    metrics: [
      {
        id: "m1",
        metricStat: {
          namespace: "AWS/Lambda",
          metricName: "Invocations",
          dimensions: [{ name: "FunctionName", value: "orders" }],
          stat: "Sum",
          period: 300,
        },
        returnData: true,
      },
      { id: "ad1", expression: `ANOMALY_DETECTION_BAND(m1, ${width})`, label: "expected", returnData: true },
    ],
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    thresholdMetricId: "ad1",
    comparisonOperator: "GreaterThanUpperThreshold",
    treatMissingData: "notBreaching",
    alarmActions: [TOPIC_ARN],
    okActions: [TOPIC_ARN],
    insufficientDataActions: [],
    actionsEnabled: true,
    tags: { "watchkeeper:managed": "true", "watchkeeper:alarm": "custom-band" },
    origin: {
      entryId: "custom-band",
      level: "individual",
      metricsAnalyzed: 1,
      highResolution: false,
      usesMetricsInsights: false,
    },
  };
}

/** The same alarm on a static threshold: the metric alone, above `threshold`. */
function staticSpec(threshold: number, name?: string): AlarmSpec {
  const { thresholdMetricId: _band, comparisonOperator: _operator, metrics, ...rest } = bandSpec(2, name);
  return { ...rest, metrics: metrics?.slice(0, 1), threshold, comparisonOperator: "GreaterThanThreshold" };
}

/** What DescribeAlarms returns for an alarm written with `toPutMetricAlarmInput(spec)`. */
function described(spec: AlarmSpec): MetricAlarm {
  const { Tags: _tags, ...input } = toPutMetricAlarmInput(spec);
  return {
    ...input,
    AlarmArn: `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${spec.name}`,
    StateValue: "INSUFFICIENT_DATA",
  } as MetricAlarm;
}

function existingFrom(spec: AlarmSpec): ExistingAlarm {
  return normalizeAlarm(described(spec), { ...spec.tags }, true);
}

const changes = (plan: AlarmPlan, prefix = "watchkeeper-breaker-") =>
  plan.changes
    .filter((change) => change.target.startsWith(prefix))
    .map((change) => `${change.action} ${change.target}`);

describe("anomaly-band specs", () => {
  it("are written with ThresholdMetricId and a band operator, and no Threshold", () => {
    const input = toPutMetricAlarmInput(bandSpec());
    expect(input.ThresholdMetricId).toBe("ad1");
    expect(input.ComparisonOperator).toBe("GreaterThanUpperThreshold");
    expect("Threshold" in input).toBe(false);
    const staticInput = toPutMetricAlarmInput(staticSpec(5));
    expect(staticInput.Threshold).toBe(5);
    expect("ThresholdMetricId" in staticInput).toBe(false);
  });

  it("read back through normalizeAlarm, compare equal field by field, with no NaN threshold", () => {
    const spec = bandSpec();
    const existing = existingFrom(spec);
    expect(isBandAlarm(existing)).toBe(true);
    expect(existing.threshold).toBeUndefined();
    expect(existing.thresholdMetricId).toBe("ad1");
    expect(existing.comparisonOperator).toBe("GreaterThanUpperThreshold");
    expect(alarmFields(existing)).toEqual(alarmFields(spec));
    expect(alarmFields(existing)).toMatchObject({ Threshold: null, ThresholdMetricId: "ad1" });
  });

  it("a static alarm still reads its threshold, and a band id differs from a threshold", () => {
    const stat = staticSpec(5);
    const existing = existingFrom(stat);
    expect(existing.threshold).toBe(5);
    expect(existing.thresholdMetricId).toBeUndefined();
    expect(alarmFields(existing)).toEqual(alarmFields(stat));
    expect(alarmFields(existing)).not.toEqual(alarmFields(bandSpec()));
  });

  it("round-trip through lib/sim's PutMetricAlarm and DescribeAlarms", async () => {
    const sim = new SimAccount({ region: REGION, seed: "band" });
    const aws = simulatedAws(sim);
    const spec = bandSpec();
    const stat = staticSpec(5, "watchkeeper-custom-static");
    const cloudwatch = aws.client(CloudWatchClient);
    for (const s of [spec, stat]) await cloudwatch.send(new PutMetricAlarmCommand(toPutMetricAlarmInput(s)));
    const { alarms } = await readExistingAlarms(aws, { prefix: "watchkeeper-" });
    expect(alarms.map((a) => [a.name, a.managed, a.thresholdMetricId ?? a.threshold])).toEqual([
      ["watchkeeper-custom-band-orders", true, "ad1"],
      ["watchkeeper-custom-static", true, 5],
    ]);
    expect(alarmFields(alarms[0]!)).toEqual(alarmFields(spec));
    expect(alarmFields(alarms[1]!)).toEqual(alarmFields(stat));
  });

  it("a changed band width is an update of the band's query", () => {
    const inventory = inventoryOf([fn("orders")]);
    const existing = [existingFrom(bandSpec(2))];
    const same = planAlarms(inventory, policy, existing, { extra: [bandSpec(2)] });
    expect(changes(same, "watchkeeper-custom-")).toEqual(["noop watchkeeper-custom-band-orders"]);
    const wider = planAlarms(inventory, policy, existing, { extra: [bandSpec(3)] });
    const update = wider.changes.find((c) => c.target === "watchkeeper-custom-band-orders");
    expect(update?.action).toBe("update");
    expect(update?.diff?.map((d) => d.field)).toEqual(["AlarmDescription", "Metrics"]);
    expect(toPutMetricAlarmInput(update!.desired!).Metrics?.[1]?.Expression).toBe(
      "ANOMALY_DETECTION_BAND(m1, 3)",
    );
  });

  it("a band becoming a static threshold is an update of the threshold, the band id and the operator", () => {
    const inventory = inventoryOf([fn("orders")]);
    const plan = planAlarms(inventory, policy, [existingFrom(bandSpec())], { extra: [staticSpec(100)] });
    const update = plan.changes.find((c) => c.target === "watchkeeper-custom-band-orders");
    expect(update?.action).toBe("update");
    expect(update?.diff?.map((d) => d.field)).toEqual([
      "Metrics",
      "Threshold",
      "ThresholdMetricId",
      "ComparisonOperator",
    ]);
    expect(update?.diff?.slice(1)).toEqual([
      { field: "Threshold", from: null, to: 100 },
      { field: "ThresholdMetricId", from: "ad1", to: null },
      { field: "ComparisonOperator", from: "GreaterThanUpperThreshold", to: "GreaterThanThreshold" },
    ]);
  });
});

describe("cost of bands and metric math", () => {
  it("an anomaly band on one metric is billed as 3 alarm metrics; metric math per metric read", () => {
    expect(billedMetrics(bandSpec())).toBe(3);
    expect(estimateMonthlyCost([bandSpec()])).toEqual({ alarms: 1, alarmMetrics: 3, monthlyUsd: 0.3 });
    const [rate, band] = breakerAlarmSpecs(
      inventoryOf([tagged(fn("orders"), ON)]),
      resolveBreakerPolicy(),
      policy,
    );
    expect(rate?.name).toBe("watchkeeper-breaker-error-rate-orders");
    expect(billedMetrics(rate!)).toBe(2); // Errors and Invocations
    expect(billedMetrics(band!)).toBe(3);
    expect(estimateMonthlyCost([rate!, band!])).toEqual({ alarms: 2, alarmMetrics: 5, monthlyUsd: 0.5 });
  });

  it("what exists is costed the same way as what is wanted", () => {
    const inventory = inventoryOf([fn("orders")]);
    const plan = planAlarms(inventory, policy, [existingFrom(bandSpec())], { extra: [] });
    const cost = estimatePlanCost(plan);
    // The catalog's Lambda alarms are created; the band nobody wants any more is deleted.
    expect(plan.changes.find((c) => c.target === "watchkeeper-custom-band-orders")?.action).toBe("delete");
    expect(cost.before).toEqual({ alarms: 1, alarmMetrics: 3, monthlyUsd: 0.3 });
  });
});

describe("extra specs from other capabilities", () => {
  const breakerPolicy = resolveBreakerPolicy();
  const opted = [tagged(fn("orders"), ON), tagged(fn("payments"), ON), fn("plain")];
  const tripSpecs = (resources = opted) => breakerAlarmSpecs(inventoryOf(resources), breakerPolicy, policy);

  it("are created with the catalog's alarms, then kept as noops", () => {
    const inventory = inventoryOf(opted);
    const first = planAlarms(inventory, policy, [], { extra: tripSpecs() });
    expect(first.warnings).toEqual([]);
    expect(changes(first)).toEqual([
      "create watchkeeper-breaker-error-rate-orders",
      "create watchkeeper-breaker-error-rate-payments",
      "create watchkeeper-breaker-invocations-anomaly-orders",
      "create watchkeeper-breaker-invocations-anomaly-payments",
    ]);
    expect(first.desired.some((s) => s.name === "watchkeeper-lambda-errors")).toBe(true);
    const existing = first.desired.map(existingFrom);
    const second = planAlarms(inventory, policy, existing, { extra: tripSpecs() });
    expect(second.changes.every((c) => c.action === "noop" && c.reason === "up to date")).toBe(true);
  });

  it("a managed trip alarm no longer wanted is deleted; the ones still wanted stay", () => {
    const inventory = inventoryOf(opted);
    const existing = planAlarms(inventory, policy, [], { extra: tripSpecs() }).desired.map(existingFrom);
    // payments opts out: its trip alarms are no longer among the extra specs.
    const now = [tagged(fn("orders"), ON), tagged(fn("payments"), { "watchkeeper:breaker": "off" })];
    const specs = tripSpecs(now);
    expect(specs.map((s) => s.tags[BREAKER_FUNCTION_TAG])).toEqual(["orders", "orders"]);
    const plan = planAlarms(inventoryOf(now), policy, existing, { extra: specs });
    expect(changes(plan).filter((c) => !c.startsWith("noop"))).toEqual([
      "delete watchkeeper-breaker-error-rate-payments",
      "delete watchkeeper-breaker-invocations-anomaly-payments",
    ]);
    expect(changes(plan).filter((c) => c.startsWith("noop"))).toEqual([
      "noop watchkeeper-breaker-error-rate-orders",
      "noop watchkeeper-breaker-invocations-anomaly-orders",
    ]);
    // Without the extra specs, every trip alarm is a stale managed alarm: this is why the reconcile passes them.
    const without = planAlarms(inventoryOf(now), policy, existing);
    expect(changes(without).every((c) => c.startsWith("delete"))).toBe(true);
    expect(changes(without)).toHaveLength(4);
  });

  it("a name the catalog already plans keeps the catalog's alarm, with a warning", () => {
    const inventory = inventoryOf([fn("orders")]);
    const clash = { ...bandSpec(), name: "watchkeeper-lambda-errors" };
    const plan = planAlarms(inventory, policy, [], { extra: [clash] });
    const kept = plan.desired.filter((s) => s.name === "watchkeeper-lambda-errors");
    expect(kept).toHaveLength(1);
    expect(kept[0]?.origin.entryId).toBe("lambda-errors");
    expect(plan.warnings).toContain(
      "alarm watchkeeper-lambda-errors (wanted by custom-band) has the same name as the catalog's alarm for lambda-errors: the catalog's alarm is kept and custom-band's is left out",
    );
  });

  it("are checked like the catalog's: prefix, name length, band query, tags, description", () => {
    const inventory = inventoryOf([]);
    const plan = planAlarms(inventory, policy, [], {
      extra: [
        bandSpec(2, "team-band"),
        bandSpec(2, `watchkeeper-${"x".repeat(250)}`),
        { ...bandSpec(2, "watchkeeper-lost-band"), thresholdMetricId: "nope" },
        {
          ...bandSpec(2, "watchkeeper-long"),
          description: "d".repeat(1100),
          tags: { "watchkeeper:alarm": "custom-band", note: "bad\nvalue" },
        },
        bandSpec(3, "watchkeeper-long"),
      ],
    });
    expect(plan.desired.map((s) => s.name)).toEqual(["watchkeeper-long"]);
    const [kept] = plan.desired;
    expect(kept?.description).toHaveLength(1024);
    expect(kept?.tags).toEqual({ "watchkeeper:alarm": "custom-band", "watchkeeper:managed": "true" });
    expect(plan.warnings).toEqual([
      "alarm team-band (wanted by custom-band) is left out: its name does not start with the prefix watchkeeper-, so it could never be managed",
      `alarm watchkeeper-${"x".repeat(250)} (wanted by custom-band) is left out: its name is longer than 255 characters`,
      "alarm watchkeeper-lost-band (wanted by custom-band) is left out: its ThresholdMetricId nope names none of its queries",
      "tag note is left off alarm watchkeeper-long: its value is longer than 256 characters or has characters CloudWatch tags do not allow",
      "alarm watchkeeper-long (wanted by custom-band): its description is longer than 1024 characters and is shortened",
      "alarm watchkeeper-long (wanted by custom-band) is wanted twice (also by custom-band): the first is kept",
    ]);
  });
});
