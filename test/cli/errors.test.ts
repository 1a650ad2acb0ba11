import { createServer } from "node:net";
import { beforeAll, describe, expect, it } from "vitest";
import { bareEnvironment, buildCli, runCli } from "./run-cli.js";

const FAKE_CREDENTIALS = { AWS_ACCESS_KEY_ID: "AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY: "secret" };

let cli: string;
beforeAll(async () => {
  const built = await buildCli();
  cli = built.bundle;
  return built.remove;
});

/** A loopback port with nothing listening: connections are refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === "object" && address ? address.port : 1;
}

function oneLine(text: string): string {
  const lines = text.trim().split("\n");
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

describe("the CLI's errors", () => {
  it("names an unknown flag and exits 2", async () => {
    const result = await runCli(cli, ["inventory", "--regoin", "us-east-1"], bareEnvironment());
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toBe(
      "watchkeeper: error: unknown option '--regoin' (Did you mean --region?)",
    );
    expect(result.stdout).toBe("");
  });

  it("names an unknown command and exits 2", async () => {
    const result = await runCli(cli, ["inventroy"], bareEnvironment());
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown command 'inventroy'/);
  });

  it("names a bad region and exits 2", async () => {
    const result = await runCli(cli, ["inventory", "--region", "us-east"], bareEnvironment(FAKE_CREDENTIALS));
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toBe(
      'watchkeeper: region "us-east" is not an AWS region name (expected something like us-east-1)',
    );
  });

  it("says when no region is given anywhere", async () => {
    const result = await runCli(cli, ["inventory"], bareEnvironment(FAKE_CREDENTIALS));
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toMatch(/no AWS region: pass --region/);
  });

  it("says an endpoint cannot be reached and exits 1", async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const result = await runCli(
      cli,
      ["inventory", "--region", "us-east-1", "--endpoint", endpoint],
      bareEnvironment(FAKE_CREDENTIALS),
    );
    expect(result.code).toBe(1);
    expect(oneLine(result.stderr)).toMatch(
      /^watchkeeper: sts GetCallerIdentity failed: cannot reach the AWS endpoint \(ECONNREFUSED\)/,
    );
  });

  it("names a malformed endpoint and exits 2", async () => {
    const result = await runCli(
      cli,
      ["inventory", "--region", "us-east-1", "--endpoint", "127.0.0.1:5000"],
      bareEnvironment(FAKE_CREDENTIALS),
    );
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toMatch(/endpoint "127.0.0.1:5000"/);
  });

  it("says there are no credentials and exits 1", async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const result = await runCli(
      cli,
      ["inventory", "--region", "us-east-1", "--endpoint", endpoint],
      bareEnvironment(),
    );
    expect(result.code).toBe(1);
    expect(oneLine(result.stderr)).toMatch(
      /^watchkeeper: sts GetCallerIdentity failed: no AWS credentials found/,
    );
  });

  it("names a bad on-call flag value and exits 2; a refusal exits 1 with one line", async () => {
    const bad = await runCli(
      cli,
      ["dlq", "redrive", "payments-dlq", "--rate", "0", "--demo"],
      bareEnvironment(),
    );
    expect(bad.code).toBe(2);
    expect(oneLine(bad.stderr)).toBe("watchkeeper: --rate: a whole number from 1 to 500");
    const refused = await runCli(
      cli,
      ["silence", "orders-api-5xx", "--for", "1h", "--demo"],
      bareEnvironment(),
    );
    expect(refused.code).toBe(1);
    expect(oneLine(refused.stderr)).toMatch(
      /^watchkeeper: not silenced: orders-api-5xx is not Watchkeeper's/,
    );
    const status = await runCli(cli, ["status", "--demo"], bareEnvironment());
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^DLQs with messages: 2$/m);
  });

  it("prints help with exit 0, and usage with exit 2 when given nothing", async () => {
    const help = await runCli(cli, ["--help"], bareEnvironment());
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: watchkeeper/);
    expect(help.stdout).toMatch(/inventory/);
    const nothing = await runCli(cli, [], bareEnvironment());
    expect(nothing.code).toBe(2);
  });
});
