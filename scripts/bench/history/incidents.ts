/**
 * Real incidents in a history, on given days and hours: each kind picks a resource of the account that can
 * have it (a queue with a DLQ and a Lambda consumer, a function with reserved concurrency, ...), changes its
 * load for the incident's minutes in the alert suite's vocabulary, and says what happened, to what, and
 * from when to when — what a backtest's report calls a real incident. The shapes are the incident suite's
 * (scripts/bench/alerts/scenarios.ts), at this account's rates.
 */
import { Rng } from "../../../lib/sim/random.js";
import type { SimAccount } from "../../../lib/sim/index.js";
import { levelAt, type ApiLoad, type FunctionLoad, type Load, type Window } from "../alerts/loads.js";
import { poisonMessage } from "../alerts/scenarios.js";
import type { ResourceProfile } from "./derive.js";
import { withWindows } from "./shape.js";

const MINUTE_MS = 60_000;
const HOUR = 60;
const DAY_MS = 24 * HOUR * MINUTE_MS;

export type IncidentKind =
  | "poison-message"
  | "throttling-storm"
  | "api-5xx-burst"
  | "stuck-stream-consumer"
  | "slow-drift"
  | "table-errors"
  | "workflow-failures";

export interface IncidentPlan {
  readonly kind: IncidentKind;
  /** Days after the UTC date the history starts on (0: that date). */
  readonly day: number;
  /** UTC time of day the fault starts, "HH:MM". */
  readonly at: string;
  /** The resource the incident is reported on (see `Incident.resourceName`); default a seeded pick. */
  readonly target?: string;
}

export interface IncidentResource {
  readonly kind: Load["kind"];
  readonly name: string;
  readonly arn: string;
}

export interface Incident {
  /** `<kind>-day<day>`: stable for a plan; `held-messages-<queue>` for the account's own. */
  readonly id: string;
  /** "held-messages": messages the account's queue already holds, sent inside the history (not planned). */
  readonly kind: IncidentKind | "held-messages";
  readonly title: string;
  /** The resource an alarm should name: the DLQ, the throttled function, the API, ... */
  readonly resourceKind: Load["kind"];
  readonly resourceName: string;
  readonly resourceArn: string;
  /** What else it touches: the consumer that failed, the stream left unread. */
  readonly related: readonly IncidentResource[];
  /** Epoch ms, [start, end): from the fault's start to its repair (a redrive, a rollback, a catch-up). */
  readonly start: number;
  readonly end: number;
}

export interface UnplacedIncident {
  readonly plan: IncidentPlan;
  readonly why: string;
}

/** A poison message's DLQ is redriven this long after it lands: on-call fixed the consumer. */
const REDRIVE_AFTER_MINUTES = 2 * HOUR;
/** The incident suite's shapes. */
const STORM_MINUTES = 20;
const STORM_DEMAND = 2;
const BURST_MINUTES = 10;
const BURST_SHARE = 0.25;
const STUCK_MINUTES = 3 * HOUR;
const CATCH_UP_MINUTES = 20;
const DRIFT_MINUTES = 8 * HOUR;
const DRIFT_HELD_MINUTES = HOUR;
/**
 * At the drift's end p90 is the timeout: a tenth of the invocations time out, and a minute's p90 (from up to
 * 100 samples, ±9 %) stays above the catalog's 90 % most minutes, as a real slowdown would.
 */
const DRIFT_P90_SHARE = 1;
/** Busy enough for a p90 from many samples a minute. */
const DRIFT_MIN_PEAK_PER_MINUTE = 50;
/** z of the 90th percentile: a log-normal's p90 is its median × e^(z σ). */
const Z90 = 1.2816;
const TABLE_ERROR_MINUTES = 30;
const TABLE_ERRORS_PER_MINUTE = 4;
const WORKFLOW_MINUTES = 30;
const WORKFLOW_FAILED_SHARE = 0.4;

