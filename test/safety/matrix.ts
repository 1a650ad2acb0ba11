/**
 * The fault matrix's account, drifts and expectations (see fault-matrix.sim.test.ts and docs/safety.md).
 * A cell fails one read API on an already-reconciled account that has drifted in one place per kind;
 * what the failing read covers must stay as it is, and every other drift must be repaired.
 */
import { comparableBody } from "../../dashboards/plan.js";
import { configFromEnvironment } from "../../functions/runtime.js";
import { MAX_SILENCE_MINUTES, silenceAlarm } from "../../lib/alarms/silence.js";
import type { AwsService } from "../../lib/aws/quotas.js";
import { configHolderName } from "../../lib/config/deployed.js";
import type { WatchkeeperConfig } from "../../lib/config/schema.js";
import { SHAPED_BY } from "../../lib/inventory/gaps.js";
import { KIND_LABELS, RESOURCE_KINDS, type ReadScope, type ResourceKind } from "../../lib/inventory/types.js";
import { discoverAndReconcile } from "../../lib/reconcile/index.js";
import {
  sampleAccount,
  simulatedAws,
  type FaultKind,
  type FaultRule,
  type SimAccount,
} from "../../lib/sim/index.js";
import { deployAgent } from "../support/deployed.js";

export const FAULT_KINDS: readonly FaultKind[] = ["denied", "html-502", "hang", "throttle"];

const PREFIX = "watchkeeper-";
const DASHBOARD = "watchkeeper-dashboard-us-east-1";
/** A running silence on a managed alarm: no run may turn its actions back on or drop its tags. */
export const SILENCED_ALARM = "watchkeeper-lambda-duration-payments-consumer";
/** Written to by a function tagged watchkeeper:ignore=true: its retention must never be set. */
export const IGNORED_GROUP = "/aws/lambda/legacy-exporter";

/** The sample account with the agent deployed, an opted-out function and a silence, reconciled. */
export async function convergedAccount(): Promise<{ sim: SimAccount; config: WatchkeeperConfig }> {
  const sim = sampleAccount();
  deployAgent(sim);
  sim.addFunction({ name: "legacy-exporter", tags: { team: "data", "watchkeeper:ignore": "true" } });
  sim.addLogGroup({ name: IGNORED_GROUP, storedBytes: 40_000_000 });
  // What the reconcile Lambda runs with: the configuration the stack stores in its environment.
  const config = configFromEnvironment(sim.functions.get(configHolderName(PREFIX))?.environment ?? {});
  const aws = simulatedAws(sim);
  await discoverAndReconcile(aws, config);
  const silence = await silenceAlarm(aws, SILENCED_ALARM, MAX_SILENCE_MINUTES, {
    prefix: PREFIX,
    now: new Date(sim.clock.now()),
    actor: "user:oncall",
  });
  if (silence.result !== "silenced") throw new Error(`setup: ${silence.sentence}`);
  return { sim, config };
}

// ── What a run can write, as plain data ────────────────────────────────────────────────────────────

/** Every alarm, log group retention and dashboard, keyed `alarm:`, `retention:`, `dashboard:`. */
export type Snapshot = ReadonlyMap<string, unknown>;

/** With `at`, the time of each alarm's and dashboard's last write: a rewrite of the same value shows. */
export function snapshot(sim: SimAccount, { at = true }: { at?: boolean } = {}): Snapshot {
  const entries = new Map<string, unknown>();
  for (const alarm of sim.alarms.values()) {
    const state = { config: alarm.config, tags: alarm.tags };
    entries.set(`alarm:${alarm.name}`, at ? { ...state, at: alarm.configUpdatedAt } : state);
  }
  for (const group of sim.logGroups.values())
    entries.set(`retention:${group.name}`, group.retentionInDays ?? "never");
  for (const dashboard of sim.dashboards.values()) {
    // Without the time it was generated at, which every write renews.
    const state = { body: comparableBody(dashboard.body) };
    entries.set(`dashboard:${dashboard.name}`, at ? { ...state, at: dashboard.lastModified } : state);
  }
  return structuredClone(entries);
}

// ── Drifts: one per kind of alarm, one retention, the dashboard ────────────────────────────────────

export interface Drift {
  /** How the table names it. */
  readonly id: string;
  /** The snapshot entry it changes. */
  readonly key: string;
  /** Whose alarm it is; absent for the retention and the dashboard. */
  readonly kind?: ResourceKind;
  apply(sim: SimAccount): void;
}

const deletedAlarm = (id: string, kind: ResourceKind, name: string): Drift => ({
  id,
  key: `alarm:${name}`,
  kind,
  apply: (sim) => void sim.alarms.delete(name),
});

const RETENTION_GROUP = "/aws/lambda/orders-get";

