/**
 * When an account is busy: a daily cycle (quiet nights, a morning ramp, the working day, an evening tail,
 * quieter weekends, by UTC hour) and account-wide traffic spikes (a campaign, a batch) a few times a day.
 * Both are a multiplier of each resource's peak rate, written as the alert suite's Level windows, so one
 * shape drives every load and the spikes reach an API, its functions, queues and tables together.
 */
import { Rng } from "../../../lib/sim/random.js";
import type { Level, Window } from "../alerts/loads.js";

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** (UTC hour, multiplier of the peak) knots; linear in between. */
const DAY_KNOTS: readonly (readonly [hour: number, multiplier: number])[] = [
  [0, 0.3],
  [6, 0.3],
  [9, 1],
  [17, 1],
  [22, 0.45],
  [24, 0.3],
];
/** Saturdays and Sundays see this share of a weekday's traffic. */
const WEEKEND = 0.6;
/** A spike multiplies traffic this much for SPIKE_MINUTES; 1 or 2 a day, between 08:00 and 21:00 UTC. */
export const SPIKE_FACTOR = 3;
const SPIKE_MINUTES = 15;

/** A spike of account-wide traffic, epoch ms [start, end). */
export interface Spike {
  readonly start: number;
  readonly end: number;
  readonly factor: number;
}

/** The multiplier over the history's minutes (0 is `start`), with the spikes that override it. */
export interface TrafficShape {
  readonly windows: readonly Window[];
  readonly spikes: readonly Spike[];
}

export function trafficShape(start: number, end: number, seed: string): TrafficShape {
  const minuteOf = (at: number) => Math.round((at - start) / MINUTE_MS);
  const cycle: Window[] = [];
  for (let day = Math.floor(start / DAY_MS) * DAY_MS; day < end; day += DAY_MS) {
    const weekday = new Date(day).getUTCDay();
    const scale = weekday === 0 || weekday === 6 ? WEEKEND : 1;
    for (let k = 1; k < DAY_KNOTS.length; k++) {
      const [h0, m0] = DAY_KNOTS[k - 1]!;
      const [h1, m1] = DAY_KNOTS[k]!;
      cycle.push({
        from: minuteOf(day + h0 * HOUR_MS),
        to: minuteOf(day + h1 * HOUR_MS),
        value: m0 * scale,
        perMinute: ((m1 - m0) * scale) / ((h1 - h0) * 60),
      });
    }
  }
  const spikes: Spike[] = [];
  const windows: Window[] = [...cycle];
  for (let day = Math.floor(start / DAY_MS) * DAY_MS; day < end; day += DAY_MS) {
    // Seeded per day, so a longer history keeps the spikes of a shorter one's days.
    const rng = new Rng(`${seed}/spikes/${new Date(day).toISOString().slice(0, 10)}`);
    const count = rng.chance(0.5) ? 2 : 1;
    for (let i = 0; i < count; i++) {
      const at = day + 8 * HOUR_MS + rng.int(13 * 60) * MINUTE_MS;
      if (at < start || at + SPIKE_MINUTES * MINUTE_MS > end) continue;
      const from = minuteOf(at);
      const under = multiplierAt(cycle, from);
      windows.push({
        from,
        to: from + SPIKE_MINUTES,
        value: under.value * SPIKE_FACTOR,
        perMinute: under.perMinute * SPIKE_FACTOR,
      });
      spikes.push({ start: at, end: at + SPIKE_MINUTES * MINUTE_MS, factor: SPIKE_FACTOR });
    }
  }
  spikes.sort((a, b) => a.start - b.start);
  return { windows, spikes };
}

/** The multiplier and its slope at a minute (the last window holding it wins, as in `levelAt`). */
function multiplierAt(windows: readonly Window[], minute: number): { value: number; perMinute: number } {
  let found = { value: 1, perMinute: 0 };
  for (const w of windows)
    if (minute >= w.from && minute < w.to)
      found = { value: w.value + (w.perMinute ?? 0) * (minute - w.from), perMinute: w.perMinute ?? 0 };
  return found;
}

/** A rate whose peak is `peak`, following the shape. */
export function shaped(peak: number, shape: TrafficShape): Level {
  return {
    base: peak,
    windows: shape.windows.map((w) => ({
      from: w.from,
      to: w.to,
      value: w.value * peak,
      perMinute: (w.perMinute ?? 0) * peak,
    })),
  };
}

/** The level with these windows after its own (the last matching window wins). */
export function withWindows(value: Level | undefined, ...windows: Window[]): Level {
  if (value === undefined) return { base: 0, windows };
  if (typeof value === "number") return { base: value, windows };
  return { base: value.base, windows: [...value.windows, ...windows] };
}
