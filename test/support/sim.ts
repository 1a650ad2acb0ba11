import type { Aws } from "../../lib/aws/clients.js";
import type { AwsService } from "../../lib/aws/quotas.js";
import { simulatedAws, type SimAccount } from "../../lib/sim/index.js";

/** The simulated account behind an Aws whose `service` answers AccessDenied, as for a role without its permissions. */
export function simulatedAwsDenying(account: SimAccount, service: AwsService): Aws {
  return simulatedAws(account, { faults: { rules: [{ service, fault: "denied" }] } });
}

/** An alarm on any Lambda error in the account, the shape tests give their alarms (add AlarmName). */
export const ERRORS_ALARM = {
  Namespace: "AWS/Lambda",
  MetricName: "Errors",
  Statistic: "Sum",
  Period: 60,
  EvaluationPeriods: 1,
  Threshold: 0,
  ComparisonOperator: "GreaterThanThreshold",
} as const;
