/** Discovery: one paced, paginated read of the account and region into a normalized `Inventory`. */
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import type { Aws } from "../aws/index.js";
import type { DiscoveryContext, DiscoveryDetail, DiscoveryProgress } from "./context.js";
import { unqualifiedFunctionArn } from "./arn.js";
import { compareText } from "./order.js";
import { deriveRelations } from "./relations.js";
import { discoverRestApis, discoverV2Apis, listV2Apis } from "./services/apigateway.js";
import { discoverDynamoDbTables } from "./services/dynamodb.js";
import { discoverEventBridgeRules } from "./services/eventbridge.js";
import { discoverKinesisStreams } from "./services/kinesis.js";
import { discoverLambdaAccount, discoverLambdaFunctions, readFunctionDetails } from "./services/lambda.js";
import { discoverLogGroups } from "./services/logs.js";
import { discoverSnsTopics, listConfirmedSubscriptions } from "./services/sns.js";
import { discoverSqsQueues } from "./services/sqs.js";
import { discoverStateMachines } from "./services/stepfunctions.js";
import { discoverTags } from "./tags.js";
import {
  RESOURCE_KINDS,
  type DiscoveryWarning,
  type Inventory,
  type LambdaFunction,
  type Resource,
  type ResourceKind,
} from "./types.js";

export interface DiscoverOptions {
  /** Only these kinds (default: all). Relations may still point at kinds not discovered. */
  readonly kinds?: readonly ResourceKind[];
  /**
   * Called as work completes. Phases: each resource kind (done/total of its per-resource reads; log
   * groups once, when listed), "sns-subscription" (GetSubscriptionAttributes) and "tags" (kinds done).
   * Services run in parallel, so phases interleave.
   */
  readonly onProgress?: (progress: DiscoveryProgress) => void;
  /** The snapshot's timestamp (default: the time on `aws`'s clock). */
  readonly now?: () => Date;
  /**
   * "full" (default): every fact the types hold. "reconcile": only what the reconcile capabilities use,
   * which keeps a run of a large account inside one Lambda invocation: no GetFunction (tags from the
   * Tagging API, reserved concurrency "unknown" and marked not read), async invoke configs only of
   * functions that rules, topics or an async DLQ show to be invoked asynchronously, no Kinesis consumers.
   * See docs/performance.md for what that leaves out.
   */
  readonly detail?: DiscoveryDetail;
}

/** Kinds discovered on their own; functions and v2 APIs start from what other discoveries share. */
const DISCOVERERS: Readonly<
  Record<
    Exclude<ResourceKind, "lambda-function" | "http-api" | "websocket-api">,
    (ctx: DiscoveryContext) => Promise<Resource[]>
  >
> = {
  "sqs-queue": discoverSqsQueues,
  "kinesis-stream": discoverKinesisStreams,
  "dynamodb-table": discoverDynamoDbTables,
  "rest-api": discoverRestApis,
  "state-machine": discoverStateMachines,
  "eventbridge-rule": discoverEventBridgeRules,
  "sns-topic": (ctx) => discoverSnsTopics(ctx),
  "log-group": discoverLogGroups,
};

/**
 * Reads every requested kind (services in parallel, per-resource details at most a few in flight, every
 * call paced by `aws`). What the caller may not read becomes a warning; network and credential errors
 * propagate. The same account state always gives the same snapshot: resources sorted by kind (in
 * RESOURCE_KINDS order) then ARN, relations by from/type/to, warnings by service/operation/resource.
 */
export async function discoverInventory(aws: Aws, options: DiscoverOptions = {}): Promise<Inventory> {
  const kinds = validKinds(options.kinds);
  // The pacer's clock: the system clock in production, the virtual one under lib/sim.
  const now = options.now ?? (() => new Date(aws.pacer.clock.now()));
  // When reading began: anything changed after it may or may not be in the snapshot.
  const discoveredAt = now().toISOString();
  const identity = await aws.client(STSClient).send(new GetCallerIdentityCommand({}));
  if (!identity.Account) throw new Error("STS GetCallerIdentity returned no account id");

  const warnings: DiscoveryWarning[] = [];
  const ctx: DiscoveryContext = {
    aws,
    accountId: identity.Account,
    region: aws.region,
    warn: (warning) => warnings.push(warning),
    progress: (progress) => options.onProgress?.(progress),
    unsupported: new Set(),
    detail: options.detail ?? "full",
  };

  const [found, tags, lambdaAccount] = await Promise.all([
    Promise.all(discoverKinds(ctx, kinds)),
    discoverTags(ctx, kinds),
    kinds.includes("lambda-function") ? discoverLambdaAccount(ctx) : Promise.resolve(undefined),
  ]);
  let all = found.flat();
  if (ctx.detail === "reconcile" && tags.unread.has("lambda-function")) {
    // Without the Tagging API a function's tags (watchkeeper:ignore among them) come from GetFunction.
    const functions = all.filter((r): r is LambdaFunction => r.kind === "lambda-function");
    all = [
      ...all.filter((r) => r.kind !== "lambda-function"),
      ...(await readFunctionDetails(ctx, functions)),
    ];
  }
  for (const [kind, failure] of tags.unread) {
    // Every function's tags were read with GetFunction (a failure there covers that one function).
    if (kind === "lambda-function") continue;
    ctx.warn(failure);
  }

  // Tagging API first, the service's own answer over it: it is authoritative and not eventually consistent.
  const resources = all
    .map(
      (resource) => ({ ...resource, tags: { ...tags.tags.get(resource.arn), ...resource.tags } }) as Resource,
    )
    .sort(byKindThenArn);

  return {
    accountId: ctx.accountId,
    region: ctx.region,
    discoveredAt,
    resources,
    relations: deriveRelations(resources),
    ...(lambdaAccount ? { lambdaAccount } : {}),
    warnings: warnings.sort(byWarning),
  };
}

