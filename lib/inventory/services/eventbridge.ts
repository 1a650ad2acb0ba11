/** EventBridge rules on every bus, with their targets' dead-letter queues and retry policies. */
import { compareText } from "../order.js";
import {
  EventBridgeClient,
  ListEventBusesCommand,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  type Rule,
  type Target,
} from "@aws-sdk/client-eventbridge";
import { paginate } from "../../aws/index.js";
import { attempt, listCall, factsCall, collect, detailEach, type DiscoveryContext } from "../context.js";
import type { EventBridgeRule, RuleTarget } from "../types.js";

export async function discoverEventBridgeRules(ctx: DiscoveryContext): Promise<EventBridgeRule[]> {
  const client = ctx.aws.client(EventBridgeClient);
  const buses = await attempt(ctx, listCall("eventbridge", "ListEventBuses", "eventbridge-rule"), () =>
    collect(
      paginate(
        (token) =>
          client.send(new ListEventBusesCommand({ Limit: 100, ...(token ? { NextToken: token } : {}) })),
        (page) => page.NextToken,
      ),
      (page) => page.EventBuses,
    ),
  );
  if (!buses.ok) return [];

  const rules: (Rule & { Name: string; Arn: string; EventBusName: string })[] = [];
  for (const bus of buses.value) {
    const busName = bus.Name;
    if (!busName) continue;
    const listed = await attempt(
      ctx,
      {
        service: "eventbridge",
        operation: "ListRules",
        ...(bus.Arn ? { resource: bus.Arn } : {}),
        covers: { kind: "eventbridge-rule", what: "resources" },
      },
      () =>
        collect(
          paginate(
            (token) =>
              client.send(
                new ListRulesCommand({
                  EventBusName: busName,
                  Limit: 100,
                  ...(token ? { NextToken: token } : {}),
                }),
              ),
            (page) => page.NextToken,
          ),
          (page) => page.Rules,
        ),
    );
    for (const rule of listed.ok ? listed.value : []) {
      if (rule.Name && rule.Arn)
        rules.push({ ...rule, Name: rule.Name, Arn: rule.Arn, EventBusName: busName });
    }
  }

  return detailEach(ctx, "eventbridge-rule", rules, async (rule) => {
    const targets = await attempt(
      ctx,
      factsCall("eventbridge", "ListTargetsByRule", "eventbridge-rule", rule.Arn),
      () =>
        collect(
          paginate(
            (token) =>
              client.send(
                new ListTargetsByRuleCommand({
                  Rule: rule.Name,
                  EventBusName: rule.EventBusName,
                  Limit: 100,
                  ...(token ? { NextToken: token } : {}),
                }),
              ),
            (page) => page.NextToken,
          ),
          (page) => page.Targets,
        ),
    );
    if (!targets.ok && targets.reason === "missing") return undefined;
    return {
      kind: "eventbridge-rule",
      arn: rule.Arn,
      name: rule.Name,
      region: ctx.region,
      accountId: ctx.accountId,
      tags: {},
      eventBusName: rule.EventBusName,
      state: rule.State ?? "ENABLED",
      ...(rule.ScheduleExpression ? { scheduleExpression: rule.ScheduleExpression } : {}),
      targets: (targets.ok ? targets.value : []).flatMap(toTarget).sort((a, b) => compareText(a.id, b.id)),
    } satisfies EventBridgeRule;
  });
}

function toTarget(target: Target): RuleTarget[] {
  if (!target.Id || !target.Arn) return [];
  return [
    {
      id: target.Id,
      arn: target.Arn,
      ...(target.DeadLetterConfig?.Arn ? { deadLetterArn: target.DeadLetterConfig.Arn } : {}),
      ...(target.RetryPolicy?.MaximumRetryAttempts !== undefined
        ? { maximumRetryAttempts: target.RetryPolicy.MaximumRetryAttempts }
        : {}),
      ...(target.RetryPolicy?.MaximumEventAgeInSeconds !== undefined
        ? { maximumEventAgeSeconds: target.RetryPolicy.MaximumEventAgeInSeconds }
        : {}),
    },
  ];
}
