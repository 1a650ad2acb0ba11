/** CloudWatch Logs: a group without retention keeps (and bills) every event forever. */
import { formatBytes } from "../format.js";
import type { Check } from "../types.js";

const RETENTION =
  "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html";

export const logGroupNeverExpires: Check = {
  id: "log-group-never-expires",
  title: "Log group that never expires",
  severity: "low",
  description:
    "New log groups never expire: their storage grows every month until someone sets a retention policy. " +
    "Watchkeeper's log retention capability sets one on groups it may change; this finding lists the " +
    "groups still without one.",
  source: RETENTION,
  run({ index }) {
    return index
      .ofKind("log-group")
      .filter((group) => group.retentionInDays === undefined)
      .map((group) => ({
        resourceArn: group.arn,
        resourceName: group.name,
        resourceKind: group.kind,
        message:
          group.storedBytes === undefined
            ? "never expires: every event is kept (and billed) until a retention policy is set"
            : `never expires: ${formatBytes(group.storedBytes)} stored, kept (and billed) until a retention policy is set`,
        fix: `Set a retention policy on ${group.name} (PutRetentionPolicy, e.g. 30 days).`,
      }));
  },
};

export const LOGS_CHECKS: readonly Check[] = [logGroupNeverExpires];
