/** What an evaluated alarm would have done: its episodes in ALARM, per contributor, and their pages. */
import type { AlarmEvaluation, Transition } from "../alarms/evaluate/index.js";

export interface Episode {
  /** Epoch ms of the evaluation that went to ALARM: the page. */
  readonly start: number;
  /** Epoch ms it left ALARM; absent while it was still in ALARM at the window's end. */
  readonly end?: number;
  readonly minutes: number;
}

export interface ContributorEpisodes {
  /** A Metrics Insights contributor ("FunctionName=orders"); absent for a single-series alarm. */
  readonly contributor?: string;
  readonly episodes: readonly Episode[];
}

/** Episodes from one series of transitions (the alarm's, or one contributor's). */
export function episodesOf(transitions: readonly Transition[], windowEnd: number): Episode[] {
  const episodes: Episode[] = [];
  let open: number | undefined;
  const close = (end: number | undefined) => {
    if (open === undefined) return;
    episodes.push({
      start: open,
      ...(end !== undefined ? { end } : {}),
      minutes: ((end ?? windowEnd) - open) / 60_000,
    });
    open = undefined;
  };
  for (const transition of transitions) {
    if (transition.to === "ALARM") open ??= transition.at;
    else if (transition.from === "ALARM") close(transition.at);
  }
  close(undefined);
  return episodes;
}

/**
 * A multi-series alarm pages per contributor ("each contributor … triggers its own notification"): its
 * episodes are its contributors'. Other alarms page when the alarm itself goes to ALARM.
 */
export function alarmEpisodes(evaluation: AlarmEvaluation, windowEnd: number): ContributorEpisodes[] {
  if (evaluation.contributors.length === 0)
    return [{ episodes: episodesOf(evaluation.transitions, windowEnd) }];
  return evaluation.contributors.map((c) => ({
    contributor: c.contributor,
    episodes: episodesOf(c.transitions, windowEnd),
  }));
}
