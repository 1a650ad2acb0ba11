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
} from "@aws-sdk/client-eventbridge";
import type { SimAccount } from "../account.js";
import { awsCodeError, awsError } from "../errors.js";
import { pageSorted, pageToken } from "../registry.js";
import type { Out, SimService } from "../service.js";
import type { SimEventBus } from "../state.js";
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

/** A bus by name or ARN (EventBridge accepts both). */
function busOf(sim: SimAccount, ref: string | undefined): SimEventBus {
  const name =
    ref === undefined
      ? "default"
      : ref.startsWith("arn:")
        ? sim.arns.resourceOf("events", ref)?.replace(/^event-bus\//, "")
        : ref;
  const bus = name === undefined ? undefined : sim.eventBuses.get(name);
  if (!bus) throw notFound(`Event bus ${ref} does not exist.`);
  return bus;
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
