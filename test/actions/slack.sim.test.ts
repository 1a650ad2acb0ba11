/**
 * Slack buttons run the runbook actions, end to end over lib/sim's sample account: a signed click to
 * functions/slack-interactions.ts, handed off with a real (simulated) asynchronous Lambda Invoke of
 * runbook-action, whose recorded payload functions/runbook-action.ts then runs, the result posted to
 * the Slack stand-in. The clicking user is the actor; a target that is not valid runs nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createRunbookHandler } from "../../functions/runbook-action.js";
import { createInteractionHandler, runbookInvoker } from "../../functions/slack-interactions.js";
import { actionFromSlack, runAction, slackRunAction } from "../../lib/actions/index.js";
import type { Aws } from "../../lib/aws/index.js";
import { parseConfig } from "../../lib/config/index.js";
import { SLACK_HANDOFF_KIND, type SlackHandoff } from "../../lib/notify/handoff.js";
import { SlackStandIn, signSlackRequest, type ActionRequest } from "../../lib/notify/index.js";
import { TAGS } from "../../lib/policy/tags.js";
import { sampleAccount, simulatedAws, type SimAccount } from "../../lib/sim/index.js";
import { FakeClock, captureLogger } from "../notify/fixtures.js";
import { createTripAlarms, tripAlarmRecord } from "../support/breaker.js";
import { CHANNEL, ONCALL, slackClick } from "../support/slack.js";

const config = parseConfig({}, "test config");

let sim: SimAccount;
let aws: Aws;
let standIn: SlackStandIn;
let log: ReturnType<typeof captureLogger>;

beforeEach(async () => {
  sim = sampleAccount();
  aws = simulatedAws(sim);
  standIn = await SlackStandIn.start();
  log = captureLogger();
});
afterEach(async () => {
  await standIn.close();
});

const SIGNING_SECRET = "0123456789abcdef0123";
const RUNBOOK = "watchkeeper-runbook-action";

function click(
  action: ActionRequest["action"],
  target: string,
  extra: Partial<ActionRequest> = {},
): SlackHandoff {
  const on = {
    alarmName: "watchkeeper-sqs-dlq-messages-visible-payments-dlq",
    responseUrl: standIn.responseUrl("7"),
  };
  return slackClick(action, target, on, extra);
}

/** runbook-action as deployed: JSON actions and Slack hand-offs. */
function runbook() {
  return createRunbookHandler({
    aws: () => aws,
    config: () => config,
    logger: log.logger,
    slackSecrets: async () => ({ webhookUrl: standIn.webhookUrl(), signingSecret: SIGNING_SECRET }),
    slackOptions: { clock: new FakeClock() },
  });
}

/** A click from Slack through both functions: the endpoint invokes runbook-action, which runs what it got. */
async function clickThrough(handoff: SlackHandoff): Promise<unknown> {
  sim.addFunction({ name: RUNBOOK });
  const clock = new FakeClock();
  const endpoint = createInteractionHandler({
    logger: log.logger,
    config: () => ({ secretId: "s", allowedUsers: new Set([ONCALL]), allowedChannels: new Set([CHANNEL]) }),
    secrets: async () => ({ signingSecret: SIGNING_SECRET }),
    handOff: runbookInvoker(() => aws, RUNBOOK),
    clock,
  });
  const body = `payload=${encodeURIComponent(JSON.stringify(blockActions(handoff)))}`;
  const timestamp = String(Math.floor(clock.now() / 1000));
  const ack = await endpoint({
    headers: {
      "x-slack-request-timestamp": timestamp,
      "x-slack-signature": signSlackRequest(SIGNING_SECRET, timestamp, body),
    },
    body,
    requestContext: { http: { method: "POST" } },
  });
  expect(ack.statusCode).toBe(200);
  const invocations = sim.functions.get(RUNBOOK)!.invocations;
  expect(invocations.map((i) => i.type)).toEqual(["Event"]);
  return runbook()(JSON.parse(invocations[0]!.payload));
}

/** The block_actions payload Slack sends for a Watchkeeper button. */
function blockActions({ request, responseUrl, threadTs }: SlackHandoff) {
  return {
    type: "block_actions",
    user: { id: request.user },
    channel: { id: request.channel },
    container: { type: "message", message_ts: threadTs, channel_id: request.channel },
    message: { ts: threadTs },
    response_url: responseUrl,
    actions: [
      {
        type: "button",
        action_id: `watchkeeper:${request.action}`,
        value: JSON.stringify({
          target: request.target,
          ...(request.alarmName ? { alarm: request.alarmName } : {}),
          ...(request.durationMinutes ? { minutes: request.durationMinutes } : {}),
        }),
        action_ts: "1735689600.000000",
      },
    ],
  };
}

