/** Lambda functions with their concurrency, async invoke config, event source mappings and log group. */
import { compareText } from "../order.js";
import {
  GetAccountSettingsCommand,
  GetFunctionCommand,
  LambdaClient,
  paginateListEventSourceMappings,
  paginateListFunctionEventInvokeConfigs,
  paginateListFunctions,
  type DestinationConfig,
  type EventSourceMappingConfiguration,
  type FunctionConfiguration,
  type FunctionEventInvokeConfig,
} from "@aws-sdk/client-lambda";
import { DEFAULT_HEADROOM } from "../../aws/pacer.js";
import { quotaFor } from "../../aws/quotas.js";
import { functionQualifier, serviceOfArn, unqualifiedFunctionArn } from "../arn.js";
import { attempt, listCall, factsCall, collect, detailEach, type DiscoveryContext } from "../context.js";
import type {
  AsyncInvokeConfig,
  EventSourceKind,
  EventSourceMapping,
  FunctionFactNotRead,
  LambdaAccountFacts,
  LambdaFunction,
  QualifiedAsyncInvokeConfig,
  ReservedConcurrency,
} from "../types.js";

/** What the Lambda discoverer needs to know from the rest of discovery. */
export interface LambdaDiscoveryOptions {
  /**
   * Unqualified ARNs of the functions something in the account invokes asynchronously (EventBridge rule
   * targets, SNS subscriptions); undefined when that is not known (those kinds not discovered, or not
   * fully readable), and then every function's async invoke config is read.
   */
  readonly asyncInvokers?: Promise<ReadonlySet<string> | undefined>;
}

/** Time of Lambda's control-plane quota a "reconcile" discovery may spend on every function's async invoke configs. */
export const ASYNC_CONFIG_ALLOWANCE_MS = 5 * 60_000;

/**
 * Whether a "reconcile" discovery reads every function's async invoke configs: when one call each fits in
 * ASYNC_CONFIG_ALLOWANCE_MS of the control-plane quota (15 requests per second across all its APIs,
 * paced at 80 %), i.e. up to 3,600 functions. Above that, only the functions `needsAsyncInvokeConfig`
 * names are read: 20,000 functions would take 28 minutes, more than one Lambda invocation.
 */
export function readsEveryAsyncConfig(functions: number): boolean {
  const { rps } = quotaFor("lambda", "ListFunctionEventInvokeConfigs");
  return functions <= Math.floor((ASYNC_CONFIG_ALLOWANCE_MS / 1000) * rps * DEFAULT_HEADROOM);
}

/**
 * In a large account, whether a "reconcile" discovery reads a function's async invoke configs: only when
 * something shows the function is invoked asynchronously (an EventBridge rule target, an SNS
 * subscription, an async DLQ). What is lost for the others (an on-failure destination known only from
 * their config) is described in docs/performance.md.
 */
export function needsAsyncInvokeConfig(facts: {
  readonly invokedAsync: boolean;
  readonly deadLetterTarget: boolean;
}): boolean {
  return facts.invokedAsync || facts.deadLetterTarget;
}

