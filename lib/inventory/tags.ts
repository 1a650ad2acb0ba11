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
 * Tags by normalized ARN for the given kinds. One listing per kind, so a filter an endpoint rejects
 * costs only that kind's tags; a denied or unsupported API stops after the first warning.
 */
export async function discoverTags(
  ctx: DiscoveryContext,
  kinds: readonly ResourceKind[],
): Promise<Map<string, Tags>> {
  const client = ctx.aws.client(ResourceGroupsTaggingAPIClient);
  const tags = new Map<string, Tags>();
  let done = 0;
  ctx.progress({ phase: "tags", done, total: kinds.length });
  for (const kind of kinds) {
    const listed = await attempt(ctx, { service: "tagging", operation: "GetResources" }, () =>
      collect(
        paginateGetResources(
          { client, stopOnSameToken: true },
          { ResourceTypeFilters: [...TAG_RESOURCE_TYPES[kind]], ResourcesPerPage: 100 },
        ),
        (page) => page.ResourceTagMappingList,
      ),
    );
    if (!listed.ok && listed.reason !== "missing") break;
    for (const mapping of listed.ok ? listed.value : []) addMapping(tags, mapping);
    ctx.progress({ phase: "tags", done: ++done, total: kinds.length });
  }
  return tags;
}

function addMapping(tags: Map<string, Tags>, mapping: ResourceTagMapping): void {
  if (!mapping.ResourceARN) return;
  const arn = normalizeTaggedArn(mapping.ResourceARN);
  const merged: Record<string, string> = { ...tags.get(arn) };
  for (const tag of mapping.Tags ?? []) if (tag.Key !== undefined) merged[tag.Key] = tag.Value ?? "";
  tags.set(arn, merged);
}
