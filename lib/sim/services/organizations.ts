/**
 * AWS Organizations, as the accounts of a `SimOrganization` see it: DescribeOrganization (any member),
 * ListAccounts, ListAccountsForParent and ListChildren (the management account and delegated
 * administrators only), paged. A global service: the answer is the same whichever region a client names.
 */
import {
  AccessDeniedException,
  AWSOrganizationsNotInUseException,
  InvalidInputException,
  ParentNotFoundException,
  TooManyRequestsException,
  type Account,
  type DescribeOrganizationCommandOutput,
  type ListAccountsCommandOutput,
  type ListAccountsForParentCommandOutput,
  type ListAccountsForParentRequest,
  type ListAccountsRequest,
  type ListChildrenCommandOutput,
  type ListChildrenRequest,
} from "@aws-sdk/client-organizations";
import type { SimAccount } from "../account.js";
import { awsError } from "../errors.js";
import type { SimPrincipal } from "../iam.js";
import type { SimMember, SimOrganization } from "../organization.js";
import { pageToken, type Registry } from "../registry.js";
import type { Out, SimService } from "../service.js";
import { validator } from "../validate.js";

/** An account as Organizations lists it: every field it always answers. */
export type OrganizationsAccount = Account &
  Required<Pick<Account, "Id" | "Arn" | "Email" | "Name" | "State" | "JoinedMethod" | "JoinedTimestamp">>;

interface PageInput {
  readonly NextToken?: string | undefined;
  readonly MaxResults?: number | undefined;
}

const check = validator((message) => awsError(InvalidInputException, 400, message));

/** The organization `sim` belongs to, or AWS's answer to an account outside any. */
function organizationOf(sim: SimAccount): SimOrganization {
  if (!sim.organization) {
    throw awsError(
      AWSOrganizationsNotInUseException,
      400,
      "Your account is not a member of an organization.",
    );
  }
  return sim.organization;
}

/** Only the management account and delegated administrators may list what the organization holds. */
function readableBy(sim: SimAccount, caller: SimPrincipal): SimOrganization {
  const org = organizationOf(sim);
  if (!org.canRead(caller.accountId))
    throw awsError(AccessDeniedException, 400, "You don't have permissions to access this resource.");
  return org;
}

function accountOf(member: SimMember): OrganizationsAccount {
  const status =
    member.state === "CLOSED"
      ? "SUSPENDED"
      : member.state === "PENDING_ACTIVATION"
        ? undefined
        : member.state;
  return {
    Id: member.id,
    Arn: member.arn,
    Email: member.email,
    Name: member.name,
    ...(status ? { Status: status } : {}),
    State: member.state,
    JoinedMethod: member.joinedMethod,
    JoinedTimestamp: new Date(member.joinedAt),
  };
}

/** One page (MaxResults 1-20, as the API allows) of a registry's items that pass `where`. */
function page<T>(
  registry: Registry<T>,
  input: PageInput,
  where?: (item: T) => boolean,
): { items: T[]; NextToken?: string } {
  check.range(input.MaxResults, "maxResults", 1, 20);
  const after = input.NextToken === undefined ? undefined : pageToken.decode(input.NextToken);
  if (input.NextToken !== undefined && after === undefined)
    throw awsError(InvalidInputException, 400, "You specified an invalid value for nextToken.");
  const { items, nextAfter } = registry.page({
    limit: input.MaxResults ?? 20,
    ...(after !== undefined ? { after } : {}),
    ...(where ? { where } : {}),
  });
  return { items, ...(nextAfter !== undefined ? { NextToken: pageToken.encode(nextAfter) } : {}) };
}

function requireParent(org: SimOrganization, parentId: string | undefined): string {
  const id = check.required(parentId, "parentId");
  if (id !== org.rootId && !org.organizationalUnits.has(id)) {
    throw awsError(
      ParentNotFoundException,
      400,
      "We can't find a root or OU with the ParentId that you specified.",
    );
  }
  return id;
}

export const organizations = {
  throttled: () =>
    awsError(
      TooManyRequestsException,
      400,
      "You have sent too many requests in too short a period of time. The quota helps protect against denial-of-service attacks. Try again later.",
    ),
  apis: {
    DescribeOrganization(_input: object, sim: SimAccount): Out<DescribeOrganizationCommandOutput> {
      const org = organizationOf(sim);
      const management = org.management;
      return {
        Organization: {
          Id: org.id,
          Arn: org.arn,
          FeatureSet: "ALL",
          MasterAccountArn: management.arn,
          MasterAccountId: management.id,
          MasterAccountEmail: management.email,
          AvailablePolicyTypes: [],
        },
      };
    },

    ListAccounts(
      input: ListAccountsRequest,
      sim: SimAccount,
      caller: SimPrincipal,
    ): Out<ListAccountsCommandOutput> {
      const org = readableBy(sim, caller);
      const { items, NextToken } = page(org.members, input);
      return { Accounts: items.map(accountOf), ...(NextToken ? { NextToken } : {}) };
    },

    ListAccountsForParent(
      input: ListAccountsForParentRequest,
      sim: SimAccount,
      caller: SimPrincipal,
    ): Out<ListAccountsForParentCommandOutput> {
      const org = readableBy(sim, caller);
      const parentId = requireParent(org, input.ParentId);
      const { items, NextToken } = page(org.members, input, (m) => m.parentId === parentId);
      return { Accounts: items.map(accountOf), ...(NextToken ? { NextToken } : {}) };
    },

    ListChildren(
      input: Partial<ListChildrenRequest>,
      sim: SimAccount,
      caller: SimPrincipal,
    ): Out<ListChildrenCommandOutput> {
      const org = readableBy(sim, caller);
      const parentId = requireParent(org, input.ParentId);
      const type = check.required(input.ChildType, "childType");
      check.oneOf(type, "childType", ["ACCOUNT", "ORGANIZATIONAL_UNIT"]);
      const registry: Registry<{ readonly id: string; readonly parentId: string }> =
        type === "ACCOUNT" ? org.members : org.organizationalUnits;
      const { items, NextToken } = page(registry, input, (child) => child.parentId === parentId);
      return {
        Children: items.map((child) => ({ Id: child.id, Type: type })),
        ...(NextToken ? { NextToken } : {}),
      };
    },
  },
} satisfies SimService;
