import type { Clock } from "./clock.js";
import { quotaBucket, quotaFor, type AwsService } from "./quotas.js";

/** Fraction of each quota the pacer uses, so that other callers in the account keep some room. */
export const DEFAULT_HEADROOM = 0.8;

export interface ApiCallCount {
  readonly service: AwsService;
  readonly api: string;
  readonly calls: number;
}

/**
 * One schedule per quota bucket (an API, or a group of APIs sharing one quota): each call reserves the
 * next free slot (1/rate apart) and waits for it. Reservations make concurrent callers queue up
 * instead of bursting.
 */
export class Pacer {
  private readonly nextFree = new Map<string, number>();
  private readonly counts = new Map<string, ApiCallCount>();

  constructor(
    readonly clock: Clock,
    private readonly headroom = DEFAULT_HEADROOM,
  ) {}

  async take(service: AwsService, api: string): Promise<void> {
    const bucket = quotaBucket(service, api);
    const interval = 1000 / (quotaFor(service, api).rps * this.headroom);
    const now = this.clock.now();
    const slot = Math.max(now, this.nextFree.get(bucket) ?? now);
    this.nextFree.set(bucket, slot + interval);
    const key = `${service}:${api}`;
    const count = this.counts.get(key);
    this.counts.set(key, { service, api, calls: (count?.calls ?? 0) + 1 });
    await this.clock.sleep(slot - now);
  }

  /** Calls made so far, per API, sorted by service and API. */
  calls(): ApiCallCount[] {
    return [...this.counts.values()].sort(
      (a, b) => a.service.localeCompare(b.service) || a.api.localeCompare(b.api),
    );
  }
}
