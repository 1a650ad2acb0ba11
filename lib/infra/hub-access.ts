/**
 * What a member stack adds when the organization has a hub (lib/infra/hub.ts):
 *
 * - two rules on the account's default bus forwarding Watchkeeper's alarm state changes and its action
 *   audit events to the hub's bus, through a role EventBridge assumes (a bus that trusts an organization,
 *   not an account, accepts events from another account only with a role), with a DLQ for what the hub
 *   refused or could not take;
 * - `<prefix>hub-access`, the role the hub assumes in the account: the notifier's reads (the alarm, read
 *   fresh; its tags and metrics; the account's alias), the thread tag on Watchkeeper's alarms, and the
 *   runbook actions, as an invocation of the account's own runbook-action function and nothing else.
 *   IAM is global: one stack per account makes it, as with the org-reader role.
 */
import { Aws, Duration, type Stack } from "aws-cdk-lib";
import { EventBus, Rule } from "aws-cdk-lib/aws-events";
import { EventBus as EventBusTarget } from "aws-cdk-lib/aws-events-targets";
import {
  AccountPrincipal,
  PolicyDocument,
  PolicyStatement,
  Role,
  ServicePrincipal,
} from "aws-cdk-lib/aws-iam";
import type { ITopic } from "aws-cdk-lib/aws-sns";
import type { HubSettings, WatchkeeperConfig } from "../config/schema.js";
import { hubAccessRoleName, hubBusName } from "../org/hub.js";
import { acknowledgeWildcards } from "./acknowledge.js";
import { auditEventPattern, watchkeeperAlarmPattern } from "./events.js";
import { runbookFunctionName } from "./functions.js";
import { onlyInRegion } from "./org-reader.js";
import { anyRegionArn } from "./permissions.js";
import { deadLetterQueue, depthAlarm } from "./watchkeeper-function.js";

/** The hub's bus, as the members name it (`${AWS::Partition}` left to CloudFormation). */
export function hubBusArn(prefix: string, hub: HubSettings): string {
  return `arn:${Aws.PARTITION}:events:${hub.region}:${hub.account}:event-bus/${hubBusName(prefix)}`;
}

/** The role EventBridge forwards with, one per member region (IAM names are per account). */
export function forwardingRoleName(prefix: string, region: string): string {
  return `${prefix}to-hub-${region}`;
}

/** Forwards Watchkeeper's alarm state changes and audit events from the default bus to the hub's. */
export function addHubForwarding(stack: Stack, config: WatchkeeperConfig, alarmTopic: ITopic): void {
  const hub = config.organization?.hub;
  if (!hub) return;
  const prefix = config.prefix;
  const busArn = hubBusArn(prefix, hub);
  const rules = { alarms: `${prefix}alarms-to-hub`, actions: `${prefix}actions-to-hub` };
  const role = new Role(stack, "ForwardToHub", {
    // Named, so the hub's bus admits these roles only (./hub.ts), not any principal of a member.
    roleName: forwardingRoleName(prefix, stack.region),
    description: `Watchkeeper: EventBridge puts this account's Watchkeeper events on the hub's bus in ${hub.account}`,
    assumedBy: new ServicePrincipal("events.amazonaws.com").withConditions({
      StringEquals: { "aws:SourceAccount": stack.account },
      // These two rules only: another rule in the account cannot borrow the role to reach the hub.
      ArnEquals: {
        "aws:SourceArn": Object.values(rules).map((name) =>
          stack.formatArn({ service: "events", resource: "rule", resourceName: name }),
        ),
      },
    }),
  });
  // The target grants the role events:PutEvents on the hub's bus, and nothing else.
  const dlq = deadLetterQueue(stack, "ToHubDeadLetters", `${prefix}to-hub-dlq`);
  depthAlarm(stack, "ToHubDeadLettersDepth", alarmTopic, `${prefix}self-to-hub-dlq-depth`, dlq);
  const target = new EventBusTarget(EventBus.fromEventBusArn(stack, "HubBus", busArn), {
    role,
    deadLetterQueue: dlq,
  });
  new Rule(stack, "AlarmsToHub", {
    ruleName: rules.alarms,
    description: `Watchkeeper: alarm state changes to the hub (${hub.account}, ${hub.region})`,
    eventPattern: watchkeeperAlarmPattern(prefix),
    targets: [target],
  });
  new Rule(stack, "ActionsToHub", {
    ruleName: rules.actions,
    description: `Watchkeeper: action audit events to the hub (${hub.account}, ${hub.region})`,
    eventPattern: auditEventPattern(),
    targets: [target],
  });
}

export interface HubAccessProps {
  readonly config: WatchkeeperConfig;
  /** Made only where the stack is deployed in this region (a StackSet's template, deployed to every region). */
  readonly onlyInRegion?: string;
}

/** The member's role for the hub; see the module comment. */
export function addHubAccess(stack: Stack, props: HubAccessProps): Role | undefined {
  const { config } = props;
  const organization = config.organization;
  if (!organization?.hub) return undefined;
  const prefix = config.prefix;
  const alarms = anyRegionArn(stack, "cloudwatch", "alarm", `${prefix}*`);
  const statements = [
    new PolicyStatement({
      sid: "NotifierReads",
      actions: [
        "cloudwatch:DescribeAlarms",
        "cloudwatch:GetMetricData",
        "cloudwatch:GetMetricWidgetImage",
        "iam:ListAccountAliases",
        "tag:GetResources",
      ],
      resources: ["*"],
    }),
    new PolicyStatement({
      sid: "WatchkeeperAlarmTagsAndThread",
      actions: ["cloudwatch:ListTagsForResource", "cloudwatch:TagResource"],
      resources: [alarms],
    }),
    new PolicyStatement({
      sid: "RunbookActionsOnly",
      actions: ["lambda:InvokeFunction"],
      resources: [anyRegionArn(stack, "lambda", "function", runbookFunctionName(config))],
    }),
  ];
  const role = new Role(stack, "HubAccess", {
    roleName: hubAccessRoleName(prefix),
    description: `Watchkeeper: the hub account ${organization.hub.account} posts this account's alarms and runs its runbook actions`,
    assumedBy: new AccountPrincipal(organization.hub.account).withConditions({
      StringEquals: { "aws:PrincipalOrgID": organization.organizationId },
    }),
    // A notification or an action takes minutes; the hub assumes the role again after an hour.
    maxSessionDuration: Duration.hours(1),
    inlinePolicies: { HubAccess: new PolicyDocument({ statements }) },
  });
  acknowledgeWildcards(
    role,
    statements,
    "The listings and reads support only '*', and the alarm that changed is known only when it fires; " +
      "tags only on alarms named with the prefix; the one runbook-action function, in any region of this " +
      "account (the role is global).",
  );
  if (props.onlyInRegion !== undefined) onlyInRegion(role, props.onlyInRegion);
  return role;
}
