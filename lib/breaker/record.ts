/**
 * The breaker's durable record: tags on one of the function's trip alarms (`store.ts`), which only
 * Watchkeeper's roles may write (alarms named with its prefix, tagged managed), so nobody who can merely
 * tag a function can forge one. Written before acting (a trip that dies halfway still says what to
 * restore), marked applied once the stop is done, and removed only after a restore succeeded.
 *
 * Tag values allow at most 256 characters of Unicode letters, digits, white space and `_ . : / = + - @`
 * (CloudWatch TagResource API reference, value pattern `[\p{L}\p{Z}\p{N}_.:/=+\-@]*`); an alarm holds at
 * most 50 tags (a trip alarm carries 6 of its own, a silence 2, a record at most 14). Every value written
 * here goes through `tagValue`, so nothing can be rejected for its characters.
 *
 * Records that older versions kept on the function's own tags (`legacyRecordKeys`) are never obeyed.
 */
import type { ReservedConcurrency, Tags } from "../inventory/types.js";

export const BREAKER_TAGS = {
  /** `open` or `half-open`; absent means closed. */
  state: "watchkeeper:breaker-state",
  /** Reserved concurrency before the trip: `unset` or a number. Present when the trip changed concurrency. */
  previous: "watchkeeper:breaker-previous",
  /** UUIDs of the event source mappings the trip disabled (they were enabled), space-separated; continued in `-2`, `-3`, ... */
  mappings: "watchkeeper:breaker-mappings",
  /** When the breaker opened (ISO 8601). */
  since: "watchkeeper:breaker-since",
  /** Who opened it: `alarm:<alarm name>` or the actor a person gave (`user:alice`). */
  by: "watchkeeper:breaker-by",
  reason: "watchkeeper:breaker-reason",
  /** Half-open only: since when, and the trickle of concurrency it allows. */
  halfOpenSince: "watchkeeper:breaker-half-open-since",
  halfOpenConcurrency: "watchkeeper:breaker-half-open-concurrency",
  /** Trip times in the last hour (kept after a reset): what the account-wide rate guard counts. */
  trips: "watchkeeper:breaker-trips",
  /** When the stop was done; absent while a trip is under way (or died halfway: `decideHalfFinished`). */
  applied: "watchkeeper:breaker-applied",
} as const;

/** Not part of the record: a team's choice of trip alarms for the function (`error-rate invocations-anomaly`). */
export const BREAKER_ALARMS_TAG = "watchkeeper:breaker-alarms";

/** CloudWatch's (and Lambda's) limit on tag values. */
export const MAX_TAG_VALUE = 256;
/** Mapping UUIDs per tag value: 6 × 36 characters + 5 spaces = 221 ≤ 256. */
export const MAPPINGS_PER_TAG = 6;
/** At most this many mappings are recorded (5 tags); a function with more enabled is refused. */
export const MAX_RECORDED_MAPPINGS = 30;
/** Trip times kept per function: 12 × 20 characters + 11 spaces = 251 ≤ 256. */
const MAX_TRIPS_PER_TAG = 12;
const HOUR_MS = 3_600_000;

