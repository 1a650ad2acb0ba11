/**
 * lib/sim's organization: accounts reached by their credentials, sts:AssumeRole into a member's role,
 * regions apart and IAM shared, faults per account, and Organizations' account listings.
 */
import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import {
  AccessDeniedException,
  AWSOrganizationsNotInUseException,
  ListAccountsCommand,
  OrganizationsClient,
  TooManyRequestsException,
} from "@aws-sdk/client-organizations";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { describe, expect, it } from "vitest";
import { assumedRoleCredentials, Pacer, type Aws } from "../../lib/aws/index.js";
import {
  organizations,
  sampleAccount,
  SimOrganization,
  simulatedAws,
  simulatedOrgAws,
  type OrganizationsAccount,
  type SimAccount,
} from "../../lib/sim/index.js";
import { expectAwsError } from "./helpers.js";

const ADMIN = "111111111111";
const PAYMENTS = "222222222222";
const SEARCH = "333333333333";
const ROLE = "watchkeeper-org-reader";

function organization(): SimOrganization {
  const org = new SimOrganization({ managementAccountId: ADMIN, regions: ["us-east-1", "eu-west-1"] });
  org.addAccount({ id: PAYMENTS, name: "payments" });
  org.addAccount({ id: SEARCH, name: "search" });
  org.account(PAYMENTS).addRole({ name: ROLE, trustedAccounts: [ADMIN] });
  return org;
}

function alarm(sim: SimAccount, name: string): void {
  sim.addAlarm({
    AlarmName: name,
    Namespace: "AWS/SQS",
    MetricName: "ApproximateNumberOfMessagesVisible",
    Statistic: "Maximum",
    Period: 60,
    EvaluationPeriods: 1,
    Threshold: 0,
    ComparisonOperator: "GreaterThanThreshold",
    state: "ALARM",
  });
}

