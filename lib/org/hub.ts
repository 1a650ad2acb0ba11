/**
 * The names the hub (lib/infra/hub.ts) and the member stacks share, here so the two cannot drift apart:
 * members forward to the hub's bus, and the hub reaches back through the role each member makes for it.
 */

/** The hub's event bus, in the hub account and region; the organization's members put events on it. */
export function hubBusName(prefix: string): string {
  return `${prefix}hub`;
}

/** The role each member account makes for the hub: the notifier's reads and the runbook actions. */
export function hubAccessRoleName(prefix: string): string {
  return `${prefix}hub-access`;
}

/** The hub's own functions, `<prefix>hub-<name>` (lib/infra/hub.ts), apart from each member's. */
export function hubFunctionName(prefix: string, name: "notifier" | "interactions" | "actions"): string {
  return `${prefix}hub-${name}`;
}

/**
 * The hub-actions function's environment (lib/infra/hub.ts sets it, functions/hub-actions.ts reads it):
 * the member role's name and the member function a Slack click runs in the member account.
 */
export const HUB_ACCESS_ROLE_VARIABLE = "HUB_ACCESS_ROLE";
export const MEMBER_RUNBOOK_FUNCTION_VARIABLE = "MEMBER_RUNBOOK_FUNCTION";
