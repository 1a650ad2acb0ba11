/**
 * From config to stacks: a bad config fails synthesis naming the field (in the app and through the
 * real `cdk synth`), targets make one stack per account and region, and the functions read the config
 * the way functions/runtime.ts does.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Template } from "aws-cdk-lib/assertions";
import { afterAll, describe, expect, it } from "vitest";
import { CONFIG_VARIABLE as RUNTIME_CONFIG_VARIABLE } from "../../functions/runtime.js";
import { ConfigError } from "../../lib/config/schema.js";
import { CONFIG_VERSION_VARIABLE } from "../../lib/config/stored.js";
import {
  CONFIG_VARIABLE,
  HINTS_QUEUE_VARIABLE,
  STACK_NAME,
  planDeployment,
} from "../../lib/infra/deployment.js";
import { PROJECT_ROOT } from "../../lib/infra/paths.js";
import { buildApp, resourcesOf, templateOf } from "./synth.js";

const dir = mkdtempSync(join(tmpdir(), "watchkeeper-deploy-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function rejection(input: unknown, defaults?: { region: string }): string {
  try {
    buildApp(input, defaults ? { defaults: { account: "111111111111", ...defaults } } : {});
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected the config to be rejected");
}

describe("a bad config fails synthesis, naming the field", () => {
  it("names config values the schema rejects", () => {
    expect(rejection({ schedule: { reconcileEveryMinutes: 2 } })).toMatch(
      /^watchkeeper\.config\.json is not valid:\n {2}schedule\.reconcileEveryMinutes: /,
    );
    expect(rejection({ breaker: { maxTripsPerHour: -1 } })).toMatch(/breaker\.maxTripsPerHour: /);
    expect(rejection({ slack: { secretName: "s", interactive: true } })).toMatch(
      /slack\.allowedUsers: interactive actions need at least one allowed Slack user ID/,
    );
  });

  it("refuses a secret in the config: Slack secrets are named, never written", () => {
    expect(
      rejection({ slack: { secretName: "s", webhookUrl: "https://hooks.slack.com/services/T/B/X" } }),
    ).toMatch(/slack: unknown setting "webhookUrl"/);
  });

  it("names a prefix the deployed resources cannot carry", () => {
    expect(rejection({ prefix: "ops.team-" })).toMatch(
      /prefix: deployed functions, queues and trip alarms are named with it/,
    );
    expect(rejection({ prefix: "x".repeat(33) })).toMatch(/prefix: /);
  });

  it("names a prefix that would widen every IAM name scope: too short, or without a trailing separator", () => {
    // "ops" scopes function:ops*, and the breaker's Deny on it would block a customer's opsgenie-forwarder.
    for (const prefix of ["ops", "o-", "ops-team"]) {
      expect(rejection({ prefix }), prefix).toMatch(
        /^watchkeeper\.config\.json is not valid:\n {2}prefix: .*ending with - or _/,
      );
    }
    for (const prefix of ["ops-", "ab_", "watchkeeper-"])
      expect(() => buildApp({ prefix }), prefix).not.toThrow();
  });

  it("names a config too large for the functions' environment", () => {
    const critical = Array.from(
      { length: 80 },
      (_, i) => `arn:aws:sqs:eu-west-1:123456789012:queue-number-${i}`,
    );
    expect(rejection({ alarms: { critical } })).toMatch(
      /\(top level\): the functions read the config from an environment variable, and Lambda allows 4096 bytes of them; this config needs about \d+\. Largest: alarms \d+ bytes/,
    );
  });

  it("names a target listed twice", () => {
    const targets = [
      { account: "123456789012", regions: ["eu-west-1"] },
      { account: "123456789012", regions: ["eu-west-1"] },
    ];
    expect(rejection({ targets })).toMatch(/targets: Watchkeeper-123456789012-eu-west-1 is listed twice/);
  });

  it("fails `cdk synth` itself with the message, before any bundling", () => {
    const file = join(dir, "bad.json");
    writeFileSync(file, JSON.stringify({ retention: { defaultDays: 45 } }));
    const synth = spawnSync(
      join(PROJECT_ROOT, "node_modules", ".bin", "cdk"),
      ["synth", "--quiet", "-c", `config=${file}`, "-o", join(dir, "cdk.out")],
      { cwd: PROJECT_ROOT, encoding: "utf8", env: { ...process.env, CDK_VALIDATION: "false" } },
    );
    expect(synth.status).not.toBe(0);
    expect(synth.stderr).toContain(
      `${file} is not valid:\n  retention.defaultDays: retention 45 is not valid`,
    );
    expect(synth.stderr).not.toContain("Bundling asset");
  }, 60_000);
});

describe("stacks", () => {
  it("makes one stack per target account and region, each in its environment", () => {
    const { stacks } = buildApp({
      targets: [
        { account: "111111111111", regions: ["eu-west-1", "us-east-1"] },
        { account: "222222222222", regions: ["ap-southeast-2"] },
      ],
    });
    expect(stacks.map((s) => [s.artifactId, s.stackName, s.account, s.region])).toEqual([
      ["Watchkeeper-111111111111-eu-west-1", "Watchkeeper", "111111111111", "eu-west-1"],
      ["Watchkeeper-111111111111-us-east-1", "Watchkeeper", "111111111111", "us-east-1"],
      ["Watchkeeper-222222222222-ap-southeast-2", "Watchkeeper", "222222222222", "ap-southeast-2"],
    ]);
  });

  it("names the stack alike with and without targets, so switching updates the stack already there", () => {
    const here = { account: "333333333333", region: "eu-north-1" };
    const before = buildApp({}, { defaults: here }).stacks;
    const after = buildApp(
      { targets: [{ account: here.account, regions: [here.region] }] },
      { defaults: here },
    ).stacks;
    expect(before.map((s) => [s.stackName, s.account, s.region])).toEqual([
      [STACK_NAME, here.account, here.region],
    ]);
    expect(after.map((s) => [s.stackName, s.account, s.region])).toEqual([
      [STACK_NAME, here.account, here.region],
    ]);
  });
});

describe("alarm topics, one per region", () => {
  const targets = [{ account: "111111111111", regions: ["eu-west-1", "us-east-1"] }];
  const topic = (region: string, name = "oncall") => `arn:aws:sns:${region}:111111111111:${name}`;

  it("refuses a top-level topic in another region than a target's, naming the field and the fix", () => {
    expect(rejection({ alarms: { notificationTopicArn: topic("eu-west-1") }, targets })).toBe(
      "watchkeeper.config.json is not valid:\n  alarms.notificationTopicArn: arn:aws:sns:eu-west-1:111111111111:oncall " +
        "is in eu-west-1, but the stack for us-east-1 needs a topic in us-east-1 (CloudWatch alarms notify topics " +
        "in their own region only): add one for us-east-1 to the target's notificationTopicArns, or remove " +
        "alarms.notificationTopicArn to let each stack create watchkeeper-alarms",
    );
    expect(
      rejection({ alarms: { notificationTopicArn: topic("eu-west-1") } }, { region: "us-east-1" }),
    ).toMatch(/alarms\.notificationTopicArn: .* the stack for us-east-1 needs a topic in us-east-1/);
  });

  it("gives each stack the topic in its own region: the target's, else the top-level one there", () => {
    const { stacks } = buildApp({
      alarms: { notificationTopicArn: topic("eu-west-1") },
      targets: [{ ...targets[0]!, notificationTopicArns: [topic("us-east-1", "oncall-us")] }],
    });
    const actionsOf = (stack: (typeof stacks)[number]) => [
      ...new Set(
        Object.values(resourcesOf(Template.fromStack(stack), "AWS::CloudWatch::Alarm")).flatMap((a) =>
          JSON.stringify(a.AlarmActions),
        ),
      ),
    ];
    expect(stacks.map(actionsOf)).toEqual([
      [JSON.stringify([topic("eu-west-1")])],
      [JSON.stringify([topic("us-east-1", "oncall-us")])],
    ]);
    // Without any topic each stack creates its own, in its region.
    for (const stack of buildApp({ targets }).stacks) {
      Template.fromStack(stack).resourceCountIs("AWS::SNS::Topic", 1);
    }
  });

  it("refuses a target topic outside the target's regions, or two for one region", () => {
    expect(
      rejection({ targets: [{ ...targets[0]!, notificationTopicArns: [topic("ap-south-1")] }] }),
    ).toMatch(
      /targets\[0\]\.notificationTopicArns\[0\]: .* is in ap-south-1, which is not one of this target's regions \(eu-west-1, us-east-1\)/,
    );
    expect(
      rejection({
        targets: [{ ...targets[0]!, notificationTopicArns: [topic("us-east-1"), topic("us-east-1", "b")] }],
      }),
    ).toMatch(/targets\[0\]\.notificationTopicArns\[1\]: a second topic for us-east-1/);
  });

  it("without targets: the CLI's account and region when it has them, else environment-agnostic", () => {
    const here = planDeployment(
      { input: {}, source: "c" },
      { account: "333333333333", region: "eu-north-1" },
    );
    expect(here.stacks).toEqual([
      { id: "Watchkeeper", env: { account: "333333333333", region: "eu-north-1" } },
    ]);
    expect(planDeployment({ input: {}, source: "c" }, { region: "eu-north-1" }).stacks).toEqual([
      { id: "Watchkeeper" },
    ]);
    const { stack, template } = templateOf({});
    expect(stack.resolve(stack.region)).toEqual({ Ref: "AWS::Region" });
    expect(stack.resolve(stack.account)).toEqual({ Ref: "AWS::AccountId" });
    // Offline: no context lookups were needed.
    expect(Object.keys(template.toJSON().Resources).length).toBeGreaterThan(20);
  });

  it("hands the functions the config as written, less targets", () => {
    const input = {
      prefix: "ops-",
      retention: { defaultDays: 14 },
      targets: [{ account: "111111111111", regions: ["eu-west-1"] }],
    };
    expect(planDeployment({ input, source: "c" }).functionConfig).toEqual({
      prefix: "ops-",
      retention: { defaultDays: 14 },
    });
    const { stacks } = buildApp(input);
    const functions = resourcesOf(Template.fromStack(stacks[0]!), "AWS::Lambda::Function");
    expect(Object.keys(functions).length).toBeGreaterThan(0);
    for (const fn of Object.values(functions)) {
      const variables = (fn.Environment as { Variables: Record<string, unknown> }).Variables;
      // Besides the config and its version, only the functions that ask for reconcile runs get a
      // variable: the hints queue (the reconcile reads it and hints its next run; the breaker hints it).
      expect(Object.keys(variables)).toEqual(
        fn.FunctionName === "ops-reconcile" || fn.FunctionName === "ops-breaker"
          ? [RUNTIME_CONFIG_VARIABLE, CONFIG_VERSION_VARIABLE, HINTS_QUEUE_VARIABLE]
          : [RUNTIME_CONFIG_VARIABLE, CONFIG_VERSION_VARIABLE],
      );
    }
    expect(CONFIG_VARIABLE).toBe(RUNTIME_CONFIG_VARIABLE);
  });
});
