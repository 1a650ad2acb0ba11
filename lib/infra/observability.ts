/**
 * The cross-account dashboard, through CloudWatch cross-account observability (OAM), opted into with
 * `organization.hub.observability`:
 *
 * - in the hub account, one stack per organization region with the OAM sink of that region (a link
 *   reaches only a sink of its own region, and an account has one sink per region), whose policy lets
 *   the organization's accounts link their metrics and nothing else; the stack in the hub's region also
 *   holds the dashboard `<prefix>organization` (dashboards/organization.ts);
 * - in every member stack (the StackSet's template and each `targets` stack), once the config lists the
 *   sink of its region, the link that shares the account's metrics with it. The hub account never links:
 *   its own metrics are already in its queries.
 *
 * A sink's ARN carries an id CloudWatch generates, so the members cannot know it at synthesis: the first
 * deploy makes the sinks (each hub stack outputs `SinkArn`), the config then lists them in
 * `organization.hub.observability.sinks`, and the next deploy links the members (docs/organization.md).
 */
import { Aws, CfnCondition, CfnMapping, CfnOutput, Fn, Stack, Token, type StackProps } from "aws-cdk-lib";
import type { App, ICfnConditionExpression } from "aws-cdk-lib";
import { CfnDashboard } from "aws-cdk-lib/aws-cloudwatch";
import { CfnLink, CfnSink } from "aws-cdk-lib/aws-oam";
import type { Construct } from "constructs";
import type { OrganizationSettings, WatchkeeperConfig } from "../config/schema.js";
import { generateOrganizationDashboards } from "../../dashboards/organization.js";
import { chunks } from "../../dashboards/split.js";

/** The one resource type the sinks accept and the links share: metrics (dashboards and alarms need no more). */
export const SHARED_RESOURCE_TYPES = ["AWS::CloudWatch::Metric"] as const;

/** Each source account shows under its name in the hub (`$AccountName`: the name in AWS Organizations). */
export const LINK_LABEL = "$AccountName";

/** The sink's name, the same in every region of the hub account. */
export function sinkName(prefix: string): string {
  return `${prefix}organization`;
}

/**
 * Any principal of the organization may create or update a link that shares metrics only: a link asking
 * for log groups or traces too is refused (ForAllValues: every type asked for must be listed).
 */
export function sinkPolicy(organizationId: string): Record<string, unknown> {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "OrganizationLinksMetrics",
        Effect: "Allow",
        Principal: "*",
        Action: ["oam:CreateLink", "oam:UpdateLink"],
        Resource: "*",
        Condition: {
          StringEquals: { "aws:PrincipalOrgID": organizationId },
          "ForAllValues:StringEquals": { "oam:ResourceTypes": [...SHARED_RESOURCE_TYPES] },
        },
      },
    ],
  };
}

export interface ObservabilityStackProps extends StackProps {
  readonly prefix: string;
  readonly organization: OrganizationSettings;
  /** Make this region's sink (the organization's regions); absent: the dashboard's region only. */
  readonly sink: boolean;
  /** The dashboards' bodies, in the hub's region only. */
  readonly dashboards?: readonly { readonly name: string; readonly body: string }[];
}

/** One region of the hub account: the sink the members of that region link to, and the dashboard in the hub's. */
export class ObservabilityStack extends Stack {
  readonly sink?: CfnSink;

  constructor(scope: Construct, id: string, props: ObservabilityStackProps) {
    super(scope, id, props);
    if (props.sink) {
      this.sink = new CfnSink(this, "Sink", {
        name: sinkName(props.prefix),
        policy: sinkPolicy(props.organization.organizationId),
      });
      new CfnOutput(this, "SinkArn", {
        description: `List it in organization.hub.observability.sinks["${this.region}"] to link this region's accounts`,
        value: this.sink.attrArn,
      });
    }
    for (const [i, dashboard] of (props.dashboards ?? []).entries()) {
      new CfnDashboard(this, i === 0 ? "Dashboard" : `Dashboard${i + 1}`, {
        dashboardName: dashboard.name,
        dashboardBody: dashboard.body,
      });
    }
  }
}

/**
 * The hub's stacks: one per organization region (its sink), and the dashboard in the hub's region (in
 * that region's stack, or a stack of its own when the hub's region is not one of the organization's).
 * None without `organization.hub.observability`.
 */
export function addObservability(
  app: App,
  config: WatchkeeperConfig,
  naming: { readonly id: (region: string) => string; readonly stackName: string },
): ObservabilityStack[] {
  const organization = config.organization;
  const hub = organization?.hub;
  if (!organization || !hub?.observability) return [];
  const dashboards = generateOrganizationDashboards({
    prefix: config.prefix,
    regions: organization.regions,
    hubRegion: hub.region,
    organizationId: organization.organizationId,
  });
  const regions = [...new Set([...organization.regions, hub.region])];
  return regions.map((region) => {
    const sink = organization.regions.includes(region);
    return new ObservabilityStack(app, naming.id(region), {
      env: { account: hub.account, region },
      stackName: naming.stackName,
      description: sink
        ? "Watchkeeper: the CloudWatch cross-account observability sink the organization's accounts in this region link to"
        : "Watchkeeper: the organization's cross-account dashboard",
      prefix: config.prefix,
      organization,
      sink,
      ...(region === hub.region ? { dashboards } : {}),
    });
  });
}

/** A condition true in any of `expressions` (CloudFormation's Fn::Or takes 2 to 10). */
function anyOf(expressions: readonly ICfnConditionExpression[]): ICfnConditionExpression {
  if (expressions.length === 1) return expressions[0]!;
  if (expressions.length <= 10) return Fn.conditionOr(...expressions);
  return anyOf(chunks(expressions, 10).map(anyOf));
}

/**
 * The member stack's link to the hub's sink of its region (called by lib/infra/stack.ts). A stack whose
 * account and region are known links when its region has a sink and it is not the hub; the StackSet's
 * template, one for every account and region, carries the sinks in a mapping and links under a condition
 * saying the same. Undefined where nothing links.
 */
export function addObservabilityLink(stack: Stack, config: WatchkeeperConfig): CfnLink | undefined {
  const hub = config.organization?.hub;
  const sinks = hub?.observability?.sinks ?? {};
  const regions = Object.keys(sinks);
  if (!hub || regions.length === 0) return undefined;
  const link = (sinkArn: string) =>
    new CfnLink(stack, "ObservabilityLink", {
      sinkIdentifier: sinkArn,
      resourceTypes: [...SHARED_RESOURCE_TYPES],
      labelTemplate: LINK_LABEL,
    });
  if (!Token.isUnresolved(stack.region) && !Token.isUnresolved(stack.account)) {
    const sinkArn = sinks[stack.region];
    // A monitoring account sees its own metrics already; it does not link to its own sink.
    return sinkArn && stack.account !== hub.account ? link(sinkArn) : undefined;
  }
  const mapping = new CfnMapping(stack, "ObservabilitySinks", {
    mapping: Object.fromEntries(regions.map((region) => [region, { SinkArn: sinks[region]! }])),
  });
  const linked = new CfnCondition(stack, "ObservabilityLinked", {
    expression: Fn.conditionAnd(
      anyOf(regions.map((region) => Fn.conditionEquals(Aws.REGION, region))),
      Fn.conditionNot(Fn.conditionEquals(Aws.ACCOUNT_ID, hub.account)),
    ),
  });
  const resource = link(mapping.findInMap(Aws.REGION, "SinkArn"));
  resource.cfnOptions.condition = linked;
  return resource;
}
