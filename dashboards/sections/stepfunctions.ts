/** Step Functions: failed, timed-out and throttled executions per state machine (named by its ARN). */
import type { StateMachine } from "../../lib/inventory/types.js";
import {
  count,
  howShown,
  perResourceWidgets,
  RECOMMENDED_ALARMS,
  sectionHeader,
  shown,
  type DashboardMetric,
  type ServiceSection,
} from "./section.js";

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

export const stepFunctionsSection: ServiceSection = {
  id: "stepfunctions",
  title: "Step Functions",
  blocks(context) {
    const machines = shown(context.index.ofKind("state-machine"));
    if (machines.length === 0) return [];
    return [
      {
        widgets: [
          sectionHeader(
            "Step Functions",
            `${count(machines.length, "state machine")} (${howShown(context, machines.length)}).`,
          ),
          ...perResourceWidgets<StateMachine>(context, {
            metrics: STEP_FUNCTIONS_METRICS_SHOWN,
            resources: machines,
            target: (machine) => ({
              label: machine.name,
              dimensions: [{ name: "StateMachineArn", value: machine.arn }],
            }),
            schema: ["StateMachineArn"],
            groupBy: ["StateMachineArn"],
            noun: "state machines",
          }),
        ],
      },
    ];
  },
};
