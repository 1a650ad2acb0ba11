/**
 * Turns alarm changes into write calls and runs them through `applyOperations`: creates and updates
 * are one PutMetricAlarm each, deletes go 100 names to a DeleteAlarms call. PutMetricAlarm ignores
 * Tags when the alarm already exists, so an update re-applies Watchkeeper's tags with TagResource,
 * and only when they differ. Pacing below the CloudWatch quotas is lib/aws's pacer's job.
 */
import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  PutMetricAlarmCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from "@aws-sdk/client-cloudwatch";
import { applyOperations, type ApplyOptions, type ApplyReport, type Operation } from "../apply/apply.js";
import type { Aws } from "../aws/clients.js";
import { TAGS } from "../policy/tags.js";
import type { AlarmChange } from "./plan.js";
import { SILENCE_FIELD } from "./silence.js";
import { missingTags, toPutMetricAlarmInput } from "./spec.js";

/** DeleteAlarms takes at most 100 alarm names. */
export const DELETE_BATCH = 100;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}

/** The operations for a plan's changes, in the plan's order (deletes first); noops need none. */
export function alarmOperations(aws: Aws, changes: readonly AlarmChange[]): Operation<AlarmChange>[] {
  const cloudwatch = aws.client(CloudWatchClient);
  const operations: Operation<AlarmChange>[] = [];
  const deletes = changes.filter((change) => change.action === "delete");
  for (const batch of chunks(deletes, DELETE_BATCH)) {
    operations.push({
      changes: batch,
      run: async () => {
        await cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: batch.map((change) => change.target) }));
      },
    });
  }
  for (const change of changes) {
    const desired = change.desired;
    if (!desired) continue;
    if (change.action === "create") {
      operations.push({
        changes: [change],
        run: async () => {
          await cloudwatch.send(new PutMetricAlarmCommand(toPutMetricAlarmInput(desired)));
        },
      });
    } else if (change.action === "update") {
      const actual = change.actual;
      const configChanged = (change.diff ?? []).some(
        (diff) => diff.field !== "Tags" && diff.field !== SILENCE_FIELD,
      );
      // An ended silence: its tags go after the actions are back on (see silence.ts for the order).
      const lift = (change.diff ?? []).some((diff) => diff.field === SILENCE_FIELD);
      const tags = (actual ? missingTags(desired.tags, actual.tags) : desired.tags) ?? {};
      operations.push({
        changes: [change],
        run: async () => {
          if (configChanged) {
            const { Tags: _ignoredOnUpdate, ...input } = toPutMetricAlarmInput(desired);
            await cloudwatch.send(new PutMetricAlarmCommand(input));
          }
          if (actual && Object.keys(tags).length > 0) {
            await cloudwatch.send(
              new TagResourceCommand({
                ResourceARN: actual.arn,
                Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
              }),
            );
          }
          if (actual && lift) {
            await cloudwatch.send(
              new UntagResourceCommand({
                ResourceARN: actual.arn,
                TagKeys: [TAGS.silencedUntil, TAGS.silencedBy],
              }),
            );
          }
        },
      });
    }
  }
  return operations;
}

/** Applies the changes, paced; a failed call is reported and the rest go on; past the deadline the rest are deferred. */
export function applyAlarmChanges(
  aws: Aws,
  changes: readonly AlarmChange[],
  options: ApplyOptions,
): Promise<ApplyReport<AlarmChange>> {
  return applyOperations(alarmOperations(aws, changes), options);
}
