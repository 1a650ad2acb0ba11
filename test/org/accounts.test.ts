/**
 * Which accounts `status --org` reads, listed from a simulated organization's AWS Organizations: the whole
 * organization, or every account under the configured OUs however deep, paged; who may list them; and
 * the management account, read only when `targets` names it.
 */
import { describe, expect, it } from "vitest";
import { Aws } from "../../lib/aws/index.js";
import { parseConfig } from "../../lib/config/schema.js";
import {
  accountsToRead,
  listOrganizationAccounts,
  OrganizationsRefused,
  readOrganizationStatus,
  renderOrganizationStatus,
} from "../../lib/org/index.js";
import {
  organizationPlugin,
  sampleAccount,
  SimOrganization,
  simulatedAws,
  simulatedOrgAws,
} from "../../lib/sim/index.js";

const ADMIN = "111111111111";
const ROLE = "watchkeeper-org-reader";

/** Two OUs of 25 accounts each (more than a page), one with an OU nested two deep, and accounts at the root. */
function organization() {
  const org = new SimOrganization({ managementAccountId: ADMIN });
  const prod = org.addOrganizationalUnit({ name: "prod" });
  const dev = org.addOrganizationalUnit({ name: "dev" });
  const eu = org.addOrganizationalUnit({ name: "eu", parentId: prod.id });
  const euData = org.addOrganizationalUnit({ name: "eu-data", parentId: eu.id });
  const ids = (from: number, count: number) => Array.from({ length: count }, (_, i) => String(from + i));
  for (const id of ids(200000000000, 25))
    org.addAccount({ id, name: `prod-${id.slice(-2)}`, parentId: prod.id });
  for (const id of ids(300000000000, 25))
    org.addAccount({ id, name: `dev-${id.slice(-2)}`, parentId: dev.id });
  org.addAccount({ id: "400000000000", name: "eu-shop", parentId: eu.id });
  org.addAccount({ id: "400000000001", name: "eu-warehouse", parentId: euData.id, state: "SUSPENDED" });
  org.addAccount({ id: "500000000000", name: "security" });
  return { org, prod, dev, eu, euData };
}

const config = (organizationalUnits?: string[], targets: string[] = []) =>
  parseConfig(
    {
      ...(organizationalUnits
        ? {
            organization: {
              adminAccount: ADMIN,
              homeRegion: "us-east-1",
              organizationId: "o-a1b2c3d4e5",
              organizationalUnits,
              regions: ["us-east-1"],
              callAs: "SELF",
            },
          }
        : {}),
      targets: targets.map((account) => ({ account, regions: ["us-east-1"] })),
    },
    "test",
  );

