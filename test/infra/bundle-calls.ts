/**
 * The AWS APIs each function's bundle can call, as IAM actions. esbuild bundles each handler as the
 * stack does (unminified, so each SDK command module keeps its path comment); the commands it keeps are
 * the ones the handler can reach. test/infra checks the roles allow them; test/policy evaluates them.
 */
import { join } from "node:path";
import { build } from "esbuild";
import { esbuildOptions } from "../../lib/infra/bundling.js";
import type { FunctionSpec } from "../../lib/infra/functions.js";
import { PROJECT_ROOT } from "../../lib/infra/paths.js";

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
  organizations: "organizations",
  iam: "iam",
  sts: "sts",
};

/** Commands whose IAM action is named otherwise, or that the SDK only bundles. */
export function iamAction(client: string, command: string): string | null {
  const prefix = IAM_PREFIX[client];
  if (prefix === undefined) throw new Error(`no IAM prefix known for @aws-sdk/client-${client}`);
  if (prefix === null) return null;
  // API Gateway's management API is authorized by HTTP method on the resource path.
  if (prefix === "apigateway") return command.startsWith("Get") ? "apigateway:GET" : `apigateway:${command}`;
  if (client === "lambda" && command === "Invoke") return "lambda:InvokeFunction";
  // GetCallerIdentity needs no permission.
  if (client === "sts" && command === "GetCallerIdentity") return null;
  // The DynamoDB client carries endpoint discovery, which Watchkeeper never turns on.
  if (client === "dynamodb" && command === "DescribeEndpoints") return null;
  return `${prefix}:${command}`;
}

/** The IAM actions of every SDK command one function's bundle holds. */
export function bundleCalls(spec: FunctionSpec): Promise<string[]> {
  return entryCalls(spec.entry);
}

/** The IAM actions of every SDK command a module (relative to the repository) can reach. */
export async function entryCalls(entry: string): Promise<string[]> {
  const result = await build({
    ...esbuildOptions(join(PROJECT_ROOT, entry), join(PROJECT_ROOT, "dist", "unused.mjs")),
    minify: false,
    metafile: false,
    write: false,
  });
  const text = result.outputFiles![0]!.text;
  // The path comment is relative to the working directory: `node_modules/...`, or `../main/node_modules/...`
  // in a git worktree whose node_modules is a symlink to another checkout's (esbuild follows it).
  const commands = [
    ...text.matchAll(
      /^\/\/ (?:\S*\/)?node_modules\/@aws-sdk\/client-([\w-]+)\/dist-es\/commands\/(\w+)Command\.js$/gm,
    ),
  ];
  return [...new Set(commands.flatMap(([, client, command]) => iamAction(client!, command!) ?? []))];
}
