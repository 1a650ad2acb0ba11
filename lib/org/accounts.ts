/**
 * Which accounts `status --org` reads, from AWS Organizations in the administrator account: every
 * account (ListAccounts) when the OUs include the root or none are configured, otherwise every account
 * under each OU however deep (ListAccountsForParent, and ListChildren for the OUs inside). Only the
 * management account and delegated administrators may list them; anyone else gets `OrganizationsRefused`.
 */
import {
  DescribeOrganizationCommand,
  OrganizationsClient,
  paginateListAccounts,
  paginateListAccountsForParent,
  paginateListChildren,
  type Account,
} from "@aws-sdk/client-organizations";
import type { Aws } from "../aws/clients.js";
import { describeAwsError, errorCode, isAccessDenied } from "../aws/errors.js";
import type { WatchkeeperConfig } from "../config/schema.js";
import type { ManagementLeftOut, OrgAccount } from "./status.js";

/** The most an Organizations list call answers at once. */
const PAGE_SIZE = 20;

/** The organization's accounts as Organizations lists them, and which one is the management account. */
export interface OrganizationListing {
  readonly managementAccountId: string;
  /** Each account once, in the order Organizations answered (OU by OU, depth first). */
  readonly accounts: readonly OrgAccount[];
}

/** Organizations would not list the accounts for this caller: `reason` is AWS's answer. */
export class OrganizationsRefused extends Error {
  override readonly name = "OrganizationsRefused";

  constructor(
    readonly reason: string,
    /** The caller's account is in no organization at all. */
    readonly notInOrganization: boolean,
  ) {
    super(
      `AWS Organizations would not list the accounts (${reason}): ` +
        (notInOrganization
          ? "these credentials' account is not in an organization"
          : "only the management account or a delegated administrator may list them"),
    );
  }
}

/**
 * Lists the accounts under `organizationalUnits` (ou-… or the root r-…; absent: the whole
 * organization), from the account `aws` calls as.
 */
export async function listOrganizationAccounts(
  aws: Aws,
  organizationalUnits?: readonly string[],
): Promise<OrganizationListing> {
  const client = aws.client(OrganizationsClient);
  try {
    const { Organization } = await client.send(new DescribeOrganizationCommand({}));
    const managementAccountId = Organization?.MasterAccountId ?? "";
    const whole = !organizationalUnits || organizationalUnits.some((id) => id.startsWith("r-"));
    const found = new Map<string, OrgAccount>();
    const add = (accounts: readonly Account[] | undefined) => {
      for (const a of accounts ?? []) if (a.Id && !found.has(a.Id)) found.set(a.Id, orgAccount(a));
    };
    if (whole) {
      for await (const page of paginateListAccounts({ client, pageSize: PAGE_SIZE }, {})) add(page.Accounts);
    } else {
      // An OU named beside one of its own parents is walked once.
      const walked = new Set<string>();
      const pending = [...organizationalUnits];
      while (pending.length > 0) {
        const parent = pending.shift()!;
        if (walked.has(parent)) continue;
        walked.add(parent);
        const pager = { client, pageSize: PAGE_SIZE };
        for await (const page of paginateListAccountsForParent(pager, { ParentId: parent }))
          add(page.Accounts);
        const inside: string[] = [];
        for await (const page of paginateListChildren(pager, {
          ParentId: parent,
          ChildType: "ORGANIZATIONAL_UNIT",
        }))
          for (const child of page.Children ?? []) if (child.Id) inside.push(child.Id);
        pending.unshift(...inside);
      }
    }
    return { managementAccountId, accounts: [...found.values()] };
  } catch (error) {
    const notInOrganization = errorCode(error) === "AWSOrganizationsNotInUseException";
    if (notInOrganization || isAccessDenied(error))
      throw new OrganizationsRefused(describeAwsError(error), notInOrganization);
    throw error;
  }
}

/** Organizations' `State`, or the older `Status` where an endpoint answers only that. */
function orgAccount(account: Account): OrgAccount {
  const state = account.State ?? account.Status;
  return {
    id: account.Id!,
    ...(account.Name ? { name: account.Name } : {}),
    ...(state ? { state } : {}),
  };
}

/** What `status --org` reads of a listing, and the management account when it is left out. */
export interface AccountsToRead {
  readonly accounts: readonly OrgAccount[];
  readonly managementLeftOut?: ManagementLeftOut;
}

/**
 * The listed accounts plus every `targets` account (each holds the org-reader role too), less the
 * management account unless `targets` names it: StackSets never deploy there (docs/organization.md).
 */
export function accountsToRead(listing: OrganizationListing, config: WatchkeeperConfig): AccountsToRead {
  const management = listing.managementAccountId;
  const targeted = new Set(config.targets.map((t) => t.account));
  const accounts: OrgAccount[] = listing.accounts.filter((a) => a.id !== management || targeted.has(a.id));
  for (const id of targeted) if (!accounts.some((a) => a.id === id)) accounts.push({ id });
  if (targeted.has(management)) return { accounts };
  const name = listing.accounts.find((a) => a.id === management)?.name;
  return {
    accounts,
    managementLeftOut: { accountId: management, ...(name ? { accountName: name } : {}) },
  };
}
