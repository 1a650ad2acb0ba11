/**
 * functions/notifier.ts end to end: SNS events in, the Slack stand-in (a real HTTP server on 127.0.0.1)
 * records what Slack would have received. AWS is lib/sim's sample account through real SDK clients:
 * the alarms (and their tags), the queues' tags and the Lambda metrics behind top offenders are there.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createNotifierHandler,
  notifierConfigFromEnvironment,
  type NotifierConfig,
} from "../../functions/notifier.js";
import type { InvocationContext } from "../../functions/runtime.js";
import type { Aws } from "../../lib/aws/index.js";
import {
  SlackStandIn,
  metricWidget,
  parseAlarmNotification,
  validateBlockKit,
  type SlackMessage,
  type SlackSecrets,
} from "../../lib/notify/index.js";
import { sampleAccount, simulatedAws, type SimAccount } from "../../lib/sim/index.js";
import type { SimAlarm } from "../../lib/sim/state.js";
import {
  ACCOUNT,
  FakeClock,
  REGION,
  alarmStateChangeEvent,
  captureLogger,
  snsEvent,
  snsRecord,
} from "./fixtures.js";

const SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let sim: SimAccount;
let aws: Aws;
let standIn: SlackStandIn;
let clock: FakeClock;
let log: ReturnType<typeof captureLogger>;
let secrets: SlackSecrets;
let config: NotifierConfig;

beforeEach(async () => {
  sim = sampleAccount();
  aws = simulatedAws(sim);
  standIn = await SlackStandIn.start();
  clock = new FakeClock();
  log = captureLogger();
  secrets = { webhookUrl: standIn.webhookUrl(), signingSecret: SIGNING_SECRET };
  config = { secretId: "watchkeeper/slack", routing: {}, graphs: true, apiBaseUrl: standIn.apiBaseUrl };
});
afterEach(async () => {
  aws.destroy();
  await standIn.close();
});

/** What Lambda passes: the notifier's own ARN, in the sim account's account and region. */
const lambdaContext = (account = ACCOUNT): InvocationContext => ({
  getRemainingTimeInMillis: () => 60_000,
  invokedFunctionArn: `arn:aws:lambda:${REGION}:${account}:function:watchkeeper-notifier`,
});

/** `graph: null` leaves the default renderer (GetMetricWidgetImage) in place. */
function handler(options: { graph?: (() => Promise<Uint8Array | undefined>) | null } = {}) {
  const graph = options.graph === undefined ? async () => PNG : options.graph;
  const handle = createNotifierHandler({
    aws: () => aws,
    logger: log.logger,
    config: () => config,
    secrets: async () => secrets,
    slackOptions: { clock },
    ...(graph ? { graph } : {}),
  });
  return (event: unknown, context: InvocationContext = lambdaContext()) => handle(event, context);
}

/** A Watchkeeper alarm in the sim, tagged as lib/alarms tags its own. */
function addManagedAlarm(
  name: string,
  entry: string,
  level: "aggregate" | "individual",
  metric: { namespace: string; metricName: string; dimensions: Record<string, string>; statistic: string },
  resourceArn?: string,
): SimAlarm {
  return sim.addAlarm({
    AlarmName: name,
    Namespace: metric.namespace,
    MetricName: metric.metricName,
    Dimensions: Object.entries(metric.dimensions).map(([Name, Value]) => ({ Name, Value })),
    Statistic: metric.statistic as "Sum",
    Period: 60,
    EvaluationPeriods: 1,
    Threshold: 0,
    ComparisonOperator: "GreaterThanThreshold",
    Tags: [
      { Key: "watchkeeper:managed", Value: "true" },
      { Key: "watchkeeper:alarm", Value: entry },
      { Key: "watchkeeper:level", Value: level },
      { Key: "watchkeeper:runbook", Value: `https://example.com/runbooks/${entry}.md` },
      ...(resourceArn ? [{ Key: "watchkeeper:resource", Value: resourceArn }] : []),
    ],
  });
}

