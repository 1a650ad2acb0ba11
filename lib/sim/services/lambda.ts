import { createHash } from "node:crypto";
import {
  InvalidParameterValueException,
  LambdaServiceException,
  RequestTooLargeException,
  ResourceConflictException,
  ResourceNotFoundException,
  ResourceNotReadyException,
  ServiceException,
  TooManyRequestsException,
  type DeleteFunctionConcurrencyCommandInput,
  type DeleteFunctionConcurrencyCommandOutput,
  type EventSourceMappingConfiguration,
  type FunctionConfiguration,
  type FunctionEventInvokeConfig,
  type GetAccountSettingsCommandOutput,
  type GetFunctionCommandInput,
  type GetFunctionCommandOutput,
  type GetFunctionConcurrencyCommandInput,
  type GetFunctionConcurrencyCommandOutput,
  type GetFunctionConfigurationCommandInput,
  type GetFunctionConfigurationCommandOutput,
  type GetFunctionEventInvokeConfigCommandInput,
  type GetFunctionEventInvokeConfigCommandOutput,
  type InvokeCommandInput,
  type InvokeCommandOutput,
  type ListEventSourceMappingsCommandInput,
  type ListEventSourceMappingsCommandOutput,
  type ListFunctionEventInvokeConfigsCommandInput,
  type ListFunctionEventInvokeConfigsCommandOutput,
  type ListFunctionsCommandInput,
  type ListFunctionsCommandOutput,
  type ListTagsCommandInput,
  type ListTagsCommandOutput,
  type PutFunctionConcurrencyCommandInput,
  type PutFunctionConcurrencyCommandOutput,
  type Runtime,
  type TagResourceCommandInput,
  type TagResourceCommandOutput,
  type UntagResourceCommandInput,
  type UntagResourceCommandOutput,
  type UpdateEventSourceMappingCommandInput,
  type UpdateEventSourceMappingCommandOutput,
} from "@aws-sdk/client-lambda";
import type { SimAccount } from "../account.js";
import { awsCodeError, awsError } from "../errors.js";
import { enqueue } from "../queues.js";
import { pageToken } from "../registry.js";
import type { Out, SimService } from "../service.js";
import type { SimEventSourceMapping, SimFunction } from "../state.js";
import { applyTags, removeTags } from "../tags.js";
import { validator } from "../validate.js";

const invalid = (message: string) => awsError(InvalidParameterValueException, 400, message, { Type: "User" });
const notFound = (message: string) => awsError(ResourceNotFoundException, 404, message, { Type: "User" });
// Lambda reports constraint violations (length, range, pattern) as ValidationException, which it does not model.
const check = validator((message) =>
  awsCodeError(LambdaServiceException, "ValidationException", 400, message),
);

/** Asynchronous invocations take up to 1 MB, synchronous ones 6 MB. */
const MAX_ASYNC_PAYLOAD = 1_048_576;
const MAX_SYNC_PAYLOAD = 6_291_456;

const FUNCTION_REF =
  /^(?:arn:aws[a-z-]*:lambda:([a-z0-9-]+):(\d{12}):function:|(\d{12}):function:)?([a-zA-Z0-9_-]{1,64})(?::(\$LATEST|[a-zA-Z0-9_-]+))?$/;

/** Lambda's timestamp format: 2025-01-01T00:00:00.000+0000. */
export function lambdaTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "+0000");
}

/** A function by name, partial ARN or ARN (with an optional qualifier), as every Lambda API accepts it. */
function resolveFunction(sim: SimAccount, ref: string | undefined, field = "functionName"): SimFunction {
  check.required(ref, field);
  check.length(ref, field, 1, 170);
  const m = FUNCTION_REF.exec(ref!);
  if (!m) check.pattern(ref, field, FUNCTION_REF);
  const [, region, account, partialAccount, name] = m!;
  const fn = sim.functions.get(name!);
  const elsewhere =
    (region && region !== sim.region) ||
    ((account ?? partialAccount) && (account ?? partialAccount) !== sim.accountId);
  if (!fn || elsewhere) throw notFound(`Function not found: ${sim.arns.of("lambda", `function:${name}`)}`);
  return fn;
}

