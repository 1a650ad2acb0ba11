/**
 * The alarm data check (a lint, as pint checks Prometheus rules against the live server's series): will each
 * planned alarm's metric ever receive data? Read from ListMetrics, which lists every dimension set that had
 * data in the past two weeks. Pure: specs and listings in, one finding per alarm that is not fine out.
 *
 * - never: the resource publishes the metric, but only with other dimension sets (DynamoDB's SystemErrors
 *   comes per [Operation, TableName], so an alarm on [TableName] gets nothing), a Metrics Insights SCHEMA no
 *   series has, or a metric name that differs only in case from one the resource publishes.
 * - no-data-yet: nothing listed, which the listing cannot tell from quiet: a new or idle resource, or a
 *   metric AWS sends only when something happens (errors, throttles). Expected, so summarized, not alarmed.
 * - unknown: the listing failed, or the alarm reads something this check cannot follow.
 */
import type { Dimension, TreatMissingData } from "./catalog/types.js";
import { EvaluatorError } from "./evaluate/types.js";
import { isInsightsQuery, parseInsightsQuery, type ParsedInsightsQuery } from "./evaluate/insights.js";
import type { AlarmLevel, AlarmSpec } from "./spec.js";
import { metricKey, type ListedMetric, type ListedMetrics, type MetricName } from "../metrics/listed.js";

export type AlarmDataStatus = "never" | "no-data-yet" | "unknown";

export type AlarmDataCause =
  /** never: the metric is listed for the resource (or, for a query, the kind) only with other dimension sets. */
  | "other-dimensions"
  /** never: no such metric, but one whose name differs only in case is listed for the resource. */
  | "metric-name"
  /** no-data-yet: the resource publishes other metrics of the namespace, not this one. */
  | "metric-quiet"
  /** no-data-yet: nothing of the resource (or of the query's kind) is listed: new, or no traffic. */
  | "resource-silent"
  /** no-data-yet: only resources the query's WHERE leaves out publish it. */
  | "only-excluded"
  /** unknown: the listing failed. */
  | "unread"
  /** unknown: the alarm reads an expression this check cannot follow. */
  | "unparsed";

export interface AlarmDataFinding {
  readonly alarm: string;
  readonly status: AlarmDataStatus;
  readonly cause: AlarmDataCause;
  /** "AWS/DynamoDB SystemErrors": the metric the reason is about (for a math alarm, its worst one). */
  readonly metric: string;
  /** One line an on-call engineer can act on. */
  readonly reason: string;
  readonly entryId: string;
  readonly level: AlarmLevel;
  readonly resourceArn?: string;
}

export interface AlarmDataCheck {
  /** Alarms checked. */
  readonly alarms: number;
  /** Metrics listed (one ListMetrics listing each, paged). */
  readonly metrics: number;
  /** ListMetrics calls (pages) the listings took: what the check cost. */
  readonly calls: number;
  readonly counts: Readonly<Record<"fine" | AlarmDataStatus, number>>;
  /** never first, then unknown, then no-data-yet; by alarm name within each. */
  readonly findings: readonly AlarmDataFinding[];
}

/**
 * Dimensions that name a part of a resource whose data AWS counts apart from the resource's own: a listing
 * with them says nothing about the resource's own series. DynamoDB's throttle events of a global secondary
 * index are the index's, not the table's, so a table whose only throttling was on an index has none listed
 * for [TableName] — quiet, not impossible.
 */
const SEPARATE_PARTS: ReadonlySet<string> = new Set(["GlobalSecondaryIndexName"]);

/** Every metric the alarms read, once each: what ListMetrics must list for `lintAlarmData`. */
export function alarmMetricNames(specs: readonly AlarmSpec[]): MetricName[] {
  const names = new Map<string, MetricName>();
  for (const spec of specs)
    for (const read of readsOf(spec))
      if (read.kind !== "unparsed") {
        const name = { namespace: read.namespace, metricName: read.metricName };
        names.set(metricKey(name), name);
      }
  return [...names.values()];
}

