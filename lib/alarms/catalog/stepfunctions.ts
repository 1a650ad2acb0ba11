/**
 * AWS Step Functions: executions that fail (as a share of those that end), time out, run close to their
 * timeout, or are throttled, per state machine. CloudWatch's recommended alarms have no Step Functions
 * section: the shapes are Watchkeeper's.
 */
import type { StateMachine } from "../../inventory/types.js";
import { SERVERLESS_LENS, STEPFUNCTIONS_METRICS, STEPFUNCTIONS_QUOTAS, section } from "./sources.js";
import { defineEntry, PAGE_ON_EACH_LOSS, type CatalogEntry, type TypedCatalogEntry } from "./types.js";

const NAMESPACE = "AWS/States";
const SERVICE = "stepfunctions";

/** Step Functions quotas: an Express execution that runs 5 minutes fails with States.Timeout. */
export const EXPRESS_MAX_EXECUTION_SECONDS = 300;
/** The same page: a Standard execution ends at one year. */
const STANDARD_MAX_EXECUTION_SECONDS = 365 * 24 * 3600;

/**
 * When the machine's executions time out, in seconds: its TimeoutSeconds, within its type's maximum. A
 * Standard machine without one has none worth alarming near (a year); an Express one always has 5 minutes.
 */
export function executionTimeoutSeconds(machine: StateMachine): number | undefined {
  if (machine.type === "EXPRESS")
    return Math.min(machine.timeoutSeconds ?? EXPRESS_MAX_EXECUTION_SECONDS, EXPRESS_MAX_EXECUTION_SECONDS);
  return machine.timeoutSeconds === undefined
    ? undefined
    : Math.min(machine.timeoutSeconds, STANDARD_MAX_EXECUTION_SECONDS);
}

type Fields = Pick<
  TypedCatalogEntry<"state-machine">,
  "id" | "metricName" | "title" | "meaning" | "evaluationPeriods" | "datapointsToAlarm" | "threshold"
> &
  Partial<TypedCatalogEntry<"state-machine">>;

function executionEntry(fields: Fields): CatalogEntry {
  return defineEntry<"state-machine">({
    service: SERVICE,
    resourceKind: "state-machine",
    namespace: NAMESPACE,
    statistic: "Sum",
    period: 60,
    comparison: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
    unit: "count",
    dimension: "StateMachineArn",
    aggregate: "metrics-insights",
    individual: "when-needed",
    // Step Functions names its metrics by the state machine's ARN.
    dimensionValue: (machine) => machine.arn,
    runbook: fields.id,
    source: section(STEPFUNCTIONS_METRICS, `${fields.metricName} (per StateMachineArn)`),
    ...fields,
  });
}

export const STEPFUNCTIONS_ENTRIES: readonly CatalogEntry[] = [
  executionEntry({
    id: "stepfunctions-executions-failed",
    metricName: "ExecutionsFailed",
    title: "Step Functions executions failing",
    meaning:
      "More than a tenth of a state machine's executions end failed, in two 5-minute periods of three (under 10 executions a period, each failure counts as a tenth). Open the failed executions' event history to find the state and error.",
    unit: "fraction",
    // A share over 5 minutes, not a count a minute: workflows that end in a Fail state as a normal outcome
    // fail all day, and an isolated failure is no incident. Each machine gets its own rate alarm.
    aggregate: "none",
    individual: "always",
    math: {
      metrics: { m2: { metricName: "ExecutionsSucceeded", statistic: "Sum" } },
      steps: { failed: "FILL(m1, 0)", ended: "FILL(m1, 0) + FILL(m2, 0)" },
      expression: "IF(ended >= 10, failed / ended, failed / 10)",
    },
    period: 300,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    threshold: { describe: "more than 10% of the executions that end (0.1)", compute: () => 0.1 },
    source: section(
      SERVERLESS_LENS,
      `OPS 1 (alarm on workflow failures); ExecutionsFailed and ExecutionsSucceeded: ${STEPFUNCTIONS_METRICS}`,
    ),
  }),
  executionEntry({
    id: "stepfunctions-execution-throttled",
    metricName: "ExecutionThrottled",
    title: "Step Functions state transitions throttled",
    meaning:
      "State transitions of a state machine (StateEntered events and retries) are throttled by the Step Functions quotas, five minutes running: executions slow down. Request a quota increase or smooth the load.",
    evaluationPeriods: 5,
    datapointsToAlarm: 5,
    threshold: { describe: "throttling in each of 5 minutes", compute: () => 0 },
  }),
  executionEntry({
    id: "stepfunctions-execution-time",
    metricName: "ExecutionTime",
    title: "Step Functions executions near their timeout",
    meaning:
      "The slowest executions of a state machine to end ran close to its timeout, in two 5-minute periods of three: executions are about to time out. Find the slow state in their event history.",
    // Maximum, not the metrics page's Average (its advice for graphs) nor Lambda Duration's p90: the slowest
    // execution is the one that times out first, and p90 passes a fraction of the timeout only after the
    // tail beyond it already timed out. An average hides the tail altogether.
    statistic: "Maximum",
    // ExecutionTime is sent when an execution ends, and workflows end a few times an hour, not every minute.
    period: 300,
    // Two slow periods in 15 minutes: one unusually slow execution (a big input) does not page.
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    unit: "milliseconds",
    // The threshold follows each machine's timeout, so each gets its own alarm; Metrics Insights cannot
    // compare each contributor with a threshold of its own.
    aggregate: "none",
    individual: "always",
    // A Standard machine without TimeoutSeconds (or with a JSONata one) has no timeout to approach: only a
    // watchkeeper:threshold:ExecutionTime tag gives it this alarm.
    applies: (machine, _facts, thresholds) =>
      executionTimeoutSeconds(machine) !== undefined || thresholds.has("ExecutionTime"),
    threshold: {
      describe:
        "80% of the state machine's timeout (TimeoutSeconds; an Express workflow's 5 minutes at most)",
      compute: ({ resource, limits }) =>
        Math.round(
          ((resource && executionTimeoutSeconds(resource)) ?? EXPRESS_MAX_EXECUTION_SECONDS) *
            1000 *
            limits.executionTimeoutFraction,
        ),
    },
    source: section(
      STEPFUNCTIONS_METRICS,
      `ExecutionTime (per StateMachineArn, ms from start to close); TimeoutSeconds and the Express 5-minute maximum: ${STEPFUNCTIONS_QUOTAS}`,
    ),
  }),
  executionEntry({
    id: "stepfunctions-executions-timed-out",
    metricName: "ExecutionsTimedOut",
    title: "Step Functions executions timed out",
    meaning:
      "Executions of a state machine reached their TimeoutSeconds. Find the slow or stuck state in the executions' history. The alarm stays in ALARM for 15 minutes after the last timeout, so a burst pages once.",
    ...PAGE_ON_EACH_LOSS,
    threshold: { describe: "any execution timing out", compute: () => 0 },
  }),
];
