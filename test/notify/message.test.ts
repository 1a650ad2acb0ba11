import type { ActionsBlock, Button, HeaderBlock, KnownBlock, SectionBlock } from "@slack/types";
import { describe, expect, it } from "vitest";
import {
  BLOCK_KIT_LIMITS,
  buildAlarmMessage,
  decodeButtonValue,
  encodeButtonValue,
  identifyAlarm,
  jsurl,
  metricConsoleUrl,
  parseAlarmNotification,
  validateBlockKit,
  type AlarmStateChange,
  type SlackMessage,
  type TopOffenders,
} from "../../lib/notify/index.js";
import {
  ACCOUNT,
  REGION,
  alarmStateChangeEvent,
  expectValidBlockKit,
  snsAlarmMessage,
  snsInsightsMessage,
} from "./fixtures.js";

function change(input: unknown): AlarmStateChange {
  const parsed = parseAlarmNotification(input);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.change;
}

const block = <T extends KnownBlock>(message: SlackMessage, id: string) =>
  message.blocks.find((b) => b.block_id === id) as T | undefined;
const header = (m: SlackMessage) => block<HeaderBlock>(m, "wk-header")!.text.text;
const reason = (m: SlackMessage) => (block<SectionBlock>(m, "wk-reason")!.text as { text: string }).text;
const fields = (m: SlackMessage) =>
  (block<SectionBlock>(m, "wk-facts")!.fields ?? []).map((f) => f.text).join("\n");
const buttons = (m: SlackMessage) => (block<ActionsBlock>(m, "wk-actions")?.elements ?? []) as Button[];

const MANAGED = { "watchkeeper:managed": "true" };

