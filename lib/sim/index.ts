/**
 * lib/sim: an in-memory AWS account (one account, one region) — or an organization of them
 * (`SimOrganization`, `simulatedOrgAws`) — that answers real SDK v3 clients through one middleware. It holds state, validates inputs as AWS documents them, and enforces API quotas on a
 * virtual clock. Serves the demo (`sampleAccount`), the fast tests and the scale benchmarks
 * (`generateAccount`).
 *
 *   const account = sampleAccount();
 *   const aws = new Aws({ region: account.region, clock: account.clock, plugin: simPlugin(account) });
 *   // or simply: const aws = simulatedAws(account);
 */
export {
  SimAccount,
  type AlarmSpec,
  type EventSourceMappingSpec,
  type FunctionSpec,
  type HttpApiSpec,
  type LogGroupSpec,
  type MessageSpec,
  type MetricSpec,
  type QueueSpec,
  type RestApiSpec,
  type RuleSpec,
  type SimAccountOptions,
  type SimApiStats,
  type StateMachineSpec,
  type StreamSpec,
  type SubscriptionSpec,
  type TableSpec,
  type TopicSpec,
} from "./account.js";
export type { SimAlarmEvaluation } from "./alarm-evaluation.js";
export { VirtualClock, SIM_EPOCH } from "./clock.js";
export { SimNotImplementedError, SimUnsupportedError } from "./errors.js";
export { generateAccount, type GenerateOptions } from "./generate.js";
export { evaluateMathExpression, parseInsightsQuery, runInsightsQuery } from "./metrics.js";
export {
  dispatch,
  organizationPlugin,
  simPlugin,
  simulatedAws,
  simulatedApis,
  simulatedOrgAws,
  type SimulatedAwsOptions,
  type SimulatedOrgAwsOptions,
} from "./plugin.js";
export { SimIam, type RoleSpec, type SimPrincipal, type SimRole } from "./iam.js";
export {
  SimOrganization,
  type MemberSpec,
  type SimAccountState,
  type SimMember,
  type SimOrganizationOptions,
  type SimOrganizationalUnit,
} from "./organization.js";
export { organizations, type OrganizationsAccount } from "./services/organizations.js";
export {
  FaultSchedule,
  requestTimeoutError,
  type FaultKind,
  type FaultPlan,
  type FaultRule,
  type FaultTarget,
} from "./faults.js";
export type { Page, PageOptions, Registry } from "./registry.js";
export { sampleAccount } from "./sample.js";
export {
  sampleOrganization,
  SAMPLE_ORGANIZATION_REGIONS,
  type SampleOrganizationOptions,
} from "./sample-organization.js";
export { RETENTION_DAYS } from "./services/logs.js";
export { ALARM_LIMITS, DASHBOARD_LIMITS } from "./services/cloudwatch.js";
export type * from "./state.js";
