/**
 * `watchkeeper status --org` over a simulated organization: an administrator (management) account and
 * three members in two regions, each member holding watchkeeper-org-reader for the administrator, and an
 * alarm in ALARM in each member region. A member without the role and one whose every call hangs are each
 * named in one line while the rest are shown (exit 3). Without --accounts, the accounts are those AWS
 * Organizations lists; --demo alone runs on the sample organization.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { QUOTAS, type AwsService } from "../../lib/aws/index.js";
import type { OrganizationStatus } from "../../lib/org/index.js";
import { SimOrganization, simulatedOrgAws } from "../../lib/sim/index.js";
import { runMain } from "./capture.js";

const ADMIN = "111111111111";
const PAYMENTS = "222222222222";
const SEARCH = "333333333333";
const ORDERS = "444444444444";
const MEMBERS = [PAYMENTS, SEARCH, ORDERS];
const REGIONS = ["us-east-1", "eu-west-1"];
const ROLE = "watchkeeper-org-reader";

const alarmName = (accountId: string, region: string) => `watchkeeper-sqs-dlq-${accountId}-${region}`;

function organization(options: { withoutRole?: string } = {}): SimOrganization {
  const org = new SimOrganization({ managementAccountId: ADMIN, regions: REGIONS });
  for (const [i, id] of MEMBERS.entries()) {
    org.addAccount({ id, name: ["payments", "search", "orders"][i]! });
    if (id !== options.withoutRole) org.account(id).addRole({ name: ROLE, trustedAccounts: [ADMIN] });
    for (const region of REGIONS) {
      org.account(id, region).addAlarm({
        AlarmName: alarmName(id, region),
        Namespace: "AWS/SQS",
        MetricName: "ApproximateNumberOfMessagesVisible",
        Dimensions: [{ Name: "QueueName", Value: "payments-dlq" }],
        Statistic: "Maximum",
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: "GreaterThanThreshold",
        state: "ALARM",
      });
    }
  }
  return org;
}

const members = `--accounts=${MEMBERS.join(",")}`;
const regions = `--regions=${REGIONS.join(",")}`;

/** Every call answered by `accountId` hangs until the SDK's request timeout, attempt after attempt. */
function hangs(accountId: string) {
  return {
    rules: (Object.keys(QUOTAS) as AwsService[]).map((service) => ({
      service,
      fault: "hang" as const,
      accountId,
    })),
  };
}