export const DRIFTS: readonly Drift[] = [
  deletedAlarm("λ", "lambda-function", "watchkeeper-lambda-duration-orders-get"),
  deletedAlarm("sqs", "sqs-queue", "watchkeeper-sqs-dlq-messages-visible-payments-dlq"),
  deletedAlarm("kin", "kinesis-stream", "watchkeeper-kinesis-iterator-age-clickstream"),
  deletedAlarm("ddb", "dynamodb-table", "watchkeeper-dynamodb-system-errors"),
  deletedAlarm("rest", "rest-api", "watchkeeper-apigateway-rest-latency-orders-api-prod"),
  deletedAlarm("http", "http-api", "watchkeeper-apigateway-http-latency-customer-portal-$default"),
  deletedAlarm("sfn", "state-machine", "watchkeeper-stepfunctions-execution-throttled"),
  deletedAlarm("eb", "eventbridge-rule", "watchkeeper-eventbridge-failed-invocations"),
  deletedAlarm("sns", "sns-topic", "watchkeeper-sns-notifications-failed"),
  {
    id: "ret",
    key: `retention:${RETENTION_GROUP}`,
    apply: (sim) => void delete sim.logGroups.get(RETENTION_GROUP)!.retentionInDays,
  },
  {
    id: "dash",
    key: `dashboard:${DASHBOARD}`,
    apply: (sim) => {
      const dashboard = sim.dashboards.get(DASHBOARD)!;
      // A widget edited away in the console; the header with the ownership marker stays.
      const body = JSON.parse(dashboard.body) as { widgets: unknown[] };
      dashboard.body = JSON.stringify({ ...body, widgets: body.widgets.slice(0, -1) });
    },
  },
];

/**
 * The writes each repaired drift takes, by API: a rewrite of the same value shows in no snapshot (a
 * retention set to what it was), so writes are counted too.
 */
export function writesToRepair(repaired: readonly string[]): Record<string, number> {
  const drifts = DRIFTS.filter((drift) => repaired.includes(drift.id));
  const count = (api: string, n: number) => (n > 0 ? { [api]: n } : {});
  return {
    ...count("PutMetricAlarm", drifts.filter((drift) => drift.kind).length),
    ...count("PutRetentionPolicy", drifts.filter((drift) => drift.key.startsWith("retention:")).length),
    ...count("PutDashboard", drifts.filter((drift) => drift.key.startsWith("dashboard:")).length),
  };
}

// ── What each read covers ──────────────────────────────────────────────────────────────────────────

export type Scope = Pick<ReadScope, "kind" | "what">;

export interface Coverage {
  /** What the snapshot does not know when the read fails (its warnings' `covers`). */
  readonly scopes: readonly Scope[];
  /** Watchkeeper's alarms, or which of them it owns, are unknown: every alarm change waits. */
  readonly ownedAlarms?: true;
  /** Watchkeeper's dashboards are unknown. */
  readonly ownedDashboards?: true;
}

const of = (kind: ResourceKind, what: Scope["what"]): Coverage => ({ scopes: [{ kind, what }] });

/** Every kind's tags but functions', which the Tagging API's failure has read with GetFunction instead. */
const TAGS_BUT_FUNCTIONS: Coverage = {
  scopes: RESOURCE_KINDS.filter((kind) => kind !== "lambda-function").map((kind) => ({ kind, what: "tags" })),
};

/**
 * What a failure of each read leaves unknown: the specification the cells check against discovery's
 * warnings. A read that discovery or the ownership reads start calling must be added here.
 */
export const COVERAGE: Readonly<Record<string, Coverage>> = {
  "apigateway GetRestApis": of("rest-api", "resources"),
  "apigateway GetStages": of("rest-api", "facts"),
  // One listing for HTTP and WebSocket APIs.
  "apigatewayv2 GetApis": {
    scopes: [
      { kind: "http-api", what: "resources" },
      { kind: "websocket-api", what: "resources" },
    ],
  },
  "apigatewayv2 GetStages": {
    scopes: [
      { kind: "http-api", what: "facts" },
      { kind: "websocket-api", what: "facts" },
    ],
  },
  "cloudwatch DescribeAlarms": { scopes: [], ownedAlarms: true },
  "cloudwatch ListTagsForResource": { scopes: [], ownedAlarms: true },
  "cloudwatch ListDashboards": { scopes: [], ownedDashboards: true },
  "cloudwatch GetDashboard": { scopes: [], ownedDashboards: true },
  "dynamodb ListTables": of("dynamodb-table", "resources"),
  "dynamodb DescribeTable": of("dynamodb-table", "resources"),
  "eventbridge ListEventBuses": of("eventbridge-rule", "resources"),
  "eventbridge ListRules": of("eventbridge-rule", "resources"),
  "eventbridge ListTargetsByRule": of("eventbridge-rule", "facts"),
  "kinesis ListStreams": of("kinesis-stream", "resources"),
  "kinesis DescribeStreamSummary": of("kinesis-stream", "resources"),
  "lambda ListFunctions": of("lambda-function", "resources"),
  "lambda ListEventSourceMappings": of("lambda-function", "facts"),
  "lambda ListFunctionEventInvokeConfigs": of("lambda-function", "facts"),
  "lambda GetAccountSettings": of("lambda-function", "facts"),
  "lambda GetFunction": of("lambda-function", "facts"),
  "logs DescribeLogGroups": of("log-group", "resources"),
  "sfn ListStateMachines": of("state-machine", "resources"),
  "sfn DescribeStateMachine": of("state-machine", "facts"),
  "sns ListTopics": of("sns-topic", "resources"),
  "sns ListSubscriptions": of("sns-topic", "facts"),
  "sns GetSubscriptionAttributes": of("sns-topic", "facts"),
  "sqs ListQueues": of("sqs-queue", "resources"),
  "sqs GetQueueAttributes": of("sqs-queue", "resources"),
  "tagging GetResources": TAGS_BUT_FUNCTIONS,
};

