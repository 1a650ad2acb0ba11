/**
 * Setting one log group's retention now, over lib/logs (which also says what the next reconcile does,
 * and refuses a group the policy leaves alone unless the action says `force: true`).
 */
import type { Aws } from "../aws/clients.js";
import { setLogGroupRetention } from "../logs/set.js";
import type { ActionOf } from "./schema.js";
import type { ActionAnswer, ActionContext, ActionOutcome } from "./types.js";

export async function retentionSet(
  aws: Aws,
  action: ActionOf<"retention-set">,
  ctx: ActionContext,
): Promise<ActionAnswer> {
  const outcome = await setLogGroupRetention(aws, action.logGroup, action.days, ctx.config.retention, {
    dryRun: ctx.dryRun,
    force: action.force ?? false,
  });
  const map: Record<typeof outcome.result, ActionOutcome> = {
    set: ctx.dryRun ? "dry-run" : "done",
    unchanged: "unchanged",
    "not-found": "refused",
    refused: "refused",
    failed: "failed",
  };
  return { outcome: map[outcome.result], text: outcome.sentence, details: outcome };
}
