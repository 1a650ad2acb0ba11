/**
 * The hub on lib/sim: an organization of three member accounts in two regions, and the hub account. Each
 * gets the StackSet's member template and the hub its own stack, both synthesized from
 * docs/examples/organization.json; EventBridge routes by the templates' own rules, roles and bus policy
 * (./events.ts, the policy evaluator deciding each put on the hub's bus), and the hub's rule invokes the
 * real notifier handler, which reads each alarm back through the member's hub-access role (trust taken
 * from the template) and posts to a Slack stand-in.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  CloudWatchClient,
  DisableAlarmActionsCommand,
  SetAlarmStateCommand,
} from "@aws-sdk/client-cloudwatch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNotifierHandler } from "../../functions/notifier.js";
import { AUDIT_EVENT } from "../../lib/actions/audit.js";
import { HUB_STACK_ID } from "../../lib/infra/deployment.js";
import { SlackStandIn } from "../../lib/notify/index.js";
import { hubAccessRoleName, hubFunctionName } from "../../lib/org/hub.js";
import { MemberAccess } from "../../lib/org/hub-notify.js";
import { SimOrganization, simulatedOrgAws } from "../../lib/sim/index.js";
import { buildApp } from "../infra/synth.js";
import { ORGANIZATION_EXAMPLE } from "../support/organization-example.js";
import type { Resource } from "../policy/cfn.js";
import { captureLogger } from "../notify/fixtures.js";
import { EventRouter, type BusEvent } from "./events.js";

const EXAMPLE = ORGANIZATION_EXAMPLE;
const REGIONS = EXAMPLE.organization.regions;
const HUB = EXAMPLE.organization.hub;
const PREFIX = "watchkeeper-";
const MEMBERS = [
  { id: "333333333333", name: "payments", alias: "payments-prod" },
  { id: "444444444444", name: "search", alias: "search-prod" },
  // No alias: the message names it by its id alone.
  { id: "555555555555", name: "sandbox" },
];
const STRANGER = "999988887777";
/** In the organization, with the member stack, but its hub-access role is gone (deleted by hand). */
const ROLELESS = "666666666666";

type Template = { Resources: Record<string, Resource> };

let org: SimOrganization;
let router: EventRouter;
let standIn: SlackStandIn;
let log: ReturnType<typeof captureLogger>;

beforeAll(async () => {
  org = new SimOrganization({ regions: REGIONS, managementAccountId: EXAMPLE.organization.adminAccount });
  org.addAccount({ id: HUB.account, name: "observability" });
  for (const member of MEMBERS) org.addAccount(member);
  org.addAccount({ id: ROLELESS, name: "legacy" });

  const config = { ...EXAMPLE, organization: { ...EXAMPLE.organization, organizationId: org.id } };
  const { app, organization } = buildApp(config);
  const dir = app.synth().directory;
  const read = (file: string) => JSON.parse(readFileSync(join(dir, file), "utf8")) as Template;
  const member = read(organization!.stackSet.member.templateFile);
  const hub = read(`${HUB_STACK_ID}.template.json`);

  router = new EventRouter((account) => (org.members.has(account) ? org.id : undefined));
  for (const account of [HUB.account, ...MEMBERS.map((m) => m.id), ROLELESS, STRANGER])
    for (const region of REGIONS) router.deploy(member, { partition: "aws", account, region });
  router.deploy(hub, { partition: "aws", ...HUB });

  // The member role the hub assumes, trusting whom the template says it trusts.
  const trusted = hubAccessTrust(member);
  for (const { id } of [{ id: HUB.account }, ...MEMBERS])
    org.account(id).addRole({ name: hubAccessRoleName(PREFIX), trustedAccounts: trusted });

  standIn = await SlackStandIn.start();
  log = captureLogger();
  const hubAws = simulatedOrgAws(org, { accountId: HUB.account, region: HUB.region });
  const members = new MemberAccess(hubAws, hubAccessRoleName(PREFIX));
  const notify = createNotifierHandler({
    aws: () => hubAws,
    logger: log.logger,
    config: () => ({
      secretId: "ops/slack",
      routing: {},
      graphs: false,
      prefix: PREFIX,
    }),
    hub: () => members,
    secrets: async () => ({ webhookUrl: standIn.webhookUrl() }),
  });
  const notifierArn = `arn:aws:lambda:${HUB.region}:${HUB.account}:function:${hubFunctionName(PREFIX, "notifier")}`;
  router.onInvoke(notifierArn, (event, functionArn) =>
    notify(event, { invokedFunctionArn: functionArn, getRemainingTimeInMillis: () => 120_000 }),
  );
});
afterAll(async () => standIn.close());

/** The accounts the template's hub-access role trusts (`arn:aws:iam::<account>:root`). */
function hubAccessTrust(template: Template): string[] {
  const role = Object.values(template.Resources).find(
    (r) => r.Type === "AWS::IAM::Role" && r.Properties.RoleName === hubAccessRoleName(PREFIX),
  );
  const statements = (
    role?.Properties.AssumeRolePolicyDocument as { Statement: { Principal: { AWS: unknown } }[] }
  ).Statement;
  return statements.map((s) => {
    const principal = JSON.stringify(s.Principal.AWS);
    const account = /iam::(\d{12}):root/.exec(principal)?.[1];
    if (!account) throw new Error(`hub-access trusts ${principal}, not an account root`);
    return account;
  });
}

