/**
 * Slack buttons on the hub's messages, run in the member account the alarm is in, over lib/sim's
 * organization: functions/hub-actions.ts assumes the member's hub-access role through the sim's STS and
 * sends a real (simulated) synchronous Invoke of the member's runbook-action, which the sim records but
 * cannot run (lib/sim's Lambda runs no code): the injected invoke then runs the real
 * functions/runbook-action.ts handler against the account the Invoke reached, with that account's own
 * credentials. Asserted: what the Slack stand-in received, and the members' state.
 */
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createHubActionsHandler, hubActionsConfigFromEnvironment } from "../../functions/hub-actions.js";
import { createRunbookActionHandler, createSlackHandoffHandler } from "../../functions/runbook-action.js";
import type { Aws } from "../../lib/aws/index.js";
import { parseConfig } from "../../lib/config/index.js";
import { SLACK_HANDOFF_KIND, type SlackHandoff } from "../../lib/notify/handoff.js";
import { SlackStandIn, type ActionRequest } from "../../lib/notify/index.js";
import { invokeMember, type InvokeMember } from "../../lib/org/hub-actions.js";
import { hubAccessRoleName } from "../../lib/org/index.js";
import { MANAGED_TAG, TAGS } from "../../lib/policy/tags.js";
import { SimOrganization, simulatedOrgAws, type FaultPlan, type SimAccount } from "../../lib/sim/index.js";
import { FakeClock, captureLogger } from "../notify/fixtures.js";
import { createTripAlarms } from "../support/breaker.js";
import { ERRORS_ALARM } from "../support/sim.js";
import { ALARM_THREAD_TS, ONCALL, slackClick } from "../support/slack.js";

const HUB = "999999999999";
const PAYMENTS = "222222222222";
const SEARCH = "333333333333";
const MEMBERS = [PAYMENTS, SEARCH];
const REGIONS = ["us-east-1", "eu-west-1"];
const config = parseConfig({}, "test config");
const ROLE = hubAccessRoleName(config.prefix);
const RUNBOOK = `${config.prefix}runbook-action`;
const ALARM = `${config.prefix}payments-errors`;
const MINUTES = 15 * 60_000;

let standIn: SlackStandIn;
let log: ReturnType<typeof captureLogger>;
beforeEach(async () => {
  standIn = await SlackStandIn.start();
  log = captureLogger();
});
afterEach(async () => {
  await standIn.close();
});

/** Every member, in every region, holds the same things: only where a click runs tells them apart. */
function seed(sim: SimAccount): void {
  sim.addQueue({ name: "payments-dlq" });
  sim.addQueue({ name: "payments", deadLetterQueue: "payments-dlq", maxReceiveCount: 5 });
  for (const id of [1, 2, 3])
    sim.addMessage("payments-dlq", { body: `{"payment":${id}}`, fromQueue: "payments", receiveCount: 5 });
  sim.addFunction({ name: "payments-consumer", tags: { [TAGS.breaker]: "on" } });
  sim.addEventSourceMapping({
    functionName: "payments-consumer",
    eventSourceArn: sim.arns.of("sqs", "payments"),
  });
  sim.addAlarm({
    ...ERRORS_ALARM,
    AlarmName: ALARM,
    Tags: [{ Key: MANAGED_TAG.key, Value: MANAGED_TAG.value }],
    state: "ALARM",
  });
  sim.addFunction({ name: RUNBOOK });
}

async function organization(options: { roleIn?: readonly string[] } = {}) {
  const org = new SimOrganization({ regions: REGIONS });
  org.addAccount({ id: HUB, name: "hub" });
  for (const id of MEMBERS) {
    org.addAccount({ id, name: id === PAYMENTS ? "payments" : "search" });
    for (const region of REGIONS) {
      seed(org.account(id, region));
      await createTripAlarms(simulatedOrgAws(org, { accountId: id, region }));
    }
    if ((options.roleIn ?? MEMBERS).includes(id))
      org.account(id).addRole({ name: ROLE, trustedAccounts: [HUB] });
  }
  return org;
}

/**
 * The member's runbook-action as Lambda would run it: the simulated Invoke (which account the role's
 * credentials reach, whether the function exists there, faults), then the real handler in that account,
 * with that account's own credentials and the ARN it was invoked by.
 */
