/**
 * What a plan says should happen to one target. Plans are pure: they return changes and never act.
 * `noop` changes are kept so a plan can say why nothing happens to a target (e.g. not owned).
 */
export type ChangeAction = "create" | "update" | "delete" | "noop";

/** One field that differs between what exists and what is wanted. */
export interface FieldDiff {
  readonly field: string;
  readonly from: unknown;
  readonly to: unknown;
}

export interface Change<Desired, Actual = Desired> {
  readonly action: ChangeAction;
  /** What the change is about, e.g. "alarm", "log-retention", "dashboard". */
  readonly kind: string;
  /** The target's stable name (alarm name, log group name, dashboard name). */
  readonly target: string;
  readonly reason: string;
  readonly desired?: Desired;
  readonly actual?: Actual;
  readonly diff?: readonly FieldDiff[];
  /**
   * What the plan would have done had the run seen everything this change depends on; the change is then
   * a `noop` whose reason names what could not be read.
   */
  readonly held?: Exclude<ChangeAction, "noop">;
}

/** The change, left undone because of what could not be read (`why`); noops are left as they are. */
export function held<C extends Change<unknown, unknown>>(change: C, why: string): C {
  if (change.action === "noop") return change;
  return { ...change, action: "noop", held: change.action, reason: `held back: ${why}` };
}

export function isWrite(change: Change<unknown, unknown>): boolean {
  return change.action !== "noop";
}

export interface ChangeCounts {
  readonly create: number;
  readonly update: number;
  readonly delete: number;
  readonly noop: number;
}

export function countChanges(changes: readonly Change<unknown, unknown>[]): ChangeCounts {
  const counts = { create: 0, update: 0, delete: 0, noop: 0 };
  for (const change of changes) counts[change.action] += 1;
  return counts;
}

/** JSON with object keys sorted, so equal values compare equal whatever order they were built in. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** What JSON.stringify writes for a value: its toJSON(), null for NaN and ±Infinity, nothing for undefined and functions. */
function asJson(value: unknown): unknown {
  if (
    value !== null &&
    typeof value === "object" &&
    typeof (value as { toJSON?: unknown }).toJSON === "function"
  )
    return (value as { toJSON(): unknown }).toJSON();
  if (typeof value === "number" && !Number.isFinite(value)) return null;
  if (typeof value === "function" || typeof value === "symbol") return undefined;
  return value;
}

/**
 * Whether two values have the same `canonicalJson` — without building the strings: plans compare tens
 * of thousands of alarms field by field, and stringifying each field dominated their CPU time.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  const x = asJson(a);
  const y = asJson(b);
  if (x === y) return true;
  if (x === null || y === null || typeof x !== "object" || typeof y !== "object") return false;
  if (Array.isArray(x) || Array.isArray(y)) {
    if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return false;
    // In arrays, what JSON leaves out becomes null.
    return x.every((item, i) => sameJson(asJson(item) ?? null, asJson(y[i]) ?? null));
  }
  const keysOf = (o: object) =>
    Object.keys(o).filter((key) => asJson((o as Record<string, unknown>)[key]) !== undefined);
  const xKeys = keysOf(x);
  const yKeys = keysOf(y);
  if (xKeys.length !== yKeys.length) return false;
  const yRecord = y as Record<string, unknown>;
  return xKeys.every(
    (key) => Object.hasOwn(yRecord, key) && sameJson((x as Record<string, unknown>)[key], yRecord[key]),
  );
}

/** Field-by-field comparison of two plain records; values are compared as canonical JSON (`sameJson`). */
export function diffFields<T extends object>(
  actual: T,
  desired: T,
  fields: readonly (keyof T & string)[],
): FieldDiff[] {
  const diffs: FieldDiff[] = [];
  for (const field of fields) {
    const from = actual[field];
    const to = desired[field];
    if (!sameJson(from, to)) diffs.push({ field, from, to });
  }
  return diffs;
}