const assume = (aws: Aws, accountId: string, session = "status") =>
  aws
    .client(STSClient)
    .send(
      new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/${ROLE}`, RoleSessionName: session }),
    );

async function alarmNames(aws: Aws): Promise<string[]> {
  const page = await aws.client(CloudWatchClient).send(new DescribeAlarmsCommand({}));
  return (page.MetricAlarms ?? []).map((a) => a.AlarmName!);
}

describe("SimOrganization: sts:AssumeRole and routing by credentials", () => {
  it("routes the credentials AssumeRole answers to the member, in the region each client names", async () => {
    const org = organization();
    alarm(org.account(ADMIN), "admin-alarm");
    alarm(org.account(PAYMENTS, "us-east-1"), "payments-us");
    alarm(org.account(PAYMENTS, "eu-west-1"), "payments-eu");
    const admin = simulatedOrgAws(org);

    const answer = await assume(admin, PAYMENTS);
    expect(answer.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${PAYMENTS}:assumed-role/${ROLE}/status`);
    expect(answer.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(answer.Credentials?.Expiration?.getTime()).toBe(org.clock.now() + 3_600_000);

    const credentials = assumedRoleCredentials(admin, {
      roleArn: `arn:aws:iam::${PAYMENTS}:role/${ROLE}`,
      sessionName: "status",
    });
    const us = admin.retarget({ region: "us-east-1", credentials });
    const eu = admin.retarget({ region: "eu-west-1", credentials });
    const identity = await eu.client(STSClient).send(new GetCallerIdentityCommand({}));
    expect(identity).toMatchObject({
      Account: PAYMENTS,
      Arn: `arn:aws:sts::${PAYMENTS}:assumed-role/${ROLE}/status`,
    });
    expect(await alarmNames(us)).toEqual(["payments-us"]);
    expect(await alarmNames(eu)).toEqual(["payments-eu"]);
    expect(await alarmNames(admin)).toEqual(["admin-alarm"]);
    // One AssumeRole for the provider, however many clients and regions use it (and the test's own above).
    expect(org.account(ADMIN).statsFor("sts", "AssumeRole").calls).toBe(2);
    // Each region of the member counts its own calls: quotas are per account and region.
    expect(org.account(PAYMENTS, "eu-west-1").statsFor("cloudwatch", "DescribeAlarms").calls).toBe(1);
    expect(org.account(PAYMENTS, "us-east-1").statsFor("cloudwatch", "DescribeAlarms").calls).toBe(1);
  });

  it("shares an account's roles between its regions (IAM is global)", () => {
    const org = organization();
    expect(org.account(PAYMENTS, "eu-west-1").iam.roles.get(ROLE)?.arn).toBe(
      `arn:aws:iam::${PAYMENTS}:role/${ROLE}`,
    );
    expect(org.account(SEARCH, "eu-west-1").iam.roles.get(ROLE)).toBeUndefined();
  });

  it("denies a missing role, an untrusting one and a suspended member's alike, as AWS words it", async () => {
    const org = organization();
    org.account(SEARCH).addRole({ name: ROLE, trustedAccounts: ["999999999999"] });
    org.addAccount({ id: "444444444444", name: "old", state: "SUSPENDED" });
    org.account("444444444444").addRole({ name: ROLE, trustedAccounts: [ADMIN] });
    const admin = simulatedOrgAws(org);
    for (const accountId of [SEARCH, "444444444444", "555555555555"]) {
      const error = await expectAwsError(assume(admin, accountId), "AccessDenied", 403);
      expect(error.message).toBe(
        `User: arn:aws:sts::${ADMIN}:assumed-role/watchkeeper/watchkeeper is not authorized to perform: ` +
          `sts:AssumeRole on resource: arn:aws:iam::${accountId}:role/${ROLE}`,
      );
    }
    // A member cannot assume another member's role the admin account is trusted for.
    const member = simulatedOrgAws(org, { accountId: SEARCH });
    await expectAwsError(assume(member, PAYMENTS), "AccessDenied", 403);
  });

  it("validates the request and the role's session limit", async () => {
    const org = organization();
    const admin = simulatedOrgAws(org);
    const sts = admin.client(STSClient);
    const roleArn = `arn:aws:iam::${PAYMENTS}:role/${ROLE}`;
    const bad = await expectAwsError(
      sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "user:alice" })),
      "ValidationError",
      400,
    );
    expect(bad.message).toMatch(/at 'roleSessionName' failed to satisfy constraint/);
    const long = await expectAwsError(
      sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "s1", DurationSeconds: 7200 })),
      "ValidationError",
      400,
    );
    expect(long.message).toBe(
      "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
    );
    await expectAwsError(
      sts.send(new AssumeRoleCommand({ RoleArn: "arn:aws:s3:::bucket/role/x", RoleSessionName: "s1" })),
      "ValidationError",
      400,
    );
  });

  it("rejects expired session credentials and unknown keys; the provider assumes the role again", async () => {
    const org = organization();
    const admin = simulatedOrgAws(org);
    const answer = await assume(admin, PAYMENTS);
    const c = answer.Credentials!;
    const fixed = admin.retarget({
      region: "us-east-1",
      credentials: {
        accessKeyId: c.AccessKeyId!,
        secretAccessKey: c.SecretAccessKey!,
        sessionToken: c.SessionToken!,
      },
    });
    expect(await alarmNames(fixed)).toEqual([]);
    org.account(ADMIN).advanceTime(3_600_000);
    await expectAwsError(alarmNames(fixed), "ExpiredTokenException", 400);
    await expectAwsError(fixed.client(STSClient).send(new GetCallerIdentityCommand({})), "ExpiredToken", 400);

    const unknown = admin.retarget({
      region: "us-east-1",
      credentials: { accessKeyId: "ASIAUNKNOWNUNKNOWN12", secretAccessKey: "x" },
    });
    await expectAwsError(alarmNames(unknown), "UnrecognizedClientException", 400);

    const provider = assumedRoleCredentials(admin, {
      roleArn: `arn:aws:iam::${PAYMENTS}:role/${ROLE}`,
      sessionName: "status",
    });
    const refreshed = admin.retarget({ region: "us-east-1", credentials: provider });
    expect(await alarmNames(refreshed)).toEqual([]);
    const assumed = () => org.account(ADMIN).statsFor("sts", "AssumeRole").calls;
    const before = assumed();
    org.account(ADMIN).advanceTime(50 * 60_000);
    expect(await alarmNames(refreshed)).toEqual([]);
    expect(assumed()).toBe(before);
    // Within five minutes of the end: assumed again before the call, so the call is never rejected.
    org.account(ADMIN).advanceTime(6 * 60_000);
    expect(await alarmNames(refreshed)).toEqual([]);
    expect(assumed()).toBe(before + 1);
  });

  it("injects faults into one account (and region) only", async () => {
    const org = organization();
    org.account(SEARCH).addRole({ name: ROLE, trustedAccounts: [ADMIN] });
    const admin = simulatedOrgAws(org, {
      faults: { rules: [{ service: "cloudwatch", fault: "denied", accountId: SEARCH, region: "eu-west-1" }] },
    });
    const into = (accountId: string, region: string) =>
      admin.retarget({
        region,
        credentials: assumedRoleCredentials(admin, {
          roleArn: `arn:aws:iam::${accountId}:role/${ROLE}`,
          sessionName: "status",
        }),
      });
    expect(await alarmNames(into(SEARCH, "us-east-1"))).toEqual([]);
    expect(await alarmNames(into(PAYMENTS, "eu-west-1"))).toEqual([]);
    const error = await expectAwsError(alarmNames(into(SEARCH, "eu-west-1")), "AccessDenied", 403);
    expect(error.message).toMatch(
      new RegExp(
        `^User: arn:aws:sts::${SEARCH}:assumed-role/${ROLE}/status is not authorized to perform: cloudwatch:DescribeAlarms`,
      ),
    );
    expect(org.account(SEARCH, "eu-west-1").statsFor("cloudwatch", "DescribeAlarms").faults).toBe(1);
  });
});

