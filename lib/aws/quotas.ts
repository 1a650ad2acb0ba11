/**
 * AWS API rate quotas (requests per second, per account and region) for every call Watchkeeper makes.
 * The pacer paces each API below its quota and `lib/sim` enforces the same numbers, so this table is
 * the one place to change when AWS changes a quota. Each entry names its source.
 *
 * Each API has its own bucket unless its quota names a `shared` bucket: AWS publishes some quotas
 * for a group of APIs (Lambda's control plane, API Gateway's management API, EventBridge's control
 * plane, DynamoDB's read-only control plane, STS), and those APIs then draw from one schedule.
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
  | "sts"
  | "secretsmanager"
  | "iam"
  | "organizations";

export interface Quota {
  /** Sustained requests per second. */
  readonly rps: number;
  /** Where the number comes from. */
  readonly source: string;
  /** APIs whose quotas name the same shared bucket draw from one schedule. */
  readonly shared?: string;
}

export interface ServiceQuotas {
  /** Applies to each API of the service that has no entry of its own. */
  readonly default: Quota;
  readonly apis?: Readonly<Record<string, Quota>>;
}

const LAMBDA = "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html#api-requests";
const CLOUDWATCH = "https://docs.aws.amazon.com/general/latest/gr/cw_region.html#limits_cloudwatch";
const LOGS = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch_limits_cwl.html";
const KINESIS =
  "https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html#kds-api-limits-control";
const APIGATEWAY =
  "https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html#api-gateway-control-service-limits-table";
const SFN = "https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html";
const EVENTBRIDGE = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html";
const SNS_LIST_TOPICS = "https://docs.aws.amazon.com/sns/latest/api/API_ListTopics.html";
const SNS_LIST_SUBSCRIPTIONS = "https://docs.aws.amazon.com/sns/latest/api/API_ListSubscriptions.html";
const SNS = "https://docs.aws.amazon.com/general/latest/gr/sns.html";
const DYNAMODB = "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html";
const DYNAMODB_LIST_TAGS =
  "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ListTagsOfResource.html";
const SQS = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-limits.html";
const TAGGING = "https://docs.aws.amazon.com/general/latest/gr/arg.html";
const STS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html";
const SECRETS_MANAGER = "https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_limits.html";
const IAM = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html";
const ORGANIZATIONS = "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html";

/** API Gateway's management quota covers REST and HTTP APIs alike. */
const APIGATEWAY_MANAGEMENT: Quota = {
  rps: 10,
  shared: "apigateway:management",
  source:
    `${APIGATEWAY} ("Total operations | 10 requests per second with a burst quota of 40 requests per second", ` +
    `not adjustable, for all API Gateway API types)`,
};

const DYNAMODB_READ_ONLY: Quota = {
  rps: 2500,
  shared: "dynamodb:read-only-control-plane",
  source:
    `${DYNAMODB} ("You can submit up to 2,500 requests per second of a combination of read-only ` +
    `(DescribeTable, ListTables, and GetResourcePolicy) control plane API requests")`,
};