describe("watchkeeper status --org", () => {
  it("shows every account and region with its alarms in ALARM, and the totals", async () => {
    const org = organization();
    const result = await runMain(["status", "--demo", "--org", members, regions], { org });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(/^Watchkeeper status of 3 accounts in 2 regions through watchkeeper-org-reader, /);
    for (const id of MEMBERS) {
      for (const region of REGIONS) {
        const section = out.split(`\n${id} · ${region}\n`)[1]?.split("\n\n")[0];
        expect(section, `${id} in ${region}`).toMatch(
          new RegExp(`^  Alarms in ALARM \\(Watchkeeper's\\): 1\\n    ${alarmName(id, region)}  since `),
        );
      }
    }
    expect(out).not.toMatch(/Could not read/);
    expect(out.trimEnd().split("\n").pop()).toBe(
      "6 of 6 account-regions read, 0 not; 6 Watchkeeper alarms in ALARM",
    );
    // The role was assumed once per account, whatever the number of regions.
    expect(org.account(ADMIN).statsFor("sts", "AssumeRole").calls).toBe(3);
  });

  it("names an account without the role and one that hangs in one line each, shows the rest, exits 3", async () => {
    const org = organization({ withoutRole: SEARCH });
    const aws = simulatedOrgAws(org, { faults: hangs(ORDERS) });
    const result = await runMain(["status", "--demo", "--org", members, regions], { org, aws });
    expect(result.code).toBe(3);
    const out = result.stdout;
    for (const region of REGIONS) expect(out).toContain(`\n${PAYMENTS} · ${region}\n  Alarms in ALARM`);
    expect(out).not.toContain(`${SEARCH} · `);
    expect(out).not.toContain(`${ORDERS} · `);
    const unread = out.split("\nCould not read 3 accounts or regions:\n")[1]!.split("\n\n")[0]!.split("\n");
    expect(unread).toHaveLength(3);
    expect(unread[0]).toBe(
      `  ! ${SEARCH}: sts AssumeRole failed: AccessDenied: User: arn:aws:sts::${ADMIN}:assumed-role/watchkeeper/watchkeeper ` +
        `is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${SEARCH}:role/${ROLE}; ` +
        `the account has no role ${ROLE}, or it does not trust this account`,
    );
    // A hung call ends at its request timeout or, on a loaded machine, at the run's time limit (the sim's
    // hang is a real-time wait): either way the region is one line naming the call and why.
    for (const [i, region] of REGIONS.entries()) {
      expect(unread[1 + i]).toMatch(
        new RegExp(
          `^  ! ${ORDERS} in ${region}: sts GetCallerIdentity failed: .*(did not answer in time|the run's time limit was reached)`,
        ),
      );
    }
    expect(out.trimEnd().split("\n").pop()).toBe(
      "2 of 6 account-regions read, 4 not; 2 Watchkeeper alarms in ALARM",
    );
  });

  it("--json: every account and region with its status or its error", async () => {
    const org = organization({ withoutRole: SEARCH });
    const result = await runMain(["status", "--demo", "--json", "--org", members, regions], { org });
    expect(result.code).toBe(3);
    const status = JSON.parse(result.stdout) as OrganizationStatus;
    expect(status).toMatchObject({
      adminAccountId: ADMIN,
      role: ROLE,
      regions: REGIONS,
      partial: true,
      skipped: [],
    });
    expect(status.targets.map((t) => [t.accountId, t.region, t.status ? "read" : t.error?.stage])).toEqual([
      [PAYMENTS, "us-east-1", "read"],
      [PAYMENTS, "eu-west-1", "read"],
      [SEARCH, "us-east-1", "assume-role"],
      [SEARCH, "eu-west-1", "assume-role"],
      [ORDERS, "us-east-1", "read"],
      [ORDERS, "eu-west-1", "read"],
    ]);
    const orders = status.targets.find((t) => t.accountId === ORDERS && t.region === "eu-west-1")!;
    expect(orders.status).toMatchObject({
      accountId: ORDERS,
      region: "eu-west-1",
      alarms: { watchkeeper: [{ name: alarmName(ORDERS, "eu-west-1") }] },
      warnings: [],
    });
    expect(status.targets[2]!.error!.reason).toMatch(/^sts AssumeRole failed: AccessDenied: /);
    expect(status.totals).toEqual({
      accounts: 3,
      targets: 6,
      read: 4,
      partial: 0,
      unreachable: 2,
      skipped: 0,
      alarms: 4,
      otherAlarms: 0,
    });
  });

  it("--accounts reads only the accounts named, in the CLI's region without --regions", async () => {
    const org = organization();
    const result = await runMain(["status", "--demo", "--org", `--accounts=${ORDERS}`], { org });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`\n${ORDERS} · us-east-1\n`);
    expect(result.stdout).not.toMatch(new RegExp(`${PAYMENTS}|${SEARCH}|eu-west-1`));
    for (const id of [PAYMENTS, SEARCH])
      for (const region of REGIONS) expect(org.account(id, region).stats(), `${id} ${region}`).toEqual([]);
    expect(org.account(ORDERS, "eu-west-1").stats()).toEqual([]);
  });

  it.each([
    [
      ["--org", "--accounts=2222,333333333333"],
      /^watchkeeper: --accounts "2222,333333333333": "2222" is not an account id/,
    ],
    [["--org", "--accounts="], /^watchkeeper: --accounts "": an empty id is not an account id/],
    [
      ["--org", `--accounts=${PAYMENTS}`, "--regions=us-east-1,us-north-9"],
      /^watchkeeper: --regions: region us-north-9 is not an AWS region/,
    ],
    [
      ["--org", `--accounts=${PAYMENTS}`, "--regions=Europe"],
      /^watchkeeper: --regions: region "Europe" is not an AWS region name/,
    ],
    [[`--accounts=${PAYMENTS}`], /^watchkeeper: --accounts goes with --org/],
    [["--regions=us-east-1"], /^watchkeeper: --regions goes with --org/],
  ])("status %j is a usage error naming the flag", async (flags, message) => {
    const org = organization();
    const result = await runMain(["status", "--demo", ...flags], { org });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe("");
    expect(org.account(ADMIN).stats()).toEqual([]);
  });
});

