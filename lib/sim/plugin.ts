/**
 * The one seam between real SDK clients and a simulated account: an initialize-step middleware that
 * answers each command from the account's state instead of sending HTTP. It runs after the pacer (which
 * sits at "high" priority in the same step), so pacing happens on the same virtual clock first.
 */
import { ConfiguredRetryStrategy } from "@smithy/core/retry";
import type { HandlerExecutionContext, Pluggable } from "@smithy/types";
import { Aws, apiName, type AwsOptions, type ClientCaller } from "../aws/clients.js";
import type { AwsService } from "../aws/quotas.js";
import type { SimAccount } from "./account.js";
import { responseMetadata, SimNotImplementedError } from "./errors.js";
import { faultMiddleware, FaultSchedule, type FaultPlan, type SimRoute } from "./faults.js";
import type { SimPrincipal } from "./iam.js";
import type { SimOrganization } from "./organization.js";
import type { SimService } from "./service.js";
import { apigateway } from "./services/apigateway.js";
import { apigatewayv2 } from "./services/apigatewayv2.js";
import { cloudwatch } from "./services/cloudwatch.js";
import { dynamodb } from "./services/dynamodb.js";
import { eventbridge } from "./services/eventbridge.js";
import { kinesis } from "./services/kinesis.js";
import { lambda } from "./services/lambda.js";
import { logs } from "./services/logs.js";
import { organizations } from "./services/organizations.js";
import { secretsmanager } from "./services/secretsmanager.js";
import { sfn } from "./services/sfn.js";
import { sns } from "./services/sns.js";
import { sqs } from "./services/sqs.js";
import { iam } from "./services/iam.js";
import { sts } from "./services/sts.js";
import { tagging } from "./services/tagging.js";

const SERVICES: Readonly<Record<AwsService, SimService>> = {
  lambda,
  sqs,
  kinesis,
  dynamodb,
  apigateway,
  apigatewayv2,
  sfn,
  eventbridge,
  sns,
  logs,
  cloudwatch,
  tagging,
  sts,
  secretsmanager,
  iam,
  organizations,
};

/** The APIs the simulator answers, per service. */
export function simulatedApis(): Record<AwsService, string[]> {
  return Object.fromEntries(
    Object.entries(SERVICES).map(([service, s]) => [service, Object.keys(s.apis).sort()]),
  ) as Record<AwsService, string[]>;
}

/**
 * Answers one call: counts it, applies the API's quota, brings time-driven state up to date and runs the
 * handler on a copy of the input (so the caller cannot change stored state afterwards). `caller` is who
 * makes it (default: the account's own principal).
 */
export function dispatch(
  sim: SimAccount,
  service: AwsService,
  api: string,
  input: unknown,
  caller: SimPrincipal = sim.principal,
): object {
  const stats = sim.statsFor(service, api);
  stats.calls += 1;
  const simService = SERVICES[service];
  const handler = simService.apis[api] as
    ((input: unknown, sim: SimAccount, caller: SimPrincipal) => object) | undefined;
  if (!handler) {
    stats.errors += 1;
    throw new SimNotImplementedError(service, api);
  }
  if (sim.enforceQuotas && !sim.quotas.take(service, api)) {
    stats.throttled += 1;
    throw simService.throttled(api);
  }
  sim.settle();
  try {
    return handler(structuredClone(input ?? {}), sim, caller);
  } catch (error) {
    stats.errors += 1;
    throw error;
  }
}

/** Finds where one client's calls land (it may throw AWS's answer to credentials it does not know). */
type Router = (service: AwsService, caller: ClientCaller) => SimRoute | Promise<SimRoute>;

/** The middleware that answers every call from the account `route` picks, or leaves it to `faults`. */
function routedPlugin(
  route: Router,
  faults: FaultSchedule | undefined,
): (service: AwsService, caller: ClientCaller) => Pluggable<object, object> {
  return (service, caller) => {
    const answer = ({ sim, principal }: SimRoute, api: string, input: unknown) =>
      dispatch(sim, service, api, input, principal);
    const routes = new WeakMap<HandlerExecutionContext, SimRoute>();
    const attempts =
      faults &&
      faultMiddleware(
        (context) => {
          const found = routes.get(context);
          if (!found) throw new Error(`lib/sim: a ${service} call reached its attempts unrouted`);
          return found;
        },
        faults,
        service,
        answer,
      );
    return {
      applyToStack(stack) {
        stack.add(
          (next, context) => async (args) => {
            const api = apiName(context.commandName);
            const where = await route(service, caller);
            if (faults?.covers(service, api, where.sim)) {
              routes.set(context, where);
              return next(args);
            }
            return {
              output: { ...answer(where, api, args.input), $metadata: responseMetadata(200) },
              response: undefined,
            };
          },
          { step: "initialize", name: "watchkeeperSim", priority: "low" },
        );
        attempts?.applyToStack(stack);
      },
    };
  };
}

