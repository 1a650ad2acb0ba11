/**
 * One screen for on-call: alarms in ALARM (Watchkeeper's listed, others counted), open breakers, DLQs
 * holding messages, redrives running, and silenced alarms with their end. Only paced reads, in
 * parallel, and no full discovery:
 * - DescribeAlarms StateValue=ALARM (every alarm in ALARM, ours and others);
 * - DescribeAlarms by prefix, and the tags of only those with actions off (silences);
 * - the Tagging API for trip alarms (and, from older versions, functions) carrying a breaker record, then
 *   each of those functions read fresh;
 * - discovery of queues and of what sends failures to them (functions, rules, topics), which is what
 *   tells a DLQ from a queue; then ListMessageMoveTasks for each DLQ fed by SQS queues that holds or
 *   moved messages.
 * A part that cannot be read becomes a warning; the rest is still shown.
 */
import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import type { Aws } from "../aws/clients.js";
import { describeGaps } from "../inventory/gaps.js";
import { describeAwsError } from "../aws/errors.js";
import { paginate } from "../aws/paginate.js";
import { formatUtc, readSilencedAlarms, type SilencedAlarm } from "../alarms/silence.js";
import { breakerStatus, type BreakerStatus } from "../breaker/index.js";
import { readOpenBreakers } from "../breaker/observe.js";
import { listDlqs, redriveStatus, type DlqRow, type MoveTaskInfo } from "../dlq/index.js";
import { indexInventory } from "../inventory/query.js";
import { readDlqInventory } from "./dlq.js";
import type { ActionAnswer, ActionContext } from "./types.js";

export interface FiringAlarm {
  readonly name: string;
  readonly since?: string;
  readonly reason: string;
  /** Its silence's end, when it is silenced. */
  readonly silencedUntil?: string;
}

export interface OnCallStatus {
  readonly region: string;
  readonly accountId?: string;
  /** ISO 8601. */
  readonly at: string;
  readonly alarms: {
    /** Named with the prefix: Watchkeeper's (and its breaker's trip alarms). */
    readonly watchkeeper: readonly FiringAlarm[];
    /** Every other alarm in ALARM: counted, and the first few named. */
    readonly others: { readonly count: number; readonly names: readonly string[] };
  };
  readonly breakers: readonly BreakerStatus[];
  readonly dlqs: readonly DlqRow[];
  readonly redrives: readonly (MoveTaskInfo & { readonly queue: string })[];
  readonly silenced: readonly SilencedAlarm[];
  /** What could not be read. */
  readonly warnings: readonly string[];
}

const OTHERS_NAMED = 5;

export async function readStatus(aws: Aws, ctx: ActionContext): Promise<OnCallStatus> {
  const prefix = ctx.config.prefix;
  const warnings: string[] = [];
  const attempt = async <T>(what: string, read: () => Promise<T>, fallback: T): Promise<T> => {
    try {
      return await read();
    } catch (error) {
      warnings.push(`${what} could not be read: ${describeAwsError(error)}`);
      failures.push(error);
      return fallback;
    }
  };
  const failures: unknown[] = [];
  const [firing, silenced, breakers, dlqPart] = await Promise.all([
    attempt("alarms in ALARM", () => alarmsInAlarm(aws), []),
    attempt("silenced alarms", () => readSilencedAlarms(aws, prefix, ctx.now), []),
    attempt("open breakers", () => openBreakers(aws, ctx), []),
    attempt("DLQs", () => dlqsAndRedrives(aws, warnings), { dlqs: [], redrives: [], accountId: undefined }),
  ]);
  // Nothing at all could be read (no credentials, no endpoint): that is a failure, not a status.
  if (failures.length === 4) throw failures[0];

  const until = new Map(silenced.filter((s) => s.silence === "active").map((s) => [s.name, s.until]));
  const ours = firing.filter((a) => a.name.startsWith(prefix));
  const others = firing.filter((a) => !a.name.startsWith(prefix));
  return {
    region: aws.region,
    ...(dlqPart.accountId ? { accountId: dlqPart.accountId } : {}),
    at: ctx.now.toISOString(),
    alarms: {
      watchkeeper: ours.map((a) => {
        const end = until.get(a.name);
        return end ? { ...a, silencedUntil: end } : a;
      }),
      others: { count: others.length, names: others.slice(0, OTHERS_NAMED).map((a) => a.name) },
    },
    breakers,
    dlqs: dlqPart.dlqs,
    redrives: dlqPart.redrives,
    silenced,
    warnings,
  };
}