/** The SNS message CloudWatch publishes for this sim alarm entering `state`. */
function snsMessageFor(
  alarm: SimAlarm,
  state: string,
  previous: string,
  value: number,
): Record<string, unknown> {
  const c = alarm.config;
  return {
    AlarmName: alarm.name,
    AlarmDescription: c.AlarmDescription ?? null,
    AWSAccountId: sim.accountId,
    NewStateValue: state,
    NewStateReason: `Threshold Crossed: 1 out of the last 1 datapoints [${value.toFixed(1)} (01/05/24 11:58:00)] was ${state === "ALARM" ? "" : "not "}greater than the threshold (0.0).`,
    StateChangeTime: new Date(sim.clock.now()).toISOString().replace("Z", "+0000"),
    Region: "US East (N. Virginia)",
    AlarmArn: alarm.arn,
    OldStateValue: previous,
    Trigger: {
      MetricName: c.MetricName,
      Namespace: c.Namespace,
      StatisticType: "Statistic",
      Statistic: String(c.Statistic).toUpperCase(),
      Unit: null,
      Dimensions: (c.Dimensions ?? []).map((d) => ({ value: d.Value, name: d.Name })),
      Period: c.Period,
      EvaluationPeriods: c.EvaluationPeriods,
      ComparisonOperator: c.ComparisonOperator,
      Threshold: c.Threshold,
      TreatMissingData: "notBreaching",
      EvaluateLowSampleCountPercentile: "",
    },
  };
}

const dlqArn = () => sim.arns.of("sqs", "payments-dlq");
const dlqAlarm = () =>
  addManagedAlarm(
    "watchkeeper-sqs-dlq-messages-visible-payments-dlq",
    "sqs-dlq-messages-visible",
    "individual",
    {
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: "payments-dlq" },
      statistic: "Maximum",
    },
    dlqArn(),
  );

function posted(index = 0): SlackMessage {
  const body = standIn.delivered()[index]?.body;
  if (!body) throw new Error(`no message #${index} was delivered`);
  return body as unknown as SlackMessage;
}

