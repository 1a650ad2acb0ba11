import { pino, type DestinationStream, type Logger } from "pino";

export type { Logger };

/** Keys whose values are secrets (the Slack secret's fields, tokens, auth headers). */
const SECRET_KEYS = ["webhookUrl", "webhooks", "botToken", "signingSecret", "token", "authorization"];

/**
 * Structured JSON logs (CloudWatch Logs Insights reads them as fields). The level comes from
 * LOG_LEVEL; secrets are redacted wherever they appear under these keys, at the top level or up to two
 * levels down (pino's redaction has no recursive wildcard). `destination` is for tests.
 */
export function createLogger(
  bindings: Record<string, unknown> = {},
  destination?: DestinationStream,
): Logger {
  const options = {
    level: process.env.LOG_LEVEL ?? "info",
    base: bindings,
    redact: {
      paths: SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
      censor: "[redacted]",
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** A logger that drops everything, for library calls made where nobody reads logs. */
export const silentLogger: Logger = pino({ level: "silent" });
