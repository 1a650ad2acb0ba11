import {
  ResourceNotFoundException,
  ThrottlingException,
  EventBridgeServiceException,
  type ListEventBusesCommandInput,
  type ListEventBusesCommandOutput,
  type ListRulesCommandInput,
  type ListRulesCommandOutput,
  type ListTagsForResourceCommandInput,
  type ListTagsForResourceCommandOutput,
  type ListTargetsByRuleCommandInput,
  type ListTargetsByRuleCommandOutput,
  type PutEventsCommandInput,
  type PutEventsCommandOutput,
  type PutEventsRequestEntry,
  type PutEventsResultEntry,
} from "@aws-sdk/client-eventbridge";
import type { SimAccount } from "../account.js";
import { awsCodeError, awsError } from "../errors.js";
import { pageSorted, pageToken } from "../registry.js";
import type { Out, SimService } from "../service.js";
import type { SimBusEvent, SimEventBus } from "../state.js";
import { tagList } from "../tags.js";
import { validator } from "../validate.js";

const invalid = (message: string) =>
  awsCodeError(EventBridgeServiceException, "ValidationException", 400, message);
const check = validator(invalid);
const notFound = (message: string) => awsError(ResourceNotFoundException, 400, message);

function decodeToken(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  const after = pageToken.decode(token);
  if (after === undefined) throw invalid("The nextToken provided is invalid.");
  return after;
}