describe("notifier: incoming webhook", () => {
  it("posts an ALARM from SNS with the facts, a redrive button and Block Kit within limits", async () => {
    const alarm = dlqAlarm();
    const result = await handler()(snsEvent(snsMessageFor(alarm, "ALARM", "OK", 3)));
    expect(result.rejected).toBe(0);
    expect(standIn.delivered().map((d) => d.path)).toEqual(["/services/T00000000/B00000000/alerts"]);
    const message = posted();
    expect(validateBlockKit(message)).toEqual([]);
    const text = JSON.stringify(message.blocks);
    expect(text).toContain(":rotating_light: Critical · ALARM · Messages in a dead-letter queue");
    expect(text).toContain("Payments-dlq holds 3 messages (threshold: more than 0)");
    expect(text).toContain(dlqArn());
    expect(text).toContain("https://example.com/runbooks/sqs-dlq-messages-visible.md|Runbook");
    expect(text).toContain('"action_id":"watchkeeper:dlq-redrive"');
    expect(log.lines.at(-1)).toMatchObject({
      msg: `posted ALARM for ${alarm.name}`,
      severity: "critical",
      threaded: false,
    });
    expect(log.text()).not.toContain(standIn.webhookUrl());
  });

  it("leaves the buttons out when the secret has no signing secret (no interactions endpoint)", async () => {
    secrets = { webhookUrl: standIn.webhookUrl() };
    await handler()(snsEvent(snsMessageFor(dlqAlarm(), "ALARM", "OK", 3)));
    expect(JSON.stringify(posted().blocks)).not.toContain("watchkeeper:dlq-redrive");
  });

  it("posts the top offenders of the per-function Lambda Errors query, from its own query", async () => {
    // The aggregate as lib/alarms writes it: a Metrics Insights query, each function a contributor.
    const topicArn = sim.addTopic({ name: "watchkeeper-notifications" }).arn;
    sim.addAlarm({
      AlarmName: "watchkeeper-lambda-errors",
      Metrics: [
        {
          Id: "q1",
          Expression: `SELECT SUM(Errors) FROM SCHEMA("AWS/Lambda", FunctionName) WHERE FunctionName != 'orders-get' GROUP BY FunctionName ORDER BY SUM() DESC LIMIT 500`,
          Label: "Lambda errors",
          Period: 60,
          ReturnData: true,
        },
      ],
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      Threshold: 0,
      ComparisonOperator: "GreaterThanThreshold",
      TreatMissingData: "notBreaching",
      AlarmActions: [topicArn],
      OKActions: [topicArn],
      Tags: [
        { Key: "watchkeeper:managed", Value: "true" },
        { Key: "watchkeeper:alarm", Value: "lambda-errors" },
        { Key: "watchkeeper:level", Value: "aggregate" },
        { Key: "watchkeeper:runbook", Value: "https://example.com/runbooks/lambda-errors.md" },
      ],
    });
    // The sample's last hour of errors: CloudWatch notifies once per function in ALARM.
    sim.advanceTime(60_000);
    sim.evaluateAlarms();
    const notified = sim.notifications.filter((n) => n.alarmName === "watchkeeper-lambda-errors");
    expect(
      notified.map((n) => (JSON.parse(n.message) as { AlarmContributorId?: string }).AlarmContributorId),
    ).toEqual([
      "FunctionName=clickstream-processor",
      "FunctionName=orders-create",
      "FunctionName=payments-consumer",
    ]);
    await handler()(snsEvent(notified[0]!.message));
    const offenders = posted().blocks.find((b) => b.block_id === "wk-offenders");
    // The alarm's own query re-sorted (its exclusion kept), over the 5 minutes ending with the change's
    // minute: the sample's last 3 datapoints (9, 4 and 1 errors a minute).
    expect(JSON.stringify(offenders)).toContain(
      "*Top offenders* by FunctionName (SUM over the last 5 min)\\n1. `clickstream-processor` — 27\\n2. `payments-consumer` — 12\\n3. `orders-create` — 3",
    );
    expect(JSON.stringify(offenders)).not.toContain("orders-get");
    expect(validateBlockKit(posted())).toEqual([]);
  });

  it("rejects malformed records with a log line naming the field, and still posts the good ones", async () => {
    const alarm = dlqAlarm();
    const bad = { ...snsMessageFor(alarm, "ALARM", "OK", 3), NewStateValue: "MAYBE" };
    const result = await handler()({
      Records: [
        snsRecord(bad),
        snsRecord("not json at all"),
        snsRecord(snsMessageFor(alarm, "ALARM", "OK", 3)),
      ],
    });
    expect(result.rejected).toBe(2);
    expect(result.delivered).toHaveLength(1);
    expect(standIn.delivered()).toHaveLength(1);
    const errors = log.lines.filter((l) => l.level === 50);
    expect(errors.map((l) => l.msg)).toEqual([
      expect.stringMatching(/^rejected: malformed CloudWatch alarm message: Sns\.Message\.NewStateValue: /),
      expect.stringMatching(/^rejected: not JSON: Sns\.Message: not valid JSON/),
    ]);
  });

  it("rejects an event that is not an SNS event, posting nothing and not throwing", async () => {
    const result = await handler()({ hello: "world" });
    expect(result).toEqual({ delivered: [], rejected: 1 });
    expect(log.lines.at(-1)).toMatchObject({
      level: 50,
      msg: expect.stringContaining("not an SNS event: event.Records"),
    });
    expect(standIn.requests).toEqual([]);
  });

  it("paces messages to one channel to one a second across records and invocations", async () => {
    const alarm = dlqAlarm();
    const handle = handler();
    await handle(snsEvent(snsMessageFor(alarm, "ALARM", "OK", 3), snsMessageFor(alarm, "ALARM", "OK", 4)));
    await handle(snsEvent(snsMessageFor(alarm, "ALARM", "OK", 5)));
    expect(standIn.delivered()).toHaveLength(3);
    expect(clock.sleeps).toEqual([1000, 1000]);
  });

  it("retries a 429 with Retry-After and delivers", async () => {
    standIn.script("/services/T00000000/B00000000/alerts", [
      { status: 429, headers: { "retry-after": "1" } },
    ]);
    await handler()(snsEvent(snsMessageFor(dlqAlarm(), "ALARM", "OK", 3)));
    expect(standIn.requests.map((r) => r.status)).toEqual([429, 200]);
    expect(clock.sleeps).toEqual([1000]);
  });

  it("throws when Slack keeps failing, so Lambda retries the event and then sends it to the DLQ", async () => {
    standIn.script(
      "/services/T00000000/B00000000/alerts",
      Array(5).fill({ status: 500, body: "rollup_error" }),
    );
    await expect(handler()(snsEvent(snsMessageFor(dlqAlarm(), "ALARM", "OK", 3)))).rejects.toThrow(
      "1 of 1 notifications failed: watchkeeper-sqs-dlq-messages-visible-payments-dlq (ALARM): Slack webhook failed after 5 attempts: webhook: HTTP 500 rollup_error",
    );
    expect(standIn.requests).toHaveLength(5);
    expect(standIn.delivered()).toEqual([]);
  });

  it("accepts an EventBridge alarm state change too", async () => {
    await handler()(alarmStateChangeEvent());
    expect(JSON.stringify(posted().blocks)).toContain("Payments-consumer had 6 errors in 1 min");
  });
});

