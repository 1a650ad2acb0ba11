/**
 * The lower bound of a steady-state run: the calls the agent cannot avoid for the data it uses (list
 * pages at each API's maximum page size, the per-resource reads no list API answers, the one metric each
 * run publishes, and no writes), and
 * the time those calls take at the full published quotas, every quota bucket drawn in parallel.
 */
import { quotaBucket, quotaFor } from "../../lib/aws/quotas.js";
import { unqualifiedFunctionArn } from "../../lib/inventory/arn.js";
import { needsAsyncInvokeConfig, readsEveryAsyncConfig } from "../../lib/inventory/services/lambda.js";
import type { SimAccount } from "../../lib/sim/index.js";
import type { BucketBound, LowerBound, Need } from "./model.js";

/** Maximum page sizes, from each API's reference. */
export const MAX_PAGE = {
  ListFunctions: 50,
  ListEventSourceMappings: 100,
  ListQueues: 1000,
  ListStreams: 100,
  ListTables: 100,
  GetRestApis: 500,
  GetApis: 500,
  ListStateMachines: 1000,
  ListEventBuses: 100,
  ListRules: 100,
  ListTopics: 100,
  ListSubscriptions: 100,
  DescribeLogGroups: 50,
  GetResources: 100,
  DescribeAlarms: 100,
  ListDashboards: 1000,
} as const;

const pages = (items: number, size: number) => Math.max(1, Math.ceil(items / size));

/** Calls per API a steady-state run needs, computed from the account's own state (not from the agent's calls). */
export function steadyStateNeeds(account: SimAccount, prefix: string): Need[] {
  const functions = [...account.functions.values()];
  const queues = account.queues.size;
  const streams = account.streams.size;
  const tables = account.tables.size;
  const restApis = account.restApis.size;
  const v2Apis = account.httpApis.size;
  const buses = [...account.eventBuses.values()];
  const rules = [...account.rules.values()];
  const subscriptions = account.subscriptions.size;

  // Who invokes a function asynchronously, as far as the account's own resources show.
  const asyncTargets = new Set<string>();
  for (const rule of rules)
    for (const target of rule.targets) asyncTargets.add(unqualifiedFunctionArn(target.arn));
  for (const s of account.subscriptions.values())
    if (s.protocol === "lambda") asyncTargets.add(unqualifiedFunctionArn(s.endpoint));
  const readAll = readsEveryAsyncConfig(functions.length);
  const asyncReads = readAll
    ? functions.length
    : functions.filter((fn) =>
        needsAsyncInvokeConfig({
          invokedAsync: asyncTargets.has(fn.arn),
          deadLetterTarget: fn.deadLetterTargetArn !== undefined,
        }),
      ).length;

  const tagged = (items: Iterable<{ readonly tags: Readonly<Record<string, string>> }>) => {
    let n = 0;
    for (const item of items) if (Object.keys(item.tags).length > 0) n++;
    return n;
  };
  const taggedResources =
    tagged(account.functions.values()) +
    tagged(account.queues.values()) +
    tagged(account.streams.values()) +
    tagged(account.tables.values()) +
    tagged(account.restApis.values()) +
    tagged(account.httpApis.values()) +
    tagged(account.stateMachines.values()) +
    tagged(account.rules.values()) +
    tagged(account.topics.values()) +
    tagged(account.logGroups.values());
  const alarms = [...account.alarms.values()].filter((alarm) => alarm.name.startsWith(prefix)).length;
  const dashboards = [...account.dashboards.values()].filter((d) => d.name.startsWith(prefix)).length;

  const needs: Need[] = [
    { service: "sts", api: "GetCallerIdentity", calls: 1, why: "the account id" },
    {
      service: "lambda",
      api: "ListFunctions",
      calls: pages(functions.length, MAX_PAGE.ListFunctions),
      why: `${functions.length} functions with their configuration, ${MAX_PAGE.ListFunctions} a page`,
    },
    {
      service: "lambda",
      api: "ListEventSourceMappings",
      calls: pages(account.eventSourceMappings.size, MAX_PAGE.ListEventSourceMappings),
      why: `${account.eventSourceMappings.size} mappings, ${MAX_PAGE.ListEventSourceMappings} a page`,
    },
    { service: "lambda", api: "GetAccountSettings", calls: 1, why: "the concurrency limit" },
    {
      service: "lambda",
      api: "ListFunctionEventInvokeConfigs",
      calls: asyncReads,
      why: readAll
        ? "one per function (every function's async invoke config fits the discovery allowance)"
        : "one per function that a rule, a topic or an async DLQ shows to be invoked asynchronously",
    },
    {
      service: "sqs",
      api: "ListQueues",
      calls: pages(queues, MAX_PAGE.ListQueues),
      why: `${queues} queue URLs`,
    },
    {
      service: "sqs",
      api: "GetQueueAttributes",
      calls: queues,
      why: "redrive policy and settings, per queue",
    },
    {
      service: "kinesis",
      api: "ListStreams",
      calls: pages(streams, MAX_PAGE.ListStreams),
      why: `${streams} streams`,
    },
    {
      service: "kinesis",
      api: "DescribeStreamSummary",
      calls: streams,
      why: "retention and shards, per stream",
    },
    {
      service: "dynamodb",
      api: "ListTables",
      calls: pages(tables, MAX_PAGE.ListTables),
      why: `${tables} tables`,
    },
    { service: "dynamodb", api: "DescribeTable", calls: tables, why: "billing mode and stream, per table" },
    {
      service: "apigateway",
      api: "GetRestApis",
      calls: pages(restApis, MAX_PAGE.GetRestApis),
      why: `${restApis} REST APIs`,
    },
    { service: "apigateway", api: "GetStages", calls: restApis, why: "stages, per REST API" },
    {
      service: "apigatewayv2",
      api: "GetApis",
      calls: pages(v2Apis, MAX_PAGE.GetApis),
      why: `${v2Apis} HTTP and WebSocket APIs`,
    },
    { service: "apigatewayv2", api: "GetStages", calls: v2Apis, why: "stages, per HTTP or WebSocket API" },
    {
      service: "sfn",
      api: "ListStateMachines",
      calls: pages(account.stateMachines.size, MAX_PAGE.ListStateMachines),
      why: `${account.stateMachines.size} state machines with their type`,
    },
    {
      service: "sfn",
      api: "DescribeStateMachine",
      calls: account.stateMachines.size,
      why: "the definition's TimeoutSeconds, per state machine",
    },
    {
      service: "eventbridge",
      api: "ListEventBuses",
      calls: pages(buses.length, MAX_PAGE.ListEventBuses),
      why: "buses",
    },
    {
      service: "eventbridge",
      api: "ListRules",
      calls: buses.reduce(
        (n, bus) => n + pages(rules.filter((r) => r.eventBusName === bus.name).length, MAX_PAGE.ListRules),
        0,
      ),
      why: `${rules.length} rules, per bus`,
    },
    { service: "eventbridge", api: "ListTargetsByRule", calls: rules.length, why: "targets, per rule" },
    {
      service: "sns",
      api: "ListTopics",
      calls: pages(account.topics.size, MAX_PAGE.ListTopics),
      why: `${account.topics.size} topics`,
    },
    {
      service: "sns",
      api: "ListSubscriptions",
      calls: pages(subscriptions, MAX_PAGE.ListSubscriptions),
      why: `${subscriptions} subscriptions`,
    },
    {
      service: "sns",
      api: "GetSubscriptionAttributes",
      calls: subscriptions,
      why: "redrive policy (DLQ), per subscription",
    },
    {
      service: "logs",
      api: "DescribeLogGroups",
      calls: pages(account.logGroups.size, MAX_PAGE.DescribeLogGroups),
      why: `${account.logGroups.size} log groups with retention`,
    },
    {
      service: "tagging",
      api: "GetResources",
      calls:
        pages(taggedResources, MAX_PAGE.GetResources) +
        (alarms > 0 ? pages(alarms, MAX_PAGE.GetResources) : 0),
      why: `tags of ${taggedResources} tagged resources, and the managed tag of ${alarms} alarms`,
    },
    {
      service: "cloudwatch",
      api: "DescribeAlarms",
      calls: pages(alarms, MAX_PAGE.DescribeAlarms),
      why: `${alarms} alarms with the prefix`,
    },
    {
      service: "cloudwatch",
      api: "ListDashboards",
      calls: pages(dashboards, MAX_PAGE.ListDashboards),
      why: "dashboards",
    },
    { service: "cloudwatch", api: "GetDashboard", calls: dashboards, why: "body, per dashboard, to compare" },
    {
      service: "cloudwatch",
      api: "PutMetricData",
      calls: 1,
      why: "the OpenFindings metric every applying run publishes",
    },
  ];
  return needs.filter((need) => need.calls > 0);
}