/** The account's loads as incidents change them, with the facts an incident needs. */
export interface IncidentContext {
  readonly sim: SimAccount;
  readonly loads: Load[];
  readonly profiles: readonly ResourceProfile[];
  /** Epoch ms of minute 0, and the history's length in minutes. */
  readonly start: number;
  readonly minutes: number;
  readonly seed: string;
}

/** What placing an incident changed and says; minutes from the history's start. */
interface Placed {
  readonly title: string;
  readonly resource: IncidentResource;
  readonly related: IncidentResource[];
  readonly from: number;
  readonly to: number;
}

interface Candidate {
  /** The resource the incident is reported on; its name is matched against a plan's `target`. */
  readonly name: string;
  readonly kind: Load["kind"];
  readonly place: (from: number) => Placed;
}

const dateTime = (ctx: IncidentContext, minute: number) =>
  new Date(ctx.start + minute * MINUTE_MS).toISOString().slice(0, 16).replace("T", " ");
/** The time of day of a minute of the history, UTC: what an incident's title says. */
const clock = (ctx: IncidentContext, minute: number) => dateTime(ctx, minute).slice(11);

export function placeIncidents(ctx: IncidentContext, plans: readonly IncidentPlan[]) {
  const incidents: Incident[] = [];
  const unplaced: UnplacedIncident[] = [];
  // One incident per resource, so each incident's data is its own and the report can tell them apart.
  const used = new Set<string>();
  // Messages a DLQ (or a queue nobody reads) already holds are the account's own incident: they show.
  for (const queue of ctx.loads)
    if (queue.kind === "queue" && queue.arrivals?.length) {
      const first = queue.arrivals[0]!.at;
      const count = queue.arrivals.reduce((n, p) => n + p.count, 0);
      const arn = ctx.profiles.find((p) => p.kind === "queue" && p.name === queue.name)?.arn ?? "";
      incidents.push({
        id: `held-messages-${queue.name}`,
        kind: "held-messages",
        title:
          `${count} message${count === 1 ? "" : "s"} the account's ${queue.name} holds, ` +
          `${first === 0 ? "from before the history" : `from ${dateTime(ctx, first)} UTC`} to its end`,
        resourceKind: "queue",
        resourceName: queue.name,
        resourceArn: arn,
        related: [],
        start: ctx.start + first * MINUTE_MS,
        end: ctx.start + ctx.minutes * MINUTE_MS,
      });
    }
  plans.forEach((plan, index) => {
    const time = /^(\d{2}):(\d{2})$/.exec(plan.at);
    if (!time || Number(time[1]) > 23 || Number(time[2]) > 59) {
      unplaced.push({ plan, why: `at "${plan.at}" is no UTC time of day; write "HH:MM", e.g. "14:10"` });
      return;
    }
    const at =
      Math.floor(ctx.start / DAY_MS) * DAY_MS +
      plan.day * DAY_MS +
      (Number(time[1]) * HOUR + Number(time[2])) * MINUTE_MS;
    const from = Math.round((at - ctx.start) / MINUTE_MS);
    if (from < 0) {
      unplaced.push({ plan, why: `day ${plan.day} at ${plan.at} is before the history's start` });
      return;
    }
    const candidates = candidatesOf(ctx, plan.kind).filter((c) => !used.has(`${c.kind}/${c.name}`));
    const fitting = plan.target === undefined ? candidates : candidates.filter((c) => c.name === plan.target);
    if (fitting.length === 0) {
      unplaced.push({
        plan,
        why:
          plan.target === undefined
            ? `no resource of the account can have a ${plan.kind}`
            : `"${plan.target}" cannot have a ${plan.kind}; these can: ${candidates.map((c) => c.name).join(", ") || "none"}`,
      });
      return;
    }
    const chosen = new Rng(`${ctx.seed}/incident/${index}/${plan.kind}`).pick(fitting);
    // Placing changes the loads, so check the incident fits before keeping what it changed.
    const before = [...ctx.loads];
    const placed = chosen.place(from);
    if (placed.to > ctx.minutes) {
      ctx.loads.splice(0, ctx.loads.length, ...before);
      unplaced.push({ plan, why: `day ${plan.day} at ${plan.at}: the incident would end after the history` });
      return;
    }
    used.add(`${chosen.kind}/${chosen.name}`);
    incidents.push({
      id: `${plan.kind}-day${plan.day}`,
      kind: plan.kind,
      title: placed.title,
      resourceKind: placed.resource.kind,
      resourceName: placed.resource.name,
      resourceArn: placed.resource.arn,
      related: placed.related,
      start: ctx.start + placed.from * MINUTE_MS,
      end: ctx.start + placed.to * MINUTE_MS,
    });
  });
  incidents.sort((a, b) => a.start - b.start);
  return { incidents, unplaced };
}