describe("notifier: bot token", () => {
  beforeEach(() => {
    secrets = { botToken: "xoxb-test-token", signingSecret: SIGNING_SECRET };
    config = { ...config, routing: { defaultChannel: "C0ALERTS1", bySeverity: { critical: "C0PAGER01" } } };
  });

  it("ALARM: posts to the severity's channel, remembers the thread on the alarm, uploads the graph into it", async () => {
    const alarm = dlqAlarm();
    const result = await handler()(snsEvent(snsMessageFor(alarm, "ALARM", "OK", 3)));
    expect(result.delivered[0]).toMatchObject({ channel: "C0PAGER01", ts: "1700000000.000001", graph: true });
    expect(standIn.requestsTo("/api/chat.postMessage")[0]?.json).toMatchObject({ channel: "C0PAGER01" });
    expect(sim.alarms.get(alarm.name)?.tags["watchkeeper:slack-thread"]).toBe("C0PAGER01/1700000000.000001");
    expect(standIn.requestsTo("/api/files.completeUploadExternal")[0]?.json).toMatchObject({
      channel_id: "C0PAGER01",
      thread_ts: "1700000000.000001",
      files: [{ id: "F00000001", title: "Messages in a dead-letter queue: last 3 hours" }],
    });
    expect(standIn.requestsTo("/upload/F00000001")[0]?.bytes).toBe(PNG.byteLength);
  });

  it("OK: replies in the ALARM message's thread", async () => {
    const alarm = dlqAlarm();
    const handle = handler();
    await handle(snsEvent(snsMessageFor(alarm, "ALARM", "OK", 3)));
    const result = await handle(snsEvent(snsMessageFor(alarm, "OK", "ALARM", 0)));
    expect(result.delivered[0]).toMatchObject({ channel: "C0PAGER01", threadTs: "1700000000.000001" });
    const ok = standIn.requestsTo("/api/chat.postMessage")[1]?.json as Record<string, unknown>;
    expect(ok).toMatchObject({ channel: "C0PAGER01", thread_ts: "1700000000.000001" });
    expect(JSON.stringify(ok.blocks)).toContain(
      ":white_check_mark: Resolved · OK · Messages in a dead-letter queue",
    );
    expect(validateBlockKit(ok)).toEqual([]);
  });

  it("routes by the resource's tag, and never tags an alarm Watchkeeper does not own", async () => {
    sim.queue("payments-dlq")!.tags["watchkeeper:slack-channel"] = "C0PAYMENTS";
    const alarm = dlqAlarm();
    delete alarm.tags["watchkeeper:managed"];
    await handler()(snsEvent(snsMessageFor(alarm, "ALARM", "OK", 3)));
    expect(standIn.requestsTo("/api/chat.postMessage")[0]?.json).toMatchObject({ channel: "C0PAYMENTS" });
    expect(alarm.tags["watchkeeper:slack-thread"]).toBeUndefined();
  });

  it("never tags an alarm with the managed tag but without the prefix: posts unthreaded and says why", async () => {
    const alarm = addManagedAlarm("team-payments-dlq-depth", "sqs-dlq-messages-visible", "individual", {
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: "payments-dlq" },
      statistic: "Maximum",
    });
    const tagsBefore = { ...alarm.tags };
    const result = await handler()(snsEvent(snsMessageFor(alarm, "ALARM", "OK", 3)));
    expect(result.delivered).toHaveLength(1);
    expect(sim.alarms.get(alarm.name)?.tags).toEqual(tagsBefore);
    expect(log.lines).toContainEqual(
      expect.objectContaining({
        msg: 'thread not remembered on the alarm: alarm team-payments-dlq-depth does not start with the prefix "watchkeeper-"',
      }),
    );
  });

  it("never tags the prefixed alarm that lacks the managed tag (read fresh from the alarm itself)", async () => {
    const borrowed = sim.alarms.get("watchkeeper-legacy-orders-errors")!;
    const tagsBefore = { ...borrowed.tags };
    await handler()(snsEvent(snsMessageFor(borrowed, "ALARM", "OK", 3)));
    expect(standIn.requestsTo("/api/chat.postMessage")).toHaveLength(1);
    expect(sim.alarms.get(borrowed.name)?.tags).toEqual(tagsBefore);
    expect(log.lines).toContainEqual(
      expect.objectContaining({
        msg: "thread not remembered on the alarm: alarm watchkeeper-legacy-orders-errors does not carry watchkeeper:managed=true",
      }),
    );
  });

  it("OK on an alarm it does not own: a thread tag someone set there is not followed", async () => {
    const borrowed = sim.alarms.get("watchkeeper-legacy-orders-errors")!;
    borrowed.tags["watchkeeper:slack-thread"] = "C0ELSEWHERE/1600000000.000001";
    const result = await handler()(snsEvent(snsMessageFor(borrowed, "OK", "ALARM", 0)));
    expect(result.delivered[0]?.threadTs).toBeUndefined();
    const posted = standIn.requestsTo("/api/chat.postMessage")[0]?.json as Record<string, unknown>;
    expect(posted.channel).toBe("C0ALERTS1");
    expect(posted.thread_ts).toBeUndefined();
    expect(log.lines).toContainEqual(
      expect.objectContaining({
        level: 40,
        msg: "posted without threading: alarm watchkeeper-legacy-orders-errors does not carry watchkeeper:managed=true",
      }),
    );
  });

  it("still posts when the graph cannot be rendered (lib/sim has no GetMetricWidgetImage), with a warning", async () => {
    const result = await handler({ graph: null })(snsEvent(snsMessageFor(dlqAlarm(), "ALARM", "OK", 3)));
    expect(result.delivered[0]?.graph).toBe(false);
    expect(result.delivered[0]?.warnings).toEqual([
      expect.stringContaining("could not render the metric graph"),
    ]);
    expect(standIn.requestsTo("/api/chat.postMessage")).toHaveLength(1);
    expect(standIn.requestsTo("/api/files.getUploadURLExternal")).toHaveLength(0);
  });

  it("still posts when the alarm's tags cannot be read, without thread state", async () => {
    const message = snsMessageFor(dlqAlarm(), "ALARM", "OK", 3);
    const gone = {
      ...message,
      AlarmArn: `arn:aws:cloudwatch:us-east-1:${sim.accountId}:alarm:deleted-alarm`,
    };
    const result = await handler()(snsEvent(gone));
    expect(result.delivered[0]?.warnings[0]).toContain("could not read the alarm's tags");
    expect(standIn.requestsTo("/api/chat.postMessage")).toHaveLength(1);
  });
});

