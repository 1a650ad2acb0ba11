/** AWS Step Functions: executions that fail, are throttled, or time out, per state machine. */
import type { StateMachine } from "../../inventory/types.js";
import { RECOMMENDED_ALARMS, section } from "./sources.js";
import { defineEntry, type CatalogEntry } from "./types.js";

const NAMESPACE = "AWS/States";
const SERVICE = "stepfunctions";

function executionEntry(id: string, metricName: string, title: string, meaning: string): CatalogEntry {
  return defineEntry<"state-machine">({
    id,
    service: SERVICE,
    title,
    meaning,
    resourceKind: "state-machine",
    namespace: NAMESPACE,
    metricName,
    statistic: "Sum",
    period: 60,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    comparison: "GreaterThanOrEqualToThreshold",
    treatMissingData: "notBreaching",
    unit: "count",
    dimension: "StateMachineArn",
    aggregate: "metrics-insights",
    individual: "when-needed",
    // Step Functions names its metrics by the state machine's ARN.
    dimensionValue: (machine: StateMachine) => machine.arn,
    threshold: { describe: "1 or more executions", compute: () => 1 },
    runbook: id,
    source: section(RECOMMENDED_ALARMS, `AWS Step Functions: ${metricName} (Sum, 60 s, 1 of 1, >= 1)`),
  });
}

export const STEPFUNCTIONS_ENTRIES: readonly CatalogEntry[] = [
  executionEntry(
    "stepfunctions-executions-failed",
    "ExecutionsFailed",
    "Step Functions executions failed",
    "Executions of a state machine failed. Open the failed executions' event history to find the state and error.",
  ),
  executionEntry(
    "stepfunctions-execution-throttled",
    "ExecutionThrottled",
    "Step Functions executions throttled",
    "State transitions of a state machine were throttled by the Step Functions quotas: executions slow down or fail to start. Request a quota increase or smooth the load.",
  ),
  executionEntry(
    "stepfunctions-executions-timed-out",
    "ExecutionsTimedOut",
    "Step Functions executions timed out",
    "Executions of a state machine reached their TimeoutSeconds. Find the slow or stuck state in the executions' history.",
  ),
];
