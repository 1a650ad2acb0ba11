/**
 * The synthesized stack: functions, triggers and their exact event patterns, the hints queue, the alarm
 * topic, and what Watchkeeper watches of itself. One synthesis per config, shared by the tests.
 */
import { Match, type Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { HEALTH_NAMESPACE, RUN_PROBLEMS_METRIC } from "../../lib/reconcile/health.js";
import { HINTS_QUEUE_VARIABLE as RECONCILE_HINTS_VARIABLE } from "../../functions/reconcile.js";
import { HINTS_QUEUE_VARIABLE as SENDER_HINTS_VARIABLE } from "../../lib/reconcile/hints.js";
import { configFromEnvironment } from "../../functions/runtime.js";
import { parseStoredConfig } from "../../lib/config/deployed.js";
import { CONFIG_VERSION, CONFIG_VERSION_VARIABLE } from "../../lib/config/stored.js";
import { CONFIG_VARIABLE, HINTS_QUEUE_VARIABLE } from "../../lib/infra/deployment.js";
import { FUNCTIONS, RUNBOOK_FUNCTION_VARIABLE } from "../../lib/infra/functions.js";
import { RUNBOOK_FUNCTION_VARIABLE as HANDLER_RUNBOOK_VARIABLE } from "../../functions/slack-interactions.js";
import { resourcesOf, templateOf } from "./synth.js";

const CONFIG = {
  prefix: "ops-",
  schedule: { reconcileEveryMinutes: 15 },
  retention: { defaultDays: 14, rules: [{ prefix: "/aws/lambda/ops-", days: 90 }] },
  breaker: { functions: ["payments-consumer"], autoReset: true },
  slack: {
    secretName: "ops/slack",
    defaultChannel: "C0123ABCD",
    interactive: true,
    allowedUsers: ["U0123ABCD", "U0456EFGH"],
    allowedChannels: ["C0123ABCD"],
  },
  redrive: { auto: true },
};

const { template } = templateOf(CONFIG);
/** With Slack interactive, every function of the table is built. */
const ALL = FUNCTIONS.map((spec) => spec.name);
/** The functions whose only asynchronous events are schedules: no DLQ, stale events dropped. */
const STALE_AFTER = FUNCTIONS.filter((spec) => spec.staleAfter).map((spec) => spec.name);
const functions = resourcesOf(template, "AWS::Lambda::Function");
const rules = resourcesOf(template, "AWS::Events::Rule");

function functionNamed(name: string): [string, Record<string, unknown>] {
  const found = Object.entries(functions).find(([, p]) => p.FunctionName === name);
  if (!found)
    throw new Error(`no function ${name}; have ${Object.values(functions).map((p) => p.FunctionName)}`);
  return found;
}

function ruleNamed(name: string): Record<string, unknown> {
  const found = Object.values(rules).find((p) => p.Name === name);
  if (!found) throw new Error(`no rule ${name}; have ${Object.values(rules).map((p) => p.Name)}`);
  return found;
}

/** The logical id a rule's (single) target points at. */
function targetOf(rule: Record<string, unknown>): string {
  const targets = rule.Targets as { Arn: { "Fn::GetAtt": [string, string] } }[];
  expect(targets).toHaveLength(1);
  return targets[0]!.Arn["Fn::GetAtt"][0];
}

/** WATCHKEEPER_CONFIG as a function would read it, with the stack's tokens given values. */
function deployedConfig(template: Template, logicalId: string) {
  const value = (
    resourcesOf(template, "AWS::Lambda::Function")[logicalId]!.Environment as {
      Variables: Record<string, unknown>;
    }
  ).Variables[CONFIG_VARIABLE];
  const text =
    typeof value === "string"
      ? value
      : (value as { "Fn::Join": [string, unknown[]] })["Fn::Join"][1]
          .map((part) => (typeof part === "string" ? part : "arn:aws:sns:eu-west-1:123456789012:ops-alarms"))
          .join("");
  return { text, config: configFromEnvironment({ [CONFIG_VARIABLE]: text }) };
}

describe("functions", () => {
  it("builds every function of the table: current Node runtime, arm64, ES module bundle, X-Ray off", () => {
    expect(
      Object.values(functions)
        .map((p) => p.FunctionName)
        .sort(),
    ).toEqual(ALL.map((name) => `ops-${name}`).sort());
    expect([...ALL].sort()).toEqual(
      [
        "auto-redrive",
        "breaker",
        "log-retention",
        "notifier",
        "reconcile",
        "runbook-action",
        "silence-expiry",
        "slack-interactions",
      ].sort(),
    );
    for (const props of Object.values(functions)) {
      expect(props).toMatchObject({
        Runtime: "nodejs24.x",
        Architectures: ["arm64"],
        Handler: "index.handler",
      });
      expect(props.TracingConfig).toBeUndefined();
    }
  });

  it("runs one reconcile at a time, for up to 15 minutes, and one breaker decision at a time", () => {
    expect(functionNamed("ops-reconcile")[1]).toMatchObject({
      ReservedConcurrentExecutions: 1,
      Timeout: 900,
    });
    expect(functionNamed("ops-breaker")[1]).toMatchObject({ ReservedConcurrentExecutions: 1, Timeout: 300 });
    expect(functionNamed("ops-log-retention")[1].ReservedConcurrentExecutions).toBeUndefined();
  });

  it("runs each schedule of runbook actions in its own function, one run at a time, and never holds back on-call actions", () => {
    // A schedule never overlaps itself; on-call actions (runbook-action) never wait for a schedule.
    expect(functionNamed("ops-silence-expiry")[1]).toMatchObject({
      ReservedConcurrentExecutions: 1,
      Timeout: 300,
    });
    expect(functionNamed("ops-auto-redrive")[1]).toMatchObject({
      ReservedConcurrentExecutions: 1,
      Timeout: 900,
    });
    expect(functionNamed("ops-runbook-action")[1].ReservedConcurrentExecutions).toBeUndefined();
    const scheduled = Object.values(rules)
      .filter((r) => r.ScheduleExpression)
      .flatMap((r) =>
        (r.Targets as { Arn: { "Fn::GetAtt": [string] } }[]).map((t) => t.Arn["Fn::GetAtt"][0]),
      );
    expect(scheduled).not.toContain(functionNamed("ops-runbook-action")[0]);
  });

  it("keeps the audit logs of the actions people and schedules ran when the stack is deleted", () => {
    const groups = template.findResources("AWS::Logs::LogGroup");
    const retained = Object.values(groups)
      .filter((g) => (g as { DeletionPolicy?: string }).DeletionPolicy === "Retain")
      .map((g) => (g as { Properties: { LogGroupName: string } }).Properties.LogGroupName)
      .sort();
    expect(retained).toEqual(
      ["auto-redrive", "runbook-action", "silence-expiry", "slack-interactions"].map(
        (n) => `/aws/lambda/ops-${n}`,
      ),
    );
  });

  it("hands every function the config as written, with the alarm topic; Slack functions their settings, no secret", () => {
    const variables = (name: string) =>
      (functionNamed(`ops-${name}`)[1].Environment as { Variables: Record<string, unknown> }).Variables;
    for (const name of ["log-retention", "runbook-action", "silence-expiry", "auto-redrive"]) {
      expect(Object.keys(variables(name))).toEqual([CONFIG_VARIABLE, CONFIG_VERSION_VARIABLE]);
    }
    for (const name of ["reconcile", "breaker"]) {
      expect(Object.keys(variables(name))).toEqual([
        CONFIG_VARIABLE,
        CONFIG_VERSION_VARIABLE,
        HINTS_QUEUE_VARIABLE,
      ]);
    }
    expect(variables("notifier")).toEqual({
      [CONFIG_VARIABLE]: expect.anything(),
      [CONFIG_VERSION_VARIABLE]: String(CONFIG_VERSION),
      SLACK_SECRET_ID: "ops/slack",
      SLACK_INTERACTIVE: "true",
      SLACK_DEFAULT_CHANNEL: "C0123ABCD",
      ALARM_PREFIX: "ops-",
      RUNBOOK_BASE_URL: expect.stringMatching(/^https:\/\/.+\/$/),
    });
    expect(variables("slack-interactions")).toEqual({
      [CONFIG_VARIABLE]: expect.anything(),
      [CONFIG_VERSION_VARIABLE]: String(CONFIG_VERSION),
      SLACK_SECRET_ID: "ops/slack",
      SLACK_ALLOWED_USERS: "U0123ABCD,U0456EFGH",
      SLACK_ALLOWED_CHANNELS: "C0123ABCD",
      [RUNBOOK_FUNCTION_VARIABLE]: "ops-runbook-action",
    });
    expect(RUNBOOK_FUNCTION_VARIABLE).toBe(HANDLER_RUNBOOK_VARIABLE);
    for (const [id] of Object.entries(functions)) {
      const { config, text } = deployedConfig(template, id);
      expect(config.prefix).toBe("ops-");
      expect(config.retention.defaultDays).toBe(14);
      expect(config.breaker).toMatchObject({
        functions: ["payments-consumer"],
        autoReset: true,
        prefix: "ops-",
      });
      expect(config.slack?.secretName).toBe("ops/slack");
      expect(config.alarms.notificationTopicArn).toBe("arn:aws:sns:eu-west-1:123456789012:ops-alarms");
      expect(JSON.parse(text)).not.toHaveProperty("targets");
    }
  });

  it("stores the config in the reconcile function where the CLI reads it, with this code's version stamp", () => {
    const [id, reconcile] = functionNamed("ops-reconcile");
    const stored = (reconcile.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(stored[CONFIG_VERSION_VARIABLE]).toBe(String(CONFIG_VERSION));
    const { text } = deployedConfig(template, id);
    const { version, config } = parseStoredConfig(
      { [CONFIG_VARIABLE]: text, [CONFIG_VERSION_VARIABLE]: String(stored[CONFIG_VERSION_VARIABLE]) },
      "ops-reconcile",
    );
    expect(version).toBe(CONFIG_VERSION);
    expect(config).toMatchObject({
      prefix: "ops-",
      schedule: { reconcileEveryMinutes: 15 },
      retention: { defaultDays: 14 },
      redrive: { auto: true, maxPerDay: 3 },
    });
    expect(config.alarms.notificationTopicArn).toBe("arn:aws:sns:eu-west-1:123456789012:ops-alarms");
  });

  it("gives each function its own log group with the retention the reconcile would set", () => {
    const groups = Object.values(resourcesOf(template, "AWS::Logs::LogGroup"));
    // The rule for /aws/lambda/ops- wins over the default, as in the reconcile's own plan.
    expect(groups.map((g) => [g.LogGroupName, g.RetentionInDays]).sort()).toEqual(
      ALL.map((name) => [`/aws/lambda/ops-${name}`, 90]).sort(),
    );
    for (const [, props] of Object.entries(functions)) {
      expect(props.LoggingConfig).toMatchObject({ LogGroup: { Ref: expect.stringMatching(/Logs/) } });
    }
  });

  it("sends failed asynchronous invocations to a DLQ per function; nothing that must not run twice is retried", () => {
    const queues = resourcesOf(template, "AWS::SQS::Queue");
    for (const name of ALL.filter((n) => !STALE_AFTER.includes(n))) {
      const [, props] = functionNamed(`ops-${name}`);
      const dlq = (props.DeadLetterConfig as { TargetArn: { "Fn::GetAtt": [string] } }).TargetArn[
        "Fn::GetAtt"
      ][0];
      expect(queues[dlq]).toMatchObject({ QueueName: `ops-${name}-dlq`, SqsManagedSseEnabled: true });
    }
    const nameOf = (ref: unknown) => functions[(ref as { Ref: string }).Ref]!.FunctionName;
    const retries = Object.fromEntries(
      Object.values(resourcesOf(template, "AWS::Lambda::EventInvokeConfig")).map((c) => [
        nameOf(c.FunctionName),
        c.MaximumRetryAttempts,
      ]),
    );
    expect(retries).toEqual({
      "ops-reconcile": 0,
      "ops-log-retention": 2,
      "ops-breaker": 2,
      "ops-runbook-action": 0,
      "ops-silence-expiry": 0,
      "ops-auto-redrive": 0,
      "ops-notifier": 2,
      "ops-slack-interactions": 0,
    });
  });

  it("drops a scheduled event that waited (throttled) past its schedule's period instead of sending it to a DLQ", () => {
    const ages = Object.fromEntries(
      Object.values(resourcesOf(template, "AWS::Lambda::EventInvokeConfig")).map((c) => [
        functions[(c.FunctionName as { Ref: string }).Ref]!.FunctionName,
        c.MaximumEventAgeInSeconds,
      ]),
    );
    expect(ages).toMatchObject({
      "ops-reconcile": 15 * 60,
      "ops-silence-expiry": 5 * 60,
      "ops-auto-redrive": 15 * 60,
      "ops-runbook-action": 3600,
    });
    for (const name of STALE_AFTER) {
      expect(functionNamed(`ops-${name}`)[1].DeadLetterConfig, name).toBeUndefined();
    }
    // Lambda keeps an asynchronous event at most 6 hours: a daily reconcile's events expire then.
    const daily = templateOf({ schedule: { reconcileEveryMinutes: 1440 } }).template;
    daily.hasResourceProperties("AWS::Lambda::EventInvokeConfig", {
      FunctionName: { Ref: Match.stringLikeRegexp("^Reconcile") },
      MaximumEventAgeInSeconds: 21600,
    });
  });
});

describe("triggers", () => {
  it("runs the reconcile on the configured schedule", () => {
    const rule = ruleNamed("ops-reconcile-schedule");
    expect(rule.ScheduleExpression).toBe("rate(15 minutes)");
    expect(targetOf(rule)).toBe(functionNamed("ops-reconcile")[0]);
  });

  it("sends resource-created CloudTrail events to the hints queue, with exact patterns", () => {
    const expected: Record<string, [string, string, string[]]> = {
      function: ["aws.lambda", "lambda.amazonaws.com", ["CreateFunction20150331"]],
      queue: ["aws.sqs", "sqs.amazonaws.com", ["CreateQueue"]],
      stream: ["aws.kinesis", "kinesis.amazonaws.com", ["CreateStream"]],
      table: ["aws.dynamodb", "dynamodb.amazonaws.com", ["CreateTable"]],
      api: [
        "aws.apigateway",
        "apigateway.amazonaws.com",
        ["CreateRestApi", "ImportRestApi", "CreateApi", "ImportApi"],
      ],
      "state-machine": ["aws.states", "states.amazonaws.com", ["CreateStateMachine"]],
      topic: ["aws.sns", "sns.amazonaws.com", ["CreateTopic"]],
    };
    const hints = Object.entries(resourcesOf(template, "AWS::SQS::Queue")).find(
      ([, q]) => q.QueueName === "ops-resource-created-hints",
    )![0];
    for (const [kind, [source, eventSource, eventNames]] of Object.entries(expected)) {
      const rule = ruleNamed(`ops-created-${kind}`);
      expect(rule.EventPattern).toEqual({
        source: [source],
        "detail-type": ["AWS API Call via CloudTrail"],
        detail: { eventSource: [eventSource], eventName: eventNames, errorCode: [{ exists: false }] },
      });
      expect(targetOf(rule)).toBe(hints);
    }
    const createdRules = Object.values(rules).filter((r) => String(r.Name).startsWith("ops-created-"));
    expect(createdRules).toHaveLength(Object.keys(expected).length + 1);
  });

  it("reads the hints queue in batches, so a burst of deployments makes one run", () => {
    template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      FunctionName: { Ref: functionNamed("ops-reconcile")[0] },
      EventSourceArn: { "Fn::GetAtt": [Match.stringLikeRegexp("^Hints"), "Arn"] },
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 120,
    });
    template.resourceCountIs("AWS::Lambda::EventSourceMapping", 1);
    template.hasResourceProperties("AWS::SQS::Queue", {
      QueueName: "ops-resource-created-hints",
      MessageRetentionPeriod: 86400,
      VisibilityTimeout: 5400,
      SqsManagedSseEnabled: true,
      RedrivePolicy: { maxReceiveCount: 10, deadLetterTargetArn: Match.anyValue() },
    });
  });

  it("lets the reconcile and the breaker ask for a reconcile run on the hints queue, and tells them where", () => {
    const hints = Object.entries(resourcesOf(template, "AWS::SQS::Queue")).find(
      ([, q]) => q.QueueName === "ops-resource-created-hints",
    )![0];
    expect(HINTS_QUEUE_VARIABLE).toBe(RECONCILE_HINTS_VARIABLE);
    expect(HINTS_QUEUE_VARIABLE).toBe(SENDER_HINTS_VARIABLE);
    const statementsOf = (fn: Record<string, unknown>) => {
      const role = (fn.Role as { "Fn::GetAtt": [string, string] })["Fn::GetAtt"][0];
      return Object.values(resourcesOf(template, "AWS::IAM::Policy"))
        .filter((policy) => (policy.Roles as { Ref: string }[]).some((r) => r.Ref === role))
        .flatMap((policy) => (policy.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement);
    };
    const onHints = (fn: Record<string, unknown>) =>
      statementsOf(fn).filter(
        (s) => JSON.stringify(s.Resource) === JSON.stringify({ "Fn::GetAtt": [hints, "Arn"] }),
      );
    const senders = ["ops-reconcile", "ops-breaker"].map((name) => functionNamed(name));
    for (const [, fn] of senders) {
      const variables = (fn.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(variables[HINTS_QUEUE_VARIABLE]).toEqual({ Ref: hints });
      expect(onHints(fn)).toContainEqual(
        expect.objectContaining({ Effect: "Allow", Action: expect.arrayContaining(["sqs:SendMessage"]) }),
      );
    }
    // The breaker only sends (the reconcile also receives and deletes, as the queue's reader).
    expect(onHints(senders[1]![1]).map((s) => [s.Effect, [s.Action].flat().sort()])).toEqual([
      ["Allow", ["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SendMessage"]],
    ]);
    // No other function is told of it or may send to it.
    const ids = new Set(senders.map(([id]) => id));
    for (const [id, fn] of Object.entries(functions)) {
      if (ids.has(id)) continue;
      expect(Object.keys((fn.Environment as { Variables: object }).Variables)).not.toContain(
        HINTS_QUEUE_VARIABLE,
      );
      expect(JSON.stringify(statementsOf(fn))).not.toContain(hints);
    }
  });

  it("sends CreateLogGroup straight to the log-retention function", () => {
    const rule = ruleNamed("ops-created-log-group");
    expect(rule.EventPattern).toEqual({
      source: ["aws.logs"],
      "detail-type": ["AWS API Call via CloudTrail"],
      detail: {
        eventSource: ["logs.amazonaws.com"],
        eventName: ["CreateLogGroup"],
        errorCode: [{ exists: false }],
      },
    });
    expect(targetOf(rule)).toBe(functionNamed("ops-log-retention")[0]);
  });

  it("sends only the breaker's trip alarms' state changes to the breaker, and evaluates it every 5 minutes", () => {
    const alarms = ruleNamed("ops-breaker-alarms");
    expect(alarms.EventPattern).toEqual({
      source: ["aws.cloudwatch"],
      "detail-type": ["CloudWatch Alarm State Change"],
      detail: { alarmName: [{ prefix: "ops-breaker-" }] },
    });
    expect(targetOf(alarms)).toBe(functionNamed("ops-breaker")[0]);
    const schedule = ruleNamed("ops-breaker-schedule");
    expect(schedule.ScheduleExpression).toBe("rate(5 minutes)");
    expect(targetOf(schedule)).toBe(functionNamed("ops-breaker")[0]);
  });
});

describe("runbook actions, notifications and the Slack endpoint", () => {
  it("expires silences every 5 minutes and runs the opt-in auto-redrive when redrive.auto is on", () => {
    const expiry = functionNamed("ops-silence-expiry")[0];
    const autoRedrive = functionNamed("ops-auto-redrive")[0];
    const expire = ruleNamed("ops-silence-expiry-schedule");
    expect(expire.ScheduleExpression).toBe("rate(5 minutes)");
    expect(expire.Targets).toEqual([
      expect.objectContaining({
        Arn: { "Fn::GetAtt": [expiry, "Arn"] },
        Input: '{"action":"expire-silences"}',
      }),
    ]);
    const redrive = ruleNamed("ops-auto-redrive-schedule");
    expect(redrive.ScheduleExpression).toBe("rate(15 minutes)");
    expect(redrive.Targets).toEqual([
      expect.objectContaining({
        Arn: { "Fn::GetAtt": [autoRedrive, "Arn"] },
        Input: '{"action":"dlq-auto-redrive"}',
      }),
    ]);
    const off = Object.values(resourcesOf(templateOf({}).template, "AWS::Events::Rule")).map((r) => r.Name);
    expect(off).toContain("watchkeeper-silence-expiry-schedule");
    expect(off).not.toContain("watchkeeper-auto-redrive-schedule");
  });

  it("subscribes the notifier to the alarm topic", () => {
    template.hasResourceProperties("AWS::SNS::Subscription", {
      Protocol: "lambda",
      TopicArn: { Ref: Match.stringLikeRegexp("^AlarmTopic") },
      Endpoint: { "Fn::GetAtt": [functionNamed("ops-notifier")[0], "Arn"] },
    });
    template.resourceCountIs("AWS::SNS::Subscription", 1);
  });

  it("serves Slack interactions from a Function URL without IAM auth (the handler checks Slack's signature)", () => {
    template.hasResourceProperties("AWS::Lambda::Url", {
      AuthType: "NONE",
      TargetFunctionArn: { "Fn::GetAtt": [functionNamed("ops-slack-interactions")[0], "Arn"] },
    });
    template.resourceCountIs("AWS::Lambda::Url", 1);
    // Anyone may call the URL, but nobody may invoke the function directly: a direct invoke is how it
    // starts the actions it has checked (functions/slack-interactions.ts).
    const publicGrants = Object.values(resourcesOf(template, "AWS::Lambda::Permission")).filter(
      (p) => p.Principal === "*",
    );
    expect(publicGrants).toEqual([
      expect.objectContaining({ Action: "lambda:InvokeFunctionUrl", FunctionUrlAuthType: "NONE" }),
      expect.objectContaining({ Action: "lambda:InvokeFunction", InvokedViaFunctionUrl: true }),
    ]);
    expect(Object.keys(template.findOutputs("*"))).toEqual(
      expect.arrayContaining(["AlarmTopicArn", "SlackInteractionsUrl"]),
    );
  });

  it("Slack off: no notifier, no endpoint, no secret permission; Slack without buttons: no endpoint", () => {
    const off = templateOf({}).template;
    const names = (t: Template) =>
      Object.values(resourcesOf(t, "AWS::Lambda::Function")).map((p) =>
        String(p.FunctionName).replace("watchkeeper-", ""),
      );
    expect(names(off).sort()).toEqual([
      "breaker",
      "log-retention",
      "reconcile",
      "runbook-action",
      "silence-expiry",
    ]);
    off.resourceCountIs("AWS::Lambda::Url", 0);
    off.resourceCountIs("AWS::SNS::Subscription", 0);
    expect(JSON.stringify(off.toJSON())).not.toContain("secretsmanager:");
    const quiet = templateOf({ slack: { secretName: "ops/slack" } }).template;
    expect(names(quiet)).toContain("notifier");
    expect(names(quiet)).not.toContain("slack-interactions");
    quiet.resourceCountIs("AWS::Lambda::Url", 0);
  });
});

describe("alarm topic", () => {
  it("creates the topic when the config names none, TLS only", () => {
    template.hasResourceProperties("AWS::SNS::Topic", { TopicName: "ops-alarms" });
    template.hasResourceProperties("AWS::SNS::TopicPolicy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
        ]),
      },
    });
  });

  it("uses an existing topic as it is", () => {
    const topic = "arn:aws:sns:eu-west-1:123456789012:oncall";
    const existing = templateOf({ alarms: { notificationTopicArn: topic } }).template;
    existing.resourceCountIs("AWS::SNS::Topic", 0);
    const alarms = Object.values(resourcesOf(existing, "AWS::CloudWatch::Alarm"));
    expect(alarms.length).toBeGreaterThan(0);
    for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([topic]);
    const [id] = Object.keys(resourcesOf(existing, "AWS::Lambda::Function"));
    expect(deployedConfig(existing, id!).config.alarms.notificationTopicArn).toBe(topic);
  });
});