export function coverageOf(reads: readonly Read[]): Coverage {
  const each = reads.map((read) => {
    const coverage = COVERAGE[read.name];
    if (!coverage) throw new Error(`${read.name}: add what its failure leaves unknown to COVERAGE`);
    return coverage;
  });
  return {
    scopes: each.flatMap((c) => c.scopes),
    ...(each.some((c) => c.ownedAlarms) ? { ownedAlarms: true as const } : {}),
    ...(each.some((c) => c.ownedDashboards) ? { ownedDashboards: true as const } : {}),
  };
}

/** The kinds a plan cannot be sure of: those scoped, and those they shape (`SHAPED_BY`). */
function unsureKinds(scopes: readonly Scope[]): Set<ResourceKind> {
  const kinds = new Set(scopes.map((scope) => scope.kind));
  for (const [kind, shapers] of Object.entries(SHAPED_BY) as [
    ResourceKind,
    (typeof SHAPED_BY)[ResourceKind],
  ][])
    for (const [shaper, parts] of shapers)
      if (scopes.some((scope) => scope.kind === shaper && parts.includes(scope.what))) kinds.add(kind);
  return kinds;
}

/**
 * The drifts a failure must leave as they are: an alarm of a kind the plan cannot be sure of (any
 * alarm when its own alarms are unknown); the retention when log groups or the function writing to
 * the group are unsure (its opt-out tag may be unread); the dashboard after any failed read, since it
 * shows every kind.
 */
export function heldDrifts(coverage: Coverage): Set<string> {
  const unsure = unsureKinds(coverage.scopes);
  const anyFailure = coverage.scopes.length > 0 || !!coverage.ownedAlarms || !!coverage.ownedDashboards;
  const held = DRIFTS.filter((drift) => {
    if (drift.kind) return !!coverage.ownedAlarms || unsure.has(drift.kind);
    if (drift.key.startsWith("retention:")) return unsure.has("log-group") || unsure.has("lambda-function");
    return anyFailure;
  });
  return new Set(held.map((drift) => drift.id));
}

const UNKNOWN: Readonly<Record<Scope["what"], string>> = {
  resources: "which exist",
  facts: "settings",
  tags: "tags",
};

/** "Lambda functions: which exist": how docs/safety.md says what a failure leaves unknown. */
export function describeCoverage(coverage: Coverage): string {
  const byWhat = new Map<Scope["what"], ResourceKind[]>();
  for (const { kind, what } of coverage.scopes) byWhat.set(what, [...(byWhat.get(what) ?? []), kind]);
  const parts = [...byWhat].map(([what, kinds]) =>
    kinds.length === RESOURCE_KINDS.length - 1 && !kinds.includes("lambda-function")
      ? `${UNKNOWN[what]} of every kind but functions`
      : `${kinds.map((kind) => `${KIND_LABELS[kind]}s`).join(", ")}: ${UNKNOWN[what]}`,
  );
  if (coverage.ownedAlarms) parts.push("Watchkeeper's alarms");
  if (coverage.ownedDashboards) parts.push("Watchkeeper's dashboards");
  return parts.join("; ");
}

// ── Reads ──────────────────────────────────────────────────────────────────────────────────────────

export interface Read {
  readonly service: AwsService;
  readonly api: string;
  /** "lambda ListFunctions", as reports name a failed call. */
  readonly name: string;
}

const WRITE = /^(Put|Delete|Tag|Untag|Set|Enable|Disable|Start|Send)/;

/** The read APIs a run called, from the simulator's per-API counters. */
export function readsOf(sim: SimAccount): Read[] {
  return sim
    .stats()
    .filter((stats) => stats.calls > 0 && !WRITE.test(stats.api))
    .map(({ service, api }) => ({ service, api, name: `${service} ${api}` }));
}

/** Calls per write API a run made, but the metrics every run publishes (PutMetricData). */
export function writesOf(sim: SimAccount): Record<string, number> {
  return Object.fromEntries(
    sim
      .stats()
      .filter((stats) => stats.calls > 0 && WRITE.test(stats.api) && stats.api !== "PutMetricData")
      .map((stats) => [stats.api, stats.calls]),
  );
}

/** Every call of each read fails with `fault`, past the SDK's retries. */
export function failing(reads: readonly Read[], fault: FaultKind): FaultRule[] {
  return reads.map(({ service, api }) => ({ service, api, fault }));
}
