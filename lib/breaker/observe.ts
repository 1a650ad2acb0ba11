/**
 * Fresh reads for one breaker decision: the function as it is now (an inventory may be minutes old, and
 * a breaker must not act on a stale concurrency), what invokes it, and which functions carry a record
 * (the records themselves are read from trip alarms in `store.ts`).
 */
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
import type { DiscoveryWarning, Inventory, LambdaFunction, ReservedConcurrency } from "../inventory/types.js";
import { invokersOf, type Invoker } from "./facts.js";
import { BREAKER_TAGS } from "./record.js";
import { callerIdentity, readRecordedFunctions } from "./store.js";

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

/** Functions carrying a breaker record on their own tags, left by an older version (never obeyed), by ARN. */
export async function readLegacyRecords(aws: Aws): Promise<string[]> {
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

/** Functions with a breaker record: on their trip alarm, or (old, reported only) on their own tags. */
export async function readOpenBreakers(aws: Aws, prefix: string): Promise<string[]> {
  const own = await callerIdentity(aws);
  const [recorded, legacy] = await Promise.all([
    readRecordedFunctions(aws, prefix, own),
    readLegacyRecords(aws),
  ]);
  const names = legacy.map((arn) => arn.split(":").at(-1) ?? arn);
  return [...new Set([...recorded, ...names])].sort();
}
