/**
 * Every IAM statement the stack makes, walked: no write action on "*", no action wildcards, writes
 * limited by Watchkeeper's prefix or the breaker's opt-in, and the conditions that say so.
 */
import type { Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { breakerOptIn } from "../../lib/breaker/facts.js";
import { BREAKER_METRIC_NAMESPACE } from "../../lib/breaker/metrics.js";
import { resolveBreakerPolicy } from "../../lib/breaker/policy.js";
import { BREAKER_TAGS } from "../../lib/breaker/record.js";
import { FINDINGS_NAMESPACE } from "../../lib/findings/metrics.js";
import type { LambdaFunction } from "../../lib/inventory/types.js";
import {
  BREAKER_RECORD_TAGS,
  BREAKER_TAG,
  BREAKER_TAG_ON,
  METRIC_NAMESPACE,
} from "../../lib/infra/permissions.js";
import { TAGS } from "../../lib/policy/tags.js";
import { resourcesOf, templateOf } from "./synth.js";

interface Statement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

const READS_ONLY_ON_ANY =
  "read-only; AWS supports it only on '*' or discovery reads every resource of its kind";
/**
 * The only actions allowed on Resource "*", each with why. Everything else, and every write, must name
 * resources.
 */
const ALLOWED_ON_ANY: Readonly<Record<string, string>> = {
  ...Object.fromEntries(
    [
      "lambda:ListFunctions",
      "lambda:GetFunction",
      "lambda:ListTags",
      "lambda:ListEventSourceMappings",
      "lambda:ListFunctionEventInvokeConfigs",
      "lambda:GetFunctionConcurrency",
      "lambda:GetAccountSettings",
      "sqs:ListQueues",
      "sqs:GetQueueAttributes",
      "sqs:ListQueueTags",
      "kinesis:ListStreams",
      "kinesis:DescribeStreamSummary",
      "kinesis:ListStreamConsumers",
      "dynamodb:ListTables",
      "dynamodb:DescribeTable",
      "states:ListStateMachines",
      "states:DescribeStateMachine",
      "events:ListEventBuses",
      "events:ListRules",
      "events:ListTargetsByRule",
      "sns:ListTopics",
      "sns:ListSubscriptions",
      "sns:GetSubscriptionAttributes",
      "logs:DescribeLogGroups",
      "logs:ListTagsForResource",
      "tag:GetResources",
      "cloudwatch:DescribeAlarms",
      "cloudwatch:ListTagsForResource",
      "cloudwatch:GetMetricData",
      "cloudwatch:ListDashboards",
      "cloudwatch:GetDashboard",
      "cloudwatch:GetMetricWidgetImage",
    ].map((action) => [action, READS_ONLY_ON_ANY]),
  ),
  "cloudwatch:PutMetricData":
    "supports no resource; allowed only with cloudwatch:namespace = Watchkeeper (checked below)",
};

const FULL = {
  prefix: "ops-",
  breaker: { functions: ["payments-consumer"], syncFunctions: ["checkout-api"] },
  slack: {
    secretName: "ops/slack",
    defaultChannel: "C0123ABCD",
    interactive: true,
    allowedUsers: ["U0123ABCD"],
    allowedChannels: ["C0123ABCD"],
  },
};
const { template } = templateOf(FULL);
/** The functions that run runbook actions, with the same bundle and role: on call, and each schedule. */
const RUNBOOK_ROLES = ["runbook-action", "silence-expiry"];
const { template: plain } = templateOf({});

/** Every statement of every policy, with the role it belongs to. */
function statements(template: Template): (Statement & { role: string })[] {
  const policies = resourcesOf(template, "AWS::IAM::Policy");
  return Object.values(policies).flatMap((policy) => {
    const roles = policy.Roles as { Ref: string }[];
    const doc = policy.PolicyDocument as { Statement: Statement[] };
    return doc.Statement.map((statement) => ({ ...statement, role: roles.map((r) => r.Ref).join(",") }));
  });
}

const actionsOf = (s: Statement) => [s.Action].flat();
const resourcesOfStatement = (s: Statement) => [s.Resource].flat();

/** A resolved ARN as text: pseudo parameters as <AWS::X>, other references as <Ref>. */
function flat(value: unknown): string {
  if (typeof value === "string") return value;
  const node = value as Record<string, unknown>;
  if (node["Fn::Join"]) {
    const [delimiter, parts] = node["Fn::Join"] as [string, unknown[]];
    return parts.map(flat).join(delimiter);
  }
  if (node.Ref) return `<${String(node.Ref)}>`;
  if (node["Fn::GetAtt"]) return `<${(node["Fn::GetAtt"] as string[]).join(".")}>`;
  return JSON.stringify(value);
}

function statementsWith(template: Template, action: string): (Statement & { role: string })[] {
  return statements(template).filter((s) => actionsOf(s).includes(action));
}

describe("every IAM statement", () => {
  for (const [name, t] of [
    ["full config", template],
    ["default config", plain],
  ] as const) {
    it(`allows nothing but listed reads on "*", and no action wildcards (${name})`, () => {
      const all = statements(t);
      expect(all.length).toBeGreaterThan(10);
      for (const statement of all) {
        for (const action of actionsOf(statement)) expect(action, statement.Sid).not.toContain("*");
        if (statement.Effect !== "Allow") continue;
        const onAny = resourcesOfStatement(statement).some((r) => r === "*");
        if (!onAny) continue;
        for (const action of actionsOf(statement)) {
          expect(ALLOWED_ON_ANY[action], `${statement.Sid}: ${action} on "*"`).toBeDefined();
          if (action === "cloudwatch:PutMetricData") {
            expect(statement.Condition).toEqual({ StringEquals: { "cloudwatch:namespace": "Watchkeeper" } });
          }
        }
      }
    });
  }

  it("gives every role only inline policies: no managed policies", () => {
    for (const role of Object.values(resourcesOf(template, "AWS::IAM::Role"))) {
      expect(role.ManagedPolicyArns).toBeUndefined();
      expect(role.AssumeRolePolicyDocument).toMatchObject({
        Statement: [{ Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
      });
    }
  });
});

describe("writes", () => {
  /** Function logical id → role logical id, to tell the roles apart by their function's name. */
  const roleOf = (name: string) => {
    const fn = Object.values(resourcesOf(template, "AWS::Lambda::Function")).find(
      (p) => p.FunctionName === `ops-${name}`,
    );
    return (fn!.Role as { "Fn::GetAtt": [string] })["Fn::GetAtt"][0];
  };
  const rolesWith = (action: string, effect = "Allow") =>
    [
      ...new Set(
        statementsWith(template, action)
          .filter((s) => s.Effect === effect)
          .map((s) => s.role),
      ),
    ].sort();

  it("limits every alarm write to alarms named with the prefix", () => {
    const alarmWrites = [
      "cloudwatch:PutMetricAlarm",
      "cloudwatch:DeleteAlarms",
      "cloudwatch:TagResource",
      "cloudwatch:UntagResource",
      "cloudwatch:DisableAlarmActions",
      "cloudwatch:EnableAlarmActions",
      "cloudwatch:SetAlarmState",
    ];
    const found = statements(template).filter((s) => actionsOf(s).some((a) => alarmWrites.includes(a)));
    expect(found.length).toBeGreaterThanOrEqual(4);
    for (const statement of found) {
      // The breaker's record goes only on trip alarms.
      const alarms = statement.Sid === "BreakerRecordOnTripAlarms" ? "ops-breaker-*" : "ops-*";
      expect(resourcesOfStatement(statement).map(flat), statement.Sid).toEqual([
        `arn:<AWS::Partition>:cloudwatch:<AWS::Region>:<AWS::AccountId>:alarm:${alarms}`,
      ]);
    }
    // Who writes alarms: the reconcile and the runbook actions (on call, scheduled); the notifier only tags.
    expect(rolesWith("cloudwatch:PutMetricAlarm")).toEqual(
      ["reconcile", ...RUNBOOK_ROLES].map(roleOf).sort(),
    );
    const notifier = statements(template).filter((s) => s.role === roleOf("notifier"));
    expect(notifier.flatMap(actionsOf).filter((a) => alarmWrites.includes(a))).toEqual([
      "cloudwatch:TagResource",
    ]);
  });

  it("limits dashboard writes to dashboards named with the prefix", () => {
    for (const statement of statementsWith(template, "cloudwatch:PutDashboard")) {
      expect(resourcesOfStatement(statement).map(flat)).toEqual([
        "arn:<AWS::Partition>:cloudwatch::<AWS::AccountId>:dashboard/ops-*",
      ]);
    }
  });

  it("sets retention on the log groups of this account and region only", () => {
    const retention = statementsWith(template, "logs:PutRetentionPolicy");
    expect(retention.map((s) => s.role).sort()).toEqual(
      ["reconcile", "log-retention", ...RUNBOOK_ROLES].map(roleOf).sort(),
    );
    for (const statement of retention) {
      expect(actionsOf(statement)).toEqual(["logs:PutRetentionPolicy"]);
      expect(resourcesOfStatement(statement).map(flat)).toEqual([
        "arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:*",
      ]);
    }
  });

  it("lets the breaker change concurrency only on tag-opted or listed functions, never on Watchkeeper's own", () => {
    const fn = (name: string) =>
      `arn:<AWS::Partition>:lambda:<AWS::Region>:<AWS::AccountId>:function:${name}`;
    const roles = ["breaker", ...RUNBOOK_ROLES].map(roleOf).sort();
    expect(rolesWith("lambda:PutFunctionConcurrency")).toEqual(roles);
    expect(rolesWith("lambda:PutFunctionConcurrency", "Deny")).toEqual(roles);
    for (const role of roles) {
      const concurrency = statementsWith(template, "lambda:PutFunctionConcurrency").filter(
        (s) => s.role === role,
      );
      const allows = concurrency.filter((s) => s.Effect === "Allow");
      expect(allows).toHaveLength(2);
      const tagged = allows.find((s) => s.Condition)!;
      expect(resourcesOfStatement(tagged).map(flat)).toEqual([fn("*")]);
      expect(tagged.Condition).toEqual({
        StringEqualsIgnoreCase: { [`aws:ResourceTag/${BREAKER_TAG}`]: [...BREAKER_TAG_ON] },
      });
      const listed = allows.find((s) => !s.Condition)!;
      expect(resourcesOfStatement(listed).map(flat).sort()).toEqual([
        fn("checkout-api"),
        fn("payments-consumer"),
      ]);
      const deny = concurrency.find((s) => s.Effect === "Deny")!;
      expect(resourcesOfStatement(deny).map(flat)).toEqual([fn("ops-*")]);
      expect(actionsOf(deny).sort()).toEqual(
        ["lambda:DeleteFunctionConcurrency", "lambda:PutFunctionConcurrency", "lambda:UntagResource"].sort(),
      );
    }
  });

  it("lets the breaker write its record only on managed trip alarms, and on functions only remove an old one", () => {
    expect(statementsWith(template, "lambda:TagResource")).toEqual([]);
    const untagging = statementsWith(template, "lambda:UntagResource").filter((s) => s.Effect === "Allow");
    expect(untagging).toHaveLength(6); // tagged and listed functions, in three roles
    const onAlarms = statements(template).filter((s) => s.Sid === "BreakerRecordOnTripAlarms");
    expect(onAlarms).toHaveLength(3);
    for (const statement of [...untagging, ...onAlarms]) {
      expect(statement.Condition?.["ForAllValues:StringLike"]).toEqual({
        "aws:TagKeys": [BREAKER_RECORD_TAGS],
      });
    }
    for (const statement of onAlarms) {
      expect(actionsOf(statement).sort()).toEqual(["cloudwatch:TagResource", "cloudwatch:UntagResource"]);
      expect(statement.Condition?.StringEquals).toEqual({ "aws:ResourceTag/watchkeeper:managed": "true" });
    }
    const pattern = new RegExp(`^${BREAKER_RECORD_TAGS.replace("*", ".*")}$`);
    for (const key of Object.values(BREAKER_TAGS)) expect(key).toMatch(pattern);
    expect(TAGS.breaker).not.toMatch(pattern);
  });

  it("lets the breaker update event source mappings of this account and region, except Watchkeeper's own", () => {
    const mappings = statementsWith(template, "lambda:UpdateEventSourceMapping").filter(
      (s) => s.role === roleOf("breaker"),
    );
    const esm = "arn:<AWS::Partition>:lambda:<AWS::Region>:<AWS::AccountId>:event-source-mapping:*";
    expect(mappings.map((s) => [s.Effect, actionsOf(s), resourcesOfStatement(s).map(flat)])).toEqual([
      ["Allow", ["lambda:UpdateEventSourceMapping"], [esm]],
      ["Deny", ["lambda:UpdateEventSourceMapping"], [esm]],
    ]);
    const deny = mappings.find((s) => s.Effect === "Deny")!;
    expect(Object.keys(deny.Condition!)).toEqual(["ArnLike"]);
    expect(flat(deny.Condition!.ArnLike!["lambda:FunctionArn"])).toBe(
      "arn:<AWS::Partition>:lambda:<AWS::Region>:<AWS::AccountId>:function:ops-*",
    );
  });

  it("reads the Slack secret by name, only in the functions that talk to Slack, and none without Slack", () => {
    // runbook-action answers handed-off clicks; the scheduled functions run its bundle with its role.
    expect(rolesWith("secretsmanager:GetSecretValue")).toEqual(
      ["notifier", "slack-interactions", ...RUNBOOK_ROLES].map(roleOf).sort(),
    );
    for (const statement of statements(template).filter((s) =>
      actionsOf(s).some((a) => a.startsWith("secretsmanager:")),
    )) {
      expect(actionsOf(statement)).toEqual(["secretsmanager:GetSecretValue"]);
      expect(resourcesOfStatement(statement).map(flat)).toEqual([
        "arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:ops/slack-??????",
      ]);
    }
    expect(
      statements(plain)
        .flatMap(actionsOf)
        .filter((a) => a.startsWith("secretsmanager:")),
    ).toEqual([]);
  });

  it("redrives only within this account and region", () => {
    for (const statement of statementsWith(template, "sqs:StartMessageMoveTask")) {
      expect(resourcesOfStatement(statement).map(flat)).toEqual([
        "arn:<AWS::Partition>:sqs:<AWS::Region>:<AWS::AccountId>:*",
      ]);
    }
    for (const statement of statementsWith(template, "lambda:InvokeFunction").filter(
      (s) => s.role !== roleOf("slack-interactions"),
    )) {
      expect(resourcesOfStatement(statement).map(flat)).toEqual([
        "arn:<AWS::Partition>:lambda:<AWS::Region>:<AWS::AccountId>:function:*",
      ]);
    }
    expect(rolesWith("sqs:StartMessageMoveTask")).toEqual(RUNBOOK_ROLES.map(roleOf).sort());
  });

  it("decrypts state machine definitions only through Step Functions, in the roles that reconcile", () => {
    const viaStates = statements(template).filter(
      (s) => s.Sid === "StateMachineDefinitionKeys" && s.Effect === "Allow",
    );
    expect([...new Set(viaStates.map((s) => s.role))].sort()).toEqual(
      ["reconcile", ...RUNBOOK_ROLES].map(roleOf).sort(),
    );
    for (const statement of viaStates) {
      expect(actionsOf(statement)).toEqual(["kms:Decrypt"]);
      expect(resourcesOfStatement(statement).map(flat)).toEqual([
        "arn:<AWS::Partition>:kms:<AWS::Region>:<AWS::AccountId>:key/*",
      ]);
      const condition = statement.Condition as { StringEquals: Record<string, unknown> };
      expect(Object.keys(condition)).toEqual(["StringEquals"]);
      expect(Object.keys(condition.StringEquals)).toEqual(["kms:ViaService"]);
      expect(flat(condition.StringEquals["kms:ViaService"])).toBe("states.<AWS::Region>.amazonaws.com");
    }
    // The reconcile role uses no key through any other service.
    const reconcileKeys = statements(template).filter(
      (s) => s.role === roleOf("reconcile") && actionsOf(s).some((a) => a.startsWith("kms:")),
    );
    expect(reconcileKeys.map((s) => s.Sid)).toEqual(["StateMachineDefinitionKeys"]);
  });

  it("lets the breaker send to the hints queue and its own DLQ, and to no other queue", () => {
    const breaker = statements(template).filter((s) => s.role === roleOf("breaker"));
    const sqsWrites = breaker.filter((s) =>
      actionsOf(s).some((a) => a.startsWith("sqs:") && !ALLOWED_ON_ANY[a]),
    );
    expect(sqsWrites.map((s) => [s.Effect, actionsOf(s).sort(), resourcesOfStatement(s).map(flat)])).toEqual(
      expect.arrayContaining([
        [
          "Allow",
          ["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SendMessage"],
          [expect.stringMatching(/^<Hints[0-9A-F]{8}\.Arn>$/)],
        ],
        ["Allow", ["sqs:SendMessage"], [expect.stringMatching(/^<BreakerDeadLetters.*\.Arn>$/)]],
      ]),
    );
    expect(sqsWrites).toHaveLength(2);
    // What the hints grant does not give: reading or deleting hints, or sending anywhere else.
    for (const action of ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:StartMessageMoveTask"])
      expect(rolesWith(action), action).not.toContain(roleOf("breaker"));
    expect(breaker.flatMap(actionsOf).filter((a) => a.startsWith("kms:"))).toEqual([]);
  });

  it("lets the internet-facing slack-interactions only read the Slack secret and invoke runbook-action", () => {
    const own = statements(template).filter((s) => s.role === roleOf("slack-interactions"));
    // Its logs and DLQ, the Slack secret (and the key that decrypts it), the hand-off: nothing else.
    expect([...new Set(own.flatMap(actionsOf))].sort()).toEqual(
      [
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "sqs:SendMessage",
        "secretsmanager:GetSecretValue",
        "lambda:InvokeFunction",
        ...(own.some((s) => actionsOf(s).includes("kms:Decrypt")) ? ["kms:Decrypt"] : []),
      ].sort(),
    );
    expect(own.every((s) => s.Effect === "Allow")).toBe(true);
    const invoke = own.filter((s) => actionsOf(s).includes("lambda:InvokeFunction"));
    expect(invoke.map((s) => [s.Sid, actionsOf(s), resourcesOfStatement(s).map(flat)])).toEqual([
      [
        "HandOffToRunbookAction",
        ["lambda:InvokeFunction"],
        ["arn:<AWS::Partition>:lambda:<AWS::Region>:<AWS::AccountId>:function:ops-runbook-action"],
      ],
    ]);
    const sends = own.filter((s) => actionsOf(s).includes("sqs:SendMessage"));
    expect(sends.flatMap(resourcesOfStatement).map(flat)).toEqual([
      expect.stringMatching(/^<SlackInteractionsDeadLetters.*\.Arn>$/),
    ]);
    for (const action of [
      "lambda:PutFunctionConcurrency",
      "cloudwatch:PutMetricAlarm",
      "cloudwatch:DisableAlarmActions",
      "sqs:ReceiveMessage",
      "sqs:DeleteMessage",
      "sqs:StartMessageMoveTask",
    ]) {
      expect(rolesWith(action), action).not.toContain(roleOf("slack-interactions"));
    }
  });
});

describe("the conditions agree with the code they guard", () => {
  it("the opt-in values IAM accepts are exactly those lib/breaker opts in", () => {
    expect(BREAKER_TAG).toBe(TAGS.breaker);
    const policy = resolveBreakerPolicy({});
    const fn = (value: string) =>
      ({ name: "f", tags: { [BREAKER_TAG]: value } }) as unknown as LambdaFunction;
    for (const value of BREAKER_TAG_ON) {
      expect(breakerOptIn(fn(value), policy).optedIn, value).toBe(true);
      expect(breakerOptIn(fn(value.toUpperCase()), policy).optedIn, value).toBe(true);
    }
    for (const value of ["off", "false", "no", "0", "maybe", "enabled"]) {
      expect(breakerOptIn(fn(value), policy).optedIn, value).toBe(false);
    }
  });

  it("PutMetricData's namespace is the one Watchkeeper publishes to", () => {
    expect(METRIC_NAMESPACE).toBe(FINDINGS_NAMESPACE);
    expect(METRIC_NAMESPACE).toBe(BREAKER_METRIC_NAMESPACE);
  });
});