export async function discoverLambdaFunctions(
  ctx: DiscoveryContext,
  options: LambdaDiscoveryOptions = {},
): Promise<LambdaFunction[]> {
  const client = ctx.aws.client(LambdaClient);
  const listed = await attempt(ctx, listCall("lambda", "ListFunctions", "lambda-function"), () =>
    collect(
      paginateListFunctions({ client, stopOnSameToken: true, pageSize: 50 }, {}),
      (page) => page.Functions,
    ),
  );
  if (!listed.ok) return [];
  const mappings = await eventSourceMappingsByFunction(ctx, client);
  const functions = listed.value.filter(
    (config): config is FunctionConfiguration & { FunctionName: string; FunctionArn: string } =>
      !!config.FunctionName && !!config.FunctionArn,
  );
  const eventSourcesOf = (config: FunctionConfiguration & { FunctionArn: string }) =>
    mappings.get(unqualifiedFunctionArn(config.FunctionArn)) ?? [];

  if (ctx.detail !== "reconcile") {
    return detailEach(ctx, "lambda-function", functions, async (listedConfig) => {
      const name = listedConfig.FunctionName;
      const arn = unqualifiedFunctionArn(listedConfig.FunctionArn);
      const call = factsCall("lambda", "GetFunction", "lambda-function", arn);
      const got = await attempt(ctx, call, () => client.send(new GetFunctionCommand({ FunctionName: name })));
      if (!got.ok && got.reason === "missing") return undefined;
      const invokeConfigs = await readInvokeConfigs(ctx, client, listedConfig);
      if (invokeConfigs === "missing") return undefined;

      const config = (got.ok ? got.value.Configuration : undefined) ?? listedConfig;
      const reservedConcurrency: ReservedConcurrency | "unknown" = got.ok
        ? (got.value.Concurrency?.ReservedConcurrentExecutions ?? "unset")
        : "unknown";
      return toFunction(ctx, config, {
        reservedConcurrency,
        tags: got.ok ? (got.value.Tags ?? {}) : {},
        invokeConfigs,
        eventSources: eventSourcesOf(listedConfig),
      });
    });
  }

  // "reconcile": the listing holds every configuration field the plans use. Tags come from the Tagging
  // API (discover.ts falls back to GetFunction when it cannot be read). In a large account, async invoke
  // configs are read first for functions with an async DLQ (known now), then for those the rules and
  // topics invoke.
  type Listed = (typeof functions)[number];
  const read = new Map<string, readonly FunctionEventInvokeConfig[] | "missing">();
  const readEach = (configs: readonly Listed[]) =>
    detailEach(ctx, "lambda-function", configs, async (config) => {
      read.set(config.FunctionArn, await readInvokeConfigs(ctx, client, config));
      return undefined;
    });
  if (readsEveryAsyncConfig(functions.length)) {
    await readEach(functions);
  } else {
    await readEach(
      functions.filter((config) =>
        needsAsyncInvokeConfig({
          invokedAsync: false,
          deadLetterTarget: !!config.DeadLetterConfig?.TargetArn,
        }),
      ),
    );
    const invokers = await (options.asyncInvokers ?? Promise.resolve(undefined));
    await readEach(
      functions.filter(
        (config) =>
          !read.has(config.FunctionArn) &&
          (invokers === undefined ||
            needsAsyncInvokeConfig({
              invokedAsync: invokers.has(unqualifiedFunctionArn(config.FunctionArn)),
              deadLetterTarget: false,
            })),
      ),
    );
  }
  return functions.flatMap((config) => {
    const invokeConfigs = read.get(config.FunctionArn);
    if (invokeConfigs === "missing") return [];
    return [
      toFunction(ctx, config, {
        reservedConcurrency: "unknown",
        tags: {},
        invokeConfigs: invokeConfigs ?? "not-read",
        eventSources: eventSourcesOf(config),
        notRead:
          invokeConfigs === undefined ? ["async-invoke", "reserved-concurrency"] : ["reserved-concurrency"],
      }),
    ];
  });
}

/** The function's async invoke configs; [] when unreadable (a warning says so), "missing" when the function is gone. */
async function readInvokeConfigs(
  ctx: DiscoveryContext,
  client: LambdaClient,
  config: FunctionConfiguration & { FunctionName: string; FunctionArn: string },
): Promise<readonly FunctionEventInvokeConfig[] | "missing"> {
  const invokeConfigs = await attempt(
    ctx,
    factsCall(
      "lambda",
      "ListFunctionEventInvokeConfigs",
      "lambda-function",
      unqualifiedFunctionArn(config.FunctionArn),
    ),
    () =>
      collect(
        paginateListFunctionEventInvokeConfigs(
          { client, stopOnSameToken: true, pageSize: 50 },
          { FunctionName: config.FunctionName },
        ),
        (page) => page.FunctionEventInvokeConfigs,
      ),
  );
  if (!invokeConfigs.ok && invokeConfigs.reason === "missing") return "missing";
  return invokeConfigs.ok ? invokeConfigs.value : [];
}

/**
 * Tags and reserved concurrency from GetFunction, for functions a "reconcile" discovery listed when the
 * Tagging API could not give their tags (a function's `watchkeeper:ignore` must never be missed).
 */