export const QUOTAS: Readonly<Record<AwsService, ServiceQuotas>> = {
  lambda: {
    default: {
      rps: 15,
      shared: "lambda:control-plane",
      source:
        `${LAMBDA} ("Remainder of the control plane API requests (excludes invocation, GetFunction, and GetPolicy ` +
        `requests): 15 requests per second across all APIs (not 15 requests per second per API). Cannot be ` +
        `increased.")`,
    },
    apis: {
      GetFunction: {
        rps: 100,
        source: `${LAMBDA} ("GetFunction API requests: 100 requests per second. Cannot be increased.")`,
      },
      GetPolicy: {
        rps: 15,
        source: `${LAMBDA} ("GetPolicy API requests: 15 requests per second. Cannot be increased.")`,
      },
      // Invocations are not control-plane calls; DLQ re-invokes set their own, much lower rate.
      Invoke: {
        rps: 10_000,
        source: `${LAMBDA} ("Invocation requests per Region (requests per second): 10 x concurrent executions quota"; 1,000 by default)`,
      },
    },
  },
  cloudwatch: {
    default: {
      rps: 3,
      source: `${CLOUDWATCH} (lowest published per-API rate, e.g. "Rate of PutMetricAlarm requests: 3 per second"; conservative)`,
    },
    apis: {
      DescribeAlarms: {
        rps: 9,
        source: `${CLOUDWATCH} ("Rate of DescribeAlarms requests: 9 per second", adjustable)`,
      },
      PutMetricAlarm: {
        rps: 3,
        source: `${CLOUDWATCH} ("Rate of PutMetricAlarm requests: 3 per second", adjustable)`,
      },
      PutCompositeAlarm: {
        rps: 3,
        source: `${CLOUDWATCH} ("Rate of PutCompositeAlarm requests: 3 per second", adjustable)`,
      },
      DeleteAlarms: {
        rps: 3,
        source: `${CLOUDWATCH} ("Rate of DeleteAlarms requests: 3 per second", not adjustable)`,
      },
      SetAlarmState: {
        rps: 3,
        source: `${CLOUDWATCH} ("Rate of SetAlarmState requests: 3 per second", not adjustable)`,
      },
      EnableAlarmActions: {
        rps: 3,
        source: `${CLOUDWATCH} ("Rate of EnableAlarmActions requests: 3 per second", not adjustable)`,
      },
      DisableAlarmActions: {
        rps: 3,
        source: `${CLOUDWATCH} ("Rate of DisableAlarmActions requests: 3 per second", not adjustable)`,
      },
      DescribeAlarmHistory: {
        rps: 20,
        source: `${CLOUDWATCH} ("Rate of DescribeAlarmHistory requests: 20 per second", not adjustable)`,
      },
      GetMetricData: {
        rps: 500,
        source:
          `${CLOUDWATCH} ("Rate of GetMetricData requests: 500 per second", adjustable; requests that use ` +
          `Metrics Insights are also limited by "Rate of Metrics Insights usage in GetMetricData: 10")`,
      },
      GetMetricWidgetImage: {
        rps: 20,
        source: `${CLOUDWATCH} ("Rate of GetMetricWidgetImage requests: 20 per second", adjustable)`,
      },
      ListMetrics: {
        rps: 25,
        source: `${CLOUDWATCH} ("Rate of ListMetrics requests: 25 per second", adjustable)`,
      },
      PutDashboard: {
        rps: 10,
        source: `${CLOUDWATCH} ("Rate of PutDashboard requests: 10 per second", adjustable)`,
      },
      GetDashboard: {
        rps: 10,
        source: `${CLOUDWATCH} ("Rate of GetDashboard requests: 10 per second", adjustable)`,
      },
      ListDashboards: {
        rps: 10,
        source: `${CLOUDWATCH} ("Rate of ListDashboards requests: 10 per second", adjustable)`,
      },
      DeleteDashboards: {
        rps: 10,
        source: `${CLOUDWATCH} ("Rate of DeleteDashboards requests: 10 per second", adjustable)`,
      },
      PutMetricData: {
        rps: 500,
        source: `${CLOUDWATCH} ("Rate of PutMetricData requests: 500 per second", adjustable)`,
      },
      TagResource: {
        rps: 20,
        source: `${CLOUDWATCH} ("Rate of TagResource requests: 20 per second", not adjustable)`,
      },
      UntagResource: {
        rps: 20,
        source: `${CLOUDWATCH} ("Rate of UntagResource requests: 20 per second", not adjustable)`,
      },
      ListTagsForResource: {
        rps: 10,
        source: `${CLOUDWATCH} ("Rate of ListTagsForResource requests: 10 per second", not adjustable)`,
      },
    },
  },
  logs: {
    default: {
      rps: 5,
      source: `${LOGS} (most control-plane APIs: "throttle limit in transactions per second: 5 per second"; conservative)`,
    },
    apis: {
      DescribeLogGroups: {
        rps: 10,
        source: `${LOGS} ("DescribeLogGroups throttle limit in transactions per second: 10 per second", adjustable)`,
      },
      CreateLogGroup: {
        rps: 10,
        source: `${LOGS} ("CreateLogGroup throttle limit in transactions per second: 10 per second", adjustable)`,
      },
      PutRetentionPolicy: {
        rps: 5,
        source: `${LOGS} ("PutRetentionPolicy throttle limit in transactions per second: 5 per second", not adjustable)`,
      },
      DeleteRetentionPolicy: {
        rps: 5,
        source: `${LOGS} ("DeleteRetentionPolicy throttle limit in transactions per second: 5 per second", not adjustable)`,
      },
      ListTagsForResource: {
        rps: 5,
        source: `${LOGS} ("ListTagsForResource throttle limit in transactions per second: 5 per second", not adjustable)`,
      },
      ListTagsLogGroup: {
        rps: 5,
        source: `${LOGS} ("ListTagsLogGroup throttle limit in transactions per second: 5 per second", not adjustable)`,
      },
      TagResource: {
        rps: 5,
        source: `${LOGS} ("TagResource throttle limit in transactions per second: 5 per second", not adjustable)`,
      },
      TagLogGroup: {
        rps: 5,
        source: `${LOGS} ("TagLogGroup throttle limit in transactions per second: 5 per second", not adjustable)`,
      },
    },
  },
  kinesis: {
    default: {
      rps: 5,
      source: `${KINESIS} (most control-plane APIs: "5 TPS"; conservative)`,
    },
    apis: {
      ListStreams: { rps: 5, source: `${KINESIS} ("ListStreams | 5 TPS | Per Account")` },
      DescribeStreamSummary: {
        rps: 20,
        source: `${KINESIS} ("DescribeStreamSummary | 20 TPS | Per Account")`,
      },
      DescribeStream: { rps: 10, source: `${KINESIS} ("DescribeStream | 10 TPS | Per Account")` },
      ListStreamConsumers: {
        rps: 5,
        source: `${KINESIS} ("ListStreamConsumers | 5 TPS | Per Stream"; paced per account, which stays under it)`,
      },
      ListTagsForStream: {
        rps: 5,
        source: `${KINESIS} ("ListTagsForStream | 5 TPS | Per Stream"; paced per account, which stays under it)`,
      },
    },
  },
  dynamodb: {
    default: {
      rps: 5,
      source:
        `${DYNAMODB} (no published quota for APIs without an entry; conservative: the lowest published ` +
        `per-API rate is "up to five requests per second" for the Contributor Insights APIs)`,
    },
    apis: {
      ListTables: DYNAMODB_READ_ONLY,
      DescribeTable: DYNAMODB_READ_ONLY,
      ListTagsOfResource: {
        rps: 10,
        source: `${DYNAMODB_LIST_TAGS} ("You can call ListTagsOfResource up to 10 times per second, per account.")`,
      },
    },
  },
  apigateway: {
    default: APIGATEWAY_MANAGEMENT,
    apis: {
      GetResources: {
        rps: 2.5,
        source: `${APIGATEWAY} ("GetResources | 5 requests every 2 seconds per account", not adjustable)`,
      },
    },
  },
  apigatewayv2: {
    default: APIGATEWAY_MANAGEMENT,
  },
  sfn: {
    default: {
      rps: 1,
      source:
        `${SFN} (most control-plane APIs, e.g. DescribeStateMachineAlias, ListStateMachineVersions: ` +
        `"bucket size 100-200, refill rate per second 1"; conservative)`,
    },
    apis: {
      ListStateMachines: {
        rps: 5,
        source: `${SFN} ("ListStateMachines | 100 | 5": bucket size 100, refill rate 5 per second, all Regions)`,
      },
      DescribeStateMachine: {
        rps: 20,
        source: `${SFN} ("DescribeStateMachine | 200 | 20": bucket size 200, refill rate 20 per second, all Regions)`,
      },
      ListTagsForResource: {
        rps: 1,
        source: `${SFN} ("ListTagsForResource | 100 | 1": bucket size 100, refill rate 1 per second, all Regions)`,
      },
    },
  },
  eventbridge: {
    default: {
      rps: 50,
      shared: "eventbridge:control-plane",
      source: `${EVENTBRIDGE} ("Throttle limit in transactions per second for control plane APIs: 50 per second", not adjustable)`,
    },
    apis: {
      // Not a control-plane call: its own quota, per Region (us-east-1 the highest); the audit events are a few an hour.
      PutEvents: {
        rps: 400,
        source:
          `${EVENTBRIDGE} ("PutEvents throttle limit in transactions per second": "us-east-1: 10,000 per second", ` +
          `"us-east-2: 2,400 per second", lower in smaller Regions, adjustable; conservative)`,
      },
    },
  },
  sns: {
    default: {
      rps: 10,
      source: `${SNS} (no published quota; conservative)`,
    },
    apis: {
      ListTopics: {
        rps: 30,
        source: `${SNS_LIST_TOPICS} ("This action is throttled at 30 transactions per second (TPS).")`,
      },
      ListSubscriptions: {
        rps: 30,
        source: `${SNS_LIST_SUBSCRIPTIONS} ("This action is throttled at 30 transactions per second (TPS).")`,
      },
      GetTopicAttributes: {
        rps: 10,
        source: `${SNS} (no published quota; conservative)`,
      },
      GetSubscriptionAttributes: {
        rps: 10,
        source: `${SNS} (no published quota; conservative)`,
      },
    },
  },
  sqs: {
    default: {
      rps: 20,
      source:
        `${SQS} (no published quota; conservative: the page gives message throughput, not rates for ` +
        `ListQueues, GetQueueAttributes, StartMessageMoveTask and the other control APIs)`,
    },
  },
  tagging: {
    default: {
      rps: 5,
      source: `${TAGGING} (GetResources: no published quota; conservative)`,
    },
  },
  iam: {
    default: {
      rps: 5,
      source:
        `${IAM} (lists IAM's object quotas and STS's request rate, no IAM request rate; conservative. The hub ` +
        `reads one account alias per member account and container)`,
    },
  },
  sts: {
    default: {
      rps: 600,
      shared: "sts:requests",
      source:
        `${STS} ("the default request quota is 600 requests per second, per account, per Region", shared by ` +
        `AssumeRole, DecodeAuthorizationMessage, GetAccessKeyInfo, GetCallerIdentity, GetFederationToken and ` +
        `GetSessionToken)`,
    },
  },
  secretsmanager: {
    default: {
      rps: 50,
      source: `${SECRETS_MANAGER} (control-plane APIs, e.g. "Combined rate of TagResource and UntagResource API requests: 50 per second"; conservative)`,
    },
    apis: {
      GetSecretValue: {
        rps: 10_000,
        source:
          `${SECRETS_MANAGER} (GetSecretValue: 10,000 requests per second; AWS What's New, 2022-11-11: "The request ` +
          `rate limits for GetSecretValue and DescribeSecret are increased to 10,000 requests per second")`,
      },
    },
  },
  organizations: {
    default: {
      rps: 5,
      source:
        `${ORGANIZATIONS} (no published request rate: the page lists entity maximums only, and ` +
        `TooManyRequestsException says only "The quota helps protect against denial-of-service attacks"; ` +
        `conservative. A global service (us-east-1 in the aws partition): one quota for the account whichever ` +
        `region a client names)`,
    },
  },
};

export function quotaFor(service: AwsService, api: string): Quota {
  const quotas = QUOTAS[service];
  return quotas.apis?.[api] ?? quotas.default;
}

/** The schedule an API draws from: its shared bucket, or its own. */
export function quotaBucket(service: AwsService, api: string): string {
  return quotaFor(service, api).shared ?? `${service}:${api}`;
}
