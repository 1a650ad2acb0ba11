/**
 * The hub: the one account and region an organization is watched from (`organization.hub`). Every
 * member forwards Watchkeeper's alarm state changes and action audit events to the hub's bus
 * (./hub-access.ts); the bus accepts them from the organization's principals only; one notifier posts
 * them to Slack, reading each alarm fresh in its own account through the member's `<prefix>hub-access`
 * role, with the account named in every message. The members themselves post nothing to Slack.
 *
 * The hub's own alarms (its notifier failing, its DLQ filling) go to the topic `<prefix>hub-alarms`,
 * not to Slack only: a broken notifier cannot say it is broken. Subscribe a pager or an email to it.
 */
import { ArnFormat, Aws, CfnOutput, Duration, Stack, type StackProps } from "aws-cdk-lib";
import { AnyPrincipal, PolicyStatement } from "aws-cdk-lib/aws-iam";
import { EventBus, Rule } from "aws-cdk-lib/aws-events";
import { LambdaFunction } from "aws-cdk-lib/aws-events-targets";
import { Topic } from "aws-cdk-lib/aws-sns";
import type { Construct } from "constructs";
import type { HubSettings, WatchkeeperConfig } from "../config/schema.js";
import {
  HUB_ACCESS_ROLE_VARIABLE,
  MEMBER_RUNBOOK_FUNCTION_VARIABLE,
  hubAccessRoleName,
  hubBusName,
  hubFunctionName,
} from "../org/hub.js";
import { acknowledge } from "./acknowledge.js";
import { auditEventPattern, watchkeeperAlarmPattern } from "./events.js";
import { forwardingRoleName } from "./hub-access.js";
import {
  handOffTo,
  runbookFunctionName,
  slackOf,
  RUNBOOK_FUNCTION_VARIABLE,
  type FunctionSpec,
} from "./functions.js";
import { alarmTopicPublish, slackSecretRead, type Permission } from "./permissions.js";
import { addFunction, addSlackEndpoint } from "./stack.js";
import type { WatchkeeperFunction } from "./watchkeeper-function.js";

export interface HubStackProps extends StackProps {
  readonly config: WatchkeeperConfig;
}

/** The hub's settings, for a config that has them. */
export function hubOf(config: WatchkeeperConfig): HubSettings & { readonly organizationId: string } {
  const organization = config.organization;
  if (!organization?.hub) throw new Error("the config has no organization.hub");
  return { ...organization.hub, organizationId: organization.organizationId };
}

/**
 * The hub reaches into members only through `<prefix>hub-access`, and only in accounts of its own
 * organization (`aws:ResourceOrgID`): a role of that name elsewhere is not assumed.
 */
function memberAccess(scope: Construct, config: WatchkeeperConfig): Permission {
  const { organizationId } = hubOf(config);
  return {
    statements: [
      new PolicyStatement({
        sid: "AssumeHubAccessInMembers",
        actions: ["sts:AssumeRole"],
        resources: [
          Stack.of(scope).formatArn({
            service: "iam",
            region: "",
            account: "*",
            resource: "role",
            resourceName: hubAccessRoleName(config.prefix),
            arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
          }),
        ],
        conditions: { StringEquals: { "aws:ResourceOrgID": organizationId } },
      }),
    ],
    why: "The member accounts are the organization's, now and later: the role's name in any of them, within the organization only.",
  };
}

/** The hub's notifier: functions/notifier.ts in hub mode (HUB_ACCESS_ROLE set). */
export const HUB_NOTIFIER: FunctionSpec = {
  name: "hub-notifier",
  entry: "functions/hub-notifier.ts",
  description: "Watchkeeper hub: posts the organization's alarm state changes and actions to Slack",
  timeout: Duration.minutes(2),
  memoryMiB: 512,
  asyncRetries: 2,
  environment: (config) => {
    const slack = slackOf(config);
    return {
      SLACK_SECRET_ID: slack.secretName,
      SLACK_INTERACTIVE: String(slack.interactive),
      ALARM_PREFIX: config.prefix,
      RUNBOOK_BASE_URL: config.runbookBaseUrl,
      [HUB_ACCESS_ROLE_VARIABLE]: hubAccessRoleName(config.prefix),
      ...(slack.defaultChannel ? { SLACK_DEFAULT_CHANNEL: slack.defaultChannel } : {}),
    };
  },
  triggers: [],
  permissions: (scope, config) => [
    slackSecretRead(scope, slackOf(config).secretName),
    memberAccess(scope, config),
  ],
};