/** Calls and time of `needs`: the time is the slowest quota bucket's, at the full published rate. */
export function lowerBound(needs: readonly Need[]): LowerBound {
  const byBucket = new Map<string, { rps: number; calls: number }>();
  const callsByService: Record<string, number> = {};
  for (const need of needs) {
    const bucket = quotaBucket(need.service, need.api);
    const entry = byBucket.get(bucket) ?? { rps: quotaFor(need.service, need.api).rps, calls: 0 };
    entry.calls += need.calls;
    byBucket.set(bucket, entry);
    callsByService[need.service] = (callsByService[need.service] ?? 0) + need.calls;
  }
  const buckets: BucketBound[] = [...byBucket]
    .map(([bucket, { rps, calls }]) => ({ bucket, rps, calls, ms: (calls / rps) * 1000 }))
    .sort((a, b) => b.ms - a.ms || a.bucket.localeCompare(b.bucket));
  return {
    needs,
    calls: needs.reduce((n, need) => n + need.calls, 0),
    callsByService,
    buckets,
    ms: buckets[0]?.ms ?? 0,
  };
}

/**
 * The lower bound of first convergence: one read of the account (the steady state's needs) and every
 * write convergence made, at the full quotas, every bucket in parallel; `runs` is how many Lambda
 * budgets that time fills at least.
 */
export function convergenceBound(
  needs: readonly Need[],
  writes: readonly { readonly service: Need["service"]; readonly api: string; readonly calls: number }[],
  budgetMs: number,
): LowerBound & { readonly runs: number } {
  const bound = lowerBound([...needs, ...writes.map((w) => ({ ...w, why: "writes of first convergence" }))]);
  return { ...bound, runs: Math.max(1, Math.ceil(bound.ms / budgetMs)) };
}
