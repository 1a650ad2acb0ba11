/**
 * readOrganizationStatus over a simulated organization, for what the CLI cannot yet reach without
 * Organizations' listing: accounts with their names and states, the administrator's own account, and the
 * per-target time limit.
 */
import { describe, expect, it } from "vitest";
import type { AwsService } from "../../lib/aws/index.js";
import { parseConfig } from "../../lib/config/schema.js";
import { readOrganizationStatus, renderOrganizationStatus, type OrgAccount } from "../../lib/org/index.js";
import { SimOrganization, simulatedOrgAws } from "../../lib/sim/index.js";
import { ERRORS_ALARM } from "../support/sim.js";

const ADMIN = "111111111111";
const ROLE = "watchkeeper-org-reader";
const config = parseConfig({}, "test");

function organization(): SimOrganization {
  const org = new SimOrganization({ managementAccountId: ADMIN, regions: ["us-east-1"] });
  for (const [id, name] of [
    ["222222222222", "payments"],
    ["333333333333", "search"],
  ] as const) {
    org.addAccount({ id, name });
    org.account(id).addRole({ name: ROLE, trustedAccounts: [ADMIN] });
  }
  org.addAccount({ id: "444444444444", name: "old", state: "SUSPENDED" });
  for (const id of [ADMIN, "222222222222", "333333333333"]) {
    org.account(id).addAlarm({
      ...ERRORS_ALARM,
      AlarmName: `watchkeeper-errors-${id}`,
      state: "ALARM",
    });
  }
  return org;
}

/** As Organizations would list them: every account, with its name and state. */
const listed: OrgAccount[] = [
  { id: ADMIN, name: "management", state: "ACTIVE" },
  { id: "222222222222", name: "payments", state: "ACTIVE" },
  { id: "333333333333", name: "search", state: "ACTIVE" },
  { id: "444444444444", name: "old", state: "SUSPENDED" },
];

describe("readOrganizationStatus", () => {
  it("names each account beside its id, reads the administrator's own account as itself, skips a suspended one", async () => {
    const org = organization();
    const status = await readOrganizationStatus(simulatedOrgAws(org), {
      accounts: listed,
      regions: ["us-east-1"],
      config,
      actor: "user:test",
    });
    expect(status.partial).toBe(false);
    expect(
      status.targets.map((t) => [
        t.accountId,
        t.accountName,
        t.status?.alarms.watchkeeper.map((a) => a.name),
      ]),
    ).toEqual([
      [ADMIN, "management", [`watchkeeper-errors-${ADMIN}`]],
      ["222222222222", "payments", ["watchkeeper-errors-222222222222"]],
      ["333333333333", "search", ["watchkeeper-errors-333333333333"]],
    ]);
    expect(status.skipped).toEqual([{ accountId: "444444444444", accountName: "old", state: "SUSPENDED" }]);
    // The management account holds no org-reader role: it was read with the caller's own credentials.
    expect(org.account(ADMIN).statsFor("sts", "AssumeRole").calls).toBe(2);
    expect(org.account("444444444444").stats()).toEqual([]);

    const text = renderOrganizationStatus(status);
    expect(text).toContain(`\n222222222222 (payments) · us-east-1\n  Alarms in ALARM (Watchkeeper's): 1\n`);
    expect(text).toContain(`\n${ADMIN} (management) · us-east-1\n`);
    expect(text).toContain("\n  - 444444444444 (old): SUSPENDED, not read\n");
    expect(text.trimEnd().split("\n").pop()).toBe(
      "3 of 3 account-regions read, 0 not, 1 account skipped; 3 Watchkeeper alarms in ALARM",
    );
  });

  it("abandons what is left of one account's reads at its time limit and reads the others", async () => {
    const org = organization();
    // Everything but STS hangs in search: it is reached, then each status read waits on a hung call.
    const services: AwsService[] = [
      "cloudwatch",
      "tagging",
      "sqs",
      "lambda",
      "eventbridge",
      "sns",
      "kinesis",
      "dynamodb",
      "sfn",
      "apigateway",
      "apigatewayv2",
      "logs",
    ];
    const aws = simulatedOrgAws(org, {
      faults: {
        rules: services.map((service) => ({ service, fault: "hang" as const, accountId: "333333333333" })),
      },
    });
    const start = org.clock.now();
    const status = await readOrganizationStatus(aws, {
      accounts: listed.slice(1, 3),
      regions: ["us-east-1"],
      config,
      actor: "user:test",
      timeLimitMs: 20_000,
    });
    const search = status.targets.find((t) => t.accountId === "333333333333")!;
    expect(search.error ?? search.status?.warnings).toEqual(
      expect.arrayContaining([expect.stringMatching(/time limit was reached/)]),
    );
    expect(status.targets.find((t) => t.accountId === "222222222222")?.status?.warnings).toEqual([]);
    expect(status.partial).toBe(true);
    // Cut off at 20 s, not after three 15 s attempts of every hung call.
    expect(org.clock.now() - start).toBeLessThan(30_000);
  });
});