/** Checks every alarm against the listings; `listed` should cover `alarmMetricNames(specs)`. */
export function lintAlarmData(specs: readonly AlarmSpec[], listed: ListedMetrics): AlarmDataCheck {
  const index = new ListingIndex(listed);
  const findings: AlarmDataFinding[] = [];
  for (const spec of specs) {
    const finding = checkAlarm(spec, index);
    if (finding) findings.push(finding);
  }
  const rank: Record<AlarmDataStatus, number> = { never: 0, unknown: 1, "no-data-yet": 2 };
  findings.sort(
    (a, b) => rank[a.status] - rank[b.status] || (a.alarm < b.alarm ? -1 : a.alarm > b.alarm ? 1 : 0),
  );
  const count = (status: AlarmDataStatus) => findings.filter((f) => f.status === status).length;
  return {
    alarms: specs.length,
    metrics: listed.metrics.size + listed.unread.size,
    calls: listed.calls,
    counts: {
      fine: specs.length - findings.length,
      never: count("never"),
      "no-data-yet": count("no-data-yet"),
      unknown: count("unknown"),
    },
    findings,
  };
}

/** What an alarm reads: one exact series (a single metric or a math alarm's MetricStat), or a query. */
type Read =
  | {
      readonly kind: "series";
      readonly id?: string;
      readonly namespace: string;
      readonly metricName: string;
      readonly dimensions: readonly Dimension[];
    }
  | ({ readonly kind: "query"; readonly id: string } & ParsedInsightsQuery)
  | { readonly kind: "unparsed"; readonly id: string; readonly expression: string };

function readsOf(spec: AlarmSpec): Read[] {
  if (spec.metric) return [{ kind: "series", ...spec.metric }];
  const reads: Read[] = [];
  for (const query of spec.metrics ?? []) {
    if (query.metricStat) reads.push({ kind: "series", id: query.id, ...query.metricStat });
    else if (query.expression !== undefined && isInsightsQuery(query.expression)) {
      try {
        reads.push({ kind: "query", id: query.id, ...parseInsightsQuery(query.expression) });
      } catch (error) {
        if (!(error instanceof EvaluatorError)) throw error;
        reads.push({ kind: "unparsed", id: query.id, expression: query.expression });
      }
    }
    // Other expressions (FILL, IF, ANOMALY_DETECTION_BAND) compute from the MetricStats checked above.
  }
  return reads;
}

interface Verdict {
  readonly status: AlarmDataStatus;
  readonly cause: AlarmDataCause;
  readonly metric: string;
  readonly reason: string;
}

const SEVERITY: Record<AlarmDataStatus, number> = { never: 3, unknown: 2, "no-data-yet": 1 };

/** The alarm's worst read decides; a math alarm's reason names the query it is about. */
function checkAlarm(spec: AlarmSpec, index: ListingIndex): AlarmDataFinding | undefined {
  const reads = readsOf(spec);
  let worst: Verdict | undefined;
  if (reads.length === 0)
    worst = {
      status: "unknown",
      cause: "unparsed",
      metric: "",
      reason: "the alarm reads no metric this check can follow",
    };
  for (const read of reads) {
    const verdict = judge(read, index);
    if (verdict && (!worst || SEVERITY[verdict.status] > SEVERITY[worst.status]))
      worst = inContext(verdict, spec, read, reads.length);
  }
  if (!worst) return undefined;
  return {
    alarm: spec.name,
    ...worst,
    entryId: spec.origin.entryId,
    level: spec.origin.level,
    ...(spec.origin.resourceArn !== undefined ? { resourceArn: spec.origin.resourceArn } : {}),
  };
}

/** A read's verdict as the alarm's: which of several queries it is about, and what a "never" does to the alarm. */
function inContext(verdict: Verdict, spec: AlarmSpec, read: Read, reads: number): Verdict {
  const reason =
    verdict.status === "never" ? `${verdict.reason}: ${consequence(spec, read)}` : verdict.reason;
  const named = read.kind === "series" && read.id !== undefined && reads > 1;
  return { ...verdict, reason: named ? `${read.id}: ${reason}` : reason };
}

/**
 * What a read that never has data does to the alarm. A math alarm may still compute (FILL makes zeros from
 * nothing), so only that it never sees the series is certain; otherwise the alarm gets no data at all.
 */
function consequence(spec: AlarmSpec, read: Read): string {
  if (read.kind === "query") return `the query matches no series; ${stuck(spec.treatMissingData)}`;
  if (spec.metric) return `the alarm can never receive data; ${stuck(spec.treatMissingData)}`;
  return "that series never has data, so the alarm never sees it";
}

