/**
 * The Slack secret: one Secrets Manager secret holding JSON
 *   { "webhookUrl": "https://hooks.slack.com/services/...",      incoming webhook (or "webhooks" by channel)
 *     "botToken": "xoxb-...",                                    bot token (threads, updates, graphs)
 *     "signingSecret": "..." }                                   verifies interactive requests
 * read once and kept in memory for a few minutes (warm Lambda containers reuse it; a rotated secret is
 * picked up when the cache expires). Values never appear in errors or logs: problems name the field.
 */
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { z } from "zod";
import type { Aws } from "../aws/clients.js";
import { systemClock, type Clock } from "../aws/clock.js";

export interface SlackSecrets {
  readonly webhookUrl?: string;
  readonly webhooks?: Readonly<Record<string, string>>;
  readonly botToken?: string;
  readonly signingSecret?: string;
}

const Url = z
  .string()
  .refine((value) => /^https?:\/\/[^\s]+$/.test(value) && URL.canParse(value), "is not an http(s) URL");

const Schema = z
  .object({
    webhookUrl: Url.optional(),
    webhooks: z.record(z.string().min(1), Url).optional(),
    botToken: z
      .string()
      .regex(/^xox[a-z]-\S+$/, "is not a Slack token (xoxb-...)")
      .optional(),
    signingSecret: z
      .string()
      .regex(/^\S{8,}$/, "is not a signing secret (8 or more characters, no spaces)")
      .optional(),
  })
  .refine((s) => s.webhookUrl || s.botToken || Object.keys(s.webhooks ?? {}).length > 0, {
    message: "needs webhookUrl, webhooks or botToken",
  });

/** Parses the secret's JSON; the error names the secret and the field, never a value. */
export function parseSlackSecrets(text: string, secretId: string): SlackSecrets {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(
      `Slack secret ${secretId} is not JSON; expected {"webhookUrl": ...} or {"botToken": ...}`,
    );
  }
  const parsed = Schema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const path = issue.path.map(String).join(".");
      return path ? `${path} ${issue.message}` : issue.message;
    });
    throw new Error(`Slack secret ${secretId}: ${problems.join("; ")}`);
  }
  return parsed.data;
}

/** Reads one secret's string from Secrets Manager. */
export function secretsManagerSource(aws: Aws, secretId: string): () => Promise<string> {
  return async () => {
    const answer = await aws
      .client(SecretsManagerClient)
      .send(new GetSecretValueCommand({ SecretId: secretId }));
    if (answer.SecretString === undefined) {
      throw new Error(`Slack secret ${secretId} has no SecretString (binary secrets are not supported)`);
    }
    return answer.SecretString;
  };
}

/** The parsed secret, cached for `ttlMs` (default 5 minutes); concurrent callers share one read. */
export class SlackSecretsCache {
  private value?: { secrets: SlackSecrets; expiresAt: number };
  private pending?: Promise<SlackSecrets>;
  private readonly clock: Clock;
  private readonly ttlMs: number;

  constructor(
    private readonly secretId: string,
    private readonly load: () => Promise<string>,
    options: { readonly ttlMs?: number; readonly clock?: Clock } = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.ttlMs = options.ttlMs ?? 5 * 60_000;
  }

  async get(): Promise<SlackSecrets> {
    if (this.value && this.clock.now() < this.value.expiresAt) return this.value.secrets;
    this.pending ??= this.load()
      .then((text) => {
        const secrets = parseSlackSecrets(text, this.secretId);
        this.value = { secrets, expiresAt: this.clock.now() + this.ttlMs };
        return secrets;
      })
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }
}

/**
 * A Lambda container's Slack secret: the cache is made on first use (when the secret's id, from the
 * configuration, is known) and kept for the container's life.
 */
export function containerSlackSecrets(aws: () => Aws, secretId: () => string): () => Promise<SlackSecrets> {
  let cache: SlackSecretsCache | undefined;
  return () => {
    if (!cache) {
      const id = secretId();
      cache = new SlackSecretsCache(id, secretsManagerSource(aws(), id));
    }
    return cache.get();
  };
}
