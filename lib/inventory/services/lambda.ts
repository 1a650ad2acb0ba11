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
import { functionQualifier, serviceOfArn, unqualifiedFunctionArn } from "../arn.js";
import { attempt, collect, detailEach, type DiscoveryContext } from "../context.js";
import type {
  AsyncInvokeConfig,
  EventSourceKind,
  EventSourceMapping,
  LambdaAccountFacts,
  LambdaFunction,
  QualifiedAsyncInvokeConfig,
  ReservedConcurrency,
} from "../types.js";

export async function discoverLambdaFunctions(ctx: DiscoveryContext): Promise<LambdaFunction[]> {
  const client = ctx.aws.client(LambdaClient);
  const listed = await attempt(ctx, { service: "lambda", operation: "ListFunctions" }, () =>
    collect(paginateListFunctions({ client, stopOnSameToken: true }, {}), (page) => page.Functions),
  );
  if (!listed.ok) return [];
  const mappings = await eventSourceMappingsByFunction(ctx, client);

  return detailEach(ctx, "lambda-function", listed.value, async (listedConfig) => {
    const name = listedConfig.FunctionName;
    if (!name || !listedConfig.FunctionArn) return undefined;
    const call = { service: "lambda", resource: listedConfig.FunctionArn } as const;
    const got = await attempt(ctx, { ...call, operation: "GetFunction" }, () =>
      client.send(new GetFunctionCommand({ FunctionName: name })),
    );
    if (!got.ok && got.reason === "missing") return undefined;
    const invokeConfigs = await attempt(ctx, { ...call, operation: "ListFunctionEventInvokeConfigs" }, () =>
      collect(
        paginateListFunctionEventInvokeConfigs({ client, stopOnSameToken: true }, { FunctionName: name }),
        (page) => page.FunctionEventInvokeConfigs,
      ),
    );
    if (!invokeConfigs.ok && invokeConfigs.reason === "missing") return undefined;

    const config = (got.ok ? got.value.Configuration : undefined) ?? listedConfig;
    const reservedConcurrency: ReservedConcurrency | "unknown" = got.ok
      ? (got.value.Concurrency?.ReservedConcurrentExecutions ?? "unset")
      : "unknown";
    return toFunction(ctx, config, {
      reservedConcurrency,
      tags: got.ok ? (got.value.Tags ?? {}) : {},
      invokeConfigs: invokeConfigs.ok ? invokeConfigs.value : [],
      eventSources: mappings.get(unqualifiedFunctionArn(listedConfig.FunctionArn)) ?? [],
    });
  });
}

/** What discovery reads per function besides its configuration (exported for the breaker's fresh reads). */
export interface FunctionDetails {
  readonly reservedConcurrency: ReservedConcurrency | "unknown";
  readonly tags: Readonly<Record<string, string>>;
  readonly invokeConfigs: readonly FunctionEventInvokeConfig[];
  readonly eventSources: readonly EventSourceMapping[];
}

export function toFunction(
  ctx: DiscoveryContext,
  config: FunctionConfiguration,
  details: FunctionDetails,
): LambdaFunction {
  const name = config.FunctionName ?? "";
  const arn = unqualifiedFunctionArn(config.FunctionArn ?? "");
  const { unqualified, qualified } = splitInvokeConfigs(details.invokeConfigs);
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
  const listed = await attempt(ctx, { service: "lambda", operation: "ListEventSourceMappings" }, () =>
    collect(
      paginateListEventSourceMappings({ client, stopOnSameToken: true }, {}),
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
  const settings = await attempt(ctx, { service: "lambda", operation: "GetAccountSettings" }, () =>
    ctx.aws.client(LambdaClient).send(new GetAccountSettingsCommand({})),
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