/** Where an alarm that never gets data stays, by its missing-data treatment. */
function stuck(treatMissingData: TreatMissingData): string {
  switch (treatMissingData) {
    case "breaching":
      return "missing data counts as breaching, so it would stay in ALARM";
    case "notBreaching":
      return "it would stay OK whatever happens";
    default:
      return "it would stay in INSUFFICIENT_DATA";
  }
}

function judge(read: Read, index: ListingIndex): Verdict | undefined {
  if (read.kind === "unparsed")
    return {
      status: "unknown",
      cause: "unparsed",
      metric: "",
      reason: `${read.id}: a query this check cannot read (${read.expression.slice(0, 80)})`,
    };
  const metric = `${read.namespace} ${read.metricName}`;
  const why = index.unread(read);
  if (why !== undefined)
    return { status: "unknown", cause: "unread", metric, reason: `${metric} could not be listed: ${why}` };
  return read.kind === "series" ? judgeSeries(read, metric, index) : judgeQuery(read, metric, index);
}

const TWO_WEEKS = "in the last two weeks";

function judgeSeries(
  read: Extract<Read, { kind: "series" }>,
  metric: string,
  index: ListingIndex,
): Verdict | undefined {
  const wanted = [...read.dimensions].sort(byName);
  const listing = index.of(read);
  if (listing.hasExact(wanted)) return undefined;
  const names = `[${wanted.map((d) => d.name).join(", ")}]`;
  // An account-wide (dimensionless) series is published apart from the per-resource ones: those say nothing.
  if (wanted.length === 0)
    return {
      status: "no-data-yet",
      cause: "resource-silent",
      metric,
      reason: `no account-wide ${metric} (without dimensions) ${TWO_WEEKS}`,
    };
  const who = wanted.map((d) => d.value).join(", ");
  const telling = listing.containing(wanted).filter((set) => !hasSeparatePart(set, wanted));
  if (telling.length > 0)
    return {
      status: "never",
      cause: "other-dimensions",
      metric,
      reason: `${metric} is published for ${who} only with ${shapes(telling)}, not ${names}`,
    };
  const variant = index
    .caseVariants(read)
    .find((other) => other.hasExact(wanted) || other.containing(wanted).length > 0);
  if (variant)
    return {
      status: "never",
      cause: "metric-name",
      metric,
      reason: `${who} publishes ${variant.label}, not ${metric} (metric names are case-sensitive)`,
    };
  const hint = shapeHint(
    listing,
    wanted.map((d) => d.name),
  );
  if (index.namespaceContaining(read.namespace, wanted))
    return {
      status: "no-data-yet",
      cause: "metric-quiet",
      metric,
      reason:
        `${who} publishes other ${read.namespace} metrics but no ${read.metricName} ${TWO_WEEKS}: expected if AWS ` +
        `sends it only when something happens (errors, throttles); if not, check the alarm's metric and dimensions${hint}`,
    };
  return {
    status: "no-data-yet",
    cause: "resource-silent",
    metric,
    reason: `nothing of ${who} in ${read.namespace} ${TWO_WEEKS}: a new resource, or one with no traffic yet${hint}`,
  };
}

