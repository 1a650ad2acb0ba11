/**
 * The runbook actions over the real wire: the CLI (in-process, `--endpoint` at moto) and the
 * runbook-action handler (real SDK clients at moto), the state read back from moto. Region
 * eu-central-1 belongs to this file (see test/moto/moto.ts).
 *
 * What moto (5.2) covers here: PutEvents on the default bus, delivered by a rule on source "watchkeeper"
 * to a queue (the audit events, read back from it); DescribeAlarms (by name, prefix and state), PutMetricAlarm with
 * ActionsEnabled, Tag/UntagResource and ListTagsForResource on alarms, SetAlarmState; log groups and
 * PutRetentionPolicy; functions with reserved concurrency and tags, and their trip alarms (the breaker
 * keeps its record on their tags); queues with a redrive policy (a DLQ and its depth).
 * NOT in moto: Disable/EnableAlarmActions (NotImplementedError), so a silence cannot complete here: the
 * tests read silences over the wire and check that a failed DisableAlarmActions is reported and its
 * recorded end taken back; silencing, unsilencing and lifting are asserted on lib/sim. Nor message move
 * tasks (ListMessageMoveTasks, StartMessageMoveTask): the redrive and the running-redrives part of
 * `status` are asserted on lib/sim (test/functions/runbook-action.sim.test.ts, test/cli/actions.test.ts);
 * here `status` must still answer, with that part reported as unreadable.
 */
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  ListTagsForResourceCommand,
  PutMetricAlarmCommand,
  SetAlarmStateCommand,
} from "@aws-sdk/client-cloudwatch";
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DescribeLogGroupsCommand,
  PutRetentionPolicyCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import {
  CreateFunctionCommand,
  GetFunctionConcurrencyCommand,
  LambdaClient,
  PutFunctionConcurrencyCommand,
} from "@aws-sdk/client-lambda";
import {
  CreateQueueCommand,
  ReceiveMessageCommand,
  SQSClient,
  SendMessageCommand,
} from "@aws-sdk/client-sqs";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { createRunbookActionHandler, type RunbookActionResponse } from "../../functions/runbook-action.js";
import type { ActionResult, OnCallStatus } from "../../lib/actions/index.js";
import type { Aws } from "../../lib/aws/index.js";
import { parseConfig } from "../../lib/config/index.js";
import { TAGS } from "../../lib/policy/tags.js";
import { runMain } from "../cli/capture.js";
import { createMotoRule, lambdaZip, motoAws, motoEndpoint, motoLambdaRole } from "../moto/moto.js";
import { createTripAlarms, tripAlarmRecord } from "../support/breaker.js";
import { capturingLogger } from "../support/logs.js";
import { ERRORS_ALARM } from "../support/sim.js";

const REGION = "eu-central-1";
const MANAGED = "watchkeeper-lambda-errors";
const HANDMADE = "watchkeeper-handmade";

let aws: Aws;
const where = () => ["--endpoint", motoEndpoint(), "--region", REGION];
const { logger, lines } = capturingLogger();
const handle = createRunbookActionHandler({
  aws: () => aws,
  config: () => parseConfig({}, "test config"),
  logger,
});

function answered(response: RunbookActionResponse): ActionResult {
  if (!("action" in response)) throw new Error(`rejected: ${response.error}`);
  return response;
}

async function alarmState(name: string) {
  const cloudwatch = aws.client(CloudWatchClient);
  const alarm = (await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [name] }))).MetricAlarms![0]!;
  const tags = (await cloudwatch.send(new ListTagsForResourceCommand({ ResourceARN: alarm.AlarmArn }))).Tags;
  return {
    actionsEnabled: alarm.ActionsEnabled,
    tags: Object.fromEntries((tags ?? []).map((t) => [t.Key!, t.Value!])),
  };
}

async function putAlarm(name: string, tags: Record<string, string>, actionsEnabled = true): Promise<void> {
  await aws.client(CloudWatchClient).send(
    new PutMetricAlarmCommand({
      AlarmName: name,
      ActionsEnabled: actionsEnabled,
      ...ERRORS_ALARM,
      AlarmActions: [`arn:aws:sns:${REGION}:123456789012:oncall`],
      Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    }),
  );
}

