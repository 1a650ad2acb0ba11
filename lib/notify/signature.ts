/**
 * Slack request signatures (Slack: "Verifying requests from Slack"): X-Slack-Signature is "v0=" and the
 * hex HMAC-SHA256, keyed with the app's signing secret, of "v0:{X-Slack-Request-Timestamp}:{raw body}".
 * Compared in constant time; timestamps more than 5 minutes from now are refused, so a captured
 * request cannot be replayed later. The signature proves Slack sent the request, not that the user
 * may act: the allow-lists are checked after this.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_VERSION = "v0";
/** Slack's recommended window for the request timestamp. */
export const MAX_SKEW_SECONDS = 300;

export interface SlackRequestToVerify {
  readonly signingSecret: string;
  /** X-Slack-Request-Timestamp: Unix seconds. */
  readonly timestamp: string | undefined;
  /** X-Slack-Signature: "v0=<hex>". */
  readonly signature: string | undefined;
  /** The body exactly as received, before any parsing. */
  readonly rawBody: string;
  /** Milliseconds since the epoch; default now. */
  readonly now?: number;
  readonly maxSkewSeconds?: number;
}

export type Verification = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export function signSlackRequest(signingSecret: string, timestamp: string, rawBody: string): string {
  const hmac = createHmac("sha256", signingSecret).update(`${SIGNATURE_VERSION}:${timestamp}:${rawBody}`);
  return `${SIGNATURE_VERSION}=${hmac.digest("hex")}`;
}

export function verifySlackRequest(request: SlackRequestToVerify): Verification {
  const { timestamp, signature } = request;
  if (!timestamp) return { ok: false, reason: "missing X-Slack-Request-Timestamp header" };
  if (!signature) return { ok: false, reason: "missing X-Slack-Signature header" };
  if (!/^\d{1,12}$/.test(timestamp))
    return { ok: false, reason: "X-Slack-Request-Timestamp is not Unix seconds" };
  const skew = Math.abs((request.now ?? Date.now()) / 1000 - Number(timestamp));
  const max = request.maxSkewSeconds ?? MAX_SKEW_SECONDS;
  if (skew > max) {
    return {
      ok: false,
      reason: `stale request: timestamp is ${Math.round(skew)} s from now (at most ${max} s)`,
    };
  }
  const expected = Buffer.from(signSlackRequest(request.signingSecret, timestamp, request.rawBody), "utf8");
  const given = Buffer.from(signature, "utf8");
  // timingSafeEqual needs equal lengths; a length mismatch is a mismatch, and length is not secret.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: "signature does not match the body" };
  }
  return { ok: true };
}

/**
 * Refuses a signature seen before within the skew window: a request captured and sent again inside
 * those 5 minutes. Per Lambda container, so it narrows the window rather than closing it.
 */
export class ReplayGuard {
  private readonly seen = new Map<string, number>();

  constructor(private readonly windowMs = MAX_SKEW_SECONDS * 1000) {}

  /** True the first time a signature is seen (and remembers it); false for a replay. */
  firstSeen(signature: string, now = Date.now()): boolean {
    for (const [key, expires] of this.seen) if (expires <= now) this.seen.delete(key);
    if (this.seen.has(signature)) return false;
    this.seen.set(signature, now + this.windowMs);
    return true;
  }
}