describe("notifier: a record of another account or region", () => {
  const OTHER = "210987654321";

  it("rejects an SNS record from another account's topic, or another region's: nothing posted, no tag written", async () => {
    secrets = { botToken: "xoxb-test-token", signingSecret: SIGNING_SECRET };
    config = { ...config, routing: { defaultChannel: "C0ALERTS1" } };
    const alarm = dlqAlarm();
    const tagsBefore = { ...alarm.tags };
    const record = snsRecord(snsMessageFor(alarm, "ALARM", "OK", 3));
    const sns = record.Sns as Record<string, unknown>;
    const foreign = { ...record, Sns: { ...sns, TopicArn: `arn:aws:sns:${REGION}:${OTHER}:alarms` } };
    const away = { ...record, Sns: { ...sns, TopicArn: `arn:aws:sns:eu-west-1:${ACCOUNT}:alarms` } };
    const result = await handler()({ Records: [foreign, away] });
    expect(result).toEqual({ delivered: [], rejected: 2 });
    expect(standIn.requestsTo("/api/chat.postMessage")).toHaveLength(0);
    expect(sim.alarms.get(alarm.name)?.tags).toEqual(tagsBefore);
    expect(log.lines.map((l) => [l.level, l.msg])).toEqual([
      [
        50,
        `rejected: topic arn:aws:sns:${REGION}:${OTHER}:alarms is of account ${OTHER} in ${REGION}; ` +
          `this function serves account ${ACCOUNT} in ${REGION}`,
      ],
      [
        50,
        `rejected: topic arn:aws:sns:eu-west-1:${ACCOUNT}:alarms is of account ${ACCOUNT} in eu-west-1; ` +
          `this function serves account ${ACCOUNT} in ${REGION}`,
      ],
    ]);
  });

  it("rejects an EventBridge event of another account, and everything when its own account is unknown", async () => {
    const foreign = await handler()(alarmStateChangeEvent({ account: OTHER }));
    expect(foreign).toEqual({ delivered: [], rejected: 1 });
    const unplaced = await handler()(alarmStateChangeEvent(), { getRemainingTimeInMillis: () => 60_000 });
    expect(unplaced).toEqual({ delivered: [], rejected: 1 });
    expect(log.lines.at(-1)?.msg).toBe(
      "rejected: no invoked function ARN in the Lambda context, so this function's own account is unknown",
    );
    expect(standIn.delivered()).toEqual([]);
  });
});