/** A bus of the account by name or ARN (EventBridge accepts both); none named is the default bus. */
function busNamed(sim: SimAccount, ref: string | undefined): SimEventBus | undefined {
  const name =
    ref === undefined
      ? "default"
      : ref.startsWith("arn:")
        ? sim.arns.resourceOf("events", ref)?.replace(/^event-bus\//, "")
        : ref;
  return name === undefined ? undefined : sim.eventBuses.get(name);
}

function busOf(sim: SimAccount, ref: string | undefined): SimEventBus {
  const bus = busNamed(sim, ref);
  if (!bus) throw notFound(`Event bus ${ref} does not exist.`);
  return bus;
}

/** PutEvents API reference: "a maximum of 10 entries" per request. */
const MAX_PUT_ENTRIES = 10;
/** "Calculating PutEvents event entry size": the entries of one request total less than 256 KB. */
const MAX_PUT_BYTES = 256 * 1024;

const bytes = (text: string | undefined) => (text === undefined ? 0 : Buffer.byteLength(text, "utf8"));

/** An entry's size as EventBridge counts it: Time 14 bytes, then Source, DetailType, Detail and Resources in UTF-8. */
function entrySize(entry: PutEventsRequestEntry): number {
  return (
    (entry.Time !== undefined ? 14 : 0) +
    bytes(entry.Source) +
    bytes(entry.DetailType) +
    bytes(entry.Detail) +
    (entry.Resources ?? []).reduce((sum, arn) => sum + bytes(arn), 0)
  );
}

const entryError = (code: string, message: string): PutEventsResultEntry => ({
  ErrorCode: code,
  ErrorMessage: message,
});

const required = (field: string) =>
  entryError("InvalidArgument", `Parameter ${field} is not valid. Reason: ${field} is a required argument.`);

/** The entry's Detail as a JSON object, or undefined when it is not one. */
function detailObject(detail: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(detail);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One entry: refused on its own (AWS answers 200 and says which entries failed), or put on its bus. An
 * entry naming a bus the account does not have gets an EventId and goes nowhere, as AWS answers it
 * (aws/aws-sdk#186): only events on a bus that exists are recorded.
 */
function putEntry(sim: SimAccount, entry: PutEventsRequestEntry): PutEventsResultEntry {
  if (!entry.Source) return required("Source");
  if (!entry.DetailType) return required("DetailType");
  if (entry.Detail === undefined) return required("Detail");
  if (entry.Source.startsWith("aws."))
    return entryError("NotAuthorizedForSourceException", "Not authorized for the source.");
  const detail = detailObject(entry.Detail);
  if (!detail) return entryError("MalformedDetail", "Detail is malformed.");
  const bus = busNamed(sim, entry.EventBusName || undefined);
  const event: SimBusEvent = {
    version: "0",
    id: sim.random.uuid(),
    "detail-type": entry.DetailType,
    source: entry.Source,
    account: sim.accountId,
    time: new Date(entry.Time ?? sim.clock.now()).toISOString().replace(/\.\d{3}Z$/, "Z"),
    region: sim.region,
    resources: [...(entry.Resources ?? [])],
    detail,
  };
  if (bus) sim.busEvents.push({ bus: bus.name, event });
  return { EventId: event.id };
}

export const eventbridge: SimService = {
  throttled: () => awsError(ThrottlingException, 400, "Rate exceeded"),
  apis: {
    ListEventBuses(input: ListEventBusesCommandInput, sim): Out<ListEventBusesCommandOutput> {
      check.range(input.Limit, "limit", 1, 100);
      const page = sim.eventBuses.page({
        after: decodeToken(input.NextToken),
        limit: input.Limit ?? 100,
        ...(input.NamePrefix ? { prefix: input.NamePrefix } : {}),
      });
      return {
        EventBuses: page.items.map((b) => ({
          Name: b.name,
          Arn: b.arn,
          CreationTime: new Date(b.createdAt),
          LastModifiedTime: new Date(b.createdAt),
        })),
        ...(page.nextAfter !== undefined ? { NextToken: pageToken.encode(page.nextAfter) } : {}),
      };
    },

    ListRules(input: ListRulesCommandInput, sim): Out<ListRulesCommandOutput> {
      check.range(input.Limit, "limit", 1, 100);
      const bus = busOf(sim, input.EventBusName);
      const page = sim.rules.page({
        after: decodeToken(input.NextToken),
        limit: input.Limit ?? 100,
        prefix: `${bus.name}/${input.NamePrefix ?? ""}`,
      });
      return {
        Rules: page.items.map((r) => ({
          Name: r.name,
          Arn: r.arn,
          State: r.state,
          EventBusName: r.eventBusName,
          ...(r.description ? { Description: r.description } : {}),
          ...(r.scheduleExpression ? { ScheduleExpression: r.scheduleExpression } : {}),
          ...(r.eventPattern ? { EventPattern: r.eventPattern } : {}),
        })),
        ...(page.nextAfter !== undefined ? { NextToken: pageToken.encode(page.nextAfter) } : {}),
      };
    },

    ListTargetsByRule(input: ListTargetsByRuleCommandInput, sim): Out<ListTargetsByRuleCommandOutput> {
      check.range(input.Limit, "limit", 1, 100);
      const bus = busOf(sim, input.EventBusName);
      const name = check.required(input.Rule, "rule");
      const rule = sim.rules.get(`${bus.name}/${name}`);
      if (!rule) throw notFound(`Rule ${name} does not exist on EventBus ${bus.name}.`);
      const byId = new Map(rule.targets.map((t) => [t.id, t]));
      const page = pageSorted([...byId.keys()].sort(), (id) => byId.get(id)!, {
        after: decodeToken(input.NextToken),
        limit: input.Limit ?? 100,
      });
      return {
        Targets: page.items.map((t) => ({
          Id: t.id,
          Arn: t.arn,
          ...(t.input ? { Input: t.input } : {}),
          ...(t.deadLetterArn ? { DeadLetterConfig: { Arn: t.deadLetterArn } } : {}),
          ...(t.maximumRetryAttempts !== undefined || t.maximumEventAgeInSeconds !== undefined
            ? {
                RetryPolicy: {
                  MaximumRetryAttempts: t.maximumRetryAttempts ?? 185,
                  MaximumEventAgeInSeconds: t.maximumEventAgeInSeconds ?? 86_400,
                },
              }
            : {}),
        })),
        ...(page.nextAfter !== undefined ? { NextToken: pageToken.encode(page.nextAfter) } : {}),
      };
    },

    PutEvents(input: PutEventsCommandInput, sim): Out<PutEventsCommandOutput> {
      const entries = input.Entries ?? [];
      if (entries.length < 1 || entries.length > MAX_PUT_ENTRIES)
        throw invalid(
          `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length ${entries.length < 1 ? "greater than or equal to 1" : `less than or equal to ${MAX_PUT_ENTRIES}`}`,
        );
      if (entries.reduce((sum, entry) => sum + entrySize(entry), 0) >= MAX_PUT_BYTES)
        throw invalid("Total size of the entries in the request is over the limit.");
      const results = entries.map((entry) => putEntry(sim, entry));
      return { FailedEntryCount: results.filter((r) => r.ErrorCode !== undefined).length, Entries: results };
    },

    ListTagsForResource(input: ListTagsForResourceCommandInput, sim): Out<ListTagsForResourceCommandOutput> {
      const arn = check.required(input.ResourceARN, "resourceARN");
      const resource = sim.arns.resourceOf("events", arn);
      const rule = resource?.match(/^rule\/(?:([^/]+)\/)?([^/]+)$/);
      const target = rule
        ? sim.rules.get(`${rule[1] ?? "default"}/${rule[2]}`)
        : resource?.startsWith("event-bus/")
          ? sim.eventBuses.get(resource.slice(10))
          : undefined;
      if (!target) throw notFound(`Resource ${arn} does not exist.`);
      return { Tags: tagList(target.tags) };
    },
  },
};
