/** A Slack click as slack-interactions hands it off (lib/notify/handoff.ts), for tests of what runs it. */
import { SLACK_HANDOFF_KIND, type SlackHandoff } from "../../lib/notify/handoff.js";
import type { ActionRequest } from "../../lib/notify/index.js";

export const ONCALL = "U0ONCALL1";
export const CHANNEL = "C0ALERTS1";
export const ALARM_THREAD_TS = "1700000000.000001";

/** A click by ONCALL in CHANNEL on the alarm's message, answered at `responseUrl` and in its thread. */
export function slackClick(
  action: ActionRequest["action"],
  target: string,
  on: { readonly alarmName: string; readonly responseUrl: string },
  extra: Partial<ActionRequest> = {},
): SlackHandoff {
  return {
    kind: SLACK_HANDOFF_KIND,
    request: {
      action,
      target,
      user: ONCALL,
      channel: CHANNEL,
      alarmName: on.alarmName,
      requestedAt: "2025-01-01T00:00:00.000Z",
      ...extra,
    },
    responseUrl: on.responseUrl,
    threadTs: ALARM_THREAD_TS,
  };
}
