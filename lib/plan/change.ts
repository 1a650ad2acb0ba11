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

/** Field-by-field comparison of two plain records; values are compared as canonical JSON. */
export function diffFields<T extends object>(
  actual: T,
  desired: T,
  fields: readonly (keyof T & string)[],
): FieldDiff[] {
  const diffs: FieldDiff[] = [];
  for (const field of fields) {
    const from = actual[field];
    const to = desired[field];
    if (canonicalJson(from) !== canonicalJson(to)) diffs.push({ field, from, to });
  }
  return diffs;
}
