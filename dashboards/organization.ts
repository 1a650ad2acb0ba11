/**
 * The organization's dashboard, `<prefix>organization`, in the hub account (lib/infra/observability.ts
 * deploys it): one section per region of the organization, each graph a Metrics Insights query grouped
 * by `AWS.AccountId`, so each line is an account. In a CloudWatch cross-account monitoring account such a
 * query reads every linked source account of that region, and the hub's own metrics. Nothing here knows
 * the accounts: an account that joins appears once its stack has linked. Pure; the same inputs give the
 * same bodies.
 */
import { dashboardSpecs, type DashboardSpec } from "./generate.js";
import { dashboardUrl } from "./layout.js";
import { resolveLimits, validateDashboardName, type DashboardLimits } from "./limits.js";
import {
  DEFAULT_TOP_N,
  DYNAMODB_METRICS_SHOWN,
  HTTP_API_METRICS_SHOWN,
  KINESIS_METRICS_SHOWN,
  LAMBDA_METRICS_SHOWN,
  PERIOD_SECONDS,
  REST_API_METRICS_SHOWN,
  rowWidth,
  sectionHeader,
  SQS_METRICS_SHOWN,
  STEP_FUNCTIONS_METRICS_SHOWN,
  type Block,
  type DashboardMetric,
} from "./sections/index.js";
import { splitIntoDashboards } from "./split.js";
import { ACCOUNT_LABEL, insightsWidget, textWidget, type InsightsFunction, type Widget } from "./widgets.js";
import { HEALTH_NAMESPACE, RUN_PROBLEMS_METRIC } from "../lib/reconcile/health.js";

/** One graph of the organization's dashboard: a metric of every account, summed or maxed per account. */
export interface AccountGraph {
  readonly service: string;
  readonly metric: Pick<DashboardMetric, "namespace" | "metricName" | "title">;
  /** How an account's series are combined into its one line. */
  readonly fn: InsightsFunction;
  /** The exact dimension set (SCHEMA); `[]`: the account-level series without dimensions. */
  readonly schema: readonly string[];
}

function shown(metrics: readonly DashboardMetric[], metricName: string): DashboardMetric {
  const metric = metrics.find((m) => m.metricName === metricName);
  if (!metric) throw new Error(`the dashboard sections show no ${metricName}`);
  return metric;
}

/**
 * What an on-call person scans first across accounts, with the per-account section's own metrics where
 * it has them. Counts are summed over an account's resources (5XX counts, not the per-API rate); ages
 * take the account's worst resource.
 */
export const ACCOUNT_GRAPHS: readonly AccountGraph[] = [
  // Lambda publishes these without dimensions too: the account's total.
  { service: "Lambda", metric: shown(LAMBDA_METRICS_SHOWN, "Errors"), fn: "SUM", schema: [] },
  { service: "Lambda", metric: shown(LAMBDA_METRICS_SHOWN, "Throttles"), fn: "SUM", schema: [] },
  {
    service: "Lambda",
    metric: { namespace: "AWS/Lambda", metricName: "IteratorAge", title: "Iterator age (Maximum)" },
    fn: "MAX",
    schema: ["FunctionName"],
  },
  {
    service: "SQS",
    metric: shown(SQS_METRICS_SHOWN, "ApproximateAgeOfOldestMessage"),
    fn: "MAX",
    schema: ["QueueName"],
  },
  {
    service: "Kinesis",
    metric: shown(KINESIS_METRICS_SHOWN, "GetRecords.IteratorAgeMilliseconds"),
    fn: "MAX",
    schema: ["StreamName"],
  },
  {
    service: "API Gateway REST",
    metric: { ...shown(REST_API_METRICS_SHOWN, "5XXError"), title: "5XX errors (Sum)" },
    fn: "SUM",
    schema: ["ApiName"],
  },
  {
    service: "API Gateway HTTP",
    metric: { ...shown(HTTP_API_METRICS_SHOWN, "5xx"), title: "5xx errors (Sum)" },
    fn: "SUM",
    schema: ["ApiId"],
  },
  {
    service: "Step Functions",
    metric: shown(STEP_FUNCTIONS_METRICS_SHOWN, "ExecutionsFailed"),
    fn: "SUM",
    schema: ["StateMachineArn"],
  },
  ...DYNAMODB_METRICS_SHOWN.map((metric): AccountGraph => ({
    service: "DynamoDB",
    metric,
    fn: "SUM",
    schema: ["TableName"],
  })),
  // Watchkeeper's own alarms are not shared (a link shares metrics); what its self-alarms watch is.
  {
    service: "Watchkeeper",
    metric: {
      namespace: HEALTH_NAMESPACE,
      metricName: RUN_PROBLEMS_METRIC,
      title: "reconcile runs (Count)",
    },
    fn: "COUNT",
    schema: [],
  },
  {
    service: "Watchkeeper",
    metric: {
      namespace: HEALTH_NAMESPACE,
      metricName: RUN_PROBLEMS_METRIC,
      title: "reconcile problems (Maximum)",
    },
    fn: "MAX",
    schema: [],
  },
];