export async function readFunctionDetails(
  ctx: DiscoveryContext,
  functions: readonly LambdaFunction[],
): Promise<LambdaFunction[]> {
  const client = ctx.aws.client(LambdaClient);
  return detailEach(ctx, "lambda-function-tags", functions, async (fn) => {
    const got = await attempt(ctx, factsCall("lambda", "GetFunction", "lambda-function", fn.arn), () =>
      client.send(new GetFunctionCommand({ FunctionName: fn.name })),
    );
    if (!got.ok) return got.reason === "missing" ? undefined : fn;
    const notRead = (fn.notRead ?? []).filter((fact) => fact !== "reserved-concurrency");
    const { notRead: _previous, ...rest } = fn;
    return {
      ...rest,
      tags: got.value.Tags ?? {},
      reservedConcurrency: got.value.Concurrency?.ReservedConcurrentExecutions ?? "unset",
      ...(notRead.length > 0 ? { notRead } : {}),
    };
  });
}

/** What discovery reads per function besides its configuration (exported for the breaker's fresh reads). */
export interface FunctionDetails {
  readonly reservedConcurrency: ReservedConcurrency | "unknown";
  readonly tags: Readonly<Record<string, string>>;
  /** "not-read": discovery chose not to read them (`notRead` then holds "async-invoke"). */
  readonly invokeConfigs: readonly FunctionEventInvokeConfig[] | "not-read";
  readonly eventSources: readonly EventSourceMapping[];
  /** Facts not read; absent: all read. */
  readonly notRead?: readonly FunctionFactNotRead[];
}

export function toFunction(
  ctx: DiscoveryContext,
  config: FunctionConfiguration,
  details: FunctionDetails,
): LambdaFunction {
  const name = config.FunctionName ?? "";
  const arn = unqualifiedFunctionArn(config.FunctionArn ?? "");
  const { unqualified, qualified } = splitInvokeConfigs(
    details.invokeConfigs === "not-read" ? [] : details.invokeConfigs,
  );
  const notRead = [...new Set(details.notRead ?? [])].sort();
  return {
    kind: "lambda-function",
    arn,
    name,
    region: ctx.region,
    accountId: ctx.accountId,
    tags: details.tags,
    ...(config.Runtime ? { runtime: config.Runtime } : {}),
    packageType: config.PackageType === "Image" ? "Image" : "Zip",
    timeoutSeconds: config.Timeout ?? 3,
    memoryMb: config.MemorySize ?? 128,
    reservedConcurrency: details.reservedConcurrency,
    ...(config.DeadLetterConfig?.TargetArn ? { deadLetterTargetArn: config.DeadLetterConfig.TargetArn } : {}),
    ...(unqualified ? { asyncInvoke: unqualified } : {}),
    ...(qualified.length > 0 ? { qualifiedAsyncInvoke: qualified } : {}),
    eventSources: details.eventSources,
    logGroupName: config.LoggingConfig?.LogGroup || `/aws/lambda/${name}`,
    logFormat: config.LoggingConfig?.LogFormat === "JSON" ? "JSON" : "Text",
    ...(config.LastModified ? { lastModified: config.LastModified } : {}),
    ...(notRead.length > 0 ? { notRead } : {}),
  };
}

function splitInvokeConfigs(configs: readonly FunctionEventInvokeConfig[]): {
  unqualified?: AsyncInvokeConfig;
  qualified: QualifiedAsyncInvokeConfig[];
} {
  let unqualified: AsyncInvokeConfig | undefined;
  const qualified: QualifiedAsyncInvokeConfig[] = [];
  for (const config of configs) {
    const qualifier = config.FunctionArn ? functionQualifier(config.FunctionArn) : undefined;
    const model = toAsyncInvoke(config);
    if (qualifier === undefined || qualifier === "$LATEST") unqualified = model;
    else qualified.push({ qualifier, ...model });
  }
  qualified.sort((a, b) => compareText(a.qualifier, b.qualifier));
  return { ...(unqualified ? { unqualified } : {}), qualified };
}

function toAsyncInvoke(config: FunctionEventInvokeConfig): AsyncInvokeConfig {
  return {
    ...(config.MaximumRetryAttempts !== undefined
      ? { maximumRetryAttempts: config.MaximumRetryAttempts }
      : {}),
    ...(config.MaximumEventAgeInSeconds !== undefined
      ? { maximumEventAgeSeconds: config.MaximumEventAgeInSeconds }
      : {}),
    ...destinations(config.DestinationConfig),
  };
}

