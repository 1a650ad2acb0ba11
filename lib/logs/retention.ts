/**
 * The retention values CloudWatch Logs accepts, and the two ways Watchkeeper turns a value into one:
 * configured values must already be valid (a typo in config is an error), tag values set by many
 * teams are snapped up to the next valid value (a tag must never crash a run).
 */

/**
 * `retentionInDays` values PutRetentionPolicy accepts. Source: CloudWatch Logs API reference,
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html
 */
export const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export type RetentionDays = (typeof RETENTION_DAYS)[number];

/** The longest retention CloudWatch Logs can set; beyond it only "never expire" remains. */
export const MAX_RETENTION_DAYS = 3653;

/** A group that never expires: no retention policy at all. */
export const NEVER = "never";
export type Never = typeof NEVER;

const VALID = new Set<number>(RETENTION_DAYS);

export function isValidRetention(days: number): days is RetentionDays {
  return VALID.has(days);
}

const VALID_LIST = RETENTION_DAYS.join(", ");

/**
 * The smallest valid retention not below `days`: a tag asking for 45 days gets 60, never 30, so
 * Watchkeeper never keeps logs for less time than someone asked. Undefined when `days` is not a
 * positive number or is above the longest valid retention (3653).
 */
export function snapRetention(days: number): RetentionDays | undefined {
  if (!Number.isFinite(days) || days <= 0) return undefined;
  return RETENTION_DAYS.find((valid) => valid >= days);
}

/**
 * A configured retention: a valid number of days (a JSON number) or "never".
 * Throws an Error that names the bad value, where it came from, and the valid set.
 */
export function parseRetention(value: unknown, where: string): RetentionDays | Never {
  if (typeof value === "string" && value.trim().toLowerCase() === NEVER) return NEVER;
  // A quoted number is a typo in the file, not a retention: config values are typed, like the rest.
  if (typeof value === "string" && /^\s*\d+\s*$/.test(value))
    throw new Error(
      `${where}: expected a number of days or "never", got the string "${value}"; write ${value.trim()} without quotes`,
    );
  if (typeof value === "number" && isValidRetention(value)) return value;
  const shown = typeof value === "string" ? `"${value}"` : String(value);
  const hint = typeof value === "number" ? nearestHint(value) : "";
  throw new Error(
    `${where}: retention ${shown} is not valid${hint}; use one of ${VALID_LIST} (days) or "never"`,
  );
}

/** Like `parseRetention`, for values that must be a number of days ("never" is not allowed). */
export function parseRetentionDays(value: unknown, where: string): RetentionDays {
  const parsed = parseRetention(value, where);
  if (parsed === NEVER) throw new Error(`${where}: retention must be a number of days here, not "never"`);
  return parsed;
}

function nearestHint(days: number): string {
  const up = snapRetention(days);
  return up === undefined ? "" : ` (the next valid value is ${up})`;
}

/** What a `watchkeeper:retention` tag value means: days (snapped up), "never", or unreadable. */
export type TagRetention =
  | { readonly ok: true; readonly value: RetentionDays | Never; readonly asked?: number }
  | { readonly ok: false; readonly problem: string };

/** Reads a tag value leniently: "45" → 60 (snapped, with `asked: 45`), "never" → never, "abc" → a problem. */
export function readTagRetention(raw: string): TagRetention {
  const value = raw.trim();
  if (value.toLowerCase() === NEVER) return { ok: true, value: NEVER };
  if (!/^\d+$/.test(value)) return { ok: false, problem: `"${raw}" is not a number of days or "never"` };
  const days = Number(value);
  const snapped = snapRetention(days);
  if (snapped === undefined) {
    return { ok: false, problem: `${days} days is outside 1..${MAX_RETENTION_DAYS}` };
  }
  return snapped === days ? { ok: true, value: snapped } : { ok: true, value: snapped, asked: days };
}

/** "30 days", "never expires": how a retention reads in reasons and tables. */
export function describeRetention(days: number | undefined): string {
  if (days === undefined) return "never expires";
  return days === 1 ? "1 day" : `${days} days`;
}