const DISALLOWED = /[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu;

/** Any text as a valid tag value: disallowed characters become `_`, and it is cut at 256 characters. */
export function tagValue(text: string): string {
  return text.replace(DISALLOWED, "_").slice(0, MAX_TAG_VALUE);
}

/** How a trip or reset is attributed: `alarm:<name>` for an alarm, as given for a person. */
export function alarmActor(alarmName: string): string {
  return tagValue(`alarm:${alarmName}`);
}

export type OpenState = "open" | "half-open";
export type BreakerState = "closed" | OpenState;

export interface BreakerRecord {
  readonly state: OpenState;
  /** Present when the trip set reserved concurrency (to 0): what a reset restores. */
  readonly previous?: ReservedConcurrency;
  /** Mappings the trip disabled: a reset re-enables exactly these. */
  readonly mappings: readonly string[];
  readonly since: Date;
  readonly by: string;
  readonly reason: string;
  readonly halfOpenSince?: Date;
  readonly halfOpenConcurrency?: number;
  /** When the stop (mappings, concurrency) was done; absent while the trip is unfinished. */
  readonly applied?: Date;
}

export type RecordReading =
  | { readonly kind: "closed" }
  | { readonly kind: "recorded"; readonly record: BreakerRecord }
  /** A record is there but cannot be trusted: never restore from a guess. */
  | { readonly kind: "unreadable"; readonly problems: readonly string[] };

/** Time to the second, as trip history is written in tags (and as sentences show times). */
export function isoSeconds(time: Date): string {
  return time.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function parseTime(value: string | undefined): Date | undefined {
  if (value === undefined || !/^\d{4}-\d\d-\d\dT/.test(value)) return undefined;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? undefined : time;
}

export function parseReservedConcurrency(value: string | undefined): ReservedConcurrency | undefined {
  if (value === "unset") return "unset";
  if (value !== undefined && /^\d{1,7}$/.test(value)) return Number(value);
  return undefined;
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

function mappingKey(index: number): string {
  return index === 0 ? BREAKER_TAGS.mappings : `${BREAKER_TAGS.mappings}-${index + 1}`;
}

/** Reads the record from a trip alarm's tags; says what is wrong when it cannot be trusted. */
export function readRecord(tags: Tags): RecordReading {
  const state = tags[BREAKER_TAGS.state];
  if (state === undefined) return { kind: "closed" };
  const problems: string[] = [];
  if (state !== "open" && state !== "half-open") {
    problems.push(`${BREAKER_TAGS.state}=${state} is neither open nor half-open`);
  }
  let previous: ReservedConcurrency | undefined;
  const previousTag = tags[BREAKER_TAGS.previous];
  if (previousTag !== undefined) {
    previous = parseReservedConcurrency(previousTag);
    if (previous === undefined)
      problems.push(`${BREAKER_TAGS.previous}=${previousTag} is neither "unset" nor a number`);
  }
  const mappings: string[] = [];
  for (let i = 0; tags[mappingKey(i)] !== undefined; i++) {
    for (const uuid of (tags[mappingKey(i)] ?? "").split(" ").filter(Boolean)) {
      if (UUID.test(uuid)) mappings.push(uuid);
      else problems.push(`${mappingKey(i)} holds "${uuid}", which is not a mapping UUID`);
    }
  }
  if (previousTag === undefined && mappings.length === 0) {
    problems.push(
      `the record names neither a previous concurrency (${BREAKER_TAGS.previous}) nor mappings (${BREAKER_TAGS.mappings})`,
    );
  }
  const since = parseTime(tags[BREAKER_TAGS.since]);
  if (!since) problems.push(`${BREAKER_TAGS.since}=${tags[BREAKER_TAGS.since] ?? "(missing)"} is not a time`);
  const halfOpenSince = parseTime(tags[BREAKER_TAGS.halfOpenSince]);
  const halfOpenTag = tags[BREAKER_TAGS.halfOpenConcurrency];
  const halfOpenConcurrency =
    halfOpenTag !== undefined && /^\d{1,7}$/.test(halfOpenTag) ? Number(halfOpenTag) : undefined;
  if (state === "half-open" && (!halfOpenSince || halfOpenConcurrency === undefined)) {
    problems.push(
      `a half-open record needs ${BREAKER_TAGS.halfOpenSince} and ${BREAKER_TAGS.halfOpenConcurrency}`,
    );
  }
  const applied = parseTime(tags[BREAKER_TAGS.applied]);
  if (problems.length > 0 || !since) return { kind: "unreadable", problems };
  return {
    kind: "recorded",
    record: {
      state: state as OpenState,
      ...(previous !== undefined ? { previous } : {}),
      mappings,
      since,
      by: tags[BREAKER_TAGS.by] ?? "unknown",
      reason: tags[BREAKER_TAGS.reason] ?? "",
      ...(state === "half-open" ? { halfOpenSince, halfOpenConcurrency } : {}),
      ...(applied ? { applied } : {}),
    },
  };
}

/** The tags that write a record (TagResource replaces each key's value). */
export function recordTags(record: BreakerRecord): Record<string, string> {
  const tags: Record<string, string> = {
    [BREAKER_TAGS.state]: record.state,
    // To the millisecond: an OK event is judged against it, and a second's rounding could let an earlier one through.
    [BREAKER_TAGS.since]: record.since.toISOString(),
    [BREAKER_TAGS.by]: tagValue(record.by),
    [BREAKER_TAGS.reason]: tagValue(record.reason),
  };
  if (record.previous !== undefined) tags[BREAKER_TAGS.previous] = String(record.previous);
  for (let i = 0; i * MAPPINGS_PER_TAG < record.mappings.length; i++) {
    tags[mappingKey(i)] = record.mappings.slice(i * MAPPINGS_PER_TAG, (i + 1) * MAPPINGS_PER_TAG).join(" ");
  }
  if (record.state === "half-open" && record.halfOpenSince && record.halfOpenConcurrency !== undefined) {
    tags[BREAKER_TAGS.halfOpenSince] = record.halfOpenSince.toISOString();
    tags[BREAKER_TAGS.halfOpenConcurrency] = String(record.halfOpenConcurrency);
  }
  if (record.applied) tags[BREAKER_TAGS.applied] = record.applied.toISOString();
  return tags;
}

const RECORD_KEYS: ReadonlySet<string> = new Set(
  Object.values(BREAKER_TAGS).filter((key) => key !== BREAKER_TAGS.trips),
);

/** Keys of the record present on a trip alarm (not the trip history, not the alarm's own tags): what a reset removes. */
export function recordKeys(tags: Tags): string[] {
  return Object.keys(tags)
    .filter((key) => RECORD_KEYS.has(key) || key.startsWith(`${BREAKER_TAGS.mappings}-`))
    .sort();
}

/** A record an older version left in a function's own tags (anyone who may tag the function can write those). */
export function legacyRecordKeys(functionTags: Tags): string[] {
  return Object.keys(functionTags)
    .filter((key) => key.startsWith("watchkeeper:breaker-") && key !== BREAKER_ALARMS_TAG)
    .sort();
}

/** Trip times recorded on one trip alarm within the hour before `now`. */
export function recentTrips(tags: Tags, now: Date): Date[] {
  return (tags[BREAKER_TAGS.trips] ?? "")
    .split(" ")
    .map((value) => parseTime(value))
    .filter((time): time is Date => time !== undefined && inLastHour(time, now));
}

function inLastHour(time: Date, now: Date): boolean {
  const age = now.getTime() - time.getTime();
  return age >= 0 && age < HOUR_MS;
}

/** The trip history with one more trip at `now`, older entries dropped. */
export function withTrip(tags: Tags, now: Date): string {
  const times = [...recentTrips(tags, now), now].slice(-MAX_TRIPS_PER_TAG);
  return times.map(isoSeconds).join(" ");
}

/** Trips across many trip alarms' tags within the hour before `now`. */
export function countRecentTrips(tagsOfAlarms: Iterable<Tags>, now: Date): number {
  let count = 0;
  for (const tags of tagsOfAlarms) count += recentTrips(tags, now).length;
  return count;
}
