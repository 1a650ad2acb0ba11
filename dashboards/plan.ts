/**
 * Pure plan: desired bodies vs the dashboards that exist under the base name → create, update, noop or
 * delete per dashboard. Dashboards cannot be tagged, so Watchkeeper owns a dashboard only when its name
 * is `<base>` or `<base>-N` and its header carries the marker; anything else is never changed.
 */
import type { Change } from "../lib/plan/change.js";
import { canonicalJson } from "../lib/plan/change.js";
import { plural } from "../lib/plural.js";
import type { DashboardSpec } from "./generate.js";
import { MANAGED_MARKER, withoutGeneratedAt } from "./layout.js";
import { isPartName } from "./split.js";

export interface ExistingDashboard {
  readonly name: string;
  /** As GetDashboard returned it. */
  readonly body: string;
}

export type DashboardChange = Change<DashboardSpec, ExistingDashboard>;

interface ParsedWidget {
  readonly type?: unknown;
  readonly properties?: { readonly markdown?: unknown };
}

function parseWidgets(body: string): ParsedWidget[] | undefined {
  try {
    const parsed = JSON.parse(body) as { widgets?: unknown };
    return Array.isArray(parsed.widgets) ? (parsed.widgets as ParsedWidget[]) : undefined;
  } catch {
    return undefined;
  }
}

/** True when a text widget of the body carries Watchkeeper's marker. */
export function isManagedBody(body: string): boolean {
  const widgets = parseWidgets(body);
  return (
    widgets?.some(
      (w) =>
        w.type === "text" &&
        typeof w.properties?.markdown === "string" &&
        w.properties.markdown.includes(MANAGED_MARKER),
    ) ?? false
  );
}

/** The body with key order and the generated time left out: what "changed" means. */
export function comparableBody(body: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  const strip = (value: unknown): unknown =>
    typeof value === "string"
      ? withoutGeneratedAt(value)
      : Array.isArray(value)
        ? value.map(strip)
        : value && typeof value === "object"
          ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, strip(v)]))
          : value;
  return canonicalJson(strip(parsed));
}

function describe(body: string): string {
  const widgets = parseWidgets(body);
  const count = widgets === undefined ? "? widgets" : plural(widgets.length, "widget");
  return `${count}, ${plural(Buffer.byteLength(body, "utf8"), "byte")}`;
}

/** Each widget as comparable text (the generated time left out), so equal widgets compare equal. */
function widgetTexts(body: string): string[] {
  return (parseWidgets(body) ?? []).map((widget) => comparableBody(JSON.stringify(widget)) ?? "");
}

/**
 * What an update changes, in widgets: "2 widgets changed, 1 added". A widget of the old body with no
 * equal in the new one is paired with a new one as "changed"; the rest are added or removed.
 */
export function describeWidgetChanges(from: string, to: string): string {
  const left = new Map<string, number>();
  for (const text of widgetTexts(from)) left.set(text, (left.get(text) ?? 0) + 1);
  let added = 0;
  for (const text of widgetTexts(to)) {
    const count = left.get(text) ?? 0;
    if (count > 0) left.set(text, count - 1);
    else added++;
  }
  let removed = [...left.values()].reduce((sum, count) => sum + count, 0);
  const changed = Math.min(added, removed);
  added -= changed;
  removed -= changed;
  const parts = [
    ...(changed > 0 ? [`${plural(changed, "widget")} changed`] : []),
    ...(added > 0 ? [`${added} added`] : []),
    ...(removed > 0 ? [`${removed} removed`] : []),
  ];
  return parts.length > 0 ? parts.join(", ") : "widgets reordered or their layout changed";
}

/** The new body in the plan's diff: what changed in it, and its size unless that stayed the same. */
function describeUpdate(from: string, to: string): string {
  const size = describe(to);
  return `${size === describe(from) ? "same size" : size}, ${describeWidgetChanges(from, to)}`;
}

/**
 * `existing` may hold any dashboard listed under the base name; only exact part names are considered.
 * Desired dashboards come first in part order, then deletions by name.
 */
export function planDashboards(
  base: string,
  desired: readonly DashboardSpec[],
  existing: readonly ExistingDashboard[],
): DashboardChange[] {
  const byName = new Map(existing.filter((d) => isPartName(base, d.name)).map((d) => [d.name, d]));
  const changes: DashboardChange[] = [];
  for (const spec of desired) {
    const actual = byName.get(spec.name);
    if (!actual) {
      changes.push({
        action: "create",
        kind: "dashboard",
        target: spec.name,
        reason: `does not exist; part ${spec.part} of ${spec.parts} (${describe(spec.body)})`,
        desired: spec,
      });
    } else if (!isManagedBody(actual.body)) {
      changes.push({
        action: "noop",
        kind: "dashboard",
        target: spec.name,
        reason: `exists but its header lacks "${MANAGED_MARKER}": not Watchkeeper's, left alone; rename or delete it to let Watchkeeper write this dashboard`,
        desired: spec,
        actual,
      });
    } else if (comparableBody(actual.body) === comparableBody(spec.body)) {
      changes.push({
        action: "noop",
        kind: "dashboard",
        target: spec.name,
        reason: "up to date",
        desired: spec,
        actual,
      });
    } else {
      changes.push({
        action: "update",
        kind: "dashboard",
        target: spec.name,
        reason: `body differs from what is wanted (${describe(actual.body)} → ${describe(spec.body)})`,
        desired: spec,
        actual,
        diff: [{ field: "body", from: describe(actual.body), to: describeUpdate(actual.body, spec.body) }],
      });
    }
  }
  const wanted = new Set(desired.map((d) => d.name));
  const extra = [...byName.values()]
    .filter((d) => !wanted.has(d.name))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const actual of extra) {
    changes.push(
      isManagedBody(actual.body)
        ? {
            action: "delete",
            kind: "dashboard",
            target: actual.name,
            reason: `no longer needed: the account now fits in ${desired.length} dashboard${desired.length === 1 ? "" : "s"}`,
            actual,
          }
        : {
            action: "noop",
            kind: "dashboard",
            target: actual.name,
            reason: `has a Watchkeeper dashboard name but its header lacks "${MANAGED_MARKER}": not Watchkeeper's, left alone`,
            actual,
          },
    );
  }
  return changes;
}
