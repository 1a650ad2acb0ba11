import type { Clock } from "../aws/clock.js";
import { quotaBucket, quotaFor, type AwsService } from "../aws/quotas.js";

interface Bucket {
  tokens: number;
  updatedAt: number;
  readonly rps: number;
  readonly capacity: number;
}

/**
 * AWS's request-rate quotas as token buckets on the (virtual) clock: one bucket per API (or per group of
 * APIs that share one published quota), refilled at the rate in `lib/aws/quotas.ts`, with a small burst
 * (one second's worth). A paced caller never empties one; a burst above the rate does, and gets the
 * service's throttling error.
 */
export class QuotaBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly clock: Clock) {}

  /** Takes a token for one call; false means the call is throttled. */
  take(service: AwsService, api: string): boolean {
    const key = quotaBucket(service, api);
    const now = this.clock.now();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      const { rps } = quotaFor(service, api);
      const capacity = Math.max(1, rps);
      bucket = { tokens: capacity, updatedAt: now, rps, capacity };
      this.buckets.set(key, bucket);
    }
    const elapsed = Math.max(0, now - bucket.updatedAt);
    bucket.tokens = Math.min(bucket.capacity, bucket.tokens + (elapsed * bucket.rps) / 1000);
    bucket.updatedAt = now;
    if (bucket.tokens < 1 - 1e-9) return false;
    bucket.tokens -= 1;
    return true;
  }
}