function judgeQuery(
  read: Extract<Read, { kind: "query" }>,
  metric: string,
  index: ListingIndex,
): Verdict | undefined {
  const listing = index.of(read);
  const schema = read.schema ? [...read.schema].sort() : undefined;
  const schemaKey = schema?.join("\0");
  // SCHEMA matches exactly its keys; FROM "namespace" every set with each GROUP BY key (the rest are left out).
  const selects = (set: ListedMetric) =>
    schemaKey !== undefined
      ? namesOf(set.dimensions).join("\0") === schemaKey
      : read.groupBy.every((key) => set.dimensions.some((d) => d.name === key));
  const excluded = (set: ListedMetric) =>
    read.exclude.some((e) => set.dimensions.some((d) => d.name === e.name && d.value === e.value));
  const selected = listing.all.filter(selects);
  if (selected.some((set) => !excluded(set))) return undefined;
  if (selected.length > 0)
    return {
      status: "no-data-yet",
      cause: "only-excluded",
      metric,
      reason: `only resources the query leaves out (WHERE … !=) published ${metric} ${TWO_WEEKS}`,
    };
  const keys = schema ?? read.groupBy;
  const shape = keys.map((key) => ({ name: key, value: "" }));
  const telling = schema
    ? listing.all.filter(
        (set) =>
          schema.every((key) => set.dimensions.some((d) => d.name === key)) && !hasSeparatePart(set, shape),
      )
    : [];
  if (telling.length > 0)
    return {
      status: "never",
      cause: "other-dimensions",
      metric,
      reason: `${metric} is listed only with ${shapes(telling)}, never with exactly the query's SCHEMA [${keys.join(", ")}]`,
    };
  const variant = index.caseVariants(read).find((other) => other.all.some(selects));
  if (variant)
    return {
      status: "never",
      cause: "metric-name",
      metric,
      reason: `resources publish ${variant.label}, not ${metric} (metric names are case-sensitive)`,
    };
  if (index.namespaceHasKeys(read.namespace, read.groupBy))
    return {
      status: "no-data-yet",
      cause: "metric-quiet",
      metric,
      reason:
        `no resource published ${read.metricName} ${TWO_WEEKS}, though they publish other ${read.namespace} metrics: ` +
        `expected if AWS sends it only when something happens (errors, throttles); if not, check the query`,
    };
  return {
    status: "no-data-yet",
    cause: "resource-silent",
    metric,
    reason: `no resource published ${read.namespace} metrics with [${read.groupBy.join(", ")}] ${TWO_WEEKS}: none yet, or no traffic`,
  };
}

/**
 * Elsewhere in the account the metric comes only with more dimensions than the alarm's: not proof for this
 * resource (it may simply be quiet), but worth saying.
 */
function shapeHint(listing: MetricListing, keys: readonly string[]): string {
  if (listing.all.length === 0) return "";
  const key = [...keys].sort().join("\0");
  // Asked for each quiet alarm on the metric: the answer depends only on the keys, so it is kept.
  const known = listing.hints.get(key);
  if (known !== undefined) return known;
  const hint = computeHint(listing, keys, key);
  listing.hints.set(key, hint);
  return hint;
}

function computeHint(listing: MetricListing, keys: readonly string[], key: string): string {
  const shape = keys.map((name) => ({ name, value: "" }));
  const wider = listing.all.filter((set) => keys.every((k) => set.dimensions.some((d) => d.name === k)));
  if (wider.length !== listing.all.length || wider.some((set) => namesOf(set.dimensions).join("\0") === key))
    return "";
  if (wider.some((set) => hasSeparatePart(set, shape))) return "";
  return `; elsewhere in the account it is listed only with ${shapes(wider)}: if that holds here too, the alarm will never receive data`;
}

const byName = (a: Dimension, b: Dimension) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
const namesOf = (dimensions: readonly Dimension[]) => dimensions.map((d) => d.name).sort();

function hasSeparatePart(set: ListedMetric, wanted: readonly Dimension[]): boolean {
  return set.dimensions.some((d) => SEPARATE_PARTS.has(d.name) && !wanted.some((w) => w.name === d.name));
}

/** "[Operation, TableName]", or several: "[A, B] or [A, C]" (at most three named). */
function shapes(sets: readonly ListedMetric[]): string {
  const distinct = [...new Set(sets.map((set) => `[${namesOf(set.dimensions).join(", ")}]`))].sort();
  const named = distinct.slice(0, 3).join(" or ");
  return distinct.length > 3 ? `${named} (and ${distinct.length - 3} more sets)` : named;
}

const pairKey = (d: Dimension) => `${d.name}\0${d.value}`;
const setKey = (dimensions: readonly Dimension[]) => dimensions.map(pairKey).join("\0\0");

/** One metric's listed dimension sets, indexed by exact set and by name=value pair. */
class MetricListing {
  private exact?: Set<string>;
  private byPair?: Map<string, ListedMetric[]>;
  /** `shapeHint`'s answers by sorted dimension names. */
  readonly hints = new Map<string, string>();

  constructor(
    readonly label: string,
    readonly all: readonly ListedMetric[],
  ) {}

