import {
  InvalidParameterException,
  ThrottledException,
  type GetResourcesCommandInput,
  type GetResourcesCommandOutput,
} from "@aws-sdk/client-resource-groups-tagging-api";
import type { SimAccount } from "../account.js";
import { awsError } from "../errors.js";
import { compareKeys, pageSorted, pageToken, type Registry } from "../registry.js";
import type { Out, SimService } from "../service.js";
import { hasTags, tagList, type Tags } from "../tags.js";
import { validator } from "../validate.js";

const invalid = (message: string) => awsError(InvalidParameterException, 400, message);
const check = validator(invalid);

/** One taggable resource as the Tagging API sees it: `service[:type]` as in ResourceTypeFilters. */
interface Taggable {
  readonly arn: string;
  readonly service: string;
  readonly type?: string;
  readonly tags: Tags;
}

type Source = readonly [
  (sim: SimAccount) => Registry<{ readonly arn: string; readonly tags: Tags }>,
  string,
  string?,
];

/** Where each taggable kind lives, and its `service[:type]` name. */
const SOURCES: readonly Source[] = [
  [(sim) => sim.functions, "lambda", "function"],
  [(sim) => sim.queues, "sqs"],
  [(sim) => sim.streams, "kinesis", "stream"],
  [(sim) => sim.tables, "dynamodb", "table"],
  [(sim) => sim.restApis, "apigateway", "restapis"],
  [(sim) => sim.httpApis, "apigateway", "apis"],
  [(sim) => sim.stateMachines, "states", "stateMachine"],
  [(sim) => sim.eventBuses, "events", "event-bus"],
  [(sim) => sim.rules, "events", "rule"],
  [(sim) => sim.topics, "sns"],
  [(sim) => sim.logGroups, "logs", "log-group"],
  [(sim) => sim.alarms, "cloudwatch", "alarm"],
];

interface TaggableView {
  readonly version: string;
  readonly keys: string[];
  readonly byArn: Map<string, Taggable>;
}

const views = new WeakMap<SimAccount, TaggableView>();

/** Every taggable resource of the account, sorted by ARN; rebuilt only when resources come or go. */
function taggables(sim: SimAccount): TaggableView {
  const version = SOURCES.map(([registry]) => registry(sim).version).join(".");
  const cached = views.get(sim);
  if (cached?.version === version) return cached;
  const byArn = new Map<string, Taggable>();
  for (const [registry, service, type] of SOURCES) {
    for (const { arn, tags } of registry(sim).values())
      byArn.set(arn, { arn, service, ...(type ? { type } : {}), tags });
  }
  const view = { version, keys: [...byArn.keys()].sort(compareKeys), byArn };
  views.set(sim, view);
  return view;
}

const TYPE_FILTER = /^[a-z0-9-]+(?::[A-Za-z0-9-]+)?$/;

export const tagging: SimService = {
  throttled: () => awsError(ThrottledException, 400, "Rate exceeded"),
  apis: {
    GetResources(input: GetResourcesCommandInput, sim): Out<GetResourcesCommandOutput> {
      check.range(input.ResourcesPerPage, "resourcesPerPage", 1, 100);
      check.maxItems(input.ResourceTypeFilters, "resourceTypeFilters", 100);
      check.maxItems(input.TagFilters, "tagFilters", 50);
      if (input.ResourceARNList && (input.ResourceTypeFilters?.length || input.TagFilters?.length)) {
        throw invalid("ResourceARNList cannot be combined with ResourceTypeFilters or TagFilters.");
      }
      const filters = (input.ResourceTypeFilters ?? []).map((filter) => {
        if (!TYPE_FILTER.test(filter))
          throw invalid(
            `Invalid resource type filter "${filter}": use "service" or "service:resourceType", e.g. "lambda:function"`,
          );
        const [service, type] = filter.split(":");
        return { service: service!, type };
      });
      const arnList = input.ResourceARNList ? new Set(input.ResourceARNList) : undefined;
      const tagFilters = (input.TagFilters ?? []).map((f) => ({
        key: check.required(f.Key, "tagFilters.key"),
        values: f.Values ?? [],
      }));
      let after: string | undefined;
      if (input.PaginationToken) {
        after = pageToken.decode(input.PaginationToken);
        if (after === undefined) throw invalid("The pagination token is not valid.");
      }
      const { keys, byArn } = taggables(sim);
      const page = pageSorted(keys, (arn) => byArn.get(arn)!, {
        after,
        limit: input.ResourcesPerPage ?? 50,
        // The Tagging API returns only resources that carry tags.
        where: (r) =>
          hasTags(r.tags) &&
          (arnList === undefined || arnList.has(r.arn)) &&
          (filters.length === 0 ||
            filters.some((f) => f.service === r.service && (f.type === undefined || f.type === r.type))) &&
          tagFilters.every(
            (f) => f.key in r.tags && (f.values.length === 0 || f.values.includes(r.tags[f.key]!)),
          ),
      });
      return {
        ResourceTagMappingList: page.items.map((r) => ({ ResourceARN: r.arn, Tags: tagList(r.tags) })),
        // The last page carries an empty token rather than none.
        PaginationToken: page.nextAfter === undefined ? "" : pageToken.encode(page.nextAfter),
      };
    },
  },
};
