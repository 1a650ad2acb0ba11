/**
 * Slack buttons run the runbook actions: functions/slack-interactions.ts's job (the asynchronous half
 * that runs a checked click) with `slackRunAction` over lib/sim's sample account, the result posted to
 * the Slack stand-in. The clicking user is the actor; a target that is not valid runs nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { JOB_KIND, createInteractionHandler, type ActionJob } from "../../functions/slack-interactions.js";
import { actionFromSlack, runAction, slackRunAction } from "../../lib/actions/index.js";
import type { Aws } from "../../lib/aws/index.js";
import { parseConfig } from "../../lib/config/index.js";
import { SlackStandIn, type ActionRequest } from "../../lib/notify/index.js";
import { TAGS } from "../../lib/policy/tags.js";
import { sampleAccount, simulatedAws, type SimAccount } from "../../lib/sim/index.js";
import { FakeClock, captureLogger } from "../notify/fixtures.js";

const ONCALL = "U0ONCALL1";
const CHANNEL = "C0ALERTS1";
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

function click(
  action: ActionRequest["action"],
  target: string,
  extra: Partial<ActionRequest> = {},
): ActionJob {
  return {
    kind: JOB_KIND,
    request: {
      action,
      target,
      user: ONCALL,
      channel: CHANNEL,
      alarmName: "watchkeeper-sqs-dlq-messages-visible-payments-dlq",
      requestedAt: "2025-01-01T00:00:00.000Z",
      ...extra,
    },
    responseUrl: standIn.responseUrl("7"),
    threadTs: "1700000000.000001",
  };
}

function handler() {
  const clock = new FakeClock();
  return createInteractionHandler({
    logger: log.logger,
    config: () => ({ secretId: "s", allowedUsers: new Set([ONCALL]), allowedChannels: new Set([CHANNEL]) }),
    secrets: async () => ({ webhookUrl: standIn.webhookUrl(), signingSecret: "0123456789abcdef0123" }),
    runAction: slackRunAction(
      () => aws,
      () => ({ config, logger: log.logger }),
    ),
    startJob: async () => {},
    clock,
    slackOptions: { clock },
  });
}

/** What was posted in the thread for the job (the second request to the response URL). */
function posted(): string {
  const body = standIn.requestsTo(standIn.responseUrl("7"))[1]?.json as { text?: string } | undefined;
  return body?.text ?? "";
}

describe("Slack buttons run lib/actions", () => {
  it("Redrive DLQ starts the move task of the DLQ the button names", async () => {
    const result = await handler()(click("dlq-redrive", sim.arns.of("sqs", "payments-dlq")));
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
    const result = await handler()(click("alarm-silence", name, { durationMinutes: 60 }));
    expect(result).toMatchObject({ ok: true });
    const alarm = sim.alarms.get(name)!;
    expect(alarm.config.ActionsEnabled).toBe(false);
    expect(alarm.tags[TAGS.silencedBy]).toBe(`slack:${ONCALL}`);
    expect(posted()).toContain(`Silence ${name}: silenced ${name} until`);
  });

  it("Trip breaker and Reset breaker act on the function's ARN and record who clicked", async () => {
    const fn = sim.arns.of("lambda", "function:payments-consumer");
    expect(await handler()(click("breaker-trip", fn))).toMatchObject({ ok: true });
    const tags = sim.functions.get("payments-consumer")!.tags;
    expect(tags["watchkeeper:breaker-by"]).toBe(`slack:${ONCALL}`);
    expect(tags["watchkeeper:breaker-reason"]).toBe(
      "Slack button on watchkeeper-sqs-dlq-messages-visible-payments-dlq",
    );
    const mapping = [...sim.eventSourceMappings.values()].find(
      (m) => m.functionName === "payments-consumer",
    )!;
    expect(mapping.state).toBe("Disabled");
    expect(await handler()(click("breaker-reset", fn))).toMatchObject({ ok: true });
    expect(mapping.state).toBe("Enabled");
  });

  it("a refusal and an invalid target are posted as failures, escaped for mrkdwn, and change nothing", async () => {
    const refused = await handler()(click("alarm-silence", "orders-api-5xx", { durationMinutes: 60 }));
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