  /** `wanted` sorted by name, as listed sets are. */
  hasExact(wanted: readonly Dimension[]): boolean {
    this.exact ??= new Set(this.all.map((set) => setKey(set.dimensions)));
    return this.exact.has(setKey(wanted));
  }

  /** Sets holding every pair of `wanted` and more (never `wanted` exactly: `hasExact` answers that). */
  containing(wanted: readonly Dimension[]): ListedMetric[] {
    this.byPair ??= pairIndex(this.all);
    return containingIn(this.byPair, wanted).filter((set) => set.dimensions.length > wanted.length);
  }
}

function pairIndex(sets: readonly ListedMetric[]): Map<string, ListedMetric[]> {
  const index = new Map<string, ListedMetric[]>();
  for (const set of sets)
    for (const d of set.dimensions) {
      const key = pairKey(d);
      const list = index.get(key);
      if (list) list.push(set);
      else index.set(key, [set]);
    }
  return index;
}

/** Sets holding every pair of `wanted`, from the shortest pair list (a resource's own name is rare). */
function containingIn(
  index: ReadonlyMap<string, ListedMetric[]>,
  wanted: readonly Dimension[],
): ListedMetric[] {
  let shortest: readonly ListedMetric[] | undefined;
  for (const d of wanted) {
    const list = index.get(pairKey(d)) ?? [];
    if (!shortest || list.length < shortest.length) shortest = list;
  }
  return (shortest ?? []).filter((set) =>
    wanted.every((w) => set.dimensions.some((d) => d.name === w.name && d.value === w.value)),
  );
}

/** The listings, indexed on first use: a plan of 50,000 alarms reads each metric's sets once. */
class ListingIndex {
  private readonly listings = new Map<string, MetricListing>();
  private readonly namespaces = new Map<
    string,
    { sets: ListedMetric[]; byPair?: Map<string, ListedMetric[]> }
  >();
  private readonly byLowerKey = new Map<string, string[]>();
  private readonly hasKeys = new Map<string, boolean>();

  constructor(private readonly listed: ListedMetrics) {
    for (const [key, sets] of listed.metrics) {
      const first = sets[0];
      const namespace = first?.namespace ?? key.slice(0, key.indexOf(" "));
      const entry = this.namespaces.get(namespace) ?? { sets: [] };
      entry.sets.push(...sets);
      this.namespaces.set(namespace, entry);
      const lower = key.toLowerCase();
      this.byLowerKey.set(lower, [...(this.byLowerKey.get(lower) ?? []), key]);
    }
  }

  unread(name: MetricName): string | undefined {
    const key = metricKey(name);
    if (this.listed.unread.has(key)) return this.listed.unread.get(key);
    return this.listed.metrics.has(key) ? undefined : "not listed by this run";
  }

  of(name: MetricName): MetricListing {
    return this.listing(metricKey(name));
  }

  /** Listed metrics whose namespace and name differ from `name`'s only in case. */
  caseVariants(name: MetricName): MetricListing[] {
    const key = metricKey(name);
    return (this.byLowerKey.get(key.toLowerCase()) ?? [])
      .filter((k) => k !== key)
      .map((k) => this.listing(k));
  }

  /** Some listed metric of the namespace has a set holding every pair of `wanted`: the resource is active. */
  namespaceContaining(namespace: string, wanted: readonly Dimension[]): boolean {
    const entry = this.namespaces.get(namespace);
    if (!entry) return false;
    entry.byPair ??= pairIndex(entry.sets);
    return containingIn(entry.byPair, wanted).length > 0;
  }

  /** Some listed metric of the namespace has a set with every one of `keys` (asked once per aggregate query). */
  namespaceHasKeys(namespace: string, keys: readonly string[]): boolean {
    const key = [namespace, ...keys].join("\0");
    let answer = this.hasKeys.get(key);
    if (answer === undefined) {
      answer = (this.namespaces.get(namespace)?.sets ?? []).some((set) =>
        keys.every((k) => set.dimensions.some((d) => d.name === k)),
      );
      this.hasKeys.set(key, answer);
    }
    return answer;
  }

  private listing(key: string): MetricListing {
    let listing = this.listings.get(key);
    if (!listing) {
      listing = new MetricListing(key, this.listed.metrics.get(key) ?? []);
      this.listings.set(key, listing);
    }
    return listing;
  }
}
