/** Amazon EventBridge: rules whose targets could not be invoked after all retries. */
import type { EventBridgeRule } from "../../inventory/types.js";
import { EVENTBRIDGE_METRICS, SERVERLESS_LENS, section } from "./sources.js";
import { defineEntry, type CatalogEntry } from "./types.js";

/** Rules on the default bus are named by RuleName; rules on a custom bus also carry EventBusName. */
function targets(rule: EventBridgeRule) {
  const onDefaultBus = rule.eventBusName === "default";
  return [
    {
      label: onDefaultBus ? rule.name : `${rule.eventBusName}-${rule.name}`,
      dimensions: onDefaultBus
        ? [{ name: "RuleName", value: rule.name }]
        : [
            { name: "EventBusName", value: rule.eventBusName },
            { name: "RuleName", value: rule.name },
          ],
    },
  ];
}

export const EVENTBRIDGE_ENTRIES: readonly CatalogEntry[] = [
  defineEntry<"eventbridge-rule">({
    id: "eventbridge-failed-invocations",
    service: "eventbridge",
    title: "EventBridge target invocations failed",
    meaning:
      "A rule could not deliver events to a target after all retries: events went to the target's DLQ or were dropped. Check the target's permissions, existence and throttling.",
    resourceKind: "eventbridge-rule",
    namespace: "AWS/Events",
    metricName: "FailedInvocations",
    statistic: "Sum",
    period: 60,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    comparison: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
    unit: "count",
    dimension: "RuleName",
    // Custom-bus rules carry EventBusName too: read every dimension set, grouped by rule.
    querySchema: "any",
    aggregate: "metrics-insights",
    individual: "when-needed",
    targets,
    threshold: { describe: "more than 0", compute: () => 0 },
    runbook: "eventbridge-failed-invocations",
    source: section(SERVERLESS_LENS, `OPS 1 (EventBridge FailedInvocations); metric: ${EVENTBRIDGE_METRICS}`),
  }),
];
