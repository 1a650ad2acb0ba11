/**
 * EventBridge: failed invocations and throttled rules per rule. Rules on the default bus are named by
 * RuleName alone; rules on a custom bus also carry EventBusName, so the top-N query reads every
 * dimension set of the namespace, grouped by rule.
 */
import type { EventBridgeRule } from "../../lib/inventory/types.js";
import { kindSection, RECOMMENDED_ALARMS, type DashboardMetric, type MetricTarget } from "./section.js";

const NAMESPACE = "AWS/Events";
const EVENTBRIDGE_METRICS = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html";

export const EVENTBRIDGE_METRICS_SHOWN: readonly DashboardMetric[] = [
  {
    namespace: NAMESPACE,
    metricName: "FailedInvocations",
    stat: "Sum",
    insights: "SUM",
    title: "Failed invocations (Sum)",
    source: `${RECOMMENDED_ALARMS} — EventBridge FailedInvocations (Sum, 60 s); ${EVENTBRIDGE_METRICS}`,
  },
  {
    namespace: NAMESPACE,
    metricName: "ThrottledRules",
    stat: "Sum",
    insights: "SUM",
    title: "Throttled rules (Sum)",
    source: `${RECOMMENDED_ALARMS} — EventBridge ThrottledRules (Sum, 60 s); ${EVENTBRIDGE_METRICS}`,
  },
];

export function ruleTarget(rule: EventBridgeRule): MetricTarget {
  if (rule.eventBusName === "default") {
    return { label: rule.name, dimensions: [{ name: "RuleName", value: rule.name }] };
  }
  return {
    label: `${rule.eventBusName}/${rule.name}`,
    dimensions: [
      { name: "EventBusName", value: rule.eventBusName },
      { name: "RuleName", value: rule.name },
    ],
  };
}

export const eventBridgeSection = kindSection({
  id: "eventbridge",
  title: "EventBridge",
  kind: "eventbridge-rule",
  singular: "rule",
  noun: "rules",
  metrics: EVENTBRIDGE_METRICS_SHOWN,
  target: ruleTarget,
  groupBy: ["RuleName"],
});
