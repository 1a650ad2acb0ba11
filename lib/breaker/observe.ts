/**
 * Fresh reads for one breaker decision: the function as it is now (an inventory may be minutes old, and
 * a breaker must not act on a stale concurrency), what invokes it, the account's recent trips, and the
 * state of its trip alarms.
 */
import { CloudWatchClient, paginateDescribeAlarms, type MetricAlarm } from "@aws-sdk/client-cloudwatch";
import {
  GetFunctionCommand,
  GetFunctionConcurrencyCommand,
  LambdaClient,
  paginateListEventSourceMappings,
  paginateListFunctionEventInvokeConfigs,
} from "@aws-sdk/client-lambda";
import {
  ResourceGroupsTaggingAPIClient,
  paginateGetResources,
} from "@aws-sdk/client-resource-groups-tagging-api";
import type { Aws } from "../aws/index.js";
import { isNotFound } from "../aws/index.js";
import { unqualifiedFunctionArn } from "../inventory/arn.js";
import { attempt, collect, factsCall, type DiscoveryContext } from "../inventory/context.js";
import { discoverInventory } from "../inventory/discover.js";
import { compareText } from "../inventory/order.js";
import { toEventSource, toFunction } from "../inventory/services/lambda.js";
import { describeFailure, readGaps } from "../inventory/gaps.js";
import type {
  DiscoveryWarning,
  Inventory,
  LambdaFunction,
  ReservedConcurrency,
  Tags,
} from "../inventory/types.js";
import { breakerAlarmPrefix, functionOfAlarm } from "./alarms.js";
import type { AlarmState, AlarmStateValue } from "./decide.js";
import { invokersOf, type Invoker } from "./facts.js";
import { BREAKER_TAGS, countRecentTrips } from "./record.js";

export interface ObservedFunction {
  readonly fn: LambdaFunction;
  readonly asyncConfigRead: boolean;
  readonly warnings: readonly DiscoveryWarning[];
}

/**
 * The function now: configuration and tags (GetFunction), reserved concurrency (GetFunctionConcurrency,
 * the API's own answer: "unset" when it returns none), its event source mappings (including those made
 * through an alias) and its async invoke configs. Undefined when the function does not exist.
 * A denied concurrency read gives "unknown" (the breaker then refuses to change it); denied or
 * unsupported async invoke configs are taken as none (the breaker then needs another reason to trust it).
 */