describe("SimOrganization: Organizations' listings", () => {
  const call = <K extends keyof typeof organizations.apis>(
    org: SimOrganization,
    accountId: string,
    api: K,
    input: Parameters<(typeof organizations.apis)[K]>[0],
  ) => {
    const sim = org.account(accountId);
    const handler = organizations.apis[api] as (
      input: unknown,
      s: SimAccount,
      c: SimAccount["principal"],
    ) => unknown;
    return handler(input, sim, sim.principal);
  };

  it("pages ListAccounts 20 at a time with State and the older Status", () => {
    const org = new SimOrganization({ managementAccountId: ADMIN });
    for (let i = 0; i < 24; i++) org.addAccount({ id: String(200000000000 + i), name: `team-${i}` });
    org.addAccount({ id: "900000000000", name: "closed", state: "CLOSED" });
    const accounts: OrganizationsAccount[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = call(org, ADMIN, "ListAccounts", token ? { NextToken: token } : {}) as {
        Accounts: OrganizationsAccount[];
        NextToken?: string;
      };
      accounts.push(...page.Accounts);
      token = page.NextToken;
      pages++;
    } while (token);
    expect(pages).toBe(2);
    expect(accounts).toHaveLength(26);
    expect(new Set(accounts.map((a) => a.Id)).size).toBe(26);
    expect(accounts.find((a) => a.Id === ADMIN)).toMatchObject({
      Name: "management",
      State: "ACTIVE",
      Status: "ACTIVE",
    });
    expect(accounts.find((a) => a.Id === "900000000000")).toMatchObject({
      State: "CLOSED",
      Status: "SUSPENDED",
    });
    expect(accounts[0]?.Arn).toBe(`arn:aws:organizations::${ADMIN}:account/${org.id}/${accounts[0]?.Id}`);
    expect(() => call(org, ADMIN, "ListAccounts", { MaxResults: 21 })).toThrow(/maxResults/);
    expect(() => call(org, ADMIN, "ListAccounts", { NextToken: "garbage" })).toThrow(/nextToken/);
  });

  it("answers only the management account and delegated administrators", () => {
    const org = organization();
    expect(() => call(org, PAYMENTS, "ListAccounts", {})).toThrow(
      expect.objectContaining({ name: "AccessDeniedException" }),
    );
    org.delegatedAdministrators.add(PAYMENTS);
    expect((call(org, PAYMENTS, "ListAccounts", {}) as { Accounts: unknown[] }).Accounts).toHaveLength(3);
    expect(call(org, SEARCH, "DescribeOrganization", {})).toMatchObject({
      Organization: { Id: org.id, MasterAccountId: ADMIN },
    });
  });

  it("lists an organizational unit's accounts and children", () => {
    const org = organization();
    const prod = org.addOrganizationalUnit({ name: "prod" });
    const eu = org.addOrganizationalUnit({ name: "eu", parentId: prod.id });
    org.addAccount({ id: "444444444444", name: "checkout", parentId: prod.id });
    org.addAccount({ id: "555555555555", name: "checkout-eu", parentId: eu.id });
    const accounts = call(org, ADMIN, "ListAccountsForParent", { ParentId: prod.id }) as {
      Accounts: OrganizationsAccount[];
    };
    expect(accounts.Accounts.map((a) => a.Name)).toEqual(["checkout"]);
    expect(call(org, ADMIN, "ListChildren", { ParentId: prod.id, ChildType: "ORGANIZATIONAL_UNIT" })).toEqual(
      {
        Children: [{ Id: eu.id, Type: "ORGANIZATIONAL_UNIT" }],
      },
    );
    expect(() => call(org, ADMIN, "ListAccountsForParent", { ParentId: "ou-none-12345678" })).toThrow(
      expect.objectContaining({ name: "ParentNotFoundException" }),
    );
  });
});

