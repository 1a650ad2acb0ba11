/**
 * What a scenario's notifications mean: which pages count, whether the incident was detected in time, and
 * how many pages a baseline sent that no one should have had. Pure, so the report and the tests share it.
 */
import { CATALOG } from "../../../lib/alarms/catalog/index.js";
import { BREAKER_ALARM_KINDS } from "../../../lib/breaker/policy.js";
import type { Expectation, Scenario } from "./loads.js";

/** An ALARM notification to the on-call topic, `minute`s after the incident's start (negative: warm-up). */
export interface Page {
  readonly minute: number;
  readonly alarm: string;
  /** The Metrics Insights contributor it is about ("FunctionName=x"). */
  readonly contributor?: string;
}

export type Verdict =
  | { readonly kind: "detected"; readonly minutes: number }
  /** The expected page came, but only after the fault was over. */
  | { readonly kind: "late"; readonly minutes: number }
  | { readonly kind: "missed" }
  | { readonly kind: "quiet" }
  | { readonly kind: "paged"; readonly pages: number; readonly perDay: number };

/** Catalog entry ids and the breaker's trip alarms (`breaker-<kind>`), longest first: names start with one. */
const ENTRY_IDS = [
  ...CATALOG.map((entry) => entry.id),
  ...BREAKER_ALARM_KINDS.map((kind) => `breaker-${kind}`),
].sort((a, b) => b.length - a.length);

/** The catalog entry (or breaker trip alarm) an alarm's name carries after the prefix. */
export function entryOf(alarm: string, prefix: string): string {
  const stem = alarm.startsWith(prefix) ? alarm.slice(prefix.length) : alarm;
  return ENTRY_IDS.find((id) => stem === id || stem.startsWith(`${id}-`)) ?? stem;
}

/** A page from one of the expected entries, about the named resource when the expectation names one. */
export function isExpectedPage(page: Page, expect: Expectation, prefix: string): boolean {
  if (!expect.page) return false;
  if (!expect.by.includes(entryOf(page.alarm, prefix))) return false;
  const naming = expect.naming;
  return (
    naming === undefined ||
    page.alarm.endsWith(`-${naming}`) ||
    page.contributor?.endsWith(`=${naming}`) === true
  );
}

/** `pages` are those from the incident's start on (warm-up pages are not the incident's). */
export function judge(
  scenario: Pick<Scenario, "expect" | "minutes">,
  pages: readonly Page[],
  prefix: string,
): Verdict {
  const { expect, minutes } = scenario;
  if (!expect.page)
    return pages.length === 0
      ? { kind: "quiet" }
      : { kind: "paged", pages: pages.length, perDay: (pages.length * 1440) / minutes };
  const first = pages.find((p) => isExpectedPage(p, expect, prefix));
  if (!first) return { kind: "missed" };
  return first.minute <= minutes
    ? { kind: "detected", minutes: first.minute }
    : { kind: "late", minutes: first.minute };
}