async function alarmsInAlarm(aws: Aws): Promise<FiringAlarm[]> {
  const cloudwatch = aws.client(CloudWatchClient);
  const found: FiringAlarm[] = [];
  const pages = paginate(
    (token) =>
      cloudwatch.send(
        new DescribeAlarmsCommand({
          StateValue: "ALARM",
          AlarmTypes: ["MetricAlarm", "CompositeAlarm"],
          MaxRecords: 100,
          ...(token ? { NextToken: token } : {}),
        }),
      ),
    (page) => page.NextToken,
  );
  for await (const page of pages) {
    for (const alarm of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
      if (!alarm.AlarmName || alarm.StateValue !== "ALARM") continue;
      const since = alarm.StateUpdatedTimestamp;
      found.push({
        name: alarm.AlarmName,
        ...(since ? { since: new Date(since).toISOString() } : {}),
        reason: alarm.StateReason ?? "",
      });
    }
  }
  return found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

async function openBreakers(aws: Aws, ctx: ActionContext): Promise<BreakerStatus[]> {
  const statuses: BreakerStatus[] = [];
  for (const arn of await readOpenBreakers(aws, ctx.config.breaker.prefix)) {
    const [status] = await breakerStatus(aws, arn, { policy: ctx.config.breaker, now: ctx.now });
    if (status && status.state !== "closed") statuses.push(status);
  }
  return statuses;
}

async function dlqsAndRedrives(
  aws: Aws,
  warnings: string[],
): Promise<{ dlqs: DlqRow[]; redrives: OnCallStatus["redrives"][number][]; accountId: string | undefined }> {
  const inventory = await readDlqInventory(aws);
  warnings.push(...describeGaps(inventory.warnings));
  const index = indexInventory(inventory);
  const rows = listDlqs(index);
  const redrives: OnCallStatus["redrives"][number][] = [];
  for (const row of rows) {
    // Move tasks exist only for DLQs of SQS queues.
    if (!row.sources.some((s) => s.method === "move-task")) continue;
    try {
      const status = await redriveStatus(aws, index, row.queue.arn);
      if (status.running) redrives.push({ ...status.running, queue: row.queue.name });
    } catch (error) {
      warnings.push(`move tasks of ${row.queue.name} could not be read: ${describeAwsError(error)}`);
    }
  }
  return {
    dlqs: rows.filter((row) => row.depth > 0 || row.inFlight > 0),
    redrives,
    accountId: inventory.accountId,
  };
}

export async function statusAction(aws: Aws, ctx: ActionContext): Promise<ActionAnswer> {
  const status = await readStatus(aws, ctx);
  return {
    outcome: "done",
    text: renderStatus(status),
    details: status,
    ...(status.warnings.length > 0 ? { partial: true } : {}),
  };
}

export interface StatusStyle {
  readonly heading: (text: string) => string;
  readonly bad: (text: string) => string;
  readonly dim: (text: string) => string;
}

const PLAIN: StatusStyle = { heading: (t) => t, bad: (t) => t, dim: (t) => t };

/** One part of the status: its title, how many it holds, and one line per item. */
export interface StatusSection {
  readonly title: string;
  readonly count: number;
  readonly items: readonly string[];
}

/** The status as text: a heading per part, one line per item, "none" when there is nothing. */
export function renderStatus(status: OnCallStatus, style: StatusStyle = PLAIN): string {
  const lines: string[] = [];
  lines.push(
    `Watchkeeper status of ${status.accountId ? `${status.accountId} in ` : ""}${status.region}, ${formatUtc(new Date(status.at))}`,
  );
  // First, so nobody reads "none" below as the truth when it could not be read.
  if (status.warnings.length > 0) {
    lines.push("", style.bad("Could not read everything: what is shown below is partial"));
    for (const warning of status.warnings) lines.push(style.bad(`  ! ${warning}`));
  }
  for (const { title, count, items } of statusSections(status, style)) {
    lines.push("", style.heading(`${title}: ${count === 0 ? "none" : count}`));
    for (const item of items) lines.push(`  ${item}`);
  }
  return lines.join("\n") + "\n";
}

/** The parts `renderStatus` shows, in its order (the others in ALARM are a line of the alarms part). */
export function statusSections(status: OnCallStatus, style: StatusStyle = PLAIN): StatusSection[] {
  const now = new Date(status.at);
  const { watchkeeper, others } = status.alarms;
  const firingWidth = Math.max(0, ...watchkeeper.map((a) => a.name.length));
  const firing = watchkeeper.map(
    (a) =>
      `${style.bad(a.name.padEnd(firingWidth))}  ${a.since ? `since ${formatUtc(new Date(a.since))}` : ""}` +
      (a.silencedUntil ? style.dim(`  silenced until ${formatUtc(new Date(a.silencedUntil))}`) : ""),
  );
  if (others.count > 0)
    firing.push(
      style.dim(
        `and ${others.count} other alarm${others.count === 1 ? "" : "s"} in ALARM: ${others.names.join(", ")}${
          others.count > others.names.length ? ", ..." : ""
        }`,
      ),
    );

  const dlqWidth = Math.max(0, ...status.dlqs.map((d) => d.queue.name.length));
  return [
    { title: `Alarms in ALARM (Watchkeeper's)`, count: watchkeeper.length, items: firing },
    { title: "Open breakers", count: status.breakers.length, items: status.breakers.map((b) => b.sentence) },
    {
      title: "DLQs with messages",
      count: status.dlqs.length,
      items: status.dlqs.map(
        (d) =>
          `${d.queue.name.padEnd(dlqWidth)}  ${String(d.depth).padStart(6)} visible  ${String(d.inFlight).padStart(4)} in flight  ` +
          (d.redrive === "move-task"
            ? "redrive: move task"
            : d.redrive === "reinvoke"
              ? "redrive: re-invoke"
              : d.redrive === "choose"
                ? "redrive: choose --via"
                : "no redrive"),
      ),
    },
    {
      title: "Redrives running",
      count: status.redrives.length,
      items: status.redrives.map((r) => `${r.queue}: ${r.sentence}`),
    },
    {
      title: "Silenced alarms",
      count: status.silenced.length,
      items: status.silenced.map((s) => {
        switch (s.silence) {
          case "active": {
            const left = Math.max(0, Math.round((Date.parse(s.until!) - now.getTime()) / 60_000));
            return `${s.name}  until ${formatUtc(new Date(s.until!))} (${left} min left)${s.by ? `, by ${s.by}` : ""}`;
          }
          case "ended":
            return `${s.name}  ended ${formatUtc(new Date(s.until!))}: actions turn back on with the next expiry run or reconcile`;
          case "unreadable":
            return `${s.name}  silence record unreadable: actions turn back on with the next expiry run or reconcile`;
          case "off":
            return `${s.name}  actions off without a silence (turned off by hand?): the next reconcile turns them on`;
        }
      }),
    },
  ];
}
