/**
 * Tags for many resources at once through the Resource Groups Tagging API (pages of 100), instead of
 * one ListTags call per resource. Joined to resources by ARN, normalized the same way on both sides.
 */
import {
  ResourceGroupsTaggingAPIClient,
  paginateGetResources,
  type ResourceTagMapping,
} from "@aws-sdk/client-resource-groups-tagging-api";
import { normalizeLogGroupArn } from "./arn.js";
import { attempt, collect, type DiscoveryContext } from "./context.js";
import type { ResourceKind, Tags } from "./types.js";

/**
 * ResourceTypeFilters per kind ("service[:type]"). SQS and SNS ARNs carry no type segment, so only the
 * service name selects them; "logs" is used for log groups because it is the one form both AWS and
 * moto (which knows "logs:loggroup", not "logs:log-group") accept, and logs tags little else.
 */
export const TAG_RESOURCE_TYPES: Readonly<Record<ResourceKind, readonly string[]>> = {
  "lambda-function": ["lambda:function"],
  "sqs-queue": ["sqs"],
  "kinesis-stream": ["kinesis:stream"],
  "dynamodb-table": ["dynamodb:table"],
  "rest-api": ["apigateway:restapis"],
  "http-api": ["apigateway:apis"],
  "state-machine": ["states:stateMachine"],
  "eventbridge-rule": ["events:rule"],
  "sns-topic": ["sns"],
  "log-group": ["logs"],
};

export function normalizeTaggedArn(arn: string): string {
  return normalizeLogGroupArn(arn);
}

/**
 * Tags by normalized ARN for the given kinds, and the kinds whose tags could not be listed. One listing
 * for all kinds (the fewest pages); when that fails, one listing per kind, so a filter an endpoint
 * rejects costs only that kind's tags; a denied or unsupported API stops after the first warning.
 */
export async function discoverTags(
  ctx: DiscoveryContext,
  kinds: readonly ResourceKind[],
): Promise<{ readonly tags: Map<string, Tags>; readonly unread: ReadonlySet<ResourceKind> }> {
  const client = ctx.aws.client(ResourceGroupsTaggingAPIClient);
  const tags = new Map<string, Tags>();
  const unread = new Set(kinds);
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
  if (kinds.length > 1) {
    const all = await list(kinds.flatMap((kind) => TAG_RESOURCE_TYPES[kind])).catch(() => undefined);
    if (all) {
      for (const mapping of all) addMapping(tags, mapping);
      ctx.progress({ phase: "tags", done: kinds.length, total: kinds.length });
      return { tags, unread: new Set() };
    }
  }
  for (const kind of kinds) {
    const listed = await attempt(ctx, { service: "tagging", operation: "GetResources" }, () =>
      list(TAG_RESOURCE_TYPES[kind]),
    );
    if (!listed.ok && listed.reason !== "missing") break;
    for (const mapping of listed.ok ? listed.value : []) addMapping(tags, mapping);
    unread.delete(kind);
    ctx.progress({ phase: "tags", done: ++done, total: kinds.length });
  }
  return { tags, unread };
}

function addMapping(tags: Map<string, Tags>, mapping: ResourceTagMapping): void {
  if (!mapping.ResourceARN) return;
  const arn = normalizeTaggedArn(mapping.ResourceARN);
  const merged: Record<string, string> = { ...tags.get(arn) };
  for (const tag of mapping.Tags ?? []) if (tag.Key !== undefined) merged[tag.Key] = tag.Value ?? "";
  tags.set(arn, merged);
}
