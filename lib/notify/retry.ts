/**
 * Retries for Slack calls, and the pacing that keeps them under Slack's "about one message per second
 * per channel". Hand-written rather than a library: the policy is one loop (Retry-After when Slack
 * gives one, else exponential backoff, a bounded number of attempts), and the sleep comes from an
 * injected clock so tests run in no time; a retry library would still need both written around it.
 */
import type { Clock } from "../aws/clock.js";

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  /** First backoff; doubled after each further failure. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the call fails and the caller's own retry (Lambda's) takes over. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 1000,
  maxDelayMs: 8000,
  maxRetryAfterMs: 60_000,
};

/** What a failed attempt says about trying again. */
export interface RetryAdvice {
  readonly retryable: boolean;
  /** Slack's Retry-After, when it gave one. */
  readonly retryAfterMs?: number;
}

/**
 * Runs `attempt` until it succeeds, fails for good (`advice(error).retryable` false), runs out of
 * attempts, or is asked to wait longer than the policy allows; then throws `giveUp(lastError, attempts)`.
 */
export async function withRetries<T>(
  attempt: (n: number) => Promise<T>,
  options: {
    readonly policy: RetryPolicy;
    readonly clock: Clock;
    readonly advice: (error: unknown) => RetryAdvice;
    readonly giveUp: (error: unknown, attempts: number) => Error;
    readonly onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  },
): Promise<T> {
  const { policy } = options;
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      const advice = options.advice(error);
      if (!advice.retryable) throw error;
      const delay = advice.retryAfterMs ?? Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (n - 1));
      if (n >= policy.maxAttempts || delay > policy.maxRetryAfterMs) throw options.giveUp(error, n);
      options.onRetry?.(error, n, delay);
      await options.clock.sleep(delay);
    }
  }
}

/** At most one message per `intervalMs` per channel; callers for other channels do not wait. */
export class ChannelPacer {
  private readonly next = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs: number,
  ) {}

  async wait(channel: string): Promise<void> {
    const now = this.clock.now();
    const at = Math.max(now, this.next.get(channel) ?? 0);
    this.next.set(channel, at + this.intervalMs);
    if (at > now) await this.clock.sleep(at - now);
  }
}

/** Retry-After: seconds, or an HTTP date. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  const seconds = Number(header.trim());
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