describe("listOrganizationAccounts", () => {
  it("lists every account under the OUs, nested OUs included, across pages, each once", async () => {
    const { org, prod, dev, eu } = organization();
    // `eu` is inside `prod`: named beside it, it is still walked once.
    const listing = await listOrganizationAccounts(simulatedOrgAws(org), [prod.id, eu.id, dev.id]);
    expect(listing.managementAccountId).toBe(ADMIN);
    const ids = listing.accounts.map((a) => a.id);
    expect(ids).toHaveLength(52);
    expect(new Set(ids).size).toBe(52);
    expect(ids).not.toContain(ADMIN);
    expect(ids).not.toContain("500000000000");
    expect(listing.accounts.slice(25, 27)).toEqual([
      { id: "400000000000", name: "eu-shop", state: "ACTIVE" },
      { id: "400000000001", name: "eu-warehouse", state: "SUSPENDED" },
    ]);
    expect(listing.accounts.at(-1)).toEqual({ id: "300000000024", name: "dev-24", state: "ACTIVE" });
  });

  it("lists the whole organization when the OUs name the root, or without OUs", async () => {
    const { org, prod } = organization();
    for (const units of [[prod.id, org.rootId], undefined]) {
      const listing = await listOrganizationAccounts(simulatedOrgAws(org), units);
      expect(listing.accounts).toHaveLength(54);
      expect(listing.accounts[0]).toEqual({ id: ADMIN, name: "management", state: "ACTIVE" });
    }
  });

  it("is refused to a member account, and answers a delegated administrator", async () => {
    const { org } = organization();
    const member = simulatedOrgAws(org, { accountId: "500000000000" });
    const refused = await listOrganizationAccounts(member).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OrganizationsRefused);
    expect((refused as OrganizationsRefused).notInOrganization).toBe(false);
    expect((refused as Error).message).toBe(
      "AWS Organizations would not list the accounts (organizations ListAccounts failed: " +
        "AccessDeniedException: You don't have permissions to access this resource.; the caller needs " +
        "organizations:ListAccounts): only the management " +
        "account or a delegated administrator may list them",
    );
    org.delegatedAdministrators.add("500000000000");
    expect((await listOrganizationAccounts(member)).accounts).toHaveLength(54);
  });

  it("takes the older Status where an endpoint answers no State", async () => {
    const { org, euData } = organization();
    const route = organizationPlugin(org);
    // An endpoint from before State: the same answers, without it.
    const aws = new Aws({
      region: "us-east-1",
      credentials: org.credentialsFor(ADMIN),
      clock: org.clock,
      plugin: (service, caller) => ({
        applyToStack(stack) {
          route(service, caller).applyToStack(stack);
          stack.add(
            (next) => async (args) => {
              const result = await next(args);
              const output = result.output as { Accounts?: { State?: string }[] };
              for (const account of output.Accounts ?? []) delete account.State;
              return result;
            },
            { step: "initialize", priority: "high" },
          );
        },
      }),
    });
    expect((await listOrganizationAccounts(aws, [euData.id])).accounts).toEqual([
      { id: "400000000001", name: "eu-warehouse", state: "SUSPENDED" },
    ]);
  });

  it("says when the account is in no organization at all", async () => {
    const refused = await listOrganizationAccounts(simulatedAws(sampleAccount())).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OrganizationsRefused);
    expect((refused as OrganizationsRefused).notInOrganization).toBe(true);
    expect((refused as Error).message).toMatch(/these credentials' account is not in an organization$/);
  });
});

describe("accountsToRead", () => {
  const listing = {
    managementAccountId: ADMIN,
    accounts: [
      { id: ADMIN, name: "management", state: "ACTIVE" },
      { id: "222222222222", name: "payments", state: "ACTIVE" },
    ],
  };

  it("leaves the management account out unless targets names it, and adds the targets accounts", () => {
    expect(accountsToRead(listing, config())).toEqual({
      accounts: [{ id: "222222222222", name: "payments", state: "ACTIVE" }],
      managementLeftOut: { accountId: ADMIN, accountName: "management" },
    });
    expect(accountsToRead(listing, config(undefined, [ADMIN, "999999999999"]))).toEqual({
      accounts: [...listing.accounts, { id: "999999999999" }],
    });
    // Outside the OUs listed, the management account is still read when targets names it.
    expect(
      accountsToRead({ ...listing, accounts: listing.accounts.slice(1) }, config(undefined, [ADMIN])),
    ).toEqual({ accounts: [listing.accounts[1], { id: ADMIN }] });
  });

  it("reads the active accounts it lists, skips a suspended one and says the management account was left out", async () => {
    const { org, eu } = organization();
    for (const id of ["400000000000"]) org.account(id).addRole({ name: ROLE, trustedAccounts: [ADMIN] });
    const aws = simulatedOrgAws(org);
    const chosen = accountsToRead(await listOrganizationAccounts(aws, [eu.id]), config([eu.id]));
    const status = await readOrganizationStatus(aws, {
      ...chosen,
      regions: ["us-east-1"],
      config: config([eu.id]),
      actor: "user:test",
    });
    expect(
      status.targets.map((t) => [t.accountId, t.accountName, t.status ? "read" : t.error?.stage]),
    ).toEqual([["400000000000", "eu-shop", "read"]]);
    expect(status.skipped).toEqual([
      { accountId: "400000000001", accountName: "eu-warehouse", state: "SUSPENDED" },
    ]);
    // Outside the OU, the management account is not listed: named by its id alone.
    expect(status.managementLeftOut).toEqual({ accountId: ADMIN });
    const text = renderOrganizationStatus(status);
    expect(text).toContain("\n  - 400000000001 (eu-warehouse): SUSPENDED, not read\n");
    expect(text).toContain(
      `\n  - ${ADMIN}: the management account, not read (StackSets do not deploy to it; list ` +
        "it in targets to watch and read it)\n",
    );
  });
});
