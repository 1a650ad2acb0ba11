/**
 * What a reconcile run can change in an account, read back through the SDK: every alarm's definition,
 * actions and tags (with the time its configuration last changed, so even an identical rewrite shows),
 * every log group's retention, every dashboard's body and last change. Compared before and after a run,
 * it shows each write the run made, whether or not the run reported it.
 */
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetDashboardCommand,
  ListDashboardsCommand,
  ListTagsForResourceCommand,
  type MetricAlarm,
} from "@aws-sdk/client-cloudwatch";
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from "@aws-sdk/client-cloudwatch-logs";
import type { Aws } from "../../lib/aws/clients.js";
import { paginate } from "../../lib/aws/paginate.js";
import { canonicalJson } from "../../lib/plan/change.js";

export interface AccountState {
  /** Alarm name → its definition and tags as canonical JSON. */
  readonly alarms: ReadonlyMap<string, string>;
  /** Log group name → retention in days (null: never expires). */
  readonly retention: ReadonlyMap<string, number | null>;
  /** Dashboard name → body and last change as canonical JSON. */
  readonly dashboards: ReadonlyMap<string, string>;
}

export interface StateChange {
  readonly what: "alarm" | "retention" | "dashboard";
  readonly target: string;
  readonly change: "created" | "deleted" | "updated";
}

/** Fields that move without a write: the alarm's evaluation, not its configuration. */
const EVALUATION_FIELDS = new Set([
  "StateValue",
  "StateReason",
  "StateReasonData",
  "StateUpdatedTimestamp",
  "StateTransitionedTimestamp",
  "EvaluationState",
]);

export async function observeAccount(aws: Aws): Promise<AccountState> {
  const [alarms, retention, dashboards] = await Promise.all([
    observeAlarms(aws),
    observeRetention(aws),
    observeDashboards(aws),
  ]);
  return { alarms, retention, dashboards };
}

/** Every difference between two observations, sorted by kind and target. */
export function stateChanges(before: AccountState, after: AccountState): StateChange[] {
  return [
    ...differences("alarm", before.alarms, after.alarms),
    ...differences("retention", before.retention, after.retention),
    ...differences("dashboard", before.dashboards, after.dashboards),
  ];
}

export function describeStateChange(change: StateChange): string {
  return `${change.what} ${change.change} ${change.target}`;
}

function differences<V>(
  what: StateChange["what"],
  before: ReadonlyMap<string, V>,
  after: ReadonlyMap<string, V>,
): StateChange[] {
  const changes: StateChange[] = [];
  for (const target of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const change = !before.has(target)
      ? "created"
      : !after.has(target)
        ? "deleted"
        : before.get(target) !== after.get(target)
          ? "updated"
          : undefined;
    if (change) changes.push({ what, target, change });
  }
  return changes;
}

async function observeAlarms(aws: Aws): Promise<Map<string, string>> {
  const cloudwatch = aws.client(CloudWatchClient);
  const found = new Map<string, string>();
  const pages = paginate(
    (token) => cloudwatch.send(new DescribeAlarmsCommand({ MaxRecords: 100, NextToken: token })),
    (page) => page.NextToken,
  );
  for await (const page of pages) {
    for (const alarm of page.MetricAlarms ?? []) {
      const tags = await cloudwatch.send(new ListTagsForResourceCommand({ ResourceARN: alarm.AlarmArn }));
      const sortedTags = Object.fromEntries((tags.Tags ?? []).map((tag) => [tag.Key, tag.Value]));
      found.set(alarm.AlarmName ?? "", canonicalJson({ definition: configuration(alarm), tags: sortedTags }));
    }
  }
  return found;
}

function configuration(alarm: MetricAlarm): Record<string, unknown> {
  return Object.fromEntries(Object.entries(alarm).filter(([field]) => !EVALUATION_FIELDS.has(field)));
}

async function observeRetention(aws: Aws): Promise<Map<string, number | null>> {
  const logs = aws.client(CloudWatchLogsClient);
  const found = new Map<string, number | null>();
  const pages = paginate(
    (token) => logs.send(new DescribeLogGroupsCommand({ limit: 50, nextToken: token })),
    (page) => page.nextToken,
  );
  for await (const page of pages) {
    for (const group of page.logGroups ?? [])
      found.set(group.logGroupName ?? "", group.retentionInDays ?? null);
  }
  return found;
}

async function observeDashboards(aws: Aws): Promise<Map<string, string>> {
  const cloudwatch = aws.client(CloudWatchClient);
  const found = new Map<string, string>();
  const pages = paginate(
    (token) => cloudwatch.send(new ListDashboardsCommand({ NextToken: token })),
    (page) => page.NextToken,
  );
  for await (const page of pages) {
    for (const entry of page.DashboardEntries ?? []) {
      const name = entry.DashboardName ?? "";
      const { DashboardBody } = await cloudwatch.send(new GetDashboardCommand({ DashboardName: name }));
      found.set(name, canonicalJson({ body: DashboardBody, lastModified: entry.LastModified }));
    }
  }
  return found;
}
