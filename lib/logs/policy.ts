/**
 * The log-retention policy: what retention groups should get, and which groups to leave alone.
 * Configured values are validated strictly (a bad value is an error naming it); tag values on
 * resources are read leniently by the plan instead.
 */
import { NEVER, parseRetention, parseRetentionDays, type Never, type RetentionDays } from "./retention.js";

/**
 * Retention for log groups whose name starts with `prefix`. Exactly one of `days` and `exclude`.
 * `days: "never"` keeps those groups free of any retention Watchkeeper would set.
 */
export interface RetentionRule {
  readonly prefix: string;
  readonly days?: RetentionDays | Never;
  readonly exclude?: boolean;
}

export interface RetentionPolicy {
  /** Set on groups that never expire and match no rule or tag. */
  readonly defaultDays: RetentionDays;
  /** Cap: groups (and rules, and tags) above it are brought down to it. Off when absent. */
  readonly maxDays?: RetentionDays;
  /**
   * Off (the default): a retention longer than the one wanted is kept, since someone chose it.
   * On: it is shortened to the wanted value. Retention tags on the group or its function and
   * `maxDays` shorten whatever this says.
   */
  readonly shortenLonger: boolean;
  /** The longest matching prefix wins, whatever the order. */
  readonly rules: readonly RetentionRule[];
  /** Groups under these prefixes are never touched; they win over every rule and tag. */
  readonly excludePrefixes: readonly string[];
}

export const DEFAULT_RETENTION_POLICY: RetentionPolicy = {
  defaultDays: 30,
  shortenLonger: false,
  rules: [],
  excludePrefixes: [],
};

const POLICY_KEYS = ["defaultDays", "maxDays", "shortenLonger", "rules", "excludePrefixes"] as const;
const RULE_KEYS = ["prefix", "days", "exclude"] as const;

/**
 * Validates a policy from config (a parsed JSON object, all fields optional) and fills in defaults.
 * Throws one Error listing every problem, each naming where it is (`rules[2].days`) and what to do.
 */
export function retentionPolicy(input: unknown = {}, where = "retention policy"): RetentionPolicy {
  const problems: string[] = [];
  const attempt = <T>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
      return undefined;
    }
  };
  if (!isRecord(input)) throw new Error(`${where}: expected an object, got ${typeName(input)}`);
  for (const key of Object.keys(input)) {
    if (!(POLICY_KEYS as readonly string[]).includes(key)) {
      problems.push(`${where}.${key}: unknown setting; known settings are ${POLICY_KEYS.join(", ")}`);
    }
  }

  const defaultDays =
    input.defaultDays === undefined
      ? DEFAULT_RETENTION_POLICY.defaultDays
      : attempt(() => parseRetentionDays(input.defaultDays, `${where}.defaultDays`));
  const maxDays =
    input.maxDays === undefined
      ? undefined
      : attempt(() => parseRetentionDays(input.maxDays, `${where}.maxDays`));
  if (defaultDays !== undefined && maxDays !== undefined && defaultDays > maxDays) {
    problems.push(
      `${where}: defaultDays ${defaultDays} is above maxDays ${maxDays}; lower defaultDays or raise maxDays`,
    );
  }

  let shortenLonger = DEFAULT_RETENTION_POLICY.shortenLonger;
  if (input.shortenLonger !== undefined) {
    if (typeof input.shortenLonger === "boolean") shortenLonger = input.shortenLonger;
    else
      problems.push(`${where}.shortenLonger: expected true or false, got ${typeName(input.shortenLonger)}`);
  }

  const excludePrefixes = stringList(input.excludePrefixes, `${where}.excludePrefixes`, problems);
  const rules = ruleList(input.rules, `${where}.rules`, maxDays, problems, attempt);

  if (problems.length > 0 || defaultDays === undefined) {
    throw new Error(
      problems.length === 1 ? problems[0] : `${where} is not valid:\n- ${problems.join("\n- ")}`,
    );
  }
  return {
    defaultDays,
    ...(maxDays !== undefined ? { maxDays } : {}),
    shortenLonger,
    rules,
    excludePrefixes,
  };
}

function ruleList(
  value: unknown,
  where: string,
  maxDays: RetentionDays | undefined,
  problems: string[],
  attempt: <T>(fn: () => T) => T | undefined,
): RetentionRule[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.push(
      `${where}: expected a list of { prefix, days } or { prefix, exclude: true }, got ${typeName(value)}`,
    );
    return [];
  }
  const rules: RetentionRule[] = [];
  const seen = new Set<string>();
  value.forEach((raw: unknown, index) => {
    const at = `${where}[${index}]`;
    if (!isRecord(raw)) {
      problems.push(`${at}: expected { prefix, days } or { prefix, exclude: true }, got ${typeName(raw)}`);
      return;
    }
    for (const key of Object.keys(raw)) {
      if (!(RULE_KEYS as readonly string[]).includes(key)) {
        problems.push(`${at}.${key}: unknown setting; a rule has ${RULE_KEYS.join(", ")}`);
      }
    }
    const prefix = raw.prefix;
    if (typeof prefix !== "string" || prefix === "") {
      problems.push(`${at}.prefix: expected a non-empty log group name prefix, got ${typeName(prefix)}`);
      return;
    }
    if (seen.has(prefix)) {
      problems.push(`${at}.prefix: "${prefix}" appears in more than one rule; keep one`);
      return;
    }
    seen.add(prefix);
    if (raw.exclude !== undefined && typeof raw.exclude !== "boolean") {
      problems.push(`${at}.exclude: expected true or false, got ${typeName(raw.exclude)}`);
      return;
    }
    const exclude = raw.exclude === true;
    if (exclude === (raw.days !== undefined)) {
      problems.push(`${at} ("${prefix}"): give exactly one of days and exclude: true`);
      return;
    }
    if (exclude) {
      rules.push({ prefix, exclude: true });
      return;
    }
    const days = attempt(() => parseRetention(raw.days, `${at}.days`));
    if (days === undefined) return;
    if (maxDays !== undefined && (days === NEVER || days > maxDays)) {
      problems.push(
        `${at}.days: ${days} for "${prefix}" is above maxDays ${maxDays}; lower it or raise maxDays`,
      );
      return;
    }
    rules.push({ prefix, days });
  });
  return rules;
}

function stringList(value: unknown, where: string, problems: string[]): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string" && item !== "")) {
    problems.push(`${where}: expected a list of non-empty log group name prefixes`);
    return [];
  }
  return [...new Set(value as string[])];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return `"${value}"`;
  if (typeof value === "object") return "an object";
  return String(value);
}