/** What was posted in the thread for the job (the second request to the response URL). */
function posted(): string {
  const body = standIn.requestsTo(standIn.responseUrl("7"))[1]?.json as { text?: string } | undefined;
  return body?.text ?? "";
}

describe("Slack buttons run lib/actions", () => {
  it("Redrive DLQ starts the move task of the DLQ the button names", async () => {
    const result = await clickThrough(click("dlq-redrive", sim.arns.of("sqs", "payments-dlq")));
    expect(result).toMatchObject({ ok: true });
    expect(posted()).toMatch(
      /^:white_check_mark: <@U0ONCALL1> Redrive arn:aws:sqs:.*payments-dlq: started a message move task for payments-dlq/,
    );
    sim.advanceTime(5_000);
    expect(sim.queue("payments")!.messages).toHaveLength(3);
    expect(log.lines.find((l) => l.audit === "watchkeeper-action")).toMatchObject({
      actor: `slack:${ONCALL}`,
      action: "dlq-redrive",
      outcome: "done",
      dryRun: false,
    });
  });

  it("Silence 1 h silences the alarm for the minutes the button carries, as the clicking user", async () => {
    await runAction(aws, { action: "reconcile" }, { actor: "test", config });
    const name = "watchkeeper-lambda-errors";
    const result = await clickThrough(click("alarm-silence", name, { durationMinutes: 60 }));
    expect(result).toMatchObject({ ok: true });
    const alarm = sim.alarms.get(name)!;
    expect(alarm.config.ActionsEnabled).toBe(false);
    expect(alarm.tags[TAGS.silencedBy]).toBe(`slack:${ONCALL}`);
    expect(posted()).toContain(`Silence ${name}: silenced ${name} until`);
  });

  it("Trip breaker and Reset breaker act on the function's ARN and record who clicked", async () => {
    await createTripAlarms(aws);
    const fn = sim.arns.of("lambda", "function:payments-consumer");
    expect(await runbook()(click("breaker-trip", fn))).toMatchObject({ ok: true });
    const record = await tripAlarmRecord(aws, "payments-consumer");
    expect(record["watchkeeper:breaker-by"]).toBe(`slack:${ONCALL}`);
    expect(record["watchkeeper:breaker-reason"]).toBe(
      "Slack button on watchkeeper-sqs-dlq-messages-visible-payments-dlq",
    );
    const mapping = [...sim.eventSourceMappings.values()].find(
      (m) => m.functionName === "payments-consumer",
    )!;
    expect(mapping.state).toBe("Disabled");
    expect(await runbook()(click("breaker-reset", fn))).toMatchObject({ ok: true });
    expect(mapping.state).toBe("Enabled");
  });

  it("a refusal and an invalid target are posted as failures, escaped for mrkdwn, and change nothing", async () => {
    const refused = await runbook()(click("alarm-silence", "orders-api-5xx", { durationMinutes: 60 }));
    expect(refused).toMatchObject({ ok: false });
    expect(posted()).toMatch(
      /^:x: <@U0ONCALL1> Silence orders-api-5xx: not silenced: orders-api-5xx is not Watchkeeper's/,
    );
    expect(sim.alarms.get("orders-api-5xx")!.config.ActionsEnabled ?? true).toBe(true);

    expect(actionFromSlack({ ...click("breaker-trip", "<not a function>").request })).toEqual({
      ok: false,
      error: "request.function: a Lambda function name or ARN (letters, digits, - and _)",
    });
    const invalid = await slackRunAction(
      () => aws,
      () => ({ config }),
    )(click("breaker-trip", "<not a function>").request);
    expect(invalid).toEqual({
      ok: false,
      text: "not run: request.function: a Lambda function name or ARN (letters, digits, - and _)",
    });
    expect(
      await slackRunAction(
        () => aws,
        () => ({ config }),
      )(click("alarm-silence", "x", { durationMinutes: 99_999 }).request),
    ).toEqual({ ok: false, text: "not run: request.minutes: a whole number from 1 to 10,080" });
  });
});

describe("runbook-action refuses a hand-off that is not what slack-interactions sends", () => {
  it("names each bad field, runs nothing, and never takes an actor from the event", async () => {
    sim.resetStats();
    const valid = click("alarm-silence", "watchkeeper-lambda-errors", { durationMinutes: 60 });
    const forged = { ...valid, request: { ...valid.request, user: "not-a-user" }, actor: "user:root" };
    expect(await runbook()(forged)).toEqual({
      ok: false,
      error:
        'not a valid Slack hand-off: event.request.user: a Slack user ID; event: Unrecognized key: "actor"',
    });
    expect(await runbook()({ kind: SLACK_HANDOFF_KIND })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^not a valid Slack hand-off: event\.request: /),
    });
    expect(sim.stats()).toEqual([]);
    expect(standIn.requests).toEqual([]);
  });
});
