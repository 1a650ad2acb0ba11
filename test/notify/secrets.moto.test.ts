/**
 * The Slack secret read from Secrets Manager over the wire (moto, region us-west-2), cached, parsed,
 * and never shown: not in errors, not in logs.
 */
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { afterAll, describe, expect, it } from "vitest";
import { SlackSecretsCache, parseSlackSecrets, secretsManagerSource } from "../../lib/notify/index.js";
import { SimAccount, simulatedAws } from "../../lib/sim/index.js";
import { motoAws } from "../moto/moto.js";
import { FakeClock, captureLogger } from "./fixtures.js";

const aws = motoAws("us-west-2");
afterAll(() => aws.destroy());

const WEBHOOK = "https://hooks.slack.com/services/T0SECRET/B0SECRET/verysecretpath";
const TOKEN = "xoxb-1234-5678-secrettoken";
const SIGNING = "0123456789abcdef0123456789abcdef";

async function createSecret(name: string, value: string): Promise<void> {
  await aws.client(SecretsManagerClient).send(new CreateSecretCommand({ Name: name, SecretString: value }));
}

describe("Slack secret from Secrets Manager (moto)", () => {
  it("reads, parses and caches it until the TTL runs out", async () => {
    await createSecret(
      "watchkeeper/slack-cached",
      JSON.stringify({ webhookUrl: WEBHOOK, botToken: TOKEN, signingSecret: SIGNING }),
    );
    const clock = new FakeClock();
    let reads = 0;
    const source = secretsManagerSource(aws, "watchkeeper/slack-cached");
    const cache = new SlackSecretsCache(
      "watchkeeper/slack-cached",
      () => {
        reads += 1;
        return source();
      },
      { clock, ttlMs: 60_000 },
    );
    const [a, b] = await Promise.all([cache.get(), cache.get()]);
    expect(a).toEqual({ webhookUrl: WEBHOOK, botToken: TOKEN, signingSecret: SIGNING });
    expect(b).toBe(a);
    expect(reads).toBe(1);
    await clock.sleep(59_000);
    await cache.get();
    expect(reads).toBe(1);
    await clock.sleep(2_000);
    await cache.get();
    expect(reads).toBe(2);
    expect(aws.pacer.calls()).toContainEqual({ service: "secretsmanager", api: "GetSecretValue", calls: 2 });
  });

  it("names the field that is wrong, never its value", async () => {
    await createSecret(
      "watchkeeper/slack-bad",
      JSON.stringify({ webhookUrl: "not a url verysecret", botToken: "s3cr3t" }),
    );
    const cache = new SlackSecretsCache(
      "watchkeeper/slack-bad",
      secretsManagerSource(aws, "watchkeeper/slack-bad"),
    );
    const error = (await cache.get().catch((e: unknown) => e)) as Error;
    expect(error.message).toBe(
      "Slack secret watchkeeper/slack-bad: webhookUrl is not an http(s) URL; botToken is not a Slack token (xoxb-...)",
    );
    expect(error.message).not.toContain("verysecret");
    expect(error.message).not.toContain("s3cr3t");
  });

  it("fails clearly for a secret that does not exist", async () => {
    const cache = new SlackSecretsCache(
      "watchkeeper/missing",
      secretsManagerSource(aws, "watchkeeper/missing"),
    );
    await expect(cache.get()).rejects.toThrow(/can't find the specified secret/i);
  });
});

describe("parseSlackSecrets", () => {
  it("needs a way to post", () => {
    expect(() => parseSlackSecrets(JSON.stringify({ signingSecret: SIGNING }), "s")).toThrow(
      "Slack secret s: needs webhookUrl, webhooks or botToken",
    );
    expect(() => parseSlackSecrets("{oops", "s")).toThrow("Slack secret s is not JSON");
    expect(parseSlackSecrets(JSON.stringify({ webhooks: { payments: WEBHOOK } }), "s")).toEqual({
      webhooks: { payments: WEBHOOK },
    });
  });

  it("reads from lib/sim's Secrets Manager too (the demo's path)", async () => {
    const sim = new SimAccount();
    const simAws = simulatedAws(sim);
    await simAws.client(SecretsManagerClient).send(
      new CreateSecretCommand({
        Name: "watchkeeper/slack",
        SecretString: JSON.stringify({ webhookUrl: WEBHOOK }),
      }),
    );
    expect(
      await new SlackSecretsCache(
        "watchkeeper/slack",
        secretsManagerSource(simAws, "watchkeeper/slack"),
      ).get(),
    ).toEqual({
      webhookUrl: WEBHOOK,
    });
    simAws.destroy();
  });
});

describe("logs", () => {
  it("redact the secret's fields wherever they are logged", () => {
    const { logger, text } = captureLogger();
    logger.info(
      { webhookUrl: WEBHOOK, secrets: { botToken: TOKEN }, slack: { secret: { signingSecret: SIGNING } } },
      "x",
    );
    logger.info({ webhooks: { payments: WEBHOOK } }, "y");
    expect(text()).not.toContain("verysecretpath");
    expect(text()).not.toContain("secrettoken");
    expect(text()).not.toContain(SIGNING);
    expect(text()).toContain("[redacted]");
  });
});