function memberLambda(org: SimOrganization, calls: string[] = []): InvokeMember {
  return async (aws, functionName, payload) => {
    await invokeMember(aws, functionName, payload);
    const reached = await aws.client(STSClient).send(new GetCallerIdentityCommand({}));
    const account = reached.Account!;
    calls.push(`${account} ${aws.region}`);
    return runMember(org, account, aws.region, functionName, payload);
  };
}

async function runMember(
  org: SimOrganization,
  account: string,
  region: string,
  name: string,
  payload: string,
) {
  const handle = createRunbookActionHandler({
    aws: () => simulatedOrgAws(org, { accountId: account, region }),
    config: () => config,
    logger: log.logger,
  });
  const answer = await handle(JSON.parse(payload), {
    getRemainingTimeInMillis: () => MINUTES,
    invokedFunctionArn: `arn:aws:lambda:${region}:${account}:function:${name}`,
  });
  return { payload: JSON.stringify(answer) };
}

function hub(org: SimOrganization, options: { invoke?: InvokeMember; faults?: FaultPlan; aws?: Aws } = {}) {
  const aws =
    options.aws ??
    simulatedOrgAws(org, {
      accountId: HUB,
      region: "us-east-1",
      ...(options.faults ? { faults: options.faults } : {}),
    });
  return createHubActionsHandler({
    aws: () => aws,
    config: () => ({ secretId: "watchkeeper/slack", roleName: ROLE, functionName: RUNBOOK }),
    logger: log.logger,
    slackSecrets: async () => ({ webhookUrl: standIn.webhookUrl() }),
    slackOptions: { clock: new FakeClock() },
    invoke: options.invoke ?? memberLambda(org),
  });
}

const hubContext = (remainingMs = MINUTES) => ({
  getRemainingTimeInMillis: () => remainingMs,
  invokedFunctionArn: `arn:aws:lambda:us-east-1:${HUB}:function:${config.prefix}hub-actions`,
});

function click(
  action: ActionRequest["action"],
  target: string,
  where: { account?: string; region?: string },
  extra: Partial<ActionRequest> = {},
): SlackHandoff {
  return slackClick(
    action,
    target,
    { alarmName: ALARM, responseUrl: standIn.responseUrl("7") },
    { ...where, ...extra },
  );
}

/** What was said for the click: "working on it", then the result in the alarm's thread. */
function said(): { working: string; posted: string; threadTs: unknown } {
  const [working, posted] = standIn
    .requestsTo(standIn.responseUrl("7"))
    .map((r) => r.json as Record<string, unknown>);
  return {
    working: String(working?.text ?? ""),
    posted: String(posted?.text ?? ""),
    threadTs: posted?.thread_ts,
  };
}

/** Each member's state per region, to see that only one changed. */
function state(org: SimOrganization) {
  return MEMBERS.flatMap((id) =>
    REGIONS.map((region) => {
      const sim = org.account(id, region);
      const mapping = [...sim.eventSourceMappings.values()].find(
        (m) => m.functionName === "payments-consumer",
      )!;
      return {
        where: `${id} ${region}`,
        dlq: sim.queue("payments-dlq")!.messages.length,
        source: sim.queue("payments")!.messages.length,
        mapping: mapping.state,
        silenced: sim.alarms.get(ALARM)!.config.ActionsEnabled === false,
      };
    }),
  );
}

const untouched = (where: string) => ({ where, dlq: 3, source: 0, mapping: "Enabled", silenced: false });
const everyMemberUntouched = () => MEMBERS.flatMap((id) => REGIONS.map((r) => untouched(`${id} ${r}`)));