/** Stable for a given version of the function, as Lambda's is. */
function revisionId(fn: SimFunction): string {
  const h = createHash("md5").update(`${fn.arn}:${fn.lastModified}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function configuration(fn: SimFunction): FunctionConfiguration {
  return {
    FunctionName: fn.name,
    FunctionArn: fn.arn,
    ...(fn.runtime ? { Runtime: fn.runtime as Runtime, Handler: fn.handler } : {}),
    Role: fn.role,
    CodeSize: fn.codeSize,
    Description: fn.description,
    Timeout: fn.timeout,
    MemorySize: fn.memorySize,
    LastModified: lambdaTimestamp(fn.lastModified),
    CodeSha256: createHash("sha256").update(`${fn.arn}:${fn.lastModified}`).digest("base64"),
    Version: "$LATEST",
    ...(fn.deadLetterTargetArn ? { DeadLetterConfig: { TargetArn: fn.deadLetterTargetArn } } : {}),
    ...(fn.environment ? { Environment: { Variables: { ...fn.environment } } } : {}),
    TracingConfig: { Mode: "PassThrough" },
    RevisionId: revisionId(fn),
    State: "Active",
    LastUpdateStatus: "Successful",
    PackageType: fn.packageType,
    Architectures: [...fn.architectures],
    EphemeralStorage: { Size: 512 },
    SnapStart: { ApplyOn: "None", OptimizationStatus: "Off" },
    LoggingConfig: {
      LogFormat: fn.logFormat,
      LogGroup: fn.logGroup,
      ...(fn.logFormat === "JSON" ? { ApplicationLogLevel: "INFO", SystemLogLevel: "INFO" } : {}),
    },
  };
}

function mappingConfiguration(sim: SimAccount, esm: SimEventSourceMapping): EventSourceMappingConfiguration {
  return {
    UUID: esm.uuid,
    EventSourceMappingArn: esm.arn,
    EventSourceArn: esm.eventSourceArn,
    FunctionArn: sim.arns.of("lambda", `function:${esm.functionName}`),
    State: esm.state,
    StateTransitionReason: "USER_INITIATED",
    LastModified: new Date(esm.lastModified),
    LastProcessingResult: "No records processed",
    BatchSize: esm.batchSize,
    MaximumBatchingWindowInSeconds: esm.maximumBatchingWindowInSeconds,
    ...(esm.startingPosition ? { StartingPosition: esm.startingPosition } : {}),
    ...(esm.parallelizationFactor !== undefined ? { ParallelizationFactor: esm.parallelizationFactor } : {}),
    ...(esm.maximumRetryAttempts !== undefined ? { MaximumRetryAttempts: esm.maximumRetryAttempts } : {}),
    ...(esm.maximumRecordAgeInSeconds !== undefined
      ? { MaximumRecordAgeInSeconds: esm.maximumRecordAgeInSeconds }
      : {}),
    ...(esm.bisectBatchOnFunctionError !== undefined
      ? { BisectBatchOnFunctionError: esm.bisectBatchOnFunctionError }
      : {}),
    ...(esm.startingPosition
      ? {
          DestinationConfig: {
            OnFailure: esm.onFailureDestination ? { Destination: esm.onFailureDestination } : {},
          },
        }
      : {}),
    ...(esm.functionResponseTypes ? { FunctionResponseTypes: [...esm.functionResponseTypes] } : {}),
  };
}

function invokeConfig(fn: SimFunction): FunctionEventInvokeConfig | undefined {
  const config = fn.eventInvokeConfig;
  if (!config) return undefined;
  return {
    FunctionArn: `${fn.arn}:$LATEST`,
    LastModified: new Date(config.lastModified),
    ...(config.maximumRetryAttempts !== undefined
      ? { MaximumRetryAttempts: config.maximumRetryAttempts }
      : {}),
    ...(config.maximumEventAgeInSeconds !== undefined
      ? { MaximumEventAgeInSeconds: config.maximumEventAgeInSeconds }
      : {}),
    DestinationConfig: {
      OnSuccess: config.onSuccess ? { Destination: config.onSuccess } : {},
      OnFailure: config.onFailure ? { Destination: config.onFailure } : {},
    },
  };
}

function pageAfter(marker: string | undefined): string | undefined {
  if (marker === undefined) return undefined;
  const after = pageToken.decode(marker);
  if (after === undefined) throw invalid(`Invalid marker: ${marker}`);
  return after;
}

function reservedTotal(sim: SimAccount, except?: SimFunction): number {
  let total = 0;
  for (const fn of sim.functions.values()) if (fn !== except) total += fn.reservedConcurrency ?? 0;
  return total;
}

function functionByArn(sim: SimAccount, arn: string | undefined): SimFunction {
  check.required(arn, "resource");
  const name = sim.arns.resourceOf("lambda", arn!)?.match(/^function:([^:]+)$/)?.[1];
  const fn = name === undefined ? undefined : sim.functions.get(name);
  if (!fn) throw notFound(`Function not found: ${arn}`);
  return fn;
}

function findMapping(sim: SimAccount, uuid: string | undefined): SimEventSourceMapping {
  check.required(uuid, "UUID");
  const esm = sim.eventSourceMappings.get(uuid!);
  if (!esm) throw notFound("The resource you requested does not exist.");
  return esm;
}

/** What an async event does when the function cannot run it: its DLQ or on-failure destination, if it is an SQS queue here. */
function deadLetter(sim: SimAccount, fn: SimFunction, payload: string, condition: string): void {
  const now = sim.clock.now();
  const dlq = fn.deadLetterTargetArn && sim.queueByArn(fn.deadLetterTargetArn);
  if (dlq) {
    enqueue(sim, dlq, { body: payload, ...(dlq.fifo ? { groupId: fn.name } : {}) });
    return;
  }
  const onFailure = fn.eventInvokeConfig?.onFailure && sim.queueByArn(fn.eventInvokeConfig.onFailure);
  if (onFailure) {
    const record = {
      version: "1.0",
      timestamp: new Date(now).toISOString(),
      requestContext: {
        requestId: sim.random.uuid(),
        functionArn: `${fn.arn}:$LATEST`,
        condition,
        approximateInvokeCount: 0,
      },
      requestPayload: safeJson(payload),
    };
    enqueue(sim, onFailure, {
      body: JSON.stringify(record),
      ...(onFailure.fifo ? { groupId: fn.name } : {}),
    });
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const INVOKE_FAILURES = {
  TooManyRequestsException: [TooManyRequestsException, 429],
  ServiceException: [ServiceException, 500],
  ResourceNotReadyException: [ResourceNotReadyException, 502],
  ResourceConflictException: [ResourceConflictException, 409],
} as const;

function invokeFailure(fn: SimFunction, code: string): Error {
  const message = `Simulated failure of ${fn.name}: ${code}`;
  const known = INVOKE_FAILURES[code as keyof typeof INVOKE_FAILURES];
  if (known) return awsError(known[0] as typeof ServiceException, known[1], message, { Type: "Service" });
  return awsCodeError(LambdaServiceException, code, 400, message);
}

/** A response payload the way the SDK hands it out (a Uint8Array that can turn itself into a string). */
function payloadBlob(text: string): InvokeCommandOutput["Payload"] {
  const bytes = new TextEncoder().encode(text);
  return Object.assign(bytes, {
    transformToString: (encoding?: string) =>
      Buffer.from(bytes).toString((encoding ?? "utf8") as BufferEncoding),
  }) as unknown as InvokeCommandOutput["Payload"];
}

function decodePayload(payload: InvokeCommandInput["Payload"]): string {
  if (payload === undefined) return "";
  if (typeof payload === "string") return payload;
  return Buffer.from(payload as Uint8Array).toString("utf8");
}

export const lambda: SimService = {
  throttled: () =>
    awsError(TooManyRequestsException, 429, "Rate exceeded", {
      Type: "User",
      Reason: "CallerRateLimitExceeded",
    }),
  apis: {
    ListFunctions(input: ListFunctionsCommandInput, sim): Out<ListFunctionsCommandOutput> {
      check.range(input.MaxItems, "maxItems", 1, 10_000);
      // ListFunctions returns at most 50 functions a page, whatever MaxItems asks for.
      const page = sim.functions.page({
        after: pageAfter(input.Marker),
        limit: Math.min(input.MaxItems ?? 50, 50),
      });
      return {
        Functions: page.items.map((fn) => configuration(fn)),
        ...(page.nextAfter !== undefined ? { NextMarker: pageToken.encode(page.nextAfter) } : {}),
      };
    },

    GetFunction(input: GetFunctionCommandInput, sim): Out<GetFunctionCommandOutput> {
      const fn = resolveFunction(sim, input.FunctionName);
      return {
        Configuration: configuration(fn),
        Code:
          fn.packageType === "Image"
            ? {
                RepositoryType: "ECR",
                ImageUri: `${sim.accountId}.dkr.ecr.${sim.region}.amazonaws.com/${fn.name}:latest`,
              }
            : {
                RepositoryType: "S3",
                Location: `https://awslambda-${sim.region}-tasks.s3.${sim.region}.amazonaws.com/snapshots/${sim.accountId}/${fn.name}`,
              },
        ...(Object.keys(fn.tags).length > 0 ? { Tags: { ...fn.tags } } : {}),
        ...(fn.reservedConcurrency !== undefined
          ? { Concurrency: { ReservedConcurrentExecutions: fn.reservedConcurrency } }
          : {}),
      };
    },

    GetFunctionConfiguration(
      input: GetFunctionConfigurationCommandInput,
      sim,
    ): Out<GetFunctionConfigurationCommandOutput> {
      return configuration(resolveFunction(sim, input.FunctionName));
    },

    GetFunctionConcurrency(
      input: GetFunctionConcurrencyCommandInput,
      sim,
    ): Out<GetFunctionConcurrencyCommandOutput> {
      const fn = resolveFunction(sim, input.FunctionName);
      // Unset is its own answer: no field at all.
      return fn.reservedConcurrency === undefined
        ? {}
        : { ReservedConcurrentExecutions: fn.reservedConcurrency };
    },

    PutFunctionConcurrency(
      input: PutFunctionConcurrencyCommandInput,
      sim,
    ): Out<PutFunctionConcurrencyCommandOutput> {
      const fn = resolveFunction(sim, input.FunctionName);
      const reserved = check.required(input.ReservedConcurrentExecutions, "reservedConcurrentExecutions");
      check.range(reserved, "reservedConcurrentExecutions", 0, Number.MAX_SAFE_INTEGER);
      if (!Number.isInteger(reserved))
        throw invalid(`ReservedConcurrentExecutions must be an integer, got ${reserved}`);
      const unreserved = sim.lambdaConcurrencyLimit - reservedTotal(sim, fn) - reserved;
      if (unreserved < sim.minimumUnreservedConcurrency) {
        throw invalid(
          `Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [${sim.minimumUnreservedConcurrency}].`,
        );
      }
      fn.reservedConcurrency = reserved;
      return { ReservedConcurrentExecutions: reserved };
    },

    DeleteFunctionConcurrency(
      input: DeleteFunctionConcurrencyCommandInput,
      sim,
    ): Out<DeleteFunctionConcurrencyCommandOutput> {
      delete resolveFunction(sim, input.FunctionName).reservedConcurrency;
      return {};
    },

    GetAccountSettings(_input: object, sim): Out<GetAccountSettingsCommandOutput> {
      let codeSize = 0;
      for (const fn of sim.functions.values()) codeSize += fn.codeSize;
      return {
        AccountLimit: {
          TotalCodeSize: 80_530_636_800,
          CodeSizeUnzipped: 262_144_000,
          CodeSizeZipped: 52_428_800,
          ConcurrentExecutions: sim.lambdaConcurrencyLimit,
          UnreservedConcurrentExecutions: sim.lambdaConcurrencyLimit - reservedTotal(sim),
        },
        AccountUsage: { TotalCodeSize: codeSize, FunctionCount: sim.functions.size },
      };
    },

    ListEventSourceMappings(
      input: ListEventSourceMappingsCommandInput,
      sim,
    ): Out<ListEventSourceMappingsCommandOutput> {
      check.range(input.MaxItems, "maxItems", 1, 10_000);
      const functionName =
        input.FunctionName === undefined ? undefined : resolveFunction(sim, input.FunctionName).name;
      const page = sim.eventSourceMappings.page({
        after: pageAfter(input.Marker),
        limit: Math.min(input.MaxItems ?? 100, 100),
        where: (esm) =>
          (functionName === undefined || esm.functionName === functionName) &&
          (input.EventSourceArn === undefined || esm.eventSourceArn === input.EventSourceArn),
      });
      return {
        EventSourceMappings: page.items.map((esm) => mappingConfiguration(sim, esm)),
        ...(page.nextAfter !== undefined ? { NextMarker: pageToken.encode(page.nextAfter) } : {}),
      };
    },

    UpdateEventSourceMapping(
      input: UpdateEventSourceMappingCommandInput,
      sim,
    ): Out<UpdateEventSourceMappingCommandOutput> {
      const esm = findMapping(sim, input.UUID);
      check.range(input.BatchSize, "batchSize", 1, 10_000);
      check.range(input.MaximumBatchingWindowInSeconds, "maximumBatchingWindowInSeconds", 0, 300);
      check.range(input.MaximumRetryAttempts, "maximumRetryAttempts", -1, 10_000);
      check.range(input.MaximumRecordAgeInSeconds, "maximumRecordAgeInSeconds", -1, 604_800);
      check.range(input.ParallelizationFactor, "parallelizationFactor", 1, 10);
      const streamOnly = [
        input.MaximumRetryAttempts,
        input.MaximumRecordAgeInSeconds,
        input.BisectBatchOnFunctionError,
        input.ParallelizationFactor,
      ];
      if (!esm.startingPosition && streamOnly.some((v) => v !== undefined)) {
        throw invalid(
          "MaximumRetryAttempts, MaximumRecordAgeInSeconds, BisectBatchOnFunctionError and ParallelizationFactor apply only to stream event sources",
        );
      }
      if (
        input.MaximumRecordAgeInSeconds !== undefined &&
        input.MaximumRecordAgeInSeconds !== -1 &&
        input.MaximumRecordAgeInSeconds < 60
      ) {
        throw invalid("MaximumRecordAgeInSeconds must be -1 (no maximum) or between 60 and 604800");
      }
      if (input.FunctionName !== undefined) {
        (esm as { functionName: string }).functionName = resolveFunction(sim, input.FunctionName).name;
      }
      if (input.Enabled !== undefined) esm.state = input.Enabled ? "Enabled" : "Disabled";
      if (input.BatchSize !== undefined) esm.batchSize = input.BatchSize;
      if (input.MaximumBatchingWindowInSeconds !== undefined)
        esm.maximumBatchingWindowInSeconds = input.MaximumBatchingWindowInSeconds;
      if (input.MaximumRetryAttempts !== undefined) esm.maximumRetryAttempts = input.MaximumRetryAttempts;
      if (input.MaximumRecordAgeInSeconds !== undefined)
        esm.maximumRecordAgeInSeconds = input.MaximumRecordAgeInSeconds;
      if (input.BisectBatchOnFunctionError !== undefined)
        esm.bisectBatchOnFunctionError = input.BisectBatchOnFunctionError;
      if (input.ParallelizationFactor !== undefined) esm.parallelizationFactor = input.ParallelizationFactor;
      const onFailure = input.DestinationConfig?.OnFailure;
      if (onFailure) {
        if (onFailure.Destination) esm.onFailureDestination = onFailure.Destination;
        else delete esm.onFailureDestination;
      }
      esm.lastModified = sim.clock.now();
      return mappingConfiguration(sim, esm);
    },

    ListFunctionEventInvokeConfigs(
      input: ListFunctionEventInvokeConfigsCommandInput,
      sim,
    ): Out<ListFunctionEventInvokeConfigsCommandOutput> {
      check.range(input.MaxItems, "maxItems", 1, 50);
      const config = invokeConfig(resolveFunction(sim, input.FunctionName));
      // One function holds at most one config per qualifier; the simulator models $LATEST only.
      return { FunctionEventInvokeConfigs: config ? [config] : [] };
    },

    GetFunctionEventInvokeConfig(
      input: GetFunctionEventInvokeConfigCommandInput,
      sim,
    ): Out<GetFunctionEventInvokeConfigCommandOutput> {
      const fn = resolveFunction(sim, input.FunctionName);
      const config = invokeConfig(fn);
      if (!config) throw notFound(`The function ${fn.arn}:$LATEST doesn't have an EventInvokeConfig`);
      return config;
    },

    ListTags(input: ListTagsCommandInput, sim): Out<ListTagsCommandOutput> {
      return { Tags: { ...functionByArn(sim, input.Resource).tags } };
    },

    TagResource(input: TagResourceCommandInput, sim): Out<TagResourceCommandOutput> {
      const fn = functionByArn(sim, input.Resource);
      applyTags(fn.tags, check.required(input.Tags, "tags"), check);
      return {};
    },

    UntagResource(input: UntagResourceCommandInput, sim): Out<UntagResourceCommandOutput> {
      removeTags(functionByArn(sim, input.Resource).tags, check.required(input.TagKeys, "tagKeys"));
      return {};
    },

    Invoke(input: InvokeCommandInput, sim): Out<InvokeCommandOutput> {
      const fn = resolveFunction(sim, input.FunctionName);
      const type = input.InvocationType ?? "RequestResponse";
      check.oneOf(type, "invocationType", ["Event", "RequestResponse", "DryRun"]);
      const payload = decodePayload(input.Payload);
      const limit = type === "Event" ? MAX_ASYNC_PAYLOAD : MAX_SYNC_PAYLOAD;
      if (Buffer.byteLength(payload) > limit) {
        throw awsError(
          RequestTooLargeException,
          413,
          `Request must be smaller than ${limit} bytes for the Invoke operation`,
          { Type: "User" },
        );
      }
      if (payload !== "" && safeJson(payload) === payload) {
        throw awsCodeError(
          LambdaServiceException,
          "InvalidRequestContentException",
          400,
          "Could not parse request body into json",
        );
      }
      if (type === "DryRun") return { StatusCode: 204 };
      if (fn.invokeFailure) throw invokeFailure(fn, fn.invokeFailure);
      const at = sim.clock.now();
      if (fn.reservedConcurrency === 0) {
        if (type === "RequestResponse") {
          throw awsError(TooManyRequestsException, 429, "Rate Exceeded.", {
            Type: "User",
            Reason: "ReservedFunctionConcurrentInvocationLimitExceeded",
          });
        }
        // Concurrency 0: an async event skips retries and goes straight to the DLQ or on-failure destination.
        fn.invocations.push({ type, payload, at, outcome: "throttled" });
        deadLetter(sim, fn, payload, "RetriesExhausted");
        return { StatusCode: 202 };
      }
      fn.invocations.push({ type, payload, at, outcome: "accepted" });
      return type === "Event"
        ? { StatusCode: 202 }
        : { StatusCode: 200, ExecutedVersion: "$LATEST", Payload: payloadBlob("null") };
    },
  },
};
