/**
 * lib/org: Watchkeeper across an AWS organization, from its administrator account (the management
 * account or a delegated administrator) through the read-only role `<prefix>org-reader` in each member.
 * Today: `status` of every account and region (`readOrganizationStatus`, `renderOrganizationStatus`), of
 * the accounts Organizations lists (`listOrganizationAccounts`, `accountsToRead`); the hub's Slack buttons
 * run in the member the alarm is in (`hubRunAction`).
 */
export {
  accountsToRead,
  listOrganizationAccounts,
  OrganizationsRefused,
  type AccountsToRead,
  type OrganizationListing,
} from "./accounts.js";
export {
  ORG_CONCURRENCY,
  readOrganizationStatus,
  TARGET_TIME_LIMIT_MS,
  type ManagementLeftOut,
  type OrgAccount,
  type OrganizationStatus,
  type OrganizationStatusOptions,
  type SkippedAccount,
  type TargetError,
  type TargetStatus,
} from "./status.js";
export { renderOrganizationStatus } from "./render.js";
export { assumeFailure, orgReaderRoleName } from "./role.js";
export { HUB_SESSION_NAME, MemberRoles } from "./member-roles.js";
export { MemberAccess, wouldNotify, type Verdict } from "./hub-notify.js";
export {
  MEMBER_INVOKE_TIMEOUT_MS,
  hubRunAction,
  invokeMember,
  type HubRunActionOptions,
  type InvokeMember,
  type MemberAnswer,
} from "./hub-actions.js";
export {
  HUB_ACCESS_ROLE_VARIABLE,
  MEMBER_RUNBOOK_FUNCTION_VARIABLE,
  hubAccessRoleName,
  hubBusName,
  hubFunctionName,
} from "./hub.js";
