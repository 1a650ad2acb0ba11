/**
 * Amazon EventBridge: rules whose targets could not be invoked after all retries, and events lost because
 * even the target's DLQ refused them. CloudWatch's recommended alarms have no EventBridge rules section.
 * "Metrics that specify only the RuleName dimension refer to the default event bus. Metrics that specify both
 * the EventBusName and RuleName dimensions refer to a custom event bus": each bus kind has its own entry, so
 * rules of the same name on different buses are never one contributor.
 */
import type { EventBridgeRule } from "../../inventory/types.js";
import { EVENTBRIDGE_METRICS, SERVERLESS_LENS, section } from "./sources.js";
import { defineEntry, PAGE_ON_EACH_LOSS, type CatalogEntry } from "./types.js";

type Bus = "default" | "custom";

function onBus(rule: EventBridgeRule, bus: Bus): boolean {
  return (rule.eventBusName === "default") === (bus === "default");
}

function targets(rule: EventBridgeRule) {
  return rule.eventBusName === "default"
    ? [{ label: rule.name, dimensions: [{ name: "RuleName", value: rule.name }] }]
    : [
        {
          label: `${rule.eventBusName}-${rule.name}`,
          dimensions: [
            { name: "EventBusName", value: rule.eventBusName },
            { name: "RuleName", value: rule.name },
          ],
        },
      ];
}

interface RuleMetric {
  readonly id: string;
  readonly metricName: string;
  readonly title: string;
  readonly meaning: string;
  readonly source: string;
}

/** Each failed delivery is an event lost or sent to a DLQ: one pages (PAGE_ON_EACH_LOSS). */
function ruleEntry(metric: RuleMetric, bus: Bus): CatalogEntry {
  return defineEntry<"eventbridge-rule">({
    id: bus === "default" ? metric.id : `${metric.id}-custom-bus`,
    service: "eventbridge",
    title: metric.title,
    meaning: metric.meaning,
    resourceKind: "eventbridge-rule",
    namespace: "AWS/Events",
    metricName: metric.metricName,
    statistic: "Sum",
    period: 60,
    ...PAGE_ON_EACH_LOSS,
    comparison: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
    unit: "count",
    // Rules on the default bus publish [RuleName]; on a custom bus, [EventBusName, RuleName] (exact schemas).
    dimension: "RuleName",
    ...(bus === "custom" ? { extraDimensions: ["EventBusName"] } : {}),
    aggregate: "metrics-insights",
    individual: "when-needed",
    applies: (rule) => onBus(rule, bus),
    targets,
    threshold: { describe: "more than 0", compute: () => 0 },
    runbook: "eventbridge-failed-invocations",
    source: metric.source,
  });
}

const FAILED_INVOCATIONS: RuleMetric = {
  id: "eventbridge-failed-invocations",
  metricName: "FailedInvocations",
  title: "EventBridge target invocations failed",
  meaning:
    "A rule could not deliver events to a target after all retries: events went to the target's DLQ or were dropped. Check the target's permissions, existence and throttling.",
  source: section(SERVERLESS_LENS, `OPS 1 (EventBridge FailedInvocations); metric: ${EVENTBRIDGE_METRICS}`),
};

const LOST_TO_DLQ: RuleMetric = {
  id: "eventbridge-dlq-delivery-failed",
  metricName: "InvocationsFailedToBeSentToDlq",
  title: "EventBridge events lost: DLQ delivery failed",
  meaning:
    "Events failed to reach their target and then could not be sent to the target's dead-letter queue either: they are lost. Check the DLQ exists and its policy lets EventBridge send to it (and its KMS key, if encrypted).",
  source: section(EVENTBRIDGE_METRICS, "InvocationsFailedToBeSentToDlq (sent only when not zero)"),
};

export const EVENTBRIDGE_ENTRIES: readonly CatalogEntry[] = [FAILED_INVOCATIONS, LOST_TO_DLQ].flatMap(
  (metric) => [ruleEntry(metric, "default"), ruleEntry(metric, "custom")],
);
