/**
 * AWS API rate quotas (requests per second, per account and region) for every call Watchkeeper makes.
 * The pacer paces each API below its quota and `lib/sim` enforces the same numbers, so this table is
 * the one place to change when AWS changes a quota. Each entry names its source.
 */

export type AwsService =
  | "lambda"
  | "sqs"
  | "kinesis"
  | "dynamodb"
  | "apigateway"
  | "apigatewayv2"
  | "sfn"
  | "eventbridge"
  | "sns"
  | "logs"
  | "cloudwatch"
  | "tagging"
  | "sts";

export interface Quota {
  /** Sustained requests per second. */
  readonly rps: number;
  /** Where the number comes from. */
  readonly source: string;
}

export interface ServiceQuotas {
  /** Applies to each API of the service that has no entry of its own (a bucket per API). */
  readonly default: Quota;
  readonly apis?: Readonly<Record<string, Quota>>;
}

const LAMBDA = "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html#api-requests";
const CLOUDWATCH = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html";
const LOGS = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch_limits_cwl.html";
const KINESIS = "https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html";
const APIGATEWAY = "https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html";
const SFN = "https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html";
const EVENTBRIDGE = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html";
const SNS = "https://docs.aws.amazon.com/general/latest/gr/sns.html";
const DYNAMODB = "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html";
const SQS = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html";
const TAGGING = "https://docs.aws.amazon.com/general/latest/gr/arg.html";
const STS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html";

export const QUOTAS: Readonly<Record<AwsService, ServiceQuotas>> = {
  lambda: {
    default: { rps: 15, source: `${LAMBDA} (control plane: 15 requests per second per API)` },
    apis: {
      GetFunction: { rps: 100, source: `${LAMBDA} (GetFunction: 100 requests per second)` },
    },
  },
  cloudwatch: {
    default: { rps: 3, source: CLOUDWATCH },
    apis: {
      DescribeAlarms: { rps: 9, source: `${CLOUDWATCH} (DescribeAlarms: 9 TPS)` },
      PutMetricAlarm: { rps: 3, source: `${CLOUDWATCH} (PutMetricAlarm: 3 TPS)` },
      DeleteAlarms: { rps: 3, source: `${CLOUDWATCH} (DeleteAlarms: 3 TPS)` },
      GetMetricData: { rps: 50, source: `${CLOUDWATCH} (GetMetricData: 50 TPS)` },
      GetMetricWidgetImage: { rps: 20, source: `${CLOUDWATCH} (GetMetricWidgetImage: 20 TPS)` },
      PutDashboard: { rps: 10, source: `${CLOUDWATCH} (PutDashboard: 10 TPS)` },
      GetDashboard: { rps: 10, source: `${CLOUDWATCH} (GetDashboard: 10 TPS)` },
      ListDashboards: { rps: 10, source: `${CLOUDWATCH} (ListDashboards: 10 TPS)` },
      PutMetricData: { rps: 500, source: `${CLOUDWATCH} (PutMetricData: 500 TPS)` },
    },
  },
  logs: {
    default: { rps: 5, source: LOGS },
    apis: {
      DescribeLogGroups: { rps: 10, source: `${LOGS} (DescribeLogGroups: 10 TPS)` },
      PutRetentionPolicy: { rps: 5, source: `${LOGS} (PutRetentionPolicy: 5 TPS)` },
    },
  },
  kinesis: {
    default: { rps: 5, source: KINESIS },
    apis: {
      ListStreams: { rps: 5, source: `${KINESIS} (ListStreams: 5 TPS)` },
      DescribeStreamSummary: { rps: 20, source: `${KINESIS} (DescribeStreamSummary: 20 TPS)` },
      ListStreamConsumers: { rps: 5, source: `${KINESIS} (ListStreamConsumers: 5 TPS per stream)` },
    },
  },
  dynamodb: {
    default: { rps: 20, source: DYNAMODB },
  },
  apigateway: {
    default: { rps: 10, source: `${APIGATEWAY} (control plane: 10 requests per second per account)` },
  },
  apigatewayv2: {
    default: { rps: 10, source: `${APIGATEWAY} (control plane: 10 requests per second per account)` },
  },
  sfn: {
    default: { rps: 5, source: `${SFN} (ListStateMachines and most control APIs: refill 5 per second)` },
  },
  eventbridge: {
    default: { rps: 50, source: `${EVENTBRIDGE} (ListRules, ListTargetsByRule: 50 TPS)` },
  },
  sns: {
    default: { rps: 30, source: `${SNS} (ListTopics, ListSubscriptions: 30 TPS)` },
  },
  sqs: {
    default: { rps: 20, source: `${SQS} (control plane; no published TPS, kept conservative)` },
  },
  tagging: {
    default: { rps: 5, source: TAGGING },
  },
  sts: {
    default: { rps: 100, source: STS },
  },
};

export function quotaFor(service: AwsService, api: string): Quota {
  const quotas = QUOTAS[service];
  return quotas.apis?.[api] ?? quotas.default;
}