/** The hub's Slack endpoint: functions/slack-interactions.ts, handing each checked click to hub-actions. */
export const HUB_INTERACTIONS: FunctionSpec = {
  name: "hub-interactions",
  entry: "functions/slack-interactions.ts",
  description:
    "Watchkeeper hub: Slack button clicks (signature checked, allow-listed), handed to hub-actions",
  timeout: Duration.seconds(10),
  memoryMiB: 256,
  asyncRetries: 0,
  auditLog: true,
  environment: (config) => {
    const slack = slackOf(config);
    return {
      SLACK_SECRET_ID: slack.secretName,
      SLACK_ALLOWED_USERS: slack.allowedUsers.join(","),
      SLACK_ALLOWED_CHANNELS: slack.allowedChannels.join(","),
      [RUNBOOK_FUNCTION_VARIABLE]: hubFunctionName(config.prefix, "actions"),
    };
  },
  triggers: [{ kind: "function-url" }],
  permissions: (scope, config) => [
    slackSecretRead(scope, slackOf(config).secretName),
    handOffTo(scope, hubFunctionName(config.prefix, "actions")),
  ],
};

/** Runs a click in the member the alarm is in: functions/hub-actions.ts, through `<prefix>hub-access`. */
export const HUB_ACTIONS: FunctionSpec = {
  name: "hub-actions",
  entry: "functions/hub-actions.ts",
  description: "Watchkeeper hub: runs a Slack click in the member account, through its own runbook-action",
  // Lambda's longest: it waits for the member's runbook-action, which may take as long.
  timeout: Duration.minutes(15),
  memoryMiB: 256,
  // A click must not run twice because its first run failed late.
  asyncRetries: 0,
  auditLog: true,
  environment: (config) => ({
    SLACK_SECRET_ID: slackOf(config).secretName,
    [HUB_ACCESS_ROLE_VARIABLE]: hubAccessRoleName(config.prefix),
    [MEMBER_RUNBOOK_FUNCTION_VARIABLE]: runbookFunctionName(config),
  }),
  triggers: [],
  permissions: (scope, config) => [
    slackSecretRead(scope, slackOf(config).secretName),
    memberAccess(scope, config),
  ],
};

/** The hub's functions, as the stack builds them (the buttons' two only with interactive Slack). */
export const HUB_FUNCTIONS: readonly FunctionSpec[] = [HUB_NOTIFIER, HUB_INTERACTIONS, HUB_ACTIONS];

export class HubStack extends Stack {
  readonly bus: EventBus;
  readonly notifier: WatchkeeperFunction;

  constructor(scope: Construct, id: string, props: HubStackProps) {
    super(scope, id, props);
    const { config } = props;
    const prefix = config.prefix;
    const { organizationId } = hubOf(config);

    const alarmTopic = new Topic(this, "HubAlarmTopic", {
      topicName: `${prefix}hub-alarms`,
      displayName: "Watchkeeper hub alarms",
      enforceSSL: true,
    });
    alarmTopic.addToResourcePolicy(alarmTopicPublish(this, alarmTopic.topicArn, prefix));
    acknowledge(
      alarmTopic,
      "SNS2",
      "The hub's own alarm notifications carry alarm names and states, no data. CloudWatch alarms cannot " +
        "publish to a topic encrypted with the AWS managed SNS key.",
    );

    this.bus = new EventBus(this, "Bus", { eventBusName: hubBusName(prefix) });
    this.bus.addToResourcePolicy(
      new PolicyStatement({
        sid: "OrganizationPutsEvents",
        principals: [new AnyPrincipal()],
        actions: ["events:PutEvents"],
        resources: [this.bus.eventBusArn],
        conditions: {
          StringEquals: { "aws:PrincipalOrgID": organizationId },
          // The members' forwarding roles only: any other principal of a member could post audit lines.
          ArnLike: {
            "aws:PrincipalArn": `arn:${Aws.PARTITION}:iam::*:role/${forwardingRoleName(prefix, "*")}`,
          },
        },
      }),
    );

    this.notifier = addFunction(this, HUB_NOTIFIER, config, alarmTopic);
    const notify = new LambdaFunction(this.notifier.function);
    new Rule(this, "AlarmStates", {
      ruleName: `${prefix}hub-alarm-states`,
      description: "Watchkeeper hub: the members' alarm state changes, to the hub notifier",
      eventBus: this.bus,
      eventPattern: watchkeeperAlarmPattern(prefix),
      targets: [notify],
    });
    new Rule(this, "Audit", {
      ruleName: `${prefix}hub-audit`,
      description:
        "Watchkeeper hub: the members' runbook actions (breaker, redrive, silence), to the hub notifier",
      eventBus: this.bus,
      eventPattern: auditEventPattern(),
      targets: [notify],
    });

    if (slackOf(config).interactive) {
      addFunction(this, HUB_ACTIONS, config, alarmTopic);
      addSlackEndpoint(this, addFunction(this, HUB_INTERACTIONS, config, alarmTopic), HUB_INTERACTIONS);
    }

    new CfnOutput(this, "HubBusArn", {
      description: "The bus every member forwards Watchkeeper's events to",
      value: this.bus.eventBusArn,
    });
    new CfnOutput(this, "HubAlarmTopicArn", {
      description: "The hub's own alarms: subscribe a pager or an email",
      value: alarmTopic.topicArn,
    });
  }
}
