/**
 * Helpers for tests that run against the shared moto server started by `global-setup.ts`.
 *
 * Isolation rule: test files run in parallel against ONE moto server, and moto keeps state per
 * account and region. So every test file uses its own region, claimed in the table below, and
 * never calls moto's `/moto-api/reset` (it would wipe the other files' resources mid-test).
 * Resource names only need to be unique within a file. IAM is global in moto, so roles are shared:
 * `motoLambdaRole` is idempotent and every file may call it.
 *
 * | region         | test file                                   |
 * |----------------|---------------------------------------------|
 * | eu-west-1      | test/inventory/discover.moto.test.ts        |
 * | eu-west-2      | test/inventory/discover-errors.moto.test.ts |
 * | ap-southeast-2 | test/moto/moto.test.ts                      |
 * | ap-northeast-3 | test/logs/apply.moto.test.ts                |
 * | ap-east-1      | test/logs/handler.test.ts                   |
 * | sa-east-1      | test/findings/findings.moto.test.ts         |
 * | ca-central-1   | test/dashboards/apply.moto.test.ts          |
 * | us-west-2      | test/notify/secrets.moto.test.ts            |
 * | eu-south-1     | test/breaker/breaker.moto.test.ts           |
 * | eu-north-1     | test/dlq/async.moto.test.ts                 |
 * | eu-central-1   | test/actions/actions.moto.test.ts           |
 * | ap-south-1     | test/moto/fault-proxy.moto.test.ts          |
 * | ap-northeast-1 | test/safety/soak.moto.test.ts               |
 * | us-east-2      | test/cli/first-hour.moto.test.ts            |
 * | ap-southeast-1 | test/alarms/lint.moto.test.ts               |
 * | eu-west-3      | test/alarms/apply.moto.test.ts              |
 * | us-west-1      | test/backtest/backtest.moto.test.ts         |
 * | ap-northeast-2 | test/backtest/backtest.moto.test.ts (empty) |
 *
 * Unclaimed: eu-central-2, ap-southeast-3, ca-west-1 (moto 5.2.1 answers inventory there; not
 * eu-south-2, where its tagging GetResources fails). us-east-1 is left to code that falls back to the
 * default region. Claim one here when adding a moto test file.
 */
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from "@aws-sdk/client-eventbridge";
import { CreateFunctionCommand, LambdaClient, type CreateFunctionCommandInput } from "@aws-sdk/client-lambda";
import { inject } from "vitest";
import { Aws, type AwsOptions } from "../../lib/aws/index.js";

/** moto's default account: what STS GetCallerIdentity returns for any credentials. */
export const MOTO_ACCOUNT_ID = "123456789012";

export const MOTO_CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" } as const;

/** Base URL of the shared moto server. */
export function motoEndpoint(): string {
  return inject("motoEndpoint");
}

/** An `Aws` pointed at moto in `region` (the region claimed by the calling test file). */
export function motoAws(region: string, options: Partial<Omit<AwsOptions, "region" | "endpoint">> = {}): Aws {
  return new Aws({ credentials: MOTO_CREDENTIALS, ...options, region, endpoint: motoEndpoint() });
}

const LAMBDA_ROLE_NAME = "watchkeeper-test-lambda";
const LAMBDA_TRUST_POLICY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

/** A rule on the default bus that sends events matching `source` to one target (id "target"). */
export async function createMotoRule(
  aws: Aws,
  name: string,
  source: string,
  targetArn: string,
): Promise<void> {
  const events = aws.client(EventBridgeClient);
  await events.send(new PutRuleCommand({ Name: name, EventPattern: JSON.stringify({ source: [source] }) }));
  await events.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: "target", Arn: targetArn }] }));
}

/**
 * An IAM role that moto accepts in CreateFunction (moto rejects roles it does not hold).
 * Watchkeeper never calls IAM, so `lib/aws` has no IAM client: this is one raw query-protocol
 * request, signed with a dummy SigV4 header only so moto routes it to IAM (moto does not verify it).
 */
export async function motoLambdaRole(endpoint = motoEndpoint()): Promise<string> {
  const arn = `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/${LAMBDA_ROLE_NAME}`;
  const body = new URLSearchParams({
    Action: "CreateRole",
    Version: "2010-05-08",
    RoleName: LAMBDA_ROLE_NAME,
    AssumeRolePolicyDocument: LAMBDA_TRUST_POLICY,
  });
  const response = await fetch(endpoint, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization:
        "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0",
    },
    body,
  });
  const text = await response.text();
  if (!response.ok && !text.includes("EntityAlreadyExists")) {
    throw new Error(`moto IAM CreateRole failed (${response.status}): ${text}`);
  }
  return arn;
}

/** A function as the moto tests seed them: Node.js, the test role, the one-line handler; `extra` adds the rest. */
export function createMotoFunction(
  aws: Aws,
  role: string,
  name: string,
  extra: Partial<CreateFunctionCommandInput> = {},
) {
  return aws.client(LambdaClient).send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: "nodejs20.x",
      Role: role,
      Handler: "index.handler",
      Code: { ZipFile: lambdaZip() },
      ...extra,
    }),
  );
}

/** A minimal zip holding `index.js`, enough for moto's CreateFunction (moto never runs it here). */
export function lambdaZip(): Uint8Array {
  return zipOneFile("index.js", "exports.handler = async () => ({ ok: true });\n");
}

/** A stored (uncompressed) single-file zip archive. */
function zipOneFile(name: string, content: string): Uint8Array {
  const nameBytes = Buffer.from(name, "utf8");
  const data = Buffer.from(content, "utf8");
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  const centralOffset = local.length + nameBytes.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + nameBytes.length, 12);
  end.writeUInt32LE(centralOffset, 16);
  return Buffer.concat([local, nameBytes, data, central, nameBytes, end]);
}

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}
