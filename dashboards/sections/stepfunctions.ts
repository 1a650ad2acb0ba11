/** Step Functions: failed, timed-out and throttled executions per state machine (named by its ARN). */
import { kindSection, RECOMMENDED_ALARMS, type DashboardMetric } from "./section.js";

const NAMESPACE = "AWS/States";

export const STEP_FUNCTIONS_METRICS_SHOWN: readonly DashboardMetric[] = [
  ["ExecutionsFailed", "Executions failed (Sum)"],
  ["ExecutionsTimedOut", "Executions timed out (Sum)"],
  ["ExecutionThrottled", "Executions throttled (Sum)"],
].map(([metricName, title]) => ({
  namespace: NAMESPACE,
  metricName: metricName!,
  stat: "Sum",
  insights: "SUM",
  title: title!,
  source: `${RECOMMENDED_ALARMS} — Step Functions ${metricName} (Sum, 60 s)`,
}));

export const stepFunctionsSection = kindSection({
  id: "stepfunctions",
  title: "Step Functions",
  kind: "state-machine",
  singular: "state machine",
  noun: "state machines",
  metrics: STEP_FUNCTIONS_METRICS_SHOWN,
  target: (machine) => ({
    label: machine.name,
    dimensions: [{ name: "StateMachineArn", value: machine.arn }],
  }),
  schema: ["StateMachineArn"],
  groupBy: ["StateMachineArn"],
});