describe("hub-actions: a click on the hub's message runs in the member the alarm is in", () => {
  it("Redrive DLQ: the member's own runbook-action moves its messages; no other member or region changes", async () => {
    const org = await organization();
    const calls: string[] = [];
    const dlq = org.account(PAYMENTS, "eu-west-1").arns.of("sqs", "payments-dlq");
    const result = await hub(org, { invoke: memberLambda(org, calls) })(
      click("dlq-redrive", dlq, { account: PAYMENTS, region: "eu-west-1" }),
      hubContext(),
    );
    expect(result).toMatchObject({ ok: true });
    expect(calls).toEqual([`${PAYMENTS} eu-west-1`]);
    org.account(PAYMENTS, "eu-west-1").advanceTime(5_000);
    expect(state(org)).toEqual([
      untouched(`${PAYMENTS} us-east-1`),
      { ...untouched(`${PAYMENTS} eu-west-1`), dlq: 0, source: 3 },
      untouched(`${SEARCH} us-east-1`),
      untouched(`${SEARCH} eu-west-1`),
    ]);
    const { working, posted, threadTs } = said();
    expect(working).toBe(`:hourglass_flowing_sand: Working on it: Redrive ${dlq}`);
    expect(posted).toMatch(
      new RegExp(
        `^:white_check_mark: <@${ONCALL}> Redrive ${dlq}: started a message move task for payments-dlq`,
      ),
    );
    expect(threadTs).toBe(ALARM_THREAD_TS);
    // The member ran it as the clicking user, and the Invoke reached the member's function.
    expect(log.lines.find((l) => l.audit === "watchkeeper-action")).toMatchObject({
      actor: `slack:${ONCALL}`,
      action: "dlq-redrive",
      outcome: "done",
    });
    expect(org.account(PAYMENTS, "eu-west-1").functions.get(RUNBOOK)!.invocations).toMatchObject([
      { type: "RequestResponse" },
    ]);
    expect(org.account(SEARCH, "eu-west-1").functions.get(RUNBOOK)!.invocations).toEqual([]);
  });

  it("Trip breaker and Silence 1 h change that member only; the member's role is assumed once", async () => {
    const org = await organization();
    const handle = hub(org);
    const fn = org.account(SEARCH).arns.of("lambda", "function:payments-consumer");
    expect(
      await handle(click("breaker-trip", fn, { account: SEARCH, region: "us-east-1" }), hubContext()),
    ).toMatchObject({
      ok: true,
    });
    expect(said().posted).toMatch(new RegExp(`^:white_check_mark: <@${ONCALL}> Trip breaker on ${fn}: `));
    standIn.requests.length = 0;
    expect(
      await handle(
        click("alarm-silence", ALARM, { account: SEARCH, region: "us-east-1" }, { durationMinutes: 60 }),
        hubContext(),
      ),
    ).toMatchObject({ ok: true });
    expect(said().posted).toContain(`Silence ${ALARM}: silenced ${ALARM} until`);
    expect(state(org)).toEqual([
      untouched(`${PAYMENTS} us-east-1`),
      untouched(`${PAYMENTS} eu-west-1`),
      { ...untouched(`${SEARCH} us-east-1`), mapping: "Disabled", silenced: true },
      untouched(`${SEARCH} eu-west-1`),
    ]);
    expect(org.account(SEARCH).alarms.get(ALARM)!.tags[TAGS.silencedBy]).toBe(`slack:${ONCALL}`);
    expect(org.account(HUB).statsFor("sts", "AssumeRole").calls).toBe(1);
  });
});

