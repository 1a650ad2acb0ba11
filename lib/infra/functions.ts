/**
 * Watchkeeper's Lambda functions, one entry each: which handler, how it is triggered, what it may do.
 * The stack builds every entry the config turns on; `npm run build:functions` bundles and measures
 * every entry. A new handler is a new entry here.
 */
import { Duration } from "aws-cdk-lib";
import type { Construct } from "constructs";
import type { WatchkeeperConfig } from "../config/schema.js";
import {
  alarmWrites,
  apiGatewayRead,
  breakerWrites,
  dashboardWrites,
  discoveryRead,
  logGroupRead,
  metricWrites,
  retentionWrites,
  type Permission,
} from "./permissions.js";

export type Trigger =
  /** EventBridge schedule; the rate in minutes. */
  | { readonly kind: "schedule"; readonly everyMinutes: (config: WatchkeeperConfig) => number }
  /** The resource-created hints queue, read in batches (lib/infra/events.ts RESOURCE_CREATED). */
  | { readonly kind: "resource-created-hints" }
  /** CreateLogGroup events, straight to the function. */
  | { readonly kind: "log-group-created" }
  /** State changes of the breaker's trip alarms. */
  | { readonly kind: "breaker-alarms" };

export interface FunctionSpec {
  /** The function is named `<prefix><name>`. */
  readonly name: string;
  /** The handler module, relative to the repository root; it exports `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly timeout: Duration;
  readonly memoryMiB: number;
  /** Set where runs must not overlap; it takes concurrency from the account's unreserved pool. */
  readonly reservedConcurrency?: number;
  /** Lambda's retries of a failed asynchronous invocation (0-2) before it goes to the DLQ. */
  readonly asyncRetries: number;
  readonly triggers: readonly Trigger[];
  readonly permissions: (scope: Construct, config: WatchkeeperConfig) => readonly Permission[];
}

/** How often open breakers are evaluated (auto-reset, half-open, drift); the shortest cool-down is minutes. */
export const BREAKER_EVALUATION_MINUTES = 5;

export const FUNCTIONS: readonly FunctionSpec[] = [
  {
    name: "reconcile",
    entry: "functions/reconcile.ts",
    description: "Watchkeeper: inventory, alarms, log retention and dashboard in one run",
    // Lambda's maximum: a first run on a large account is paced by PutMetricAlarm's 3 TPS.
    timeout: Duration.minutes(15),
    memoryMiB: 1024,
    // Two runs at once would race on the same alarms and double the API rate against the quotas.
    reservedConcurrency: 1,
    // Level-triggered: the next scheduled run repairs what a failed one left; retrying it only doubles the load.
    asyncRetries: 0,
    triggers: [
      { kind: "schedule", everyMinutes: (config) => config.schedule.reconcileEveryMinutes },
      { kind: "resource-created-hints" },
    ],
    permissions: (scope, config) => [
      discoveryRead(),
      apiGatewayRead(scope),
      alarmWrites(scope, config),
      dashboardWrites(scope, config),
      retentionWrites(scope),
      metricWrites(),
    ],
  },
  {
    name: "log-retention",
    entry: "functions/log-retention.ts",
    description: "Watchkeeper: sets the retention of a new log group",
    timeout: Duration.minutes(1),
    memoryMiB: 256,
    asyncRetries: 2,
    triggers: [{ kind: "log-group-created" }],
    permissions: (scope) => [logGroupRead(), retentionWrites(scope)],
  },
  {
    name: "breaker",
    entry: "functions/breaker.ts",
    description: "Watchkeeper: circuit breaker (trip on alarm, evaluate open breakers on a schedule)",
    timeout: Duration.minutes(5),
    memoryMiB: 512,
    // The account-wide trip limit is counted from tags: two trips at once could both see room for one more.
    reservedConcurrency: 1,
    // A trip that failed halfway is finished by a retry (its record is written first).
    asyncRetries: 2,
    triggers: [
      { kind: "breaker-alarms" },
      { kind: "schedule", everyMinutes: () => BREAKER_EVALUATION_MINUTES },
    ],
    // Discovery finds who invokes a function (rules, topics) before the breaker throttles it.
    permissions: (scope, config) => [discoveryRead(), breakerWrites(scope, config), metricWrites()],
  },
];

/** Function names and log groups are built from the prefix: the longest name must still fit Lambda's 64. */
export const LONGEST_FUNCTION_NAME = Math.max(...FUNCTIONS.map((spec) => spec.name.length));