/**
 * `new Aws({ region, plugin: simPlugin(account), clock: account.clock })`: every client answers from
 * `account`, as `account.region` whatever region the client names (`simulatedAws` keeps them equal).
 * A call that a `faults` rule covers takes the SDK's full path instead (see `faultMiddleware`).
 */
export function simPlugin(
  sim: SimAccount,
  faults?: FaultSchedule,
): (service: AwsService, caller?: ClientCaller) => Pluggable<object, object> {
  const route: SimRoute = { sim, principal: sim.principal };
  const plugin = routedPlugin(() => route, faults);
  return (service, caller) => plugin(service, caller ?? NO_CALLER);
}

/** The single-account plugin routes nowhere by caller; tests that build it by hand pass none. */
const NO_CALLER: ClientCaller = { region: "", credentials: async () => undefined };

/**
 * Every client answers from the organization's account its credentials belong to (the account's own, or
 * a role's that sts:AssumeRole handed out), in the client's region.
 */
export function organizationPlugin(
  org: SimOrganization,
  faults?: FaultSchedule,
): (service: AwsService, caller: ClientCaller) => Pluggable<object, object> {
  return routedPlugin(
    async (service, caller) => org.caller(await caller.credentials(), service, caller.region),
    faults,
  );
}

export type SimulatedAwsOptions = Omit<Partial<AwsOptions>, "plugin" | "clock" | "retryStrategy"> & {
  /** A plan, or a schedule already made (to read its counts, or to share it between runs). */
  readonly faults?: FaultPlan | FaultSchedule;
};

/** Signs requests that fault rules send down the SDK's path; no request leaves the process. */
const SIMULATED_CREDENTIALS = { accessKeyId: "AKIASIMULATED", secretAccessKey: "simulated" };

/**
 * The SDK's attempts with no backoff between them. Kinder than AWS in wall time only: a call gets the same
 * attempts and the same outcome, but retries of injected faults do not wait real seconds in tests.
 */
const immediateRetries = (maxAttempts: number) => new ConfiguredRetryStrategy(maxAttempts, 0);

/** An `Aws` over a simulated account, on the account's clock (so the pacer and the quotas share time). */
export function simulatedAws(sim: SimAccount, { faults, ...options }: SimulatedAwsOptions = {}): Aws {
  return new Aws({
    region: sim.region,
    credentials: SIMULATED_CREDENTIALS,
    ...options,
    clock: sim.clock,
    plugin: simPlugin(sim, scheduleOf(faults)),
    retryStrategy: immediateRetries,
  });
}

export type SimulatedOrgAwsOptions = Omit<SimulatedAwsOptions, "credentials" | "region"> & {
  /** Whose credentials the calls are made with (default the management account). */
  readonly accountId?: string;
  /** Default the organization's first region. */
  readonly region?: string;
};

/**
 * An `Aws` over a simulated organization, as one of its accounts (the management account by default):
 * `aws.retarget` with credentials from sts:AssumeRole reaches the other accounts, each in any region.
 */
export function simulatedOrgAws(
  org: SimOrganization,
  { faults, accountId, region, ...options }: SimulatedOrgAwsOptions = {},
): Aws {
  return new Aws({
    region: region ?? org.regions[0]!,
    credentials: org.credentialsFor(accountId ?? org.managementAccountId),
    ...options,
    clock: org.clock,
    plugin: organizationPlugin(org, scheduleOf(faults)),
    retryStrategy: immediateRetries,
  });
}

function scheduleOf(faults: FaultPlan | FaultSchedule | undefined): FaultSchedule | undefined {
  return faults instanceof FaultSchedule || !faults ? faults : new FaultSchedule(faults);
}
