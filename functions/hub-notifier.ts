/**
 * Lambda, in the hub account (`<prefix>hub-notifier`): functions/notifier.ts for the whole organization.
 * Trigger: the hub bus's rules (members' alarm state changes and action audit events). Each alarm is read
 * back in its own account through the member's `<prefix>hub-access` role before it is posted, and every
 * message names the account and its alias (lib/org/hub-notify.ts).
 *
 * Configuration (environment): the notifier's (functions/notifier.ts), and
 *   HUB_ACCESS_ROLE   required: the role's name in each member (`<prefix>hub-access`)
 */
import { MemberAccess } from "../lib/org/hub-notify.js";
import { containerNotifierDependencies, createNotifierHandler } from "./notifier.js";
import { hubAccessRoleFromEnvironment } from "./runtime.js";

const deps = containerNotifierDependencies("hub-notifier");
let members: MemberAccess | undefined;

export const handler = createNotifierHandler({
  ...deps,
  hub: () => (members ??= new MemberAccess(deps.aws(), hubAccessRoleFromEnvironment(process.env))),
});
