/**
 * What a backtest's pages mean against a history whose incidents are known: each page (an episode's start)
 * is an incident's when it comes inside the incident's window (its start to its repair, plus a grace) and
 * names the incident's resource or one it touches; every other page is a false page. Each incident is
 * detected (paged before its repair), late (paged only in the grace) or missed. Pure, so it is tested alone.
 */
import type { BacktestReport } from "../../../lib/backtest/index.js";
import type { Incident, IncidentResource, Spike } from "../history/index.js";

const MINUTE_MS = 60_000;

/** A page after the repair still counts for this long: a slow alarm on a real fault is late, not false. */
export const GRACE_MINUTES = 30;

export interface Page {
  readonly alarm: string;
  readonly entryId: string;
  /** A per-resource alarm's resource. */
  readonly resourceArn?: string;
  /** A Metrics Insights contributor ("FunctionName=orders-create,…"). */
  readonly contributor?: string;
  /** Epoch ms: the evaluation that went to ALARM. */
  readonly at: number;
  /** Minutes in ALARM; `open` when still in ALARM at the window's end. */
  readonly minutes: number;
  readonly open: boolean;
}

export type PageVerdict =
  | {
      readonly kind: "incident";
      readonly incident: string;
      /** Minutes after the incident's start. */
      readonly after: number;
      /** False for an alarm that names no resource (an account-wide metric). */
      readonly names: boolean;
    }
  | {
      readonly kind: "false";
      /** It came during an account-wide traffic spike (or within the grace after one). */
      readonly inSpike: boolean;
    };

export interface JudgedPage extends Page {
  readonly verdict: PageVerdict;
}

export interface IncidentVerdict {
  readonly id: string;
  readonly resource: string;
  readonly start: number;
  readonly end: number;
  readonly outcome: "detected" | "late" | "missed";
  /** Minutes from the incident's start to its first page. */
  readonly firstPageAfter?: number;
  /** The incident's pages, in time order. */
  readonly pages: readonly JudgedPage[];
}

/** Every page of a report, in time order. */
export function pagesOf(report: BacktestReport): Page[] {
  return report.alarms
    .flatMap((alarm) =>
      alarm.contributors.flatMap((c) =>
        c.episodes.map((episode): Page => ({
          alarm: alarm.name,
          entryId: alarm.entryId,
          ...(alarm.resourceArn !== undefined ? { resourceArn: alarm.resourceArn } : {}),
          ...(c.contributor !== undefined ? { contributor: c.contributor } : {}),
          at: episode.start,
          minutes: episode.minutes,
          open: episode.end === undefined,
        })),
      ),
    )
    .sort((a, b) => a.at - b.at || (a.alarm < b.alarm ? -1 : 1));
}

/** The resource kind each GROUP BY dimension names; other dimensions (Stage, Operation) name none. */
const DIMENSION_KINDS: Readonly<Record<string, IncidentResource["kind"]>> = {
  FunctionName: "function",
  QueueName: "queue",
  StreamName: "stream",
  TableName: "table",
  ApiName: "rest-api",
  ApiId: "http-api",
  StateMachineArn: "state-machine",
  RuleName: "rule",
  TopicName: "topic",
};

/** "ApiId=ne0d0ids7v,Stage=$default" → its dimensions (values may hold "=", ARNs do not hold ","). */
function dimensionsOf(contributor: string): { name: string; value: string }[] {
  return contributor.split(",").map((part) => {
    const at = part.indexOf("=");
    return { name: part.slice(0, at), value: part.slice(at + 1) };
  });
}

/** A dimension value names a resource by its name, its ARN, or the ARN's last part (an HTTP API's id). */
function names(value: string, resource: IncidentResource): boolean {
  return value === resource.name || value === resource.arn || resource.arn.endsWith(`/${value}`);
}

/** Whether the page names one of the incident's resources; undefined when it names no resource at all. */
export function namesIncident(page: Page, incident: Incident): boolean | undefined {
  const resources: IncidentResource[] = [
    { kind: incident.resourceKind, name: incident.resourceName, arn: incident.resourceArn },
    ...incident.related,
  ];
  if (page.resourceArn !== undefined) return resources.some((r) => r.arn === page.resourceArn);
  if (page.contributor === undefined) return undefined;
  return dimensionsOf(page.contributor).some(({ name, value }) =>
    resources.some((r) => DIMENSION_KINDS[name] === r.kind && names(value, r)),
  );
}

const within = (at: number, start: number, end: number, graceMs: number) => at >= start && at < end + graceMs;

export interface Judged {
  readonly pages: readonly JudgedPage[];
  readonly incidents: readonly IncidentVerdict[];
}

/**
 * Pages in time order. A page inside several incidents' windows goes to the earliest; an alarm that names
 * no resource is given to an incident whose window it falls in (the on-call would look there).
 */
export function judgePages(
  pages: readonly Page[],
  incidents: readonly Incident[],
  spikes: readonly Spike[] = [],
  graceMinutes = GRACE_MINUTES,
): Judged {
  const graceMs = graceMinutes * MINUTE_MS;
  const judged = pages.map((page): JudgedPage => {
    for (const incident of incidents) {
      if (!within(page.at, incident.start, incident.end, graceMs)) continue;
      const named = namesIncident(page, incident);
      if (named === false) continue;
      const after = (page.at - incident.start) / MINUTE_MS;
      return { ...page, verdict: { kind: "incident", incident: incident.id, after, names: named === true } };
    }
    const inSpike = spikes.some((s) => within(page.at, s.start, s.end, graceMs));
    return { ...page, verdict: { kind: "false", inSpike } };
  });
  const verdicts = incidents.map((incident): IncidentVerdict => {
    const own = judged.filter((p) => p.verdict.kind === "incident" && p.verdict.incident === incident.id);
    const [first] = own;
    const base = {
      id: incident.id,
      resource: incident.resourceName,
      start: incident.start,
      end: incident.end,
      pages: own,
    };
    if (!first) return { ...base, outcome: "missed" };
    return {
      ...base,
      outcome: first.at < incident.end ? "detected" : "late",
      firstPageAfter: (first.at - incident.start) / MINUTE_MS,
    };
  });
  return { pages: judged, incidents: verdicts };
}
