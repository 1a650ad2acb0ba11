/**
 * One log group's retention set by hand (an on-call action): read the group, check the value, write it,
 * and say what the next reconcile will do with it, since the policy may want another value and the
 * schedule would then change it again. Tagging the group `watchkeeper:retention=<days>` makes it stick.
 * A group the policy leaves alone (excludePrefixes, an exclude rule, `watchkeeper:ignore` on it or on a
 * function writing to it) is refused unless forced; one whose tags could not be read is always refused.
 */
import {
  CloudWatchLogsClient,
  DeleteRetentionPolicyCommand,
  PutRetentionPolicyCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import type { Aws } from "../aws/clients.js";
import { describeAwsError } from "../aws/errors.js";
import { TAGS } from "../policy/tags.js";
import { LogGroupUnseen, observeLogGroup } from "./observe.js";
import { planGroupRetention, retentionExclusion, type RetentionInput } from "./plan.js";
import type { RetentionPolicy } from "./policy.js";
import { describeRetention, isValidRetention, NEVER, RETENTION_DAYS, type Never } from "./retention.js";

export interface SetRetentionOutcome {
  readonly logGroupName: string;
  readonly result: "set" | "unchanged" | "not-found" | "refused" | "failed";
  readonly dryRun: boolean;
  /** Days before; absent: it never expired. */
  readonly previous?: number;
  readonly retentionInDays?: number;
  /** True when the new value is shorter: CloudWatch Logs deletes the older events (within 72 hours). */
  readonly shortens: boolean;
  /** What the next reconcile does with the group, in words. */
  readonly nextReconcile?: string;
  /** What protects the group from the policy (`retention.excludePrefixes "/app/"`), when something does. */
  readonly excludedBy?: string;
  readonly sentence: string;
}

export interface SetRetentionOptions {
  readonly dryRun?: boolean;
  /** Set it even on a group the policy leaves alone (excluded or ignored). */
  readonly force?: boolean;
}

/** Sets `days` on the group ("never": it never expires), or (dry run) says what that would change. */
export async function setLogGroupRetention(
  aws: Aws,
  logGroupName: string,
  wanted: number | Never,
  policy: RetentionPolicy,
  options: SetRetentionOptions = {},
): Promise<SetRetentionOutcome> {
  const dryRun = options.dryRun ?? false;
  const base = { logGroupName, dryRun, shortens: false };
  // "never" is no retention at all: DeleteRetentionPolicy instead of a number of days.
  const days = wanted === NEVER ? undefined : wanted;
  if (days !== undefined && !isValidRetention(days))
    return {
      ...base,
      result: "refused",
      sentence: `retention ${days} is not valid; use one of ${RETENTION_DAYS.join(", ")} (days)`,
    };
  let input: RetentionInput | undefined;
  try {
    input = await observeLogGroup(aws, logGroupName, { allWriters: true });
  } catch (error) {
    if (!(error instanceof LogGroupUnseen)) throw error;
    return {
      ...base,
      result: "refused",
      sentence:
        `log group ${logGroupName} not changed: ${error.message}, so whether an opt-out protects it ` +
        `is unknown (grant ${error.call}, or retry)`,
    };
  }
  const group = input?.logGroups[0];
  if (!input || !group)
    return { ...base, result: "not-found", sentence: `no log group named ${logGroupName} in ${aws.region}` };
  const exclusion = retentionExclusion(group, input.functions, policy);
  if (exclusion?.fixed)
    return {
      ...base,
      result: "refused",
      excludedBy: exclusion.rule,
      sentence: `${logGroupName} is a DELIVERY-class log group: its retention is fixed by CloudWatch Logs`,
    };
  if (exclusion && !options.force)
    return {
      ...base,
      result: "refused",
      excludedBy: exclusion.rule,
      sentence:
        `log group ${logGroupName} is excluded by ${exclusion.rule}: not changed; ` +
        `pass --force (an action's force: true) to set it anyway`,
    };
  const previous = group.retentionInDays;
  const shortens = previous !== undefined && days !== undefined && days < previous;
  const next = nextReconcile(withRetention(input, days), policy, days);
  const outcome = {
    ...base,
    ...(previous !== undefined ? { previous } : {}),
    ...(days !== undefined ? { retentionInDays: days } : {}),
    shortens,
    nextReconcile: next,
    ...(exclusion ? { excludedBy: exclusion.rule } : {}),
  };
  if (previous === days)
    return {
      ...outcome,
      result: "unchanged",
      sentence: `${logGroupName} already ${days === undefined ? "never expires" : `keeps its events ${describeRetention(days)}`}; ${next}`,
    };
  const change =
    `${logGroupName}: ${describeRetention(previous)} → ${describeRetention(days)}` +
    (shortens ? ` (events older than ${describeRetention(days)} are deleted within 72 hours)` : "") +
    (exclusion ? `, forced past ${exclusion.rule}` : "");
  if (dryRun) return { ...outcome, result: "set", sentence: `would set ${change}; ${next}` };
  try {
    const logs = aws.client(CloudWatchLogsClient);
    if (days === undefined) await logs.send(new DeleteRetentionPolicyCommand({ logGroupName }));
    else await logs.send(new PutRetentionPolicyCommand({ logGroupName, retentionInDays: days }));
  } catch (error) {
    return {
      ...outcome,
      result: "failed",
      sentence: `retention of ${logGroupName} not set: ${describeAwsError(error)}`,
    };
  }
  return { ...outcome, result: "set", sentence: `set ${change}; ${next}` };
}

function withRetention(input: RetentionInput, days: number | undefined): RetentionInput {
  const retention = (g: RetentionInput["logGroups"][number]) => {
    const { retentionInDays: _previous, ...rest } = g;
    return days === undefined ? rest : { ...rest, retentionInDays: days };
  };
  return { ...input, logGroups: input.logGroups.map(retention) };
}

/** The one-group plan after the write: does the scheduled reconcile keep the value? */
function nextReconcile(input: RetentionInput, policy: RetentionPolicy, days: number | undefined): string {
  const change = planGroupRetention(input, policy).changes[0];
  if (!change || change.action === "noop") return "the next reconcile keeps it";
  const to = change.desired.retentionInDays;
  return (
    `the next reconcile sets it to ${describeRetention(to)} (${change.reason}); ` +
    `tag the group ${TAGS.retention}=${days ?? NEVER} to keep it: ${describeRetention(days)}`
  );
}
