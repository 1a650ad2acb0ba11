/**
 * Transcripts of the first hour on call, run as a user would (the built CLI, a process, argv, env): what
 * an AWS failure, a mistyped region or profile, and a request for help print, and the exit code.
 */
import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFaultProxy, type FaultProxy } from "../support/fault-proxy.js";
import { motoAws, motoEndpoint } from "../moto/moto.js";
import { bareEnvironment, buildCli, runCli, type CliResult } from "./run-cli.js";

const REGION = "us-east-2";
const CREDENTIALS = { AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" };
const NOT_AWS = "with something that is not an AWS response (a proxy, load balancer or emulator page)";

let cli: string;
beforeAll(async () => {
  const built = await buildCli();
  cli = built.bundle;
  return built.remove;
});

const watchkeeper = (args: readonly string[], env = bareEnvironment(CREDENTIALS)): Promise<CliResult> =>
  runCli(cli, args, env);

/** A server on loopback answering every request with an HTML page, as a proxy or load balancer does. */
async function htmlServer(status: number): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      response.writeHead(status, { "content-type": "text/html" });
      response.end(`<html>\n<body><h1>${status}</h1>\n</body>\n</html>\n`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return { url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`, server };
}

describe("an AWS failure is one line naming the call", () => {
  const servers: Server[] = [];
  afterAll(() => Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve)))));

  it("status against an endpoint that answers 404 pages", async () => {
    const { url, server } = await htmlServer(404);
    servers.push(server);
    const result = await watchkeeper(["status", "--region", REGION, "--endpoint", url]);
    expect(result).toEqual({
      code: 1,
      stdout: "",
      stderr: `watchkeeper: cloudwatch DescribeAlarms failed: the endpoint answered HTTP 404 ${NOT_AWS}\n`,
    });
  });

  it("inventory behind a load balancer answering 502", async () => {
    const { url, server } = await htmlServer(502);
    servers.push(server);
    const result = await watchkeeper(["inventory", "--region", REGION, "--endpoint", url]);
    expect(result).toEqual({
      code: 1,
      stdout: "",
      stderr: `watchkeeper: sts GetCallerIdentity failed: the endpoint answered HTTP 502 ${NOT_AWS}\n`,
    });
  });

  describe("through a proxy in front of moto", () => {
    let proxy: FaultProxy;
    beforeAll(async () => {
      proxy = await startFaultProxy({ target: motoEndpoint(), rules: [{ service: "sqs", fault: "denied" }] });
      return () => proxy.close();
    });

    it("inventory when SQS denies the caller: the call, AWS's words, and what it leaves unknown (exit 3)", async () => {
      const result = await watchkeeper(["inventory", "--region", REGION, "--endpoint", proxy.url]);
      expect(result.code).toBe(3);
      expect(result.stdout).toMatch(
        /^ {2}! sqs ListQueues failed: AccessDenied\S*: User: \S+ is not authorized to perform: sqs:ListQueues .* — unknown, so left alone: SQS queues: which exist$/m,
      );
    });
  });
});

describe("the region and the profile", () => {
  it("an unknown region is a usage error naming the closest known ones", async () => {
    const result = await watchkeeper(["inventory", "--region", "eu-west-9"]);
    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr:
        "watchkeeper: region eu-west-9 is not an AWS region this version knows (closest: eu-west-1, eu-west-2, eu-west-3); check --region\n",
    });
  });

  it("an unknown region from AWS_REGION says where it came from", async () => {
    const result = await watchkeeper(
      ["inventory"],
      bareEnvironment({ ...CREDENTIALS, AWS_REGION: "us-esat-1" }),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "watchkeeper: region us-esat-1 is not an AWS region this version knows (closest: us-east-1, us-west-1, us-east-2); check AWS_REGION and the profile's region\n",
    );
  });

  it("with --endpoint an unknown region is used, and said so", async () => {
    const result = await watchkeeper(["inventory", "--region", "eu-west-9", "--endpoint", motoEndpoint()]);
    // moto itself answers no API in a region it does not know: every read fails, and the run says so.
    expect(result.code).toBe(3);
    expect(result.stderr).toBe(
      "watchkeeper: note: region eu-west-9 is not an AWS region this version knows (closest: eu-west-1, eu-west-2, eu-west-3); used anyway, as --endpoint may answer for any region\n",
    );
    expect(result.stdout).toMatch(/eu-west-9/);
  });

  it("--profile that no file holds names the profile, the files and the profiles there", async () => {
    const env = bareEnvironment();
    writeFileSync(
      env.AWS_CONFIG_FILE!,
      "[default]\nregion = us-east-2\n\n[profile prod]\nregion = eu-west-1\n",
    );
    writeFileSync(
      env.AWS_SHARED_CREDENTIALS_FILE!,
      "[ci]\naws_access_key_id = a\naws_secret_access_key = b\n",
    );
    const result = await watchkeeper(["status", "--profile", "nosuch"], env);
    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr:
        `watchkeeper: profile nosuch is not in ${join(env.HOME!, "no-config")} or ${join(env.HOME!, "no-credentials")} ` +
        "(AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE choose other files); profiles there: ci, default, prod\n",
    });
  });
});

describe("help", () => {
  it("a subcommand's --help lists the global options and marks required ones", async () => {
    const show = await watchkeeper(["dlq", "show", "--help"]);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/^Usage: watchkeeper dlq show \[options\] <dlq>$/m);
    expect(show.stdout).toMatch(/^Global Options:$/m);
    for (const flag of [
      "--region <region>",
      "--profile <name>",
      "--endpoint <url>",
      "--config <file>",
      "--json",
    ]) {
      expect(show.stdout).toContain(`  ${flag}`);
    }
    const silence = await watchkeeper(["silence", "--help"]);
    expect(silence.stdout).toMatch(/^ {2}--for <duration> .*\(required\)$/m);
    expect(silence.stdout).not.toMatch(/--dry-run .*\(required\)/);
  });

  it("an unknown command with --help is an unknown command, exit 2", async () => {
    expect(await watchkeeper(["nosuch", "--help"])).toEqual({
      code: 2,
      stdout: "",
      stderr: "watchkeeper: error: unknown command 'nosuch'\n",
    });
    expect(await watchkeeper(["--region", REGION, "inventroy", "-h"])).toEqual({
      code: 2,
      stdout: "",
      stderr: "watchkeeper: error: unknown command 'inventroy' (Did you mean inventory?)\n",
    });
    expect((await watchkeeper(["help", "inventory"])).code).toBe(0);
  });

  it("dlq show prints the sampled bodies it promises, one line each, and leaves them in the queue", async () => {
    const sqs = motoAws(REGION).client(SQSClient);
    const dlq = await sqs.send(new CreateQueueCommand({ QueueName: "orders-dlq" }));
    const dlqArn = (
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ["QueueArn"] }))
    ).Attributes!.QueueArn!;
    await sqs.send(
      new CreateQueueCommand({
        QueueName: "orders",
        Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 }) },
      }),
    );
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: dlq.QueueUrl,
        MessageBody: '{\n  "orderId": "A-1",\n  "total": 12\n}',
      }),
    );
    const result = await watchkeeper([
      "dlq",
      "show",
      "orders-dlq",
      "--region",
      REGION,
      "--endpoint",
      motoEndpoint(),
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^orders-dlq holds 1 message/);
    expect(result.stdout).toMatch(/^sample of 1 \(left in the queue\):$/m);
    expect(result.stdout).toMatch(/^ {4}\{ "orderId": "A-1", "total": 12 \}$/m);
    const none = await watchkeeper([
      "dlq",
      "show",
      "orders-dlq",
      "--sample",
      "0",
      "--region",
      REGION,
      "--endpoint",
      motoEndpoint(),
    ]);
    expect(none.stdout).toMatch(/^orders-dlq holds 1 message/);
    expect(none.stdout).toMatch(/^no sample: no sample asked for$/m);
  });
});