export interface OrganizationDashboardOptions {
  readonly prefix: string;
  /** The organization's regions, one section each, in this order. */
  readonly regions: readonly string[];
  /** Where the dashboard is (its header links to its other parts there). */
  readonly hubRegion: string;
  readonly organizationId: string;
  /** Accounts drawn per graph, the highest first. */
  readonly topN?: number;
  readonly limits?: Partial<DashboardLimits>;
}

/** `<prefix>organization`; more parts (`-2`, `-3`) when one body would exceed CloudWatch's limits. */
export function organizationDashboardName(prefix: string): string {
  return validateDashboardName(`${prefix}organization`);
}

function regionBlock(region: string, topN: number): Block {
  const width = rowWidth(3);
  return {
    widgets: [
      sectionHeader(
        region,
        `Every linked account in ${region}, and the hub's own: one line per account, the top ${topN} of each ` +
          "graph. An account without Watchkeeper reconcile runs is not running it (or has not linked).",
      ),
      ...ACCOUNT_GRAPHS.map(({ service, metric, fn, schema }) =>
        insightsWidget({
          title: `${service} ${metric.title} by account`,
          region,
          period: PERIOD_SECONDS,
          width,
          query: {
            fn,
            namespace: metric.namespace,
            metricName: metric.metricName,
            schema,
            groupBy: [ACCOUNT_LABEL],
            limit: topN,
          },
        }),
      ),
    ],
  };
}

function header(options: OrganizationDashboardOptions, names: readonly string[], part: number): Widget {
  const lines = [
    `# Watchkeeper · organization ${options.organizationId}`,
    "Metrics of every account linked to this monitoring account (CloudWatch cross-account observability), " +
      "by region. Deployed by CloudFormation: changes made in the console are overwritten on the next deploy.",
  ];
  if (names.length > 1) {
    const links = names.map((name, i) =>
      i === part ? `**${i + 1}**` : `[${i + 1}](${dashboardUrl(options.hubRegion, name)})`,
    );
    lines.push(`Dashboard ${part + 1} of ${names.length}: ${links.join(" · ")}`);
  }
  return textWidget(lines.join("\n\n"), { height: lines.length + 1 });
}

/** The organization's dashboard bodies: one, or a few numbered ones when the regions do not fit one. */
export function generateOrganizationDashboards(options: OrganizationDashboardOptions): DashboardSpec[] {
  const limits = resolveLimits(options.limits);
  const topN = options.topN ?? DEFAULT_TOP_N;
  const parts = splitIntoDashboards(
    organizationDashboardName(options.prefix),
    options.regions.map((region) => regionBlock(region, topN)),
    (names, part) => header(options, names, part),
    limits,
  );
  return dashboardSpecs(parts);
}
