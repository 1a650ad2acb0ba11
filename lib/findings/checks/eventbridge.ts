/** EventBridge rules: a target that keeps failing drops its events unless it has a dead-letter queue. */
import { displayName } from "../context.js";
import { formatDuration } from "../format.js";
import type { Check, FindingDraft } from "../types.js";

const RETRY_POLICY = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-retry-policy.html";

/** EventBridge's default retry policy for rule targets. */
const DEFAULT_RETRY_ATTEMPTS = 185;
const DEFAULT_EVENT_AGE_SECONDS = 86_400;

export const eventbridgeTargetNoDlq: Check = {
  id: "eventbridge-target-no-dlq",
  title: "EventBridge rule target without a dead-letter queue",
  severity: "medium",
  description:
    "EventBridge retries a target (by default for 24 hours, up to 185 times) and then drops the event. " +
    "A dead-letter queue on the target keeps what could not be delivered. It covers delivery only: for a " +
    "Lambda target, errors inside the function are handled by the function's own async DLQ or destination.",
  source: RETRY_POLICY,
  run({ index }) {
    const drafts: FindingDraft[] = [];
    for (const rule of index.ofKind("eventbridge-rule")) {
      const targets = [...rule.targets].sort((a, b) => a.id.localeCompare(b.id));
      for (const target of targets) {
        if (target.deadLetterArn) continue;
        const attempts = target.maximumRetryAttempts ?? DEFAULT_RETRY_ATTEMPTS;
        const age = target.maximumEventAgeSeconds ?? DEFAULT_EVENT_AGE_SECONDS;
        drafts.push({
          resourceArn: rule.arn,
          resourceName: rule.name,
          resourceKind: rule.kind,
          message: `target ${target.id} (${displayName(index, target.arn)}) has no dead-letter queue: an event still failing after ${attempts} retries or ${formatDuration(age)} is dropped`,
          fix: `Add a DeadLetterConfig (an SQS queue) to target ${target.id} of rule ${rule.name}.`,
        });
      }
    }
    return drafts;
  },
};

export const EVENTBRIDGE_CHECKS: readonly Check[] = [eventbridgeTargetNoDlq];