beforeAll(async () => {
  aws = motoAws(REGION);
  await putAlarm(MANAGED, { "watchkeeper:managed": "true" });
  await putAlarm(HANDMADE, { team: "orders" });
  await aws
    .client(CloudWatchLogsClient)
    .send(new CreateLogGroupCommand({ logGroupName: "/aws/lambda/orders" }));
  const lambda = aws.client(LambdaClient);
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: "checkout",
      Runtime: "nodejs20.x",
      Role: await motoLambdaRole(),
      Handler: "index.handler",
      Code: { ZipFile: lambdaZip() },
      Tags: { "watchkeeper:breaker": "sync" },
    }),
  );
  await lambda.send(
    new PutFunctionConcurrencyCommand({ FunctionName: "checkout", ReservedConcurrentExecutions: 5 }),
  );
  const sqs = aws.client(SQSClient);
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: "orders-dlq" }));
  await sqs.send(
    new CreateQueueCommand({
      QueueName: "orders",
      Attributes: {
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: `arn:aws:sqs:${REGION}:123456789012:orders-dlq`,
          maxReceiveCount: 3,
        }),
      },
    }),
  );
  for (const n of [1, 2])
    await sqs.send(new SendMessageCommand({ QueueUrl: dlq.QueueUrl, MessageBody: `{"n":${n}}` }));
  // What a hub's forwarding rule would match, delivered to a queue this file can read back.
  auditQueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: "audit-events" }))).QueueUrl!;
  await createMotoRule(aws, "audit-events", "watchkeeper", `arn:aws:sqs:${REGION}:123456789012:audit-events`);
});

let auditQueueUrl: string;

/** The audit events the rule delivered so far, as their `detail`. */
async function auditEvents(): Promise<unknown[]> {
  const received = await aws
    .client(SQSClient)
    .send(new ReceiveMessageCommand({ QueueUrl: auditQueueUrl, MaxNumberOfMessages: 10 }));
  return (received.Messages ?? []).map((m) => (JSON.parse(m.Body!) as { detail: unknown }).detail);
}

describe("silences over the real wire", () => {
  it("the CLI reads ownership over the wire; moto has no DisableAlarmActions, so it reports the failure and takes the recorded end back", async () => {
    const run = await runMain(["silence", MANAGED, "--for", "2h", ...where()]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^watchkeeper: not silenced: DisableAlarmActions on watchkeeper-lambda-errors failed \(.*\); the recorded end was removed again\n$/,
    );
    expect(await alarmState(MANAGED)).toEqual({
      actionsEnabled: true,
      tags: { "watchkeeper:managed": "true" },
    });
  });

  it("the handler refuses an alarm without the managed tag, and changes nothing", async () => {
    const refused = answered(await handle({ action: "alarm-silence", alarm: HANDMADE, minutes: 30 }));
    expect(refused).toMatchObject({ ok: false, outcome: "refused" });
    expect(refused.text).toMatch(/lacks the tag watchkeeper:managed=true/);
    expect(await alarmState(HANDMADE)).toEqual({ actionsEnabled: true, tags: { team: "orders" } });
  });

  it("status and expire-silences read silences (actions off, the end tagged) over the wire", async () => {
    const hour = 3_600_000;
    await putAlarm(
      "watchkeeper-silenced-running",
      {
        "watchkeeper:managed": "true",
        [TAGS.silencedUntil]: new Date(Date.now() + hour).toISOString(),
        [TAGS.silencedBy]: "user:dave",
      },
      false,
    );
    await putAlarm(
      "watchkeeper-silenced-ended",
      {
        "watchkeeper:managed": "true",
        [TAGS.silencedUntil]: new Date(Date.now() - hour).toISOString(),
      },
      false,
    );
    const status = await runMain(["status", ...where()]);
    // moto lacks ListMessageMoveTasks: the status says so first and exits 3 (partial).
    expect(status.code, status.stderr).toBe(3);
    expect(status.stdout).toMatch(
      /Could not read everything: what is shown below is partial\n {2}! move tasks of /,
    );
    expect(status.stdout).toMatch(
      /\nSilenced alarms: 2\n {2}watchkeeper-silenced-ended {2}ended .*\n {2}watchkeeper-silenced-running {2}until .* \((59|60) min left\), by user:dave\n/,
    );
    const dry = answered(await handle({ action: "expire-silences", dryRun: true }));
    expect(dry).toMatchObject({
      ok: true,
      outcome: "dry-run",
      text: "would lift 1 ended silence (watchkeeper-silenced-ended); 1 still running",
    });
  });
});