function destinations(config: DestinationConfig | undefined): {
  onSuccessDestination?: string;
  onFailureDestination?: string;
} {
  return {
    ...(config?.OnSuccess?.Destination ? { onSuccessDestination: config.OnSuccess.Destination } : {}),
    ...(config?.OnFailure?.Destination ? { onFailureDestination: config.OnFailure.Destination } : {}),
  };
}

/** One ListEventSourceMappings listing for the account, grouped by unqualified function ARN. */
async function eventSourceMappingsByFunction(
  ctx: DiscoveryContext,
  client: LambdaClient,
): Promise<Map<string, EventSourceMapping[]>> {
  const listed = await attempt(
    ctx,
    {
      service: "lambda",
      operation: "ListEventSourceMappings",
      covers: { kind: "lambda-function", what: "facts" },
    },
    () =>
      collect(
        paginateListEventSourceMappings({ client, stopOnSameToken: true, pageSize: 100 }, {}),
        (page) => page.EventSourceMappings,
      ),
  );
  const byFunction = new Map<string, EventSourceMapping[]>();
  for (const mapping of listed.ok ? listed.value : []) {
    if (!mapping.FunctionArn || !mapping.UUID) continue;
    const key = unqualifiedFunctionArn(mapping.FunctionArn);
    byFunction.set(key, [...(byFunction.get(key) ?? []), toEventSource(mapping)]);
  }
  for (const list of byFunction.values()) {
    list.sort((a, b) => compareText(a.sourceArn ?? "", b.sourceArn ?? "") || compareText(a.uuid, b.uuid));
  }
  return byFunction;
}

export function toEventSource(mapping: EventSourceMappingConfiguration): EventSourceMapping {
  const onFailure = mapping.DestinationConfig?.OnFailure?.Destination;
  return {
    uuid: mapping.UUID ?? "",
    ...(mapping.EventSourceArn ? { sourceArn: mapping.EventSourceArn } : {}),
    sourceKind: sourceKindOf(mapping),
    state: mapping.State ?? "Unknown",
    ...(mapping.BatchSize !== undefined ? { batchSize: mapping.BatchSize } : {}),
    ...(mapping.MaximumRetryAttempts !== undefined
      ? { maximumRetryAttempts: mapping.MaximumRetryAttempts }
      : {}),
    ...(mapping.MaximumRecordAgeInSeconds !== undefined
      ? { maximumRecordAgeSeconds: mapping.MaximumRecordAgeInSeconds }
      : {}),
    ...(mapping.BisectBatchOnFunctionError !== undefined
      ? { bisectBatchOnFunctionError: mapping.BisectBatchOnFunctionError }
      : {}),
    ...(onFailure ? { onFailureDestination: onFailure } : {}),
  };
}

export function sourceKindOf(mapping: EventSourceMappingConfiguration): EventSourceKind {
  switch (mapping.EventSourceArn ? serviceOfArn(mapping.EventSourceArn) : undefined) {
    case "sqs":
      return "sqs";
    case "kinesis":
      return "kinesis";
    case "dynamodb":
      return "dynamodb-stream";
    case "kafka":
      return "kafka";
    case "mq":
      return "mq";
    default:
      return mapping.SelfManagedEventSource?.Endpoints?.KAFKA_BOOTSTRAP_SERVERS ? "kafka" : "other";
  }
}

export async function discoverLambdaAccount(ctx: DiscoveryContext): Promise<LambdaAccountFacts | undefined> {
  const settings = await attempt(
    ctx,
    {
      service: "lambda",
      operation: "GetAccountSettings",
      covers: { kind: "lambda-function", what: "facts" },
    },
    () => ctx.aws.client(LambdaClient).send(new GetAccountSettingsCommand({})),
  );
  const limit = settings.ok ? settings.value.AccountLimit : undefined;
  if (limit?.ConcurrentExecutions === undefined || limit.UnreservedConcurrentExecutions === undefined) {
    return undefined;
  }
  return {
    concurrentExecutions: limit.ConcurrentExecutions,
    unreservedConcurrentExecutions: limit.UnreservedConcurrentExecutions,
  };
}