describe("hub-actions: what cannot run is said in the thread, and nothing changes", () => {
  it("a member without the role: AccessDenied, naming the account and region", async () => {
    const org = await organization({ roleIn: [PAYMENTS] });
    const dlq = org.account(SEARCH, "eu-west-1").arns.of("sqs", "payments-dlq");
    const result = await hub(org)(
      click("dlq-redrive", dlq, { account: SEARCH, region: "eu-west-1" }),
      hubContext(),
    );
    expect(result).toMatchObject({ ok: false });
    expect(said().posted).toMatch(
      new RegExp(
        `^:x: <@${ONCALL}> Redrive ${dlq}: could not reach account ${SEARCH} in eu-west-1: sts AssumeRole failed: AccessDenied: .*; the account has no role arn:aws:iam::${SEARCH}:role/${ROLE}, or it does not trust this account$`,
      ),
    );
    expect(state(org)).toEqual(everyMemberUntouched());
    expect(org.account(SEARCH, "eu-west-1").functions.get(RUNBOOK)!.invocations).toEqual([]);
  });

  it("a button posted before buttons named the account is refused in the hub", async () => {
    const org = await organization();
    const result = await hub(org)(click("alarm-silence", ALARM, {}, { durationMinutes: 60 }), hubContext());
    expect(result).toMatchObject({ ok: false });
    expect(said().posted).toMatch(/: this button does not say which account and region its alarm is in/);
    expect(state(org)).toEqual(everyMemberUntouched());
    expect(org.account(HUB).statsFor("sts", "AssumeRole").calls).toBe(0);
  });

  it("an Invoke that hangs is cut off at the hub's time limit and reported, sent once", async () => {
    const org = await organization();
    const faults: FaultPlan = {
      rules: [{ service: "lambda", api: "Invoke", fault: "hang", accountId: PAYMENTS }],
    };
    const dlq = org.account(PAYMENTS).arns.of("sqs", "payments-dlq");
    // 20 s left: 10 s for the member, 10 s to post.
    const result = await hub(org, { faults })(
      click("dlq-redrive", dlq, { account: PAYMENTS, region: "us-east-1" }),
      hubContext(20_000),
    );
    expect(result).toMatchObject({ ok: false });
    expect(said().posted).toMatch(
      new RegExp(
        `: could not reach account ${PAYMENTS} in us-east-1: lambda Invoke failed: the run's time limit was reached before it completed; it may have run there all the same: see the log of ${RUNBOOK} in that account$`,
      ),
    );
    // One attempt, hung (the 15-second request timeout was not waited for); no second one.
    expect(org.account(PAYMENTS).statsFor("lambda", "Invoke")).toMatchObject({ calls: 0, faults: 1 });
    expect(state(org)).toEqual(everyMemberUntouched());
  });

  it("a throttled Invoke is not sent again and says so", async () => {
    const org = await organization();
    const faults: FaultPlan = {
      rules: [{ service: "lambda", api: "Invoke", fault: "throttle", accountId: PAYMENTS }],
    };
    const result = await hub(org, { faults })(
      click("alarm-silence", ALARM, { account: PAYMENTS, region: "us-east-1" }, { durationMinutes: 60 }),
      hubContext(),
    );
    expect(result).toMatchObject({ ok: false });
    expect(said().posted).toMatch(
      new RegExp(
        `: could not reach account ${PAYMENTS} in us-east-1: lambda Invoke failed: .*Rate exceeded`,
        "i",
      ),
    );
    expect(said().posted).not.toContain("may have run");
    // One attempt, faulted; no second one.
    expect(org.account(PAYMENTS).statsFor("lambda", "Invoke")).toMatchObject({ calls: 0, faults: 1 });
    expect(state(org)).toEqual(everyMemberUntouched());
  });

  it("an error thrown in the member is its FunctionError, posted with the account", async () => {
    const org = await organization();
    const invoke: InvokeMember = async () => ({
      functionError: "Unhandled",
      payload: JSON.stringify({ errorType: "Error", errorMessage: "WATCHKEEPER_CONFIG is not valid JSON" }),
    });
    await hub(org, { invoke })(
      click("alarm-silence", ALARM, { account: PAYMENTS, region: "eu-west-1" }),
      hubContext(),
    );
    expect(said().posted).toMatch(
      new RegExp(
        `: ${RUNBOOK} failed in account ${PAYMENTS} in eu-west-1: Error: WATCHKEEPER_CONFIG is not valid JSON$`,
      ),
    );
  });
});

