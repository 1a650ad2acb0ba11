/**
 * Every AWS API a function's bundle can call is allowed by that function's role. esbuild bundles each
 * handler as the stack does (unminified, so each SDK command module keeps its path comment); the
 * commands it keeps are the ones the handler can reach, and each must map to an allowed IAM action.
 * A helper adding a call without the permission fails here, not with AccessDenied in an account.
 */
import { join } from "node:path";
import { build } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";
import { esbuildOptions } from "../../lib/infra/bundling.js";
import { FUNCTIONS } from "../../lib/infra/functions.js";
import { PROJECT_ROOT } from "../../lib/infra/paths.js";
import { resourcesOf, templateOf } from "./synth.js";

/** SDK client package (after `@aws-sdk/client-`) → IAM service prefix; null: needs no permission. */
const IAM_PREFIX: Readonly<Record<string, string | null>> = {
  lambda: "lambda",
  sqs: "sqs",
  kinesis: "kinesis",
  dynamodb: "dynamodb",
  "api-gateway": "apigateway",
  apigatewayv2: "apigateway",
  sfn: "states",
  eventbridge: "events",
  sns: "sns",
  "cloudwatch-logs": "logs",
  cloudwatch: "cloudwatch",
  "resource-groups-tagging-api": "tag",
  "secrets-manager": "secretsmanager",
  // GetCallerIdentity needs no permission.
  sts: null,
};

/** Commands whose IAM action is named otherwise, or that the SDK only bundles. */
function iamAction(client: string, command: string): string | null {
  const prefix = IAM_PREFIX[client];
  if (prefix === undefined) throw new Error(`no IAM prefix known for @aws-sdk/client-${client}`);
  if (prefix === null) return null;
  // API Gateway's management API is authorized by HTTP method on the resource path.
  if (prefix === "apigateway") return command.startsWith("Get") ? "apigateway:GET" : `apigateway:${command}`;
  if (client === "lambda" && command === "Invoke") return "lambda:InvokeFunction";
  // The DynamoDB client carries endpoint discovery, which Watchkeeper never turns on.
  if (client === "dynamodb" && command === "DescribeEndpoints") return null;
  return `${prefix}:${command}`;
}

const CONFIG = {
  slack: {
    secretName: "ops/slack",
    interactive: true,
    allowedUsers: ["U0123ABCD"],
    allowedChannels: ["C0123ABCD"],
  },
  redrive: { auto: true },
};

const calls = new Map<string, string[]>();

beforeAll(async () => {
  for (const spec of FUNCTIONS) {
    const result = await build({
      ...esbuildOptions(join(PROJECT_ROOT, spec.entry), join(PROJECT_ROOT, "dist", "unused.mjs")),
      minify: false,
      metafile: false,
      write: false,
    });
    const text = result.outputFiles![0]!.text;
    const commands = [
      ...text.matchAll(
        /^\/\/ node_modules\/@aws-sdk\/client-([\w-]+)\/dist-es\/commands\/(\w+)Command\.js$/gm,
      ),
    ];
    calls.set(spec.name, [
      ...new Set(commands.flatMap(([, client, command]) => iamAction(client!, command!) ?? [])),
    ]);
  }
}, 120_000);

const { template } = templateOf(CONFIG);
const functions = resourcesOf(template, "AWS::Lambda::Function");
const policies = Object.values(resourcesOf(template, "AWS::IAM::Policy"));

/** The actions a function's role allows (on any resource, under any condition). */
function allowed(name: string): Set<string> {
  const fn = Object.values(functions).find((p) => p.FunctionName === `watchkeeper-${name}`);
  const role = (fn!.Role as { "Fn::GetAtt": [string] })["Fn::GetAtt"][0];
  return new Set(
    policies
      .filter((p) => (p.Roles as { Ref: string }[]).some((r) => r.Ref === role))
      .flatMap(
        (p) => (p.PolicyDocument as { Statement: { Effect: string; Action: string | string[] }[] }).Statement,
      )
      .filter((s) => s.Effect === "Allow")
      .flatMap((s) => [s.Action].flat()),
  );
}

describe("every API a function can call is allowed", () => {
  for (const spec of FUNCTIONS) {
    it(spec.name, () => {
      const needed = calls.get(spec.name)!;
      expect(needed.length).toBeGreaterThan(0);
      const granted = allowed(spec.name);
      expect(needed.filter((action) => !granted.has(action))).toEqual([]);
    });
  }

  it("sees the calls that matter (the scan finds commands at all)", () => {
    expect(calls.get("log-retention")).toEqual(
      expect.arrayContaining(["logs:DescribeLogGroups", "logs:PutRetentionPolicy", "lambda:GetFunction"]),
    );
    expect(calls.get("breaker")).toEqual(
      expect.arrayContaining(["lambda:PutFunctionConcurrency", "lambda:UpdateEventSourceMapping"]),
    );
    expect(calls.get("notifier")).toContain("secretsmanager:GetSecretValue");
    expect(calls.get("reconcile")).not.toContain("lambda:PutFunctionConcurrency");
  });
});