/** Watchkeeper's alarm in an account and region, notifying the member's topic. */
function addAlarm(account: string, region: string, name: string): void {
  org.account(account, region).addAlarm({
    AlarmName: name,
    Namespace: "AWS/Lambda",
    MetricName: "Errors",
    Dimensions: [{ Name: "FunctionName", Value: "orders" }],
    Statistic: "Sum",
    Period: 60,
    EvaluationPeriods: 1,
    Threshold: 0,
    ComparisonOperator: "GreaterThanThreshold",
    AlarmActions: [`arn:aws:sns:${region}:${account}:${PREFIX}alarms`],
    OKActions: [`arn:aws:sns:${region}:${account}:${PREFIX}alarms`],
  });
}

const cloudWatch = (account: string, region: string) =>
  simulatedOrgAws(org, { accountId: account, region }).client(CloudWatchClient);

/** The alarm goes to ALARM: the events CloudWatch sends the account's default bus. */
async function goesOff(account: string, region: string, name: string): Promise<BusEvent[]> {
  const events = org.account(account, region).alarmEvents;
  const before = events.length;
  await cloudWatch(account, region).send(
    new SetAlarmStateCommand({ AlarmName: name, StateValue: "ALARM", StateReason: "errors in orders" }),
  );
  return events.slice(before) as unknown as BusEvent[];
}

const posted = () => standIn.delivered().map((d) => JSON.stringify(d.body));

describe("the hub, on an organization of three members in two regions", () => {
  it("gets each member's alarm, in every region, exactly once, with its account (and alias) named", async () => {
    const before = posted().length;
    const expected: { account: string; region: string; alarm: string; alias?: string }[] = [];
    for (const member of MEMBERS) {
      for (const region of REGIONS) {
        const alarm = `${PREFIX}lambda-errors-orders-${region}`;
        addAlarm(member.id, region, alarm);
        for (const event of await goesOff(member.id, region, alarm)) {
          const delivery = await router.put(event);
          expect(delivery.refused).toEqual([]);
          expect(delivery.invoked).toHaveLength(1);
        }
        expected.push({
          account: member.id,
          region,
          alarm,
          ...(member.alias ? { alias: member.alias } : {}),
        });
      }
    }
    const messages = posted().slice(before);
    expect(messages).toHaveLength(MEMBERS.length * REGIONS.length);
    for (const { account, region, alarm, alias } of expected) {
      const mine = messages.filter(
        (m) => m.includes(account) && m.includes(`:${region}:`) && m.includes(alarm),
      );
      expect(mine, `${alarm} in ${account} ${region}`).toHaveLength(1);
      if (alias) expect(mine[0]).toContain(`${account}\`` + " (`" + alias);
    }
  });

  it("posts nothing for a silenced alarm (read back in its account) or another team's alarm (never forwarded)", async () => {
    const [member] = MEMBERS;
    const region = REGIONS[1]!;
    const silenced = `${PREFIX}lambda-errors-silenced`;
    const before = posted().length;
    addAlarm(member!.id, region, silenced);
    await cloudWatch(member!.id, region).send(new DisableAlarmActionsCommand({ AlarmNames: [silenced] }));
    for (const event of await goesOff(member!.id, region, silenced))
      expect((await router.put(event)).invoked).toHaveLength(1);
    expect(log.text()).toContain(`${silenced} has its actions disabled (silenced)`);

    addAlarm(member!.id, region, "payments-latency-high");
    for (const event of await goesOff(member!.id, region, "payments-latency-high"))
      expect(await router.put(event)).toEqual({ invoked: [], refused: [] });
    expect(posted().length).toBe(before);
  });

  it("posts an alarm it could not read back (the member's role is gone) rather than lose it, and says why", async () => {
    const region = REGIONS[0]!;
    const alarm = `${PREFIX}lambda-errors-orders-legacy`;
    const before = posted().length;
    addAlarm(ROLELESS, region, alarm);
    for (const event of await goesOff(ROLELESS, region, alarm))
      expect((await router.put(event)).invoked).toHaveLength(1);
    const messages = posted().slice(before);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(alarm);
    expect(messages[0]).toContain(ROLELESS);
    expect(log.text()).toMatch(
      new RegExp(`posting unconfirmed: could not read ${alarm} in ${ROLELESS} ${region}: .*AccessDenied`),
    );
  });

  it("refuses an account outside the organization at the hub's bus", async () => {
    const event = {
      id: "stranger-1",
      source: "aws.cloudwatch",
      "detail-type": "CloudWatch Alarm State Change",
      account: STRANGER,
      region: REGIONS[0]!,
      time: "2026-12-07T03:00:00Z",
      resources: [`arn:aws:cloudwatch:${REGIONS[0]}:${STRANGER}:alarm:${PREFIX}lambda-errors-x`],
      detail: {
        alarmName: `${PREFIX}lambda-errors-x`,
        state: { value: "ALARM", reason: "x", timestamp: "" },
      },
    };
    const delivery = await router.put(event);
    expect(delivery.invoked).toEqual([]);
    expect(delivery.refused).toEqual([
      expect.objectContaining({ by: expect.stringContaining("the bus policy") as unknown }),
    ]);
  });

  it("posts a member's runbook action once, naming the account", async () => {
    const [, member] = MEMBERS;
    const before = posted().length;
    const delivery = await router.put({
      id: "audit-1",
      source: AUDIT_EVENT.source,
      "detail-type": AUDIT_EVENT.detailType,
      account: member!.id,
      region: REGIONS[0]!,
      time: "2026-12-07T03:04:05Z",
      resources: [],
      detail: {
        actor: "slack:U0123ABCD",
        action: "breaker-trip",
        target: "orders",
        dryRun: false,
        outcome: "done",
      },
    });
    expect(delivery.invoked).toHaveLength(1);
    const messages = posted().slice(before);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(
      `breaker-trip on \`orders\` by slack:U0123ABCD: done · account ${member!.id} (${member!.alias})`,
    );
  });
});
