/**
 * Weeks of an account's metric history in lib/sim, for a backtest: every resource of the account gets a
 * load derived from what it is and what invokes it (`derive.ts`), following a daily cycle with traffic
 * spikes (`shape.ts`), with the noise of a healthy account (single errors on busy functions, workflows that
 * end in a Fail state by design) and a handful of real incidents on known days and hours
 * (`incidents.ts`). Each minute is drawn and published as the incident suite does it (scripts/bench/alerts:
 * `Traffic` draws the minute's activity, `Publisher` turns it into what AWS sends to CloudWatch), then
 * stored as a few counted points per series and minute (`compact.ts`).
 *
 *   const sim = sampleAccount();
 *   const history = seedHistory(sim);               // 14 days up to sim.clock.now(), DEFAULT_INCIDENTS
 *   const short = seedHistory(other, SHORT_HISTORY); // 2 days, 2 incidents: the tests'
 *
 * The history is in the past: minute by minute from `days` days before the clock up to its last whole
 * minute. The clock does not move. Same account, options and seed: the same points.
 */
import { normalizeDimensions } from "../../../lib/sim/metrics.js";
import { Rng } from "../../../lib/sim/random.js";
import type { SimAccount, SimDatapoint } from "../../../lib/sim/index.js";
import { Publisher, type MetricDatum } from "../alerts/publish.js";
import { Traffic } from "../alerts/traffic.js";
import { Compactor } from "./compact.js";
import { deriveLoads, type ResourceProfile, type SkippedResources } from "./derive.js";
import { placeIncidents, type Incident, type IncidentPlan, type UnplacedIncident } from "./incidents.js";
import { FastSampler } from "./sampling.js";
import { trafficShape, type Spike } from "./shape.js";

export type {
  Incident,
  IncidentKind,
  IncidentPlan,
  IncidentResource,
  UnplacedIncident,
} from "./incidents.js";
export type { ResourceProfile, SkippedResources } from "./derive.js";
export type { Spike } from "./shape.js";

const MINUTE_MS = 60_000;
const DAY_MINUTES = 24 * 60;

/** Two weeks: what a backtest replays; the two-week reach of Metrics Insights and within 1-minute retention. */
export const DEFAULT_DAYS = 14;

/** Over two weeks: one of each kind, at night and in the day, on weekdays and a weekend. */
export const DEFAULT_INCIDENTS: readonly IncidentPlan[] = [
  { kind: "poison-message", day: 1, at: "03:20" },
  { kind: "api-5xx-burst", day: 3, at: "14:10" },
  { kind: "throttling-storm", day: 5, at: "11:00" },
  { kind: "stuck-stream-consumer", day: 7, at: "22:00" },
  { kind: "slow-drift", day: 9, at: "06:00" },
  { kind: "table-errors", day: 11, at: "16:30" },
  { kind: "workflow-failures", day: 12, at: "09:00" },
];

export interface HistoryOptions {
  /** Default DEFAULT_DAYS. */
  readonly days?: number;
  /** Seeds the loads, the spikes, the incidents' targets and every minute's draw. Default "history". */
  readonly seed?: string;
  /** Default DEFAULT_INCIDENTS (those that fit in `days`); [] for noise only. */
  readonly incidents?: readonly IncidentPlan[];
}

/** The tests' history: two days, two incidents. */
export const SHORT_HISTORY = {
  days: 2,
  incidents: [
    { kind: "poison-message", day: 0, at: "15:00" },
    { kind: "api-5xx-burst", day: 1, at: "10:00" },
  ],
} as const satisfies HistoryOptions;

export interface History {
  /** Epoch ms: the first minute's start, and the end of the last (the clock's minute, not included). */
  readonly start: number;
  readonly end: number;
  readonly days: number;
  readonly minutes: number;
  readonly seed: string;
  /** The real incidents, in time order: what a backtest should have paged for. */
  readonly incidents: readonly Incident[];
  /** Planned incidents that did not happen: no resource could have them, or they did not fit. */
  readonly unplaced: readonly UnplacedIncident[];
  /** Account-wide traffic spikes: noise, not incidents. */
  readonly spikes: readonly Spike[];
  /** What each resource does. */
  readonly resources: readonly ResourceProfile[];
  /** Resources the history publishes nothing for, and why. */
  readonly skipped: readonly SkippedResources[];
  /** Series written to, and the points added (each may stand for several samples). */
  readonly series: number;
  readonly datapoints: number;
  /** Points the account already held inside the window, removed: two sources for one minute would double it. */
  readonly replacedDatapoints: number;
}