describe("SimOrganization: Organizations through the SDK's own client", () => {
  const listAccounts = (aws: Aws) => aws.client(OrganizationsClient).send(new ListAccountsCommand({}));

  it("answers the management account in any region, as the global service does", async () => {
    const org = organization();
    const page = await listAccounts(simulatedOrgAws(org, { region: "eu-west-1" }));
    expect(page.Accounts?.map((a) => [a.Id, a.Name, a.State])).toEqual([
      [ADMIN, "management", "ACTIVE"],
      [PAYMENTS, "payments", "ACTIVE"],
      [SEARCH, "search", "ACTIVE"],
    ]);
  });

  it("refuses a member as AWS does, and an account outside any organization", async () => {
    const org = organization();
    const member = listAccounts(simulatedOrgAws(org, { accountId: PAYMENTS }));
    await expect(member).rejects.toBeInstanceOf(AccessDeniedException);
    await expect(member).rejects.toThrow("You don't have permissions to access this resource.");
    // Through the member's role too: the caller is the member, whoever assumed it.
    const admin = simulatedOrgAws(org);
    const viaRole = admin.retarget({
      region: "us-east-1",
      credentials: assumedRoleCredentials(admin, {
        roleArn: `arn:aws:iam::${PAYMENTS}:role/${ROLE}`,
        sessionName: "status",
      }),
    });
    await expect(listAccounts(viaRole)).rejects.toBeInstanceOf(AccessDeniedException);
    await expect(listAccounts(simulatedAws(sampleAccount()))).rejects.toBeInstanceOf(
      AWSOrganizationsNotInUseException,
    );
  });

  it("throttles a burst above its quota with TooManyRequestsException", async () => {
    const org = organization();
    // No pacer headroom to speak of: the burst reaches the quota.
    const aws = simulatedOrgAws(org, { pacer: new Pacer(org.clock, 1000) });
    const results = await Promise.allSettled(Array.from({ length: 12 }, () => listAccounts(aws)));
    const rejected = results.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
    expect(rejected.length).toBeGreaterThan(0);
    expect(rejected[0]).toBeInstanceOf(TooManyRequestsException);
  });
});