describe("it watches itself", () => {
  const alarms = Object.values(resourcesOf(template, "AWS::CloudWatch::Alarm"));
  const byName = new Map(alarms.map((a) => [a.AlarmName as string, a]));

  it("alarms on each function's errors and each DLQ's depth, named with the prefix, notifying the topic", () => {
    const names = [
      ...ALL.map((name) => `ops-self-${name}-errors`),
      ...ALL.filter((name) => !STALE_AFTER.includes(name)).map((name) => `ops-self-${name}-dlq-depth`),
      "ops-self-resource-created-hints-dlq-depth",
      "ops-self-reconcile-incomplete",
      "ops-self-reconcile-not-running",
    ];
    expect([...byName.keys()].sort()).toEqual(names.sort());
    for (const alarm of alarms.filter((a) => a.AlarmName !== "ops-self-reconcile-not-running")) {
      expect(alarm).toMatchObject({
        Threshold: 1,
        ComparisonOperator: "GreaterThanOrEqualToThreshold",
        TreatMissingData: "notBreaching",
        AlarmActions: [{ Ref: expect.stringMatching(/^AlarmTopic/) }],
        OKActions: [{ Ref: expect.stringMatching(/^AlarmTopic/) }],
      });
    }
    expect(byName.get("ops-self-reconcile-errors")).toMatchObject({
      Namespace: "AWS/Lambda",
      MetricName: "Errors",
      Statistic: "Sum",
      Dimensions: [{ Name: "FunctionName", Value: { Ref: functionNamed("ops-reconcile")[0] } }],
    });
    expect(byName.get("ops-self-resource-created-hints-dlq-depth")).toMatchObject({
      Namespace: "AWS/SQS",
      MetricName: "ApproximateNumberOfMessagesVisible",
      Dimensions: [
        {
          Name: "QueueName",
          Value: { "Fn::GetAtt": [expect.stringMatching(/^HintsDeadLetters/), "QueueName"] },
        },
      ],
    });
  });

  it("pages when no reconcile run in two schedule periods read everything and made every change", () => {
    // The metric the reconcile Lambda publishes each run (functions/reconcile.ts), 0 for a clean run.
    expect(byName.get("ops-self-reconcile-incomplete")).toMatchObject({
      Namespace: HEALTH_NAMESPACE,
      MetricName: RUN_PROBLEMS_METRIC,
      Statistic: "Minimum",
      Period: 15 * 60,
      EvaluationPeriods: 2,
      Threshold: 1,
    });
  });

  it("pages when no reconcile run finished in two schedule periods: missing data breaches", () => {
    // The reconcile publishes one ReconcileProblems datum per run, clean or not.
    expect(byName.get("ops-self-reconcile-not-running")).toMatchObject({
      Namespace: HEALTH_NAMESPACE,
      MetricName: RUN_PROBLEMS_METRIC,
      Statistic: "SampleCount",
      Period: 15 * 60,
      EvaluationPeriods: 2,
      Threshold: 1,
      ComparisonOperator: "LessThanThreshold",
      TreatMissingData: "breaching",
      AlarmActions: [{ Ref: expect.stringMatching(/^AlarmTopic/) }],
    });
    // An alarm may look back one day: a schedule longer than 12 hours is watched over one day.
    for (const [every, period, periods] of [
      [60, 3600, 2],
      [720, 43200, 2],
      [721, 86400, 1],
      [1440, 86400, 1],
    ] as const) {
      const alarm = Object.values(
        resourcesOf(
          templateOf({ schedule: { reconcileEveryMinutes: every } }).template,
          "AWS::CloudWatch::Alarm",
        ),
      ).find((a) => a.AlarmName === "watchkeeper-self-reconcile-not-running");
      expect(alarm, String(every)).toMatchObject({ Period: period, EvaluationPeriods: periods });
      expect((alarm!.Period as number) * (alarm!.EvaluationPeriods as number)).toBeLessThanOrEqual(86400);
    }
  });

  it("never names its own alarms like a breaker trip alarm", () => {
    for (const name of byName.keys()) expect(name.startsWith("ops-breaker-")).toBe(false);
  });
});
