/**
 * CloudWatch dashboard limits, each with where it is published. The AWS pages win over older notes:
 * the per-widget and per-dashboard metric caps were raised from 100 and 500 to 500 and 2,500.
 */

const BODY_STRUCTURE =
  "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html";
const QUOTAS = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html";
const PUT_DASHBOARD =
  "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html";

export interface DashboardLimits {
  /** Widgets in one body. */
  readonly widgetsPerDashboard: number;
  /** Metrics and expressions in one widget's `metrics` array. */
  readonly metricsPerWidget: number;
  /** Metrics across all widgets of one dashboard, including those only used by math. */
  readonly metricsPerDashboard: number;
  /** ARNs in one alarm status widget. */
  readonly alarmsPerAlarmWidget: number;
  /** Bytes of the DashboardBody string (UTF-8). */
  readonly bodyBytes: number;
}

export interface LimitSource {
  readonly value: number;
  readonly source: string;
}

/** The limits with their sources, for docs and reports. */
export const DASHBOARD_LIMIT_SOURCES: Readonly<Record<keyof DashboardLimits, LimitSource>> = {
  widgetsPerDashboard: {
    value: 500,
    source: `${BODY_STRUCTURE} ("an array of between 0 and 500 widget objects"); ${QUOTAS} ("Up to 500 widgets per dashboard")`,
  },
  metricsPerWidget: {
    value: 500,
    source: `${BODY_STRUCTURE} ("One metrics array can include 0–500 metrics and expressions"); ${QUOTAS} ("Up to 500 metrics per dashboard widget")`,
  },
  metricsPerDashboard: {
    value: 2500,
    source: `${QUOTAS} ("Up to 2500 metrics per dashboard, across all widgets. These quotas include all metrics retrieved for use in metric math functions"; not adjustable)`,
  },
  alarmsPerAlarmWidget: {
    value: 100,
    source: `${BODY_STRUCTURE}, Properties of an Alarm Status Widget Object ("The array can have 1-100 ARNs")`,
  },
  bodyBytes: {
    value: 100_000,
    // AWS publishes no maximum size for DashboardBody (the PutDashboard reference and the API model give
    // none), so this is Watchkeeper's own budget: well under every size third parties report, and large
    // enough that only very wide accounts need a second dashboard.
    source: `not published by AWS (${PUT_DASHBOARD} lists no size); Watchkeeper's own budget, overridable`,
  },
};

export const DEFAULT_DASHBOARD_LIMITS: DashboardLimits = {
  widgetsPerDashboard: DASHBOARD_LIMIT_SOURCES.widgetsPerDashboard.value,
  metricsPerWidget: DASHBOARD_LIMIT_SOURCES.metricsPerWidget.value,
  metricsPerDashboard: DASHBOARD_LIMIT_SOURCES.metricsPerDashboard.value,
  alarmsPerAlarmWidget: DASHBOARD_LIMIT_SOURCES.alarmsPerAlarmWidget.value,
  bodyBytes: DASHBOARD_LIMIT_SOURCES.bodyBytes.value,
};

/** The dashboard grid: 24 columns; widths 1–24, heights 1–1000, x 0–23 (Dashboard Body Structure, Widgets Array Structure). */
export const GRID = { columns: 24, maxHeight: 1000 } as const;

/** One Metrics Insights query per `metrics` array (Dashboard Body Structure, Properties of a Metric Widget Object). */
export const INSIGHTS_QUERIES_PER_WIDGET = 1;

/** A Metrics Insights query returns at most 500 time series (CloudWatch quotas, "Metrics Insights queries"). */
export const INSIGHTS_MAX_SERIES = 500;

/** PutDashboard: "The maximum length is 255, and valid characters are A-Z, a-z, 0-9, "-", and "_"". */
export const DASHBOARD_NAME = { maxLength: 255, pattern: /^[A-Za-z0-9_-]+$/, source: PUT_DASHBOARD } as const;

/** Throws an error naming what is wrong with a dashboard name, or returns it. */
export function validateDashboardName(name: string): string {
  if (name.length === 0 || name.length > DASHBOARD_NAME.maxLength) {
    throw new Error(
      `dashboard name "${name}" is ${name.length} characters long; CloudWatch allows 1 to ${DASHBOARD_NAME.maxLength}`,
    );
  }
  if (!DASHBOARD_NAME.pattern.test(name)) {
    const bad = [...new Set(name.replace(/[A-Za-z0-9_-]/g, ""))].join("");
    throw new Error(
      `dashboard name "${name}" contains ${JSON.stringify(bad)}; CloudWatch allows only A-Z, a-z, 0-9, "-" and "_"`,
    );
  }
  return name;
}

/** Merges overrides (tests use small ones to force splitting) and rejects values above the published limits. */
export function resolveLimits(overrides: Partial<DashboardLimits> = {}): DashboardLimits {
  const limits = { ...DEFAULT_DASHBOARD_LIMITS, ...overrides };
  for (const key of Object.keys(limits) as (keyof DashboardLimits)[]) {
    const value = limits[key];
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`dashboard limit ${key} must be a positive integer, got ${value}`);
    if (key !== "bodyBytes" && value > DEFAULT_DASHBOARD_LIMITS[key]) {
      throw new Error(
        `dashboard limit ${key}=${value} is above CloudWatch's ${DEFAULT_DASHBOARD_LIMITS[key]}`,
      );
    }
  }
  return limits;
}