describe("a request for one account cannot touch another", () => {
  it("a hub that reached the wrong member: that member's runbook-action refuses, and says where it serves", async () => {
    const org = await organization();
    // A hub mistake: every Invoke lands in payments, whichever account the click names.
    const misrouted: InvokeMember = (_aws, functionName, payload) =>
      runMember(org, PAYMENTS, "us-east-1", functionName, payload);
    const dlq = org.account(SEARCH).arns.of("sqs", "payments-dlq");
    const result = await hub(org, { invoke: misrouted })(
      click("dlq-redrive", dlq, { account: SEARCH, region: "us-east-1" }),
      hubContext(),
    );
    expect(result).toMatchObject({ ok: false });
    expect(said().posted).toMatch(
      new RegExp(
        `: account ${SEARCH} in us-east-1 refused it: not run: this function serves account ${PAYMENTS} in us-east-1; the request is for ${SEARCH} in us-east-1$`,
      ),
    );
    expect(state(org)).toEqual(everyMemberUntouched());
  });

  it("runbook-action refuses a plain action or a Slack hand-off for another account or region", async () => {
    const org = await organization();
    const aws = simulatedOrgAws(org, { accountId: PAYMENTS, region: "us-east-1" });
    const context = {
      getRemainingTimeInMillis: () => MINUTES,
      invokedFunctionArn: `arn:aws:lambda:us-east-1:${PAYMENTS}:function:${RUNBOOK}`,
    };
    const actions = createRunbookActionHandler({ aws: () => aws, config: () => config, logger: log.logger });
    expect(
      await actions(
        { action: "alarm-silence", alarm: ALARM, minutes: 60, account: PAYMENTS, region: "eu-west-1" },
        context,
      ),
    ).toEqual({
      ok: false,
      error: `not run: this function serves account ${PAYMENTS} in us-east-1; the request is for ${PAYMENTS} in eu-west-1`,
    });
    const handoffs = createSlackHandoffHandler({
      aws: () => aws,
      config: () => config,
      logger: log.logger,
      slackSecrets: async () => ({ webhookUrl: standIn.webhookUrl() }),
      slackOptions: { clock: new FakeClock() },
    });
    const dlq = org.account(SEARCH).arns.of("sqs", "payments-dlq");
    expect(
      await handoffs(click("dlq-redrive", dlq, { account: SEARCH, region: "us-east-1" }), context),
    ).toMatchObject({ ok: false });
    expect(said().posted).toMatch(
      new RegExp(
        `^:x: .*: not run: this function serves account ${PAYMENTS} in us-east-1; the request is for ${SEARCH} in us-east-1$`,
      ),
    );
    expect(state(org)).toEqual(everyMemberUntouched());

    // Its own account and region, and a click from a button without them (a single account), still run.
    expect(
      await actions(
        { action: "alarm-silence", alarm: ALARM, minutes: 60, account: PAYMENTS, region: "us-east-1" },
        context,
      ),
    ).toMatchObject({ ok: true });
    expect(await handoffs(click("breaker-trip", "payments-consumer", {}), context)).toMatchObject({
      ok: true,
    });
    expect(state(org)[0]).toEqual({
      ...untouched(`${PAYMENTS} us-east-1`),
      mapping: "Disabled",
      silenced: true,
    });
  });
});

describe("hub-actions: configuration", () => {
  it("names the variable that is missing or wrong", () => {
    const env = {
      SLACK_SECRET_ID: "watchkeeper/slack",
      HUB_ACCESS_ROLE: ROLE,
      MEMBER_RUNBOOK_FUNCTION: RUNBOOK,
    };
    expect(hubActionsConfigFromEnvironment(env)).toEqual({
      secretId: "watchkeeper/slack",
      roleName: ROLE,
      functionName: RUNBOOK,
    });
    expect(() => hubActionsConfigFromEnvironment({ ...env, HUB_ACCESS_ROLE: "" })).toThrow(
      /^HUB_ACCESS_ROLE is not set: /,
    );
    expect(() =>
      hubActionsConfigFromEnvironment({ ...env, MEMBER_RUNBOOK_FUNCTION: "arn:aws:lambda:x" }),
    ).toThrow(/^MEMBER_RUNBOOK_FUNCTION: "arn:aws:lambda:x" is not the members' runbook-action function/);
    expect(() => hubActionsConfigFromEnvironment({ ...env, SLACK_SECRET_ID: undefined })).toThrow(
      /^SLACK_SECRET_ID is not set: /,
    );
  });

  it("refuses an event that is not a hand-off, naming what is wrong, and calls nothing", async () => {
    const org = await organization();
    org.account(HUB).resetStats();
    expect(await hub(org)({ kind: SLACK_HANDOFF_KIND }, hubContext())).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^not a valid Slack hand-off: event\.request: /),
    });
    expect(org.account(HUB).stats()).toEqual([]);
    expect(standIn.requests).toEqual([]);
  });
});
