/**
 * Tags for many resources at once through the Resource Groups Tagging API (pages of 100), instead of
 * one ListTags call per resource. Joined to resources by ARN, normalized the same way on both sides.
 */
import {
  ResourceGroupsTaggingAPIClient,
  paginateGetResources,
  type ResourceTagMapping,
} from "@aws-sdk/client-resource-groups-tagging-api";
import { httpStatusOf, isAccessDenied, isThrottling, isUnreadableAnswer } from "../aws/index.js";
import { normalizeLogGroupArn } from "./arn.js";
import { attempt, collect, warningOf, type DiscoveryContext } from "./context.js";
import type { DiscoveryWarning, ResourceKind, Tags } from "./types.js";

/**
 * ResourceTypeFilters per kind ("service[:type]"). SQS and SNS ARNs carry no type segment, so only the
 * service name selects them; "logs" is used for log groups because it is the one form both AWS and
 * moto (which knows "logs:loggroup", not "logs:log-group") accept, and logs tags little else. HTTP and
 * WebSocket APIs share "apigateway:apis": one listing returns both, each resource's tags joined by ARN.
 */
export const TAG_RESOURCE_TYPES: Readonly<Record<ResourceKind, readonly string[]>> = {
  "lambda-function": ["lambda:function"],
  "sqs-queue": ["sqs"],
  "kinesis-stream": ["kinesis:stream"],
  "dynamodb-table": ["dynamodb:table"],
  "rest-api": ["apigateway:restapis"],
  "http-api": ["apigateway:apis"],
  "websocket-api": ["apigateway:apis"],
  "state-machine": ["states:stateMachine"],
  "eventbridge-rule": ["events:rule"],
  "sns-topic": ["sns"],
  "log-group": ["logs"],
};

export function normalizeTaggedArn(arn: string): string {
  return normalizeLogGroupArn(arn);
}

export interface DiscoveredTags {
  readonly tags: Map<string, Tags>;
  /** Kinds whose tags could not be listed, each with the failure (a warning covering its tags). */
  readonly unread: ReadonlyMap<ResourceKind, DiscoveryWarning>;
}

/**
 * Tags by normalized ARN for the given kinds, and the kinds whose tags could not be listed. One listing
 * for all kinds (the fewest pages); when the endpoint refuses that request itself (a filter it does not
 * know), one listing per filter (kinds that share a filter share its listing and its failure), so the
 * refusal costs only those kinds' tags. Any other failure — denied, throttled, 5xx, a timeout — leaves
 * every kind's tags unread at once: retrying per kind would only multiply the wait.
 */
export async function discoverTags(
  ctx: DiscoveryContext,
  kinds: readonly ResourceKind[],
): Promise<DiscoveredTags> {
  const client = ctx.aws.client(ResourceGroupsTaggingAPIClient);
  const tags = new Map<string, Tags>();
  const unread = new Map<ResourceKind, DiscoveryWarning>();
  let done = 0;
  ctx.progress({ phase: "tags", done, total: kinds.length });
  const list = (filters: readonly string[]) =>
    collect(
      paginateGetResources(
        { client, stopOnSameToken: true },
        { ResourceTypeFilters: [...filters], ResourcesPerPage: 100 },
      ),
      (page) => page.ResourceTagMappingList,
    );
  const call = (kind: ResourceKind) =>
    ({ service: "tagging", operation: "GetResources", covers: { kind, what: "tags" } }) as const;
  if (kinds.length > 1) {
    try {
      for (const mapping of await list([...new Set(kinds.flatMap((kind) => TAG_RESOURCE_TYPES[kind]))])) {
        addMapping(tags, mapping);
      }
      ctx.progress({ phase: "tags", done: kinds.length, total: kinds.length });
      return { tags, unread };
    } catch (error) {
      if (!isRefusedRequest(error)) {
        for (const kind of kinds) unread.set(kind, warningOf(call(kind), error));
        return { tags, unread };
      }
    }
  }
  for (const group of byFilters(kinds)) {
    let failure: DiscoveryWarning | undefined;
    const listed = await attempt(
      { ...ctx, warn: (warning) => (failure = warning) },
      call(group.kinds[0]!),
      () => list(group.filters),
    );
    for (const kind of group.kinds) {
      if (failure) unread.set(kind, { ...failure, covers: { kind, what: "tags" } });
      ctx.progress({ phase: "tags", done: ++done, total: kinds.length });
    }
    for (const mapping of listed.ok ? listed.value : []) addMapping(tags, mapping);
  }
  return { tags, unread };
}

/** Kinds grouped by their filters, in the order given: one listing per group. */
function byFilters(
  kinds: readonly ResourceKind[],
): { readonly filters: readonly string[]; readonly kinds: ResourceKind[] }[] {
  const groups = new Map<string, { filters: readonly string[]; kinds: ResourceKind[] }>();
  for (const kind of kinds) {
    const filters = TAG_RESOURCE_TYPES[kind];
    const group = groups.get(filters.join(",")) ?? { filters, kinds: [] };
    group.kinds.push(kind);
    groups.set(filters.join(","), group);
  }
  return [...groups.values()];
}

/** The endpoint read the request and refused it (a 4xx of its own), not a denial or a failure to answer. */
function isRefusedRequest(error: unknown): boolean {
  const status = httpStatusOf(error) ?? 0;
  return (
    status >= 400 &&
    status < 500 &&
    !isAccessDenied(error) &&
    !isThrottling(error) &&
    !isUnreadableAnswer(error)
  );
}

function addMapping(tags: Map<string, Tags>, mapping: ResourceTagMapping): void {
  if (!mapping.ResourceARN) return;
  const arn = normalizeTaggedArn(mapping.ResourceARN);
  const merged: Record<string, string> = { ...tags.get(arn) };
  for (const tag of mapping.Tags ?? []) if (tag.Key !== undefined) merged[tag.Key] = tag.Value ?? "";
  tags.set(arn, merged);
}
