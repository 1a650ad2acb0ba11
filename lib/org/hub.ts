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