describe("metricWidget", () => {
  it("draws the alarm's metric with its threshold for GetMetricWidgetImage", () => {
    const parsed = parseAlarmNotification(alarmStateChangeEvent());
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(JSON.parse(metricWidget(parsed.change, "Lambda errors")!)).toEqual({
      title: "Lambda errors",
      metrics: [["AWS/Lambda", "Errors", "FunctionName", "payments-consumer", { stat: "Sum" }]],
      period: 60,
      start: "-PT3H",
      end: "P0D",
      width: 800,
      height: 300,
      annotations: { horizontal: [{ label: "Threshold", value: 0 }] },
    });
  });
});

describe("notifierConfigFromEnvironment", () => {
  it("names the setting that is wrong", () => {
    expect(() => notifierConfigFromEnvironment({})).toThrow("SLACK_SECRET_ID is not set");
    expect(() => notifierConfigFromEnvironment({ SLACK_SECRET_ID: "s", SLACK_ROUTING: "{" })).toThrow(
      "SLACK_ROUTING is not valid JSON",
    );
    expect(() =>
      notifierConfigFromEnvironment({
        SLACK_SECRET_ID: "s",
        SLACK_ROUTING: '{"bySeverity":{"urgent":"C1"}}',
      }),
    ).toThrow('SLACK_ROUTING.bySeverity: Unrecognized key: "urgent"');
    expect(() => notifierConfigFromEnvironment({ SLACK_SECRET_ID: "s", SLACK_GRAPHS: "maybe" })).toThrow(
      'SLACK_GRAPHS=maybe: expected "true" or "false"',
    );
    expect(
      notifierConfigFromEnvironment({
        SLACK_SECRET_ID: "watchkeeper/slack",
        SLACK_ROUTING:
          '{"routes":[{"channel":"C0PAYMENTS","resourceTag":{"key":"team","value":"payments"}}]}',
        SLACK_DEFAULT_CHANNEL: "C0ALERTS1",
        SLACK_GRAPHS: "false",
      }),
    ).toEqual({
      secretId: "watchkeeper/slack",
      routing: {
        routes: [{ channel: "C0PAYMENTS", resourceTag: { key: "team", value: "payments" } }],
        defaultChannel: "C0ALERTS1",
      },
      graphs: false,
    });
  });
});