export async function observeFunction(aws: Aws, ref: string): Promise<ObservedFunction | undefined> {
  const client = aws.client(LambdaClient);
  let got;
  try {
    got = await client.send(new GetFunctionCommand({ FunctionName: ref }));
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  const config = got.Configuration;
  if (!config?.FunctionArn || !config.FunctionName)
    throw new Error(`GetFunction ${ref} returned no function ARN`);
  const arn = unqualifiedFunctionArn(config.FunctionArn);
  const [, , , region = aws.region, accountId = ""] = arn.split(":");
  const warnings: DiscoveryWarning[] = [];
  const ctx: DiscoveryContext = {
    aws,
    accountId,
    region,
    warn: (warning) => warnings.push(warning),
    progress: () => undefined,
    unsupported: new Set(),
  };
  const name = config.FunctionName;

  const concurrency = await attempt(
    ctx,
    factsCall("lambda", "GetFunctionConcurrency", "lambda-function", arn),
    () => client.send(new GetFunctionConcurrencyCommand({ FunctionName: name })),
  );
  if (!concurrency.ok && concurrency.reason === "missing") return undefined;
  const reservedConcurrency: ReservedConcurrency | "unknown" = concurrency.ok
    ? (concurrency.value.ReservedConcurrentExecutions ?? "unset")
    : "unknown";

  // Every mapping of the account, kept when it names this function (an alias's mappings name a qualified ARN).
  const mappings = (
    await collect(
      paginateListEventSourceMappings({ client, stopOnSameToken: true }, {}),
      (page) => page.EventSourceMappings,
    )
  )
    .filter((m) => m.UUID && m.FunctionArn && unqualifiedFunctionArn(m.FunctionArn) === arn)
    .map(toEventSource)
    .sort((a, b) => compareText(a.sourceArn ?? "", b.sourceArn ?? "") || compareText(a.uuid, b.uuid));

  const invokeConfigs = await attempt(
    ctx,
    factsCall("lambda", "ListFunctionEventInvokeConfigs", "lambda-function", arn),
    () =>
      collect(
        paginateListFunctionEventInvokeConfigs({ client, stopOnSameToken: true }, { FunctionName: name }),
        (page) => page.FunctionEventInvokeConfigs,
      ),
  );

  const fn = toFunction(ctx, config, {
    reservedConcurrency,
    tags: got.Tags ?? {},
    invokeConfigs: invokeConfigs.ok ? invokeConfigs.value : [],
    eventSources: mappings,
  });
  return { fn, asyncConfigRead: invokeConfigs.ok, warnings };
}

/** Rules and topics that invoke the function (one read of the account's rules and topics). */
export async function readInvokers(aws: Aws, functionArn: string): Promise<Invoker[]> {
  return invokersIn(functionArn, await discoverInventory(aws, { kinds: INVOKER_KINDS }));
}

const INVOKER_KINDS = ["eventbridge-rule", "sns-topic"] as const;

/**
 * What invokes the function, from an inventory that must have read every rule and topic: an invoker
 * missed would be an asynchronous caller whose events a trip drops. Throws, naming the failed read.
 */
export function invokersIn(functionArn: string, inventory: Inventory): Invoker[] {
  const gaps = readGaps(inventory);
  for (const kind of INVOKER_KINDS) {
    const failure = gaps.whole(kind);
    if (failure) {
      throw new Error(`cannot tell what invokes the function: ${describeFailure(failure)}; not acting on it`);
    }
  }
  return invokersOf(functionArn, inventory.relations);
}

/** Breaker trips recorded on the account's functions in the hour before `now` (Tagging API, by tag key). */
export async function readRecentTrips(aws: Aws, now: Date, except?: string): Promise<number> {
  const client = aws.client(ResourceGroupsTaggingAPIClient);
  const mappings = await collect(
    paginateGetResources(
      { client, stopOnSameToken: true },
      {
        ResourceTypeFilters: ["lambda:function"],
        TagFilters: [{ Key: BREAKER_TAGS.trips }],
        ResourcesPerPage: 100,
      },
    ),
    (page) => page.ResourceTagMappingList,
  );
  const tags: Tags[] = mappings
    .filter((m) => m.ResourceARN && unqualifiedFunctionArn(m.ResourceARN) !== except)
    .map((m) => Object.fromEntries((m.Tags ?? []).map((t) => [t.Key ?? "", t.Value ?? ""])));
  return countRecentTrips(tags, now);
}

/** Functions carrying a breaker record (the state tag), by unqualified ARN. */
export async function readOpenBreakers(aws: Aws): Promise<string[]> {
  const client = aws.client(ResourceGroupsTaggingAPIClient);
  const mappings = await collect(
    paginateGetResources(
      { client, stopOnSameToken: true },
      {
        ResourceTypeFilters: ["lambda:function"],
        TagFilters: [{ Key: BREAKER_TAGS.state }],
        ResourcesPerPage: 100,
      },
    ),
    (page) => page.ResourceTagMappingList,
  );
  return [
    ...new Set(mappings.flatMap((m) => (m.ResourceARN ? [unqualifiedFunctionArn(m.ResourceARN)] : []))),
  ].sort();
}

export interface TripAlarm extends AlarmState {
  readonly functionName: string;
}

const STATES: readonly AlarmStateValue[] = ["ALARM", "OK", "INSUFFICIENT_DATA"];

/** Every trip alarm of the account (DescribeAlarms by the trip-alarm prefix), with the function each trips. */
export async function readTripAlarms(aws: Aws, prefix: string): Promise<TripAlarm[]> {
  const client = aws.client(CloudWatchClient);
  const alarms = await collect(
    paginateDescribeAlarms(
      { client, stopOnSameToken: true },
      { AlarmNamePrefix: breakerAlarmPrefix(prefix), AlarmTypes: ["MetricAlarm"], MaxRecords: 100 },
    ),
    (page) => page.MetricAlarms,
  );
  return alarms.flatMap((alarm) => {
    const functionName = alarm.AlarmName
      ? functionOfAlarm(prefix, alarm.AlarmName, functionDimensions(alarm))
      : undefined;
    const state = STATES.find((s) => s === alarm.StateValue);
    if (!alarm.AlarmName || !functionName || !state) return [];
    const since = alarm.StateUpdatedTimestamp ?? alarm.StateTransitionedTimestamp ?? new Date(0);
    return [{ name: alarm.AlarmName, functionName, state, since: new Date(since) }];
  });
}

function functionDimensions(alarm: MetricAlarm): string[] {
  const dims = [
    ...(alarm.Dimensions ?? []),
    ...(alarm.Metrics ?? []).flatMap((q) => q.MetricStat?.Metric?.Dimensions ?? []),
  ];
  return dims.filter((d) => d.Name === "FunctionName" && d.Value).map((d) => d.Value as string);
}