describe("retention and the breaker over the real wire", () => {
  it("the CLI sets a log group's retention; the handler names a bad value", async () => {
    const run = await runMain(["retention", "set", "/aws/lambda/orders", "--days", "14", ...where()]);
    expect(run.code, run.stderr).toBe(0);
    const groups = await aws
      .client(CloudWatchLogsClient)
      .send(new DescribeLogGroupsCommand({ logGroupNamePrefix: "/aws/lambda/orders" }));
    expect(groups.logGroups?.[0]?.retentionInDays).toBe(14);
    expect(await handle({ action: "retention-set", logGroup: "/aws/lambda/orders", days: 10 })).toEqual({
      ok: false,
      error: expect.stringMatching(/^event\.days: retention 10 is not valid/),
    });
  });

  it("the CLI refuses a group tagged watchkeeper:ignore or under excludePrefixes, naming it; --force sets it", async () => {
    const logs = aws.client(CloudWatchLogsClient);
    const retentionOf = async (name: string) =>
      (await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }))).logGroups?.find(
        (g) => g.logGroupName === name,
      )?.retentionInDays;
    await logs.send(
      new CreateLogGroupCommand({ logGroupName: "/keep/audit", tags: { [TAGS.ignore]: "true" } }),
    );
    await logs.send(new PutRetentionPolicyCommand({ logGroupName: "/keep/audit", retentionInDays: 3653 }));
    await logs.send(new CreateLogGroupCommand({ logGroupName: "/vendor/feed" }));
    const config = join(mkdtempSync(join(tmpdir(), "wk-retention-")), "watchkeeper.config.json");
    writeFileSync(config, JSON.stringify({ retention: { excludePrefixes: ["/vendor/"] } }));

    const ignored = await runMain(["retention", "set", "/keep/audit", "--days", "1", "--yes", ...where()]);
    expect(ignored.code).toBe(1);
    expect(ignored.stderr).toContain(
      "log group /keep/audit is excluded by the tag watchkeeper:ignore=true on the group: not changed; pass --force",
    );
    expect(await retentionOf("/keep/audit")).toBe(3653);
    const excluded = await runMain([
      "retention",
      "set",
      "/vendor/feed",
      "--days",
      "7",
      "--yes",
      "--config",
      config,
      ...where(),
    ]);
    expect(excluded.code).toBe(1);
    expect(excluded.stderr).toContain('is excluded by retention.excludePrefixes "/vendor/": not changed');
    expect(await retentionOf("/vendor/feed")).toBeUndefined();

    const forced = await runMain([
      "retention",
      "set",
      "/keep/audit",
      "--days",
      "1",
      "--force",
      "--yes",
      ...where(),
    ]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(await retentionOf("/keep/audit")).toBe(1);
  });

  it("the handler trips a function (reserved concurrency 0), the CLI resets it to exactly 5", async () => {
    const lambda = aws.client(LambdaClient);
    await createTripAlarms(aws);
    const tripped = answered(
      await handle({
        action: "breaker-trip",
        function: "checkout",
        reason: "load test",
        actor: "user:carol",
      }),
    );
    expect(tripped).toMatchObject({ ok: true, outcome: "done" });
    expect(
      (await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: "checkout" })))
        .ReservedConcurrentExecutions,
    ).toBe(0);
    expect(await tripAlarmRecord(aws, "checkout")).toMatchObject({
      "watchkeeper:breaker-state": "open",
      "watchkeeper:breaker-previous": "5",
      "watchkeeper:breaker-by": "user:carol",
    });
    const reset = await runMain(["breaker", "reset", "checkout", "--yes", ...where()]);
    expect(reset.code, reset.stderr).toBe(0);
    expect(
      (await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: "checkout" })))
        .ReservedConcurrentExecutions,
    ).toBe(5);
    expect((await tripAlarmRecord(aws, "checkout"))["watchkeeper:breaker-state"]).toBeUndefined();
    expect(lines.filter((l) => l.audit === "watchkeeper-action" && l.action === "breaker-trip")).toEqual([
      expect.objectContaining({ actor: "user:carol", target: "checkout", dryRun: false, outcome: "done" }),
    ]);
    // Each change also went over the wire to the default bus, and a rule on source "watchkeeper" got it
    // (with the failed silences of the tests above: a try is audited too).
    const change = { target: "checkout", dryRun: false, outcome: "done" };
    const events = (await auditEvents()) as { target: string }[];
    expect(events.filter((e) => e.target === "checkout")).toEqual([
      { ...change, actor: "user:carol", action: "breaker-trip" },
      { ...change, actor: expect.stringMatching(/^user:/), action: "breaker-reset" },
    ]);
  });
});

describe("status and DLQs over the real wire", () => {
  it("status lists the alarm in ALARM and the DLQ holding messages, and says what it could not read", async () => {
    await aws
      .client(CloudWatchClient)
      .send(new SetAlarmStateCommand({ AlarmName: HANDMADE, StateValue: "ALARM", StateReason: "test" }));
    await aws
      .client(CloudWatchClient)
      .send(new SetAlarmStateCommand({ AlarmName: MANAGED, StateValue: "ALARM", StateReason: "test" }));
    const run = await runMain(["status", "--json", ...where()]);
    expect(run.code, run.stderr).toBe(3);
    const status = (JSON.parse(run.stdout) as ActionResult).details as OnCallStatus;
    // Both carry the prefix; only the name is read here, as every alarm in ALARM is listed.
    expect(status.alarms.watchkeeper.map((a) => a.name)).toEqual([MANAGED, HANDMADE].sort());
    expect(status.dlqs.map((d) => [d.queue.name, d.depth])).toEqual([["orders-dlq", 2]]);
    expect(status.warnings).toEqual([expect.stringMatching(/^move tasks of orders-dlq could not be read: /)]);
  });

  it("dlq list shows the DLQ, its source and its depth", async () => {
    const run = await runMain(["dlq", "list", ...where()]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(
      "1 dead-letter queue, 1 holding messages:\n  orders-dlq: 2 messages from queue orders; redrive with a message move task\n",
    );
  });
});