function candidatesOf(ctx: IncidentContext, kind: IncidentKind): Candidate[] {
  const { loads } = ctx;
  const of = <K extends Load["kind"]>(k: K) =>
    loads.filter((l): l is Extract<Load, { kind: K }> => l.kind === k);
  const resource = (k: Load["kind"], name: string): IncidentResource => ({
    kind: k,
    name,
    arn: ctx.profiles.find((p) => p.kind === k && p.name === name)?.arn ?? "",
  });
  /** Replaces the first load of this kind and name (an API's first stage is the busy one). */
  const update = <L extends Load>(load: L, change: (l: L) => L) => {
    const i = loads.indexOf(load);
    loads[i] = change(load);
  };
  const peak = (name: string) => ctx.profiles.find((p) => p.name === name)?.peakPerMinute ?? 0;

  switch (kind) {
    case "poison-message":
      return of("function").flatMap((fn) => {
        const source = of("queue").find((q) => q.name === fn.queue);
        const dlq = source?.deadLetterQueue && of("queue").find((q) => q.name === source.deadLetterQueue);
        // A DLQ already holding messages would have them redriven with the poison one.
        if (!source || !dlq || dlq.arrivals?.length) return [];
        return [
          {
            name: dlq.name,
            kind: "queue",
            place: (from: number): Placed => {
              const visibility = ctx.sim.queues.get(source.name)?.visibilityTimeout ?? 30;
              const receives = source.maxReceiveCount ?? 5;
              const poison = poisonMessage(from, receives, visibility);
              const redriven = poison.landing.at + REDRIVE_AFTER_MINUTES;
              update(fn, (l) => ({ ...l, failures: [...(l.failures ?? []), ...poison.failures] }));
              update(dlq, (l) => ({
                ...l,
                arrivals: [...(l.arrivals ?? []), poison.landing],
                drainedAt: [...(l.drainedAt ?? []), redriven],
              }));
              return {
                title:
                  `A poison message in ${source.name} fails ${fn.name} ${receives} times and lands in ${dlq.name} ` +
                  `at ${clock(ctx, poison.landing.at)}; redriven ${REDRIVE_AFTER_MINUTES / HOUR} h later`,
                resource: resource("queue", dlq.name),
                related: [resource("queue", source.name), resource("function", fn.name)],
                from,
                to: redriven,
              };
            },
          },
        ];
      });

    case "throttling-storm":
      return of("function")
        .filter((fn) => (fn.reservedConcurrency ?? 0) > 0 && !fn.queue && !fn.stream)
        .map((fn) => ({
          name: fn.name,
          kind: "function",
          place: (from: number): Placed => {
            const reserved = fn.reservedConcurrency!;
            const median = levelAt(fn.medianDurationMs ?? 120, from);
            const spread = fn.durationSpread ?? 0.5;
            const meanMs = Math.min(
              median * Math.exp((spread * spread) / 2),
              (fn.timeoutSeconds ?? 30) * 1000,
            );
            const storm = Math.round((STORM_DEMAND * reserved * MINUTE_MS) / meanMs);
            update(fn, (l) => ({
              ...l,
              requestsPerMinute: withWindows(l.requestsPerMinute, {
                from,
                to: from + STORM_MINUTES,
                value: storm,
              }),
            }));
            return {
              title:
                `${fn.name} gets ${storm.toLocaleString("en-US")} requests a minute for ${STORM_MINUTES} min, ` +
                `${STORM_DEMAND}× what its reserved concurrency (${reserved}) serves: more than half are throttled`,
              resource: resource("function", fn.name),
              related: [],
              from,
              to: from + STORM_MINUTES,
            };
          },
        }));

    case "api-5xx-burst": {
      const apis = loads.filter((l): l is ApiLoad => l.kind === "rest-api" || l.kind === "http-api");
      // The first stage of each API: the busy one.
      return apis
        .filter((api, i) => apis.findIndex((a) => a.kind === api.kind && a.name === api.name) === i)
        .map((api) => ({
          name: api.name,
          kind: api.kind,
          place: (from: number): Placed => {
            update(api, (l) => ({
              ...l,
              serverErrorShare: withWindows(l.serverErrorShare, {
                from,
                to: from + BURST_MINUTES,
                value: BURST_SHARE,
              }),
            }));
            return {
              title: `${api.kind === "rest-api" ? "REST" : "HTTP"} API ${api.name} (stage ${api.stage}) returns ${BURST_SHARE * 100} % 5xx for ${BURST_MINUTES} min`,
              resource: resource(api.kind, api.name),
              related: [],
              from,
              to: from + BURST_MINUTES,
            };
          },
        }));
    }

    case "stuck-stream-consumer": {
      const kinesis = new Set(of("stream").map((s) => s.name));
      const consumers = of("function").filter((fn) => fn.stream);
      // A Kinesis reader where there is one: a DynamoDB stream's shows only in the function's IteratorAge.
      const preferred = consumers.filter((fn) => kinesis.has(fn.stream!.name));
      return (preferred.length > 0 ? preferred : consumers).map((fn) => ({
        name: fn.name,
        kind: "function",
        place: (from: number): Placed => {
          const stream = fn.stream!;
          const stuck = from + STUCK_MINUTES;
          const behindMs = STUCK_MINUTES * MINUTE_MS;
          update(fn, (l) => ({
            ...l,
            stream: {
              ...stream,
              polling: withWindows(stream.polling ?? 1, { from, to: stuck, value: 0 }),
              // Back, it reads records as old as its stop and catches up at a steady pace.
              lagMs: withWindows(stream.lagMs ?? 500, {
                from: stuck,
                to: stuck + CATCH_UP_MINUTES,
                value: behindMs,
                perMinute: -behindMs / CATCH_UP_MINUTES,
              }),
            },
          }));
          const onKinesis = kinesis.has(stream.name);
          return {
            title:
              `${fn.name} stops reading ${onKinesis ? `stream ${stream.name}` : `the ${stream.name.replace(/^dynamodb:/, "")} table's stream`} ` +
              `for ${STUCK_MINUTES / HOUR} h while records keep arriving, then catches up in ${CATCH_UP_MINUTES} min`,
            resource: resource("function", fn.name),
            related: onKinesis ? [resource("stream", stream.name)] : [],
            from,
            to: stuck + CATCH_UP_MINUTES,
          };
        },
      }));
    }

    case "slow-drift":
      // Not a queue's or a stream's reader: the model's queue consumers always keep up, so a slow one would
      // not back its queue up, and a stuck stream reader is another incident.
      return of("function")
        .filter((fn) => !fn.queue && !fn.stream && peak(fn.name) >= DRIFT_MIN_PEAK_PER_MINUTE)
        .map((fn) => ({
          name: fn.name,
          kind: "function",
          place: (from: number): Placed => driftTowardTimeout(ctx, fn, from, update, resource),
        }));

    case "table-errors":
      return of("table").map((table) => ({
        name: table.name,
        kind: "table",
        place: (from: number): Placed => {
          update(table, (l) => ({
            ...l,
            systemErrorsPerMinute: withWindows(l.systemErrorsPerMinute, {
              from,
              to: from + TABLE_ERROR_MINUTES,
              value: TABLE_ERRORS_PER_MINUTE,
            }),
          }));
          return {
            title: `DynamoDB returns HTTP 500 (SystemErrors, about ${TABLE_ERRORS_PER_MINUTE} a minute) on table ${table.name} for ${TABLE_ERROR_MINUTES} min`,
            resource: resource("table", table.name),
            related: [],
            from,
            to: from + TABLE_ERROR_MINUTES,
          };
        },
      }));

    case "workflow-failures":
      return of("state-machine").map((machine) => ({
        name: machine.name,
        kind: "state-machine",
        place: (from: number): Placed => {
          const usual = levelAt(machine.failedShare, from);
          update(machine, (l) => ({
            ...l,
            failedShare: withWindows(l.failedShare, {
              from,
              to: from + WORKFLOW_MINUTES,
              value: WORKFLOW_FAILED_SHARE,
            }),
          }));
          return {
            title: `${WORKFLOW_FAILED_SHARE * 100} % of ${machine.name}'s executions fail for ${WORKFLOW_MINUTES} min (a broken downstream), against ${usual * 100} % by design`,
            resource: resource("state-machine", machine.name),
            related: [],
            from,
            to: from + WORKFLOW_MINUTES,
          };
        },
      }));
  }
}

