/**
 * `<prefix>org-reader`: the role the organization's administrator account assumes in an account to read
 * it for `watchkeeper status` (lib/infra/permissions.ts statusRead), and nothing else. IAM is global, so
 * an account has one: the stack of one region makes it (a StackSet deploys one template to every region,
 * hence a condition on the region there).
 */
import { Aws, CfnCondition, Duration, Fn, Stack } from "aws-cdk-lib";
import { AccountPrincipal, PolicyDocument, Role, type CfnRole } from "aws-cdk-lib/aws-iam";
import type { WatchkeeperConfig } from "../config/schema.js";
import { acknowledgeWildcards } from "./acknowledge.js";
import { statusRead } from "./permissions.js";
import { orgReaderRoleName } from "../org/role.js";

export interface OrgReaderProps {
  readonly config: WatchkeeperConfig;
  /** The account whose principals may assume it (the management or delegated administrator account). */
  readonly adminAccount: string;
  /** Only while the administrator account belongs to this organization. */
  readonly organizationId: string;
  /** Made only where the stack is deployed in this region (a StackSet's template, deployed to every region). */
  readonly onlyInRegion?: string;
}

/**
 * Trusts the administrator account as a whole: which of its principals may read accounts is that
 * account's IAM decision (an sts:AssumeRole allow on the role). An ExternalId guards against a confused
 * third party, and there is none here; `aws:PrincipalOrgID` ends the trust if the account leaves the
 * organization.
 */
export function addOrgReader(stack: Stack, props: OrgReaderProps): Role {
  const permission = statusRead(stack, props.config);
  const role = new Role(stack, "OrgReader", {
    roleName: orgReaderRoleName(props.config.prefix),
    description: `Watchkeeper: read-only, what watchkeeper status reads, for the administrator account ${props.adminAccount}`,
    assumedBy: new AccountPrincipal(props.adminAccount).withConditions({
      StringEquals: { "aws:PrincipalOrgID": props.organizationId },
    }),
    // A status read takes seconds; the CLI assumes the role again for the next run.
    maxSessionDuration: Duration.hours(1),
    inlinePolicies: { StatusReadOnly: new PolicyDocument({ statements: [...permission.statements] }) },
  });
  acknowledgeWildcards(role, permission.statements, permission.why);
  if (props.onlyInRegion !== undefined) onlyInRegion(role, props.onlyInRegion);
  return role;
}

/**
 * An account's role (IAM is global) in a template deployed to every region: made only by the stack in
 * `region`, through a condition named after the role's construct.
 */
export function onlyInRegion(role: Role, region: string): void {
  const here = new CfnCondition(Stack.of(role), `${role.node.id}Region`, {
    expression: Fn.conditionEquals(Aws.REGION, region),
  });
  (role.node.defaultChild as CfnRole).cfnOptions.condition = here;
}
