/** Every trip and reset as a CloudWatch metric, so breakers show on dashboards and can be alarmed on. */
import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import type { Aws } from "../aws/index.js";
import { describeAwsError } from "../aws/index.js";

export const BREAKER_METRIC_NAMESPACE = "Watchkeeper";

export const BREAKER_METRICS = {
  trips: "BreakerTrips",
  resets: "BreakerResets",
  /** A reset that could not restore what was recorded (the breaker stays open). */
  resetFailures: "BreakerResetFailures",
} as const;

export type BreakerMetric = (typeof BREAKER_METRICS)[keyof typeof BREAKER_METRICS];

/**
 * One data point (value 1, dimension FunctionName). Returns a warning instead of throwing: the trip or
 * reset already happened, and a lost data point must not make it look as if it had not.
 */
export async function emitBreakerMetric(
  aws: Aws,
  metric: BreakerMetric,
  functionName: string,
): Promise<string | undefined> {
  try {
    await aws.client(CloudWatchClient).send(
      new PutMetricDataCommand({
        Namespace: BREAKER_METRIC_NAMESPACE,
        MetricData: [
          {
            MetricName: metric,
            Dimensions: [{ Name: "FunctionName", Value: functionName }],
            Value: 1,
            Unit: "Count",
          },
        ],
      }),
    );
    return undefined;
  } catch (error) {
    return `the ${metric} metric for ${functionName} was not recorded: ${describeAwsError(error)}`;
  }
}