/** Points are handed to the store this many at a time (one put per series and chunk). */
const CHUNK = 10_000;

export function seedHistory(sim: SimAccount, options: HistoryOptions = {}): History {
  const days = options.days ?? DEFAULT_DAYS;
  if (!Number.isInteger(days) || days < 1)
    throw new Error(`days must be a whole number of days, at least 1; got ${days}`);
  const seed = options.seed ?? "history";
  // Up to the clock's last whole minute: the one in progress has not been published yet.
  const end = Math.floor(sim.clock.now() / MINUTE_MS) * MINUTE_MS;
  const minutes = days * DAY_MINUTES;
  const start = end - minutes * MINUTE_MS;

  const shape = trafficShape(start, end, seed);
  const { loads, profiles, skipped, ids } = deriveLoads(sim, { start, end }, shape, seed);
  const { incidents, unplaced } = placeIncidents(
    { sim, loads, profiles, start, minutes, seed },
    options.incidents ?? DEFAULT_INCIDENTS.filter((p) => p.day < days),
  );

  const replacedDatapoints = removeWindow(sim, start, end);
  const traffic = new Traffic(loads, new FastSampler(new Rng(`${seed}/traffic`)), ids, {
    reservedConcurrency: (name) => sim.functions.get(name)?.reservedConcurrency,
  });
  const publisher = new Publisher();
  const store = new ChunkedStore(sim);
  for (let minute = 0; minute < minutes; minute++) {
    const at = start + minute * MINUTE_MS;
    for (const datum of publisher.publish(traffic.minute(minute, at))) store.add(datum, at);
  }
  store.flush();

  return {
    start,
    end,
    days,
    minutes,
    seed,
    incidents,
    unplaced,
    spikes: shape.spikes,
    resources: profiles,
    skipped,
    series: store.series,
    datapoints: store.datapoints,
    replacedDatapoints,
  };
}

/**
 * Removes the points the account holds in [start, end) (the sample account's last hour of Lambda metrics,
 * say). In place, so the store's order holds: removing points from a series in time order keeps it so.
 */
function removeWindow(sim: SimAccount, start: number, end: number): number {
  let removed = 0;
  for (const series of sim.metrics.series()) {
    const points = series.points;
    let kept = 0;
    for (const p of points) if (p.timestamp < start || p.timestamp >= end) points[kept++] = p;
    removed += points.length - kept;
    points.length = kept;
  }
  return removed;
}

/** A series' pending points, and the datum that names it. */
interface Pending {
  readonly datum: MetricDatum;
  points: SimDatapoint[];
}

/** A node of the series trie: namespace, metric name, then each dimension's name and value. */
interface Node {
  readonly children: Map<string, Node>;
  pending?: Pending;
}

/**
 * Collects each series' points and puts them in chunks: one store lookup per chunk, not per minute. Series
 * are found through a trie of the datum's own strings (the loads' names, the same objects every minute, so
 * their hashes are cached), not a key built anew for every datum.
 */
class ChunkedStore {
  private readonly root: Node = { children: new Map() };
  private readonly all: Pending[] = [];
  private readonly compactor = new Compactor();
  series = 0;
  datapoints = 0;

  constructor(private readonly sim: SimAccount) {}

  add(datum: MetricDatum, at: number): void {
    let node = this.child(this.child(this.root, datum.namespace), datum.metricName);
    for (const name in datum.dimensions) node = this.child(this.child(node, name), datum.dimensions[name]!);
    let entry = node.pending;
    if (!entry) {
      this.all.push((entry = node.pending = { datum, points: [] }));
      this.series++;
    }
    for (const point of this.compactor.samples(datum.values, at, datum.unit)) entry.points.push(point);
    if (entry.points.length >= CHUNK) this.put(entry);
  }

  flush(): void {
    for (const entry of this.all) this.put(entry);
  }

  private child(node: Node, key: string): Node {
    let next = node.children.get(key);
    if (!next) node.children.set(key, (next = { children: new Map() }));
    return next;
  }

  private put(entry: Pending): void {
    const { namespace, metricName, dimensions } = entry.datum;
    this.sim.metrics.put(namespace, metricName, normalizeDimensions(dimensions), entry.points);
    this.datapoints += entry.points.length;
    entry.points = [];
  }
}