/** A config file with an `organization` section over `org`'s OUs, and `targets` accounts. */
function configFile(
  org: SimOrganization,
  organizationalUnits: string[],
  regions: string[],
  targets: string[] = [],
): string {
  const file = join(mkdtempSync(join(tmpdir(), "wk-org-")), "watchkeeper.config.json");
  const organization = {
    adminAccount: ADMIN,
    homeRegion: regions[0],
    organizationId: org.id,
    organizationalUnits,
    regions,
    callAs: "SELF",
  };
  const config = { organization, targets: targets.map((account) => ({ account, regions })) };
  writeFileSync(file, JSON.stringify(config));
  return file;
}

/** The last line: the totals. */
const totals = (out: string) => out.trimEnd().split("\n").pop();

describe("watchkeeper status --org without --accounts: the accounts AWS Organizations lists", () => {
  it("reads every member without a config, names each, and says the management account was left out", async () => {
    const org = organization();
    org.addAccount({ id: "555555555555", name: "retired", state: "SUSPENDED" });
    const result = await runMain(["status", "--demo", "--org", regions], { org });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(/^Watchkeeper status of 3 accounts in 2 regions through watchkeeper-org-reader, /);
    for (const [id, name] of [
      [PAYMENTS, "payments"],
      [SEARCH, "search"],
      [ORDERS, "orders"],
    ])
      for (const region of REGIONS) expect(out).toContain(`\n${id} (${name}) · ${region}\n  Alarms in ALARM`);
    expect(out).not.toContain(`${ADMIN} (management) · `);
    expect(out).toContain("\n  - 555555555555 (retired): SUSPENDED, not read\n");
    expect(out).toContain(
      `\n  - ${ADMIN} (management): the management account, not read (StackSets do not deploy to it; ` +
        "list it in targets to watch and read it)\n",
    );
    expect(totals(out)).toBe(
      "6 of 6 account-regions read, 0 not, 1 account skipped; 6 Watchkeeper alarms in ALARM",
    );
    expect(org.account("555555555555").stats()).toEqual([]);
  });

  it("reads the accounts of the config's OUs, nested ones too, in the config's regions", async () => {
    const org = organization();
    const prod = org.addOrganizationalUnit({ name: "prod" });
    const eu = org.addOrganizationalUnit({ name: "eu", parentId: prod.id });
    org.members.get(PAYMENTS)!.parentId = prod.id;
    org.members.get(ORDERS)!.parentId = eu.id;
    const config = configFile(org, [prod.id], ["eu-west-1"]);
    const result = await runMain(["status", "--demo", "--org", "--config", config], { org });
    expect(result.code).toBe(0);
    const sections = [...result.stdout.matchAll(/^(\d{12}) \((\w+)\) · ([\w-]+)$/gm)].map((m) => m.slice(1));
    expect(sections).toEqual([
      [PAYMENTS, "payments", "eu-west-1"],
      [ORDERS, "orders", "eu-west-1"],
    ]);
    // Outside the OUs and not in targets: neither read nor asked.
    expect(org.account(SEARCH, "eu-west-1").stats()).toEqual([]);
    expect(result.stdout).toContain(`\n  - ${ADMIN}: the management account, not read (`);
  });

  it("reads the management account when targets names it, with its own credentials", async () => {
    const org = organization();
    const config = configFile(org, [org.rootId], ["us-east-1"], [ADMIN]);
    const result = await runMain(["status", "--demo", "--org", "--config", config], { org });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`\n${ADMIN} (management) · us-east-1\n`);
    expect(result.stdout).not.toContain("the management account, not read");
    expect(totals(result.stdout)).toBe("4 of 4 account-regions read, 0 not; 3 Watchkeeper alarms in ALARM");
  });

  it("--json: the accounts listed, those skipped and the management account left out", async () => {
    const org = organization({ withoutRole: SEARCH });
    org.addAccount({ id: "555555555555", name: "retired", state: "SUSPENDED" });
    const result = await runMain(["status", "--demo", "--json", "--org"], { org });
    expect(result.code).toBe(3);
    const status = JSON.parse(result.stdout) as OrganizationStatus;
    expect(
      status.targets.map((t) => [t.accountId, t.accountName, t.status ? "read" : t.error?.stage]),
    ).toEqual([
      [PAYMENTS, "payments", "read"],
      [SEARCH, "search", "assume-role"],
      [ORDERS, "orders", "read"],
    ]);
    expect(status.regions).toEqual(["us-east-1"]);
    expect(status.skipped).toEqual([
      { accountId: "555555555555", accountName: "retired", state: "SUSPENDED" },
    ]);
    expect(status.managementLeftOut).toEqual({ accountId: ADMIN, accountName: "management" });
    expect(status.totals).toMatchObject({ accounts: 3, targets: 3, read: 2, unreachable: 1, skipped: 1 });
  });

  it("from a member account: says who may list the accounts and what to do instead, exits 1", async () => {
    const org = organization();
    const aws = simulatedOrgAws(org, { accountId: PAYMENTS });
    const result = await runMain(["status", "--demo", "--org"], { org, aws });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      "watchkeeper: AWS Organizations would not list the accounts (organizations ListAccounts failed: " +
        "AccessDeniedException: You don't have permissions to access this resource.; the caller needs " +
        "organizations:ListAccounts): only the management account or a delegated administrator may list " +
        "them. Run it with credentials of the organization's management account or of a delegated " +
        "administrator (allowed organizations:DescribeOrganization, ListAccounts, ListAccountsForParent and " +
        "ListChildren), or name the accounts with --accounts\n",
    );
    for (const id of MEMBERS) expect(org.account(id).statsFor("cloudwatch", "DescribeAlarms").calls).toBe(0);
  });

  it("--accounts still overrides the listing", async () => {
    const org = organization();
    const result = await runMain(["status", "--demo", "--org", `--accounts=${SEARCH}`], { org });
    expect(result.code).toBe(0);
    expect(org.account(ADMIN).statsFor("organizations", "ListAccounts").calls).toBe(0);
    expect(totals(result.stdout)).toBe("1 of 1 account-region read, 0 not; 1 Watchkeeper alarm in ALARM");
  });
});

describe("watchkeeper status --org --demo", () => {
  it("shows the sample organization: members in two regions, one unreadable, one suspended", async () => {
    const result = await runMain(["status", "--org", "--demo"]);
    expect(result.code).toBe(3);
    const out = result.stdout;
    expect(out).toMatch(/^Watchkeeper status of 4 accounts in 2 regions through watchkeeper-org-reader, /);
    expect(out).toContain("\n222222222222 (shop-prod) · us-east-1\n  DLQs with messages: 2\n");
    expect(out).toContain(
      "\n444444444444 (data-platform) · eu-west-1\n  Alarms in ALARM (Watchkeeper's): 1\n" +
        "    watchkeeper-lambda-errors-nightly-export  since ",
    );
    expect(out).toMatch(/\n {2}! 555555555555 \(sandbox\): sts AssumeRole failed: AccessDenied: /);
    expect(out).toContain("\n  - 666666666666 (legacy): SUSPENDED, not read\n");
    expect(out).toContain("\n  - 111111111111 (management): the management account, not read (");
    expect(totals(out)).toBe(
      "6 of 8 account-regions read, 2 not, 1 account skipped; 1 Watchkeeper alarm in ALARM",
    );
  });
});
