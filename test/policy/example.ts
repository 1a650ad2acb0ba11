/**
 * The checked-in organization example (docs/examples/organization.json) as the organization's and the
 * hub's flows read it: its accounts, its synthesized templates, the sessions that call, and the roles
 * the templates make, resolved for the account and region they are deployed in.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { HUB_STACK_ID, orgAssetsStackId } from "../../lib/infra/deployment.js";
import { buildApp } from "../infra/synth.js";
import { ORGANIZATION_EXAMPLE } from "../support/organization-example.js";
import { resolveTemplate, type Place, type Resource } from "./cfn.js";
import type { PolicyDocument } from "./deployed.js";
import type { Context } from "./evaluate.js";

export const EXAMPLE = ORGANIZATION_EXAMPLE;
export const {
  adminAccount: ADMIN,
  organizationId: ORG_ID,
  regions: REGIONS,
  hub: HUB,
} = EXAMPLE.organization;
/** An account outside the organization. */
export const STRANGER = "444455556666";
export const OTHER_ORG = "o-z9y8x7w6v5";
export const PREFIX = "watchkeeper-";
export const TLS = { "aws:SecureTransport": "true" } as const;

export interface Template {
  readonly Resources: Record<string, Resource>;
}

export interface Templates {
  /** The StackSet's member template, deployed to every account and region of the organization. */
  readonly member: Template;
  /** The stacks of `targets`, each in its own account and region. */
  readonly targets: readonly { readonly template: Template; readonly place: Place }[];
  readonly assets: (region: string) => Template;
  readonly hub: Template;
}

/** The templates of the example, synthesized once. */
export function synthesized(): Templates {
  const { app, organization, stacks } = buildApp(EXAMPLE);
  const dir = app.synth().directory;
  const read = (file: string) => JSON.parse(readFileSync(join(dir, file), "utf8")) as Template;
  return {
    member: read(organization!.stackSet.member.templateFile),
    targets: stacks.map((stack) => ({
      template: read(stack.templateFile),
      place: { partition: "aws", account: stack.account, region: stack.region },
    })),
    assets: (region) => read(`${orgAssetsStackId(region)}.template.json`),
    hub: read(`${HUB_STACK_ID}.template.json`),
  };
}

export const policy = (statements: readonly Record<string, unknown>[]): PolicyDocument => ({
  Version: "2012-10-17",
  Statement: statements,
});

export interface Session {
  readonly principal: string;
  readonly context: Context;
}

/** A principal's session and the context keys IAM adds for it. */
export function session(account: string, role: string, orgId: string | undefined): Session {
  return {
    // The session is named for the flow table: the role and its account.
    principal: `arn:aws:sts::${account}:assumed-role/${role}/${role}@${account}`,
    context: {
      ...TLS,
      "aws:PrincipalArn": `arn:aws:iam::${account}:role/${role}`,
      "aws:PrincipalAccount": account,
      ...(orgId ? { "aws:PrincipalOrgID": orgId } : {}),
    },
  };
}

/** A role of a template as deployed in one account: what it is, who may assume it, what it may do. */
export interface DeployedRole {
  /** RoleName, or the logical id for a role CloudFormation names. */
  readonly name: string;
  readonly arn: string;
  readonly trust: PolicyDocument;
  /** Its inline policies and the AWS::IAM::Policy resources attached to it. */
  readonly identity: readonly PolicyDocument[];
}

/** The role named `name` (RoleName, or the logical id of an unnamed one) in the template at `place`. */
export function roleIn(template: Template, place: Place, name: string): DeployedRole {
  const resources = Object.entries(resolveTemplate(template, place));
  const found = resources.find(
    ([id, r]) => r.Type === "AWS::IAM::Role" && (r.Properties.RoleName ?? id) === name,
  );
  if (!found) throw new Error(`no role ${name} in the template`);
  const properties = found[1].Properties as {
    AssumeRolePolicyDocument: PolicyDocument;
    Policies?: { PolicyDocument: PolicyDocument }[];
  };
  const attached = resources
    .filter(([, r]) => r.Type === "AWS::IAM::Policy" && [r.Properties.Roles].flat().includes(name))
    .map(([, r]) => r.Properties.PolicyDocument as PolicyDocument);
  return {
    name,
    arn: `arn:${place.partition}:iam::${place.account}:role/${name}`,
    trust: properties.AssumeRolePolicyDocument,
    identity: [...(properties.Policies ?? []).map((p) => p.PolicyDocument), ...attached],
  };
}