/**
 * One discovery per kind, all started at once. Lambda's learns which functions are invoked
 * asynchronously from the rules' targets and the SNS subscriptions, when both kinds are discovered and
 * fully readable; otherwise it reads every function's async invoke config.
 */
function discoverKinds(ctx: DiscoveryContext, kinds: readonly ResourceKind[]): Promise<Resource[]>[] {
  const rules = watched(ctx);
  const subscriptions = watched(ctx);
  const confirmed = kinds.includes("sns-topic") ? listConfirmedSubscriptions(subscriptions.ctx) : undefined;
  // GetApis lists HTTP and WebSocket APIs together: one listing for both kinds.
  const v2Apis = kinds.includes("http-api") || kinds.includes("websocket-api") ? listV2Apis(ctx) : undefined;
  // Each kind's discovery observes it; this copy must not also reject unobserved.
  v2Apis?.catch(() => undefined);
  const started = new Map<ResourceKind, Promise<Resource[]>>();
  for (const kind of kinds) {
    if (kind === "lambda-function") continue;
    if (kind === "eventbridge-rule") started.set(kind, DISCOVERERS[kind](rules.ctx));
    else if (kind === "sns-topic") started.set(kind, discoverSnsTopics(ctx, confirmed));
    else if (kind === "http-api" || kind === "websocket-api")
      started.set(kind, discoverV2Apis(ctx, kind, v2Apis!));
    else started.set(kind, DISCOVERERS[kind](ctx));
  }
  if (kinds.includes("lambda-function")) {
    const ruleList = started.get("eventbridge-rule");
    const asyncInvokers =
      ruleList && confirmed
        ? Promise.all([ruleList, confirmed]).then(([found, subs]): ReadonlySet<string> | undefined => {
            if (rules.warned() || subs === undefined || subscriptions.warned()) return undefined;
            const arns = new Set<string>();
            for (const rule of found) {
              if (rule.kind !== "eventbridge-rule") continue;
              for (const target of rule.targets) arns.add(unqualifiedFunctionArn(target.arn));
            }
            for (const sub of subs) {
              if (sub.Protocol === "lambda" && sub.Endpoint) arns.add(unqualifiedFunctionArn(sub.Endpoint));
            }
            return arns;
          })
        : undefined;
    // A rule or topic discovery that fails fails discovery through its own promise; this one must not
    // also reject unobserved (small accounts never wait for it).
    asyncInvokers?.catch(() => undefined);
    started.set("lambda-function", discoverLambdaFunctions(ctx, asyncInvokers ? { asyncInvokers } : {}));
  }
  return kinds.map((kind) => started.get(kind)!);
}

/** A context whose warnings are also counted, to tell a complete listing from a partial one. */
function watched(ctx: DiscoveryContext): { ctx: DiscoveryContext; warned: () => boolean } {
  let warnings = 0;
  return {
    ctx: {
      ...ctx,
      warn: (warning) => {
        warnings += 1;
        ctx.warn(warning);
      },
    },
    warned: () => warnings > 0,
  };
}

function validKinds(kinds: readonly ResourceKind[] | undefined): ResourceKind[] {
  if (kinds === undefined) return [...RESOURCE_KINDS];
  const unknown = kinds.filter((kind) => !RESOURCE_KINDS.includes(kind));
  if (unknown.length > 0) {
    throw new Error(`unknown resource kind ${unknown.join(", ")}; use one of ${RESOURCE_KINDS.join(", ")}`);
  }
  return RESOURCE_KINDS.filter((kind) => kinds.includes(kind));
}

const KIND_ORDER = new Map(RESOURCE_KINDS.map((kind, i) => [kind, i]));

function byKindThenArn(a: Resource, b: Resource): number {
  return (KIND_ORDER.get(a.kind) ?? 0) - (KIND_ORDER.get(b.kind) ?? 0) || compareText(a.arn, b.arn);
}

function byWarning(a: DiscoveryWarning, b: DiscoveryWarning): number {
  return (
    compareText(a.service, b.service) ||
    compareText(a.operation, b.operation) ||
    compareText(a.resource ?? "", b.resource ?? "") ||
    compareText(a.code, b.code) ||
    // One call can leave several kinds unknown (GetApis, the Tagging API): kinds in their usual order.
    kindOrder(a.covers?.kind) - kindOrder(b.covers?.kind)
  );
}

function kindOrder(kind: ResourceKind | undefined): number {
  return kind === undefined ? -1 : (KIND_ORDER.get(kind) ?? 0);
}
