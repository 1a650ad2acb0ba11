import { pino, type Logger } from "pino";

export type { Logger };

/**
 * Structured JSON logs (CloudWatch Logs Insights reads them as fields). The level comes from
 * LOG_LEVEL; secrets are redacted wherever they appear under these keys.
 */
export function createLogger(bindings: Record<string, unknown> = {}): Logger {
  return pino({
    level: process.env.LOG_LEVEL ?? "info",
    base: bindings,
    redact: {
      paths: ["*.webhookUrl", "*.botToken", "*.signingSecret", "*.token", "*.authorization"],
      censor: "[redacted]",
    },
  });
}

/** A logger that drops everything, for library calls made where nobody reads logs. */
export const silentLogger: Logger = pino({ level: "silent" });
