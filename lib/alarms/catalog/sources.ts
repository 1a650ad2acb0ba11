/** The pages the catalog's defaults come from; each entry names the section it follows. */

/** CloudWatch user guide, "Recommended alarms" (linked from "Best practice alarm recommendations for AWS services"). */
export const RECOMMENDED_ALARMS =
  "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Best_Practice_Recommended_Alarms_AWS_Services.html";

/** AWS Well-Architected Serverless Applications Lens, OPS 1 "Metrics and alerts" (aggregate and individual levels). */
export const SERVERLESS_LENS =
  "https://docs.aws.amazon.com/wellarchitected/latest/serverless-applications-lens/welcome.html";

export const LAMBDA_METRICS = "https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html";

export const SQS_DEAD_LETTER_QUEUES =
  "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html";

export const EVENTBRIDGE_METRICS =
  "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html";

export const STEPFUNCTIONS_METRICS =
  "https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html";

/** Step Functions quotas: an Express execution runs at most 5 minutes, a Standard one a year. */
export const STEPFUNCTIONS_QUOTAS =
  "https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html";

export const SNS_METRICS = "https://docs.aws.amazon.com/sns/latest/dg/sns-monitoring-using-cloudwatch.html";

export const KINESIS_METRICS =
  "https://docs.aws.amazon.com/streams/latest/dev/monitoring-with-cloudwatch.html";

/** `<page> — <section>`, the form every entry's `source` takes. */
export function section(page: string, name: string): string {
  return `${page} — ${name}`;
}