describe("buildAlarmMessage", () => {
  it("a WebSocket API stage's execution errors: critical, in words, naming the stage", () => {
    const name = "watchkeeper-apigateway-websocket-execution-errors-chat-production";
    const c = change(
      snsAlarmMessage({
        AlarmName: name,
        AlarmArn: `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${name}`,
        // No runbook link in it: the catalog entry, found by the name, gives the runbook.
        AlarmDescription: "API Gateway WebSocket API execution errors",
        NewStateReason:
          "Threshold Crossed: 3 out of the last 3 datapoints [0.25 (01/05/24 11:58:00), 0.2 (01/05/24 11:57:00), 0.3 (01/05/24 11:56:00)] was greater than the threshold (0.05).",
        Trigger: {
          MetricName: "ExecutionError",
          Namespace: "AWS/ApiGateway",
          StatisticType: "Statistic",
          Statistic: "AVERAGE",
          Dimensions: [
            { value: "w1a2b3c4d5", name: "ApiId" },
            { value: "production", name: "Stage" },
          ],
          Period: 60,
          EvaluationPeriods: 3,
          DatapointsToAlarm: 3,
          ComparisonOperator: "GreaterThanThreshold",
          Threshold: 0.05,
          TreatMissingData: "notBreaching",
        },
      }),
    );
    const m = buildAlarmMessage(c, { alarmTags: MANAGED });
    expectValidBlockKit(m);
    expect(header(m)).toBe(":rotating_light: Critical · ALARM · API Gateway WebSocket API execution errors");
    expect(reason(m)).toBe(
      "30% of messages to w1a2b3c4d5 failed calling the integration (threshold: more than 5%)",
    );
    expect(JSON.stringify(block(m, "wk-links"))).toContain(
      "runbooks/apigateway-websocket-execution-errors.md|Runbook",
    );
  });

  it("ALARM: severity, state, alarm, resource, account, region, plain reason, links and a redrive button", () => {
    const c = change(snsAlarmMessage());
    const m = buildAlarmMessage(c, {
      alarmTags: { ...MANAGED, "watchkeeper:resource": `arn:aws:sqs:${REGION}:${ACCOUNT}:payments-dlq` },
    });
    expectValidBlockKit(m);
    expect(header(m)).toBe(":rotating_light: Critical · ALARM · Messages in a dead-letter queue");
    expect(reason(m)).toBe("Payments-dlq holds 3 messages (threshold: more than 0)");
    expect(fields(m)).toContain("`watchkeeper-sqs-dlq-messages-visible-payments-dlq`");
    expect(fields(m)).toContain("`payments-dlq`");
    expect(fields(m)).toContain(`\`${ACCOUNT}\``);
    expect(fields(m)).toContain("us-east-1 (US East (N. Virginia))");
    expect(fields(m)).toContain("OK → ALARM at 2024-05-01 11:59 UTC");
    const links = JSON.stringify(block(m, "wk-links"));
    expect(links).toContain("#alarmsV2:alarm/watchkeeper-sqs-dlq-messages-visible-payments-dlq|Alarm");
    expect(links).toContain("#metricsV2:graph=~(view~'timeSeries");
    expect(links).toContain("runbooks/sqs-dlq-messages-visible.md|Runbook");
    expect(JSON.stringify(block(m, "wk-cloudwatch"))).toContain("CloudWatch: Threshold Crossed");
    expect(m.text).toBe(
      "[ALARM Critical] Messages in a dead-letter queue: Payments-dlq holds 3 messages (threshold: more than 0)",
    );

    const [redrive, silence] = buttons(m);
    expect(buttons(m)).toHaveLength(2);
    expect(redrive).toMatchObject({ action_id: "watchkeeper:dlq-redrive", text: { text: "Redrive DLQ" } });
    expect(redrive?.confirm?.title?.text).toBe("Redrive this DLQ?");
    expect(decodeButtonValue(redrive!.value!)).toEqual({
      ok: true,
      value: {
        target: `arn:aws:sqs:${REGION}:${ACCOUNT}:payments-dlq`,
        alarm: c.alarmName,
        account: ACCOUNT,
        region: REGION,
      },
    });
    expect(silence).toMatchObject({ action_id: "watchkeeper:alarm-silence", text: { text: "Silence 1 h" } });
    expect(decodeButtonValue(silence!.value!)).toEqual({
      ok: true,
      value: { target: c.alarmName, alarm: c.alarmName, minutes: 60, account: ACCOUNT, region: REGION },
    });
  });

  it("derives the queue's ARN from the alarm name when the alarm's tags were not read", () => {
    const m = buildAlarmMessage(change(snsAlarmMessage()));
    const value = decodeButtonValue(buttons(m)[0]!.value!);
    expect(value.ok && value.value.target).toBe(`arn:aws:sqs:${REGION}:${ACCOUNT}:payments-dlq`);
  });

  it("OK: resolved, back to normal, no action buttons", () => {
    const c = change(
      snsAlarmMessage({
        NewStateValue: "OK",
        OldStateValue: "ALARM",
        NewStateReason:
          "Threshold Crossed: 1 out of the last 1 datapoints [0.0 (01/05/24 12:30:00)] was not greater than the threshold (0.0).",
      }),
    );
    const m = buildAlarmMessage(c);
    expectValidBlockKit(m);
    expect(header(m)).toBe(":white_check_mark: Resolved · OK · Messages in a dead-letter queue");
    expect(reason(m)).toBe("Back to normal. Payments-dlq holds 0 messages (threshold: more than 0)");
    expect(fields(m)).toContain("ALARM → OK");
    expect(block(m, "wk-actions")).toBeUndefined();
    expect(m.text.startsWith("[OK] Messages in a dead-letter queue")).toBe(true);
  });

  it("INSUFFICIENT_DATA: says there is no data and why", () => {
    const c = change(
      snsAlarmMessage({
        NewStateValue: "INSUFFICIENT_DATA",
        OldStateValue: "OK",
        NewStateReason: "Insufficient Data: 1 datapoint was unknown.",
      }),
    );
    const m = buildAlarmMessage(c);
    expectValidBlockKit(m);
    expect(header(m)).toBe(":grey_question: No data · INSUFFICIENT_DATA · Messages in a dead-letter queue");
    expect(reason(m)).toBe(
      "Not enough data to evaluate the alarm. CloudWatch says: Insufficient Data: 1 datapoint was unknown.",
    );
    expect(block(m, "wk-actions")).toBeUndefined();
  });

  it("aggregate alarm: top offenders, the worst one in the sentence", () => {
    const c = change(snsInsightsMessage());
    const offenders: TopOffenders = {
      dimension: "QueueName",
      function: "MAX",
      query: "SELECT ...",
      windowSeconds: 900,
      offenders: [
        { name: "orders", value: 2520 },
        { name: "invoices", value: 1900 },
        { name: "emails<script>", value: 1810 },
      ],
    };
    const m = buildAlarmMessage(c, { offenders });
    expectValidBlockKit(m);
    expect(header(m)).toBe(":red_circle: High · ALARM · SQS messages waiting too long");
    expect(reason(m)).toBe(
      "Oldest message in orders has been waiting 42 min (threshold: at least 30 min); 2 more listed below",
    );
    expect(fields(m)).toContain("every QueueName in the account and region (aggregate)");
    const text = (block<SectionBlock>(m, "wk-offenders")!.text as { text: string }).text;
    expect(text).toBe(
      [
        "*Top offenders* by QueueName (MAX over the last 15 min)",
        "1. `orders` — 42 min",
        "2. `invoices` — 32 min",
        "3. `emails&lt;script&gt;` — 30 min",
      ].join("\n"),
    );
    expect(buttons(m).map((b) => b.action_id)).toEqual(["watchkeeper:alarm-silence"]);
    // The metric link graphs the alarm's own query.
    expect(metricConsoleUrl(c)).toContain(jsurl("AWS/SQS").slice(2));
  });

  it("function errors on a breaker-enabled function: trip and reset buttons with confirm dialogs", () => {
    const c = change(alarmStateChangeEvent());
    const m = buildAlarmMessage(c, { resourceTags: { "watchkeeper:breaker": "on" } });
    expectValidBlockKit(m);
    expect(header(m)).toBe(":red_circle: High · ALARM · Lambda errors");
    expect(reason(m)).toBe("Payments-consumer had 6 errors in 1 min (threshold: more than 0)");
    const [trip, reset, silence] = buttons(m);
    expect([trip?.action_id, reset?.action_id, silence?.action_id]).toEqual([
      "watchkeeper:breaker-trip",
      "watchkeeper:breaker-reset",
      "watchkeeper:alarm-silence",
    ]);
    expect(trip?.style).toBe("danger");
    expect(trip?.confirm?.style).toBe("danger");
    const value = decodeButtonValue(trip!.value!);
    expect(value.ok && value.value.target).toBe(
      `arn:aws:lambda:${REGION}:${ACCOUNT}:function:payments-consumer`,
    );

    const ok = buildAlarmMessage(
      { ...c, state: "OK", previousState: "ALARM" },
      { resourceTags: { "watchkeeper:breaker": "on" } },
    );
    expect(buttons(ok).map((b) => b.action_id)).toEqual(["watchkeeper:breaker-reset"]);
    // Without the opt-in tag there is no breaker to trip.
    expect(buttons(buildAlarmMessage(c)).map((b) => b.action_id)).toEqual(["watchkeeper:alarm-silence"]);
    // No buttons at all without an interactions endpoint.
    expect(block(buildAlarmMessage(c, { interactive: false }), "wk-actions")).toBeUndefined();
  });

  it("a circuit breaker's trip alarm: critical, with a reset button for its function", () => {
    const fn = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:payments-consumer`;
    const c = change(
      alarmStateChangeEvent({
        detail: {
          ...(alarmStateChangeEvent().detail as object),
          alarmName: "watchkeeper-breaker-error-rate-payments-consumer",
        },
      }),
    );
    const m = buildAlarmMessage(c, {
      alarmTags: { ...MANAGED, "watchkeeper:alarm": "breaker-error-rate", "watchkeeper:resource": fn },
    });
    expectValidBlockKit(m);
    expect(header(m)).toBe(
      ":rotating_light: Critical · ALARM · watchkeeper-breaker-error-rate-payments-consumer",
    );
    expect(buttons(m).map((b) => b.action_id)).toEqual([
      "watchkeeper:breaker-reset",
      "watchkeeper:alarm-silence",
    ]);
    const value = decodeButtonValue(buttons(m)[0]!.value!);
    expect(value.ok && value.value.target).toBe(fn);
  });

  it("an alarm Watchkeeper did not make: its own name, a warning, CloudWatch's numbers", () => {
    const c = change(
      snsAlarmMessage({
        AlarmName: "orders-api-5xx",
        AlarmArn: `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:orders-api-5xx`,
        AlarmDescription: null,
        NewStateReason:
          "Threshold Crossed: 1 datapoint [14.0 (01/05/24 11:58:00)] was greater than the threshold (10.0).",
        Trigger: {
          MetricName: "5XXError",
          Namespace: "AWS/ApiGateway",
          Statistic: "SUM",
          Dimensions: [{ name: "ApiName", value: "orders-api" }],
          Period: 60,
          EvaluationPeriods: 5,
          ComparisonOperator: "GreaterThanThreshold",
          Threshold: 10,
        },
      }),
    );
    const identity = identifyAlarm(c);
    expect(identity.entry).toBeUndefined();
    const m = buildAlarmMessage(c);
    expectValidBlockKit(m);
    expect(header(m)).toBe(":large_yellow_circle: Warning · ALARM · orders-api-5xx");
    expect(reason(m)).toBe("14 of requests to orders-api failed with a 5XX error (threshold: more than 10)");
    expect(JSON.stringify(block(m, "wk-links"))).not.toContain("Runbook");
  });

  it("the alarm's severity tag wins; a critical resource is raised one level", () => {
    const c = change(alarmStateChangeEvent());
    expect(header(buildAlarmMessage(c, { alarmTags: { "watchkeeper:severity": "warning" } }))).toContain(
      "Warning",
    );
    expect(header(buildAlarmMessage(c, { resourceTags: { "watchkeeper:critical": "true" } }))).toContain(
      "Critical",
    );
  });

  it("a pathological alarm (255-character name, 20,000-character reason, markup) stays within every limit", () => {
    const name = `watchkeeper-${"x<&>|`".repeat(40)}`.padEnd(255, "z").slice(0, 255);
    const c = change(
      snsAlarmMessage({
        AlarmName: name,
        AlarmArn: `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${name}`,
        AlarmDescription: "d".repeat(1024),
        NewStateReason: `Threshold Crossed: ${"very long reason <with> & markup ".repeat(600)}`,
        Trigger: {
          MetricName: "M".repeat(255),
          Namespace: "Custom/".padEnd(255, "n"),
          Statistic: "AVERAGE",
          Dimensions: Array.from({ length: 30 }, (_, i) => ({
            name: `D${i}`.padEnd(255, "k"),
            value: "v".repeat(1024),
          })),
          Period: 60,
          EvaluationPeriods: 1,
          ComparisonOperator: "LessThanThreshold",
          Threshold: 1,
        },
      }),
    );
    expect(name).toHaveLength(255);
    const offenders: TopOffenders = {
      dimension: "D0".padEnd(255, "k"),
      function: "AVG",
      query: "q",
      windowSeconds: 10_800,
      offenders: Array.from({ length: 5 }, (_, i) => ({ name: `${i}`.padEnd(1024, "o"), value: i })),
    };
    const m = buildAlarmMessage(c, { offenders });
    expect(validateBlockKit(m)).toEqual([]);
    expect(header(m).length).toBeLessThanOrEqual(BLOCK_KIT_LIMITS.headerText);
    expect(reason(m).length).toBeLessThanOrEqual(BLOCK_KIT_LIMITS.sectionText);
    expect(reason(m)).toMatch(
      /^Average of M{255} for 0o+ is 0 \(threshold: less than 1\); 4 more listed below$/,
    );
    const cloudwatch = block<KnownBlock & { elements: { text: string }[] }>(m, "wk-cloudwatch")!.elements[0]!
      .text;
    expect(cloudwatch).toHaveLength(BLOCK_KIT_LIMITS.contextText);
    expect(cloudwatch.endsWith("…")).toBe(true);
    expect(cloudwatch).not.toMatch(/[<>]/);
    expect(fields(m)).not.toContain("<&>");
    expect(fields(m)).toContain("x&lt;&amp;&gt;|'");
  });
});

describe("button values", () => {
  it("the longest target and alarm name fit Slack's 2,000 characters with the account and region", () => {
    const value = {
      target: "t".repeat(1600),
      alarm: "a".repeat(255),
      minutes: 10_080,
      account: "123456789012",
      region: "ap-southeast-5",
    };
    const text = encodeButtonValue(value);
    expect(text.length).toBeLessThanOrEqual(BLOCK_KIT_LIMITS.buttonValue);
    expect(decodeButtonValue(text)).toEqual({ ok: true, value });
  });

  it("a value whose account or region is not one is refused, naming the field", () => {
    expect(decodeButtonValue(JSON.stringify({ target: "q", account: "12345" }))).toEqual({
      ok: false,
      problem: "actions[0].value.account: an AWS account ID (12 digits)",
    });
    expect(decodeButtonValue(JSON.stringify({ target: "q", region: "Ireland" }))).toEqual({
      ok: false,
      problem: "actions[0].value.region: an AWS region code (eu-west-1)",
    });
    // Buttons posted before they carried them still decode.
    expect(decodeButtonValue(JSON.stringify({ target: "q" }))).toEqual({ ok: true, value: { target: "q" } });
  });
});

describe("validateBlockKit", () => {
  const section = (text: string): KnownBlock => ({ type: "section", text: { type: "mrkdwn", text } });
  const button = (text: string, i = 0): Button => ({
    type: "button",
    action_id: `a${i}`,
    text: { type: "plain_text", text },
    value: "v",
  });

  it("accepts a small valid message", () => {
    expect(validateBlockKit({ text: "hi", blocks: [section("hello")] })).toEqual([]);
  });

  it("reports every documented limit it breaks", () => {
    const violations = validateBlockKit({
      text: "",
      blocks: [
        { type: "header", text: { type: "plain_text", text: "h".repeat(151) } },
        { type: "header", text: { type: "mrkdwn", text: "*bold*" } },
        section("s".repeat(3001)),
        { type: "section", fields: Array.from({ length: 11 }, () => ({ type: "mrkdwn", text: "f" })) },
        { type: "context", elements: Array.from({ length: 11 }, () => ({ type: "mrkdwn", text: "c" })) },
        { type: "actions", elements: Array.from({ length: 26 }, (_, i) => button("ok", i)) },
        {
          type: "actions",
          elements: [button("b".repeat(76)), { ...button("dup"), value: "v".repeat(2001) }],
        },
        {
          type: "actions",
          block_id: "same",
          elements: [
            {
              ...button("x"),
              confirm: {
                title: { type: "plain_text", text: "t".repeat(101) },
                text: { type: "plain_text", text: "t".repeat(301) },
                confirm: { type: "plain_text", text: "c".repeat(31) },
                deny: { type: "plain_text", text: "Cancel" },
              },
            },
          ],
        },
        { type: "divider", block_id: "same" },
        { type: "video" } as unknown as KnownBlock,
      ],
    });
    const found = violations.map((v) => `${v.path}: ${v.problem}`);
    expect(found).toEqual([
      "text: fallback text is missing: Slack shows it in notifications and to screen readers",
      "blocks[0].text.text: 151 characters; at most 150",
      "blocks[1].text.type: must be plain_text",
      "blocks[2].text.text: 3001 characters; at most 3000",
      "blocks[3].fields: 11 fields; at most 10",
      "blocks[4].elements: 11 elements; at most 10",
      "blocks[5].elements: 26 elements; at most 25",
      "blocks[6].elements[0].text.text: 76 characters; at most 75",
      "blocks[6].elements[1].value: 2001 characters; at most 2000",
      'blocks[6].elements[1].action_id: "a0" is used twice in the block',
      "blocks[7].elements[0].confirm.title.text: 101 characters; at most 100",
      "blocks[7].elements[0].confirm.text.text: 301 characters; at most 300",
      "blocks[7].elements[0].confirm.confirm.text: 31 characters; at most 30",
      'blocks[8].block_id: "same" is used twice',
      'blocks[9].type: block type "video" is not one this validator checks',
    ]);
  });

  it("counts blocks per message", () => {
    const blocks = Array.from({ length: 51 }, () => section("x"));
    expect(validateBlockKit({ text: "t", blocks })).toEqual([
      { path: "blocks", problem: "51 blocks; at most 50" },
    ]);
  });
});