/**
 * A change makes a function slower and slower (a leak, a growing table scan): its median duration rises
 * linearly for DRIFT_MINUTES until p90 is DRIFT_P90_SHARE of the timeout, holds for DRIFT_HELD_MINUTES,
 * and is rolled back. Toward the end more and more invocations time out (errors, their Duration the timeout).
 */
function driftTowardTimeout(
  ctx: IncidentContext,
  fn: FunctionLoad,
  from: number,
  update: (load: FunctionLoad, change: (l: FunctionLoad) => FunctionLoad) => void,
  resource: (kind: Load["kind"], name: string) => IncidentResource,
): Placed {
  const timeoutMs = (fn.timeoutSeconds ?? 30) * 1000;
  const spread = fn.durationSpread ?? 0.5;
  const usual = levelAt(fn.medianDurationMs ?? 120, from);
  const worst = (DRIFT_P90_SHARE * timeoutMs) / Math.exp(Z90 * spread);
  const perMinute = (worst - usual) / DRIFT_MINUTES;
  // When p90 passes 90 % of the timeout: the catalog's duration threshold.
  const crossing = from + ((0.9 * timeoutMs) / Math.exp(Z90 * spread) - usual) / perMinute;
  const windows: Window[] = [
    { from, to: from + DRIFT_MINUTES, value: usual, perMinute },
    { from: from + DRIFT_MINUTES, to: from + DRIFT_MINUTES + DRIFT_HELD_MINUTES, value: worst },
  ];
  update(fn, (l) => ({ ...l, medianDurationMs: withWindows(l.medianDurationMs, ...windows) }));
  const to = from + DRIFT_MINUTES + DRIFT_HELD_MINUTES;
  return {
    title:
      `${fn.name} slows down for ${DRIFT_MINUTES / HOUR} h (median ${Math.round(usual)} ms → ${Math.round(worst)} ms); ` +
      `p90 passes 90 % of its ${timeoutMs / 1000} s timeout at about ${clock(ctx, Math.round(crossing))}; rolled back at ${clock(ctx, to)}`,
    resource: resource("function", fn.name),
    related: [],
    from,
    to,
  };
}
