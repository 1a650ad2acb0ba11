/**
 * The circuit breaker's setup and its record, for tests of anything that trips a function: the trip
 * alarms are created as a reconcile creates them, and the record is read where the breaker keeps it (the
 * tags of the function's trip alarms), over the same API calls against lib/sim or moto.
 */
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  ListTagsForResourceCommand,
} from "@aws-sdk/client-cloudwatch";
import { readExistingAlarms } from "../../lib/alarms/actual.js";
import { applyAlarmChanges } from "../../lib/alarms/apply.js";
import { planAlarms } from "../../lib/alarms/plan.js";
import { DEFAULT_ALARM_POLICY } from "../../lib/alarms/policy.js";
import type { Aws } from "../../lib/aws/index.js";
import { BREAKER_FUNCTION_TAG, breakerAlarmPrefix, planBreakerAlarms } from "../../lib/breaker/alarms.js";
import { DEFAULT_BREAKER_POLICY, type BreakerPolicy } from "../../lib/breaker/policy.js";
import { discoverInventory } from "../../lib/inventory/index.js";

/**
 * Creates the trip alarms of every opted-in function, as `reconcileAccount` does: the breaker's specs
 * planned by the alarms plan as extra specs (the catalog's alarms left out) against the trip alarms that
 * exist, then written by the alarms apply. Returns the names of the trip alarms the account then has.
 */
export async function createTripAlarms(
  aws: Aws,
  policy: BreakerPolicy = DEFAULT_BREAKER_POLICY,
): Promise<string[]> {
  const inventory = await discoverInventory(aws, { kinds: ["lambda-function"] });
  const trip = planBreakerAlarms(inventory, policy);
  const existing = await readExistingAlarms(aws, { prefix: breakerAlarmPrefix(policy.prefix) });
  const plan = planAlarms(inventory, { ...DEFAULT_ALARM_POLICY, prefix: policy.prefix }, existing.alarms, {
    extra: trip.specs,
    catalog: [],
  });
  const report = await applyAlarmChanges(aws, plan.changes, { clock: aws.pacer.clock });
  const failed = report.outcomes.filter((outcome) => outcome.status !== "applied");
  if (failed.length > 0)
    throw new Error(
      `trip alarms not created: ${failed.map((f) => `${f.change.target} ${f.status}: ${f.error}`).join("; ")}`,
    );
  return trip.specs.map((spec) => spec.name);
}

/**
 * The breaker's record of `functionName`: the `watchkeeper:breaker-*` tags on its trip alarms (those
 * naming it in `watchkeeper:breaker-function`), without that naming tag. Empty when nothing is recorded.
 */
export async function tripAlarmRecord(
  aws: Aws,
  functionName: string,
  prefix: string = DEFAULT_BREAKER_POLICY.prefix,
): Promise<Record<string, string>> {
  const cloudwatch = aws.client(CloudWatchClient);
  const described = await cloudwatch.send(
    new DescribeAlarmsCommand({ AlarmNamePrefix: breakerAlarmPrefix(prefix), MaxRecords: 100 }),
  );
  const record: Record<string, string> = {};
  for (const alarm of described.MetricAlarms ?? []) {
    const listed = await cloudwatch.send(new ListTagsForResourceCommand({ ResourceARN: alarm.AlarmArn }));
    const tags = Object.fromEntries((listed.Tags ?? []).map((t) => [t.Key ?? "", t.Value ?? ""]));
    if (tags[BREAKER_FUNCTION_TAG] !== functionName) continue;
    for (const [key, value] of Object.entries(tags))
      if (key.startsWith("watchkeeper:breaker-") && key !== BREAKER_FUNCTION_TAG) record[key] = value;
  }
  return record;
}
