/**
 * The policy tier for the cross-account dashboard (docs/examples/organization-observability.json): the
 * sink policy each hub stack writes lets a member account of the organization create a link that shares
 * metrics, and refuses an account outside the organization and a link asking for anything but metrics.
 * The member's side is CloudFormation's StackSet execution role (AdministratorAccess). The policies are
 * read from the synthesized hub stacks. WATCHKEEPER_PRINT_FLOWS=1 prints the flow table.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Template } from "aws-cdk-lib/assertions";
import { PROJECT_ROOT } from "../../lib/infra/paths.js";
import { buildApp, resourcesOf } from "../infra/synth.js";
import { OTHER_ACCOUNT, PLACE } from "./account.js";
import type { PolicyDocument } from "./deployed.js";
import type { Context } from "./evaluate.js";
import { flowSuite } from "./suite.js";
import type { Flow } from "./flows.js";

const EXAMPLE = JSON.parse(
  readFileSync(join(PROJECT_ROOT, "docs", "examples", "organization-observability.json"), "utf8"),
) as {
  organization: {
    organizationId: string;
    hub: { account: string; observability: { sinks: Record<string, string> } };
  };
};
const { organizationId: ORG_ID, hub: HUB } = EXAMPLE.organization;
const STRANGER = "444455556666";
const OTHER_ORG = "o-z9y8x7w6v5";
/** What the StackSet execution role in a member account may do by its own IAM. */
const ADMINISTRATOR: PolicyDocument = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
};
const METRICS = "AWS::CloudWatch::Metric";

/** Each region's sink policy, as the hub stacks synthesize it. */
function sinkPolicies(): Map<string, PolicyDocument> {
  const { organization } = buildApp(EXAMPLE);
  return new Map(
    organization!.observability.map((stack) => {
      const [sink] = Object.values(resourcesOf(Template.fromStack(stack), "AWS::Oam::Sink"));
      return [stack.region, sink!.Policy as PolicyDocument];
    }),
  );
}

function flows(): Flow[] {
  return [...sinkPolicies()].flatMap(([region, policy]) => {
    const sink = HUB.observability.sinks[region]!;
    const link = (
      name: string,
      account: string,
      orgId: string | undefined,
      resourceTypes: readonly string[],
      expected: Flow["expected"],
      why: string,
    ): Flow => {
      const role = "stacksets-exec-0123456789abcdef";
      const context: Context = {
        "aws:SecureTransport": "true",
        "aws:PrincipalArn": `arn:aws:iam::${account}:role/${role}`,
        "aws:PrincipalAccount": account,
        ...(orgId ? { "aws:PrincipalOrgID": orgId } : {}),
        "oam:ResourceTypes": resourceTypes,
      };
      return {
        name: `sink (${region}): ${name}`,
        request: {
          principal: `arn:aws:sts::${account}:assumed-role/${role}/${role}@${account}`,
          action: "oam:CreateLink",
          resource: sink,
          resourceAccount: HUB.account,
          context,
        },
        policies: { identity: [ADMINISTRATOR], resource: policy },
        expected,
        why,
      };
    };
    return [
      link(
        "a member's stack links its metrics",
        PLACE.account,
        ORG_ID,
        [METRICS],
        "allowed",
        "aws:PrincipalOrgID is the organization's, and metrics are what the sink takes",
      ),
      link(
        "another member account links its metrics",
        OTHER_ACCOUNT,
        ORG_ID,
        [METRICS],
        "allowed",
        "every account of the organization, none named",
      ),
      link(
        "negative: an account outside the organization links",
        STRANGER,
        OTHER_ORG,
        [METRICS],
        "denied",
        "aws:PrincipalOrgID must be the organization's",
      ),
      link(
        "negative: an account in no organization links",
        STRANGER,
        undefined,
        [METRICS],
        "denied",
        "aws:PrincipalOrgID must be the organization's",
      ),
      link(
        "negative: a member shares its log groups too",
        PLACE.account,
        ORG_ID,
        [METRICS, "AWS::Logs::LogGroup"],
        "denied",
        "metrics only: every type asked for must be allowed",
      ),
      link(
        "negative: a member shares its traces",
        PLACE.account,
        ORG_ID,
        ["AWS::XRay::Trace"],
        "denied",
        "metrics only",
      ),
    ];
  });
}

const all = flows();

flowSuite(
  "the hub's sink policies",
  all,
  Object.keys(HUB.observability.sinks).map((region) => new RegExp(`\\(${region}\\)`)),
);
