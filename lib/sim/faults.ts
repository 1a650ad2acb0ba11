/**
 * Fault injection for simulated accounts: a seeded schedule of failures (AccessDenied, a load balancer's
 * HTML 502, a hung request, throttling) that real SDK clients receive through their own retry strategy
 * and deserializers, as from a real endpoint. Nothing is sent over the network.
 *
 *   const aws = simulatedAws(account, {
 *     faults: { seed: 7, rules: [{ service: "lambda", api: "ListFunctions", fault: "html-502", probability: 0.5 }] },
 *   });
 */
import { HttpResponse } from "@smithy/core/transport";
import type { HandlerExecutionContext, HttpRequest, Pluggable } from "@smithy/types";
import { apiName, REQUEST_TIMEOUT_MS } from "../aws/clients.js";
import type { AwsService } from "../aws/quotas.js";
import type { SimAccount } from "./account.js";
import { VirtualClock } from "./clock.js";
import { responseMetadata } from "./errors.js";
import type { SimPrincipal } from "./iam.js";
import { Rng } from "./random.js";
import { faultResponse } from "./wire.js";

export type FaultKind = "denied" | "html-502" | "hang" | "throttle";

export interface FaultRule {
  readonly service: AwsService;
  /** Only calls answered by this account (in a `SimOrganization`); every account when absent. */
  readonly accountId?: string;
  /** Only calls answered in this region; every region when absent. */
  readonly region?: string;
  /** As in `ListFunctions`; every API of the service when absent. */
  readonly api?: string;
  readonly fault: FaultKind;
  /** Chance that one attempt fails (default 1); drawn per attempt, so retries can succeed. */
  readonly probability?: number;
  /** How many faults the rule injects before it stops (default: no limit). */
  readonly times?: number;
}

export interface FaultPlan {
  readonly rules: readonly FaultRule[];
  /** Seeds the draws, so a run with the same plan fails the same attempts (default 1). */
  readonly seed?: number | string;
}

/** The rules of one `Aws` and what is left of them. */
export class FaultSchedule {
  private readonly rng: Rng;
  private readonly rules: { rule: FaultRule; left: number }[];
  /** Faults injected so far, per kind (a soak reports its mix). */
  readonly injected: Record<FaultKind, number> = { denied: 0, "html-502": 0, hang: 0, throttle: 0 };

  constructor(plan: FaultPlan) {
    this.rng = new Rng(plan.seed ?? 1);
    this.rules = plan.rules.map((rule, i) => {
      const probability = rule.probability ?? 1;
      if (!(probability >= 0 && probability <= 1)) {
        throw new Error(
          `fault rule ${i} (${rule.service} ${rule.fault}): probability ${probability} is not in [0, 1]`,
        );
      }
      if (rule.times !== undefined && !(Number.isInteger(rule.times) && rule.times > 0)) {
        throw new Error(
          `fault rule ${i} (${rule.service} ${rule.fault}): times ${rule.times} is not a positive integer`,
        );
      }
      return { rule, left: rule.times ?? Infinity };
    });
  }

  /** Some rule may still fail a call to this API in `sim`: the call must then take the SDK's full path. */
  covers(service: AwsService, api: string, sim: FaultTarget): boolean {
    return this.rules.some((r) => r.left > 0 && applies(r.rule, service, api, sim));
  }

  /** The fault for one attempt, if a rule fires: the first applicable rule that wins its draw. */
  draw(service: AwsService, api: string, sim: FaultTarget): FaultKind | undefined {
    for (const r of this.rules) {
      if (r.left <= 0 || !applies(r.rule, service, api, sim)) continue;
      if (!this.rng.chance(r.rule.probability ?? 1)) continue;
      r.left -= 1;
      this.injected[r.rule.fault] += 1;
      return r.rule.fault;
    }
    return undefined;
  }

  /** Request ids for injected answers, from the schedule's own generator (the account's ids stay as they are). */
  requestId(): string {
    return this.rng.uuid();
  }
}

/** The account and region a call lands in. */
export interface FaultTarget {
  readonly accountId: string;
  readonly region: string;
}

function applies(rule: FaultRule, service: AwsService, api: string, sim: FaultTarget): boolean {
  return (
    rule.service === service &&
    (rule.api === undefined || rule.api === api) &&
    (rule.accountId === undefined || rule.accountId === sim.accountId) &&
    (rule.region === undefined || rule.region === sim.region)
  );
}

/** node-http-handler's error when `requestTimeout` passes with `throwOnRequestTimeout: true`. */
export function requestTimeoutError(timeoutMs: number): Error {
  return Object.assign(
    new Error(
      `@smithy/node-http-handler - [ERROR] a request has exceeded the configured ${timeoutMs} ms requestTimeout.`,
    ),
    { name: "TimeoutError", code: "ETIMEDOUT" },
  );
}

/** Where a call lands: the account that answers it and who makes it. */
export interface SimRoute {
  readonly sim: SimAccount;
  readonly principal: SimPrincipal;
}

/**
 * The attempt-level middleware of a call that a fault rule covers. At deserialize/high (inside the retry
 * loop, above the deserializer) each attempt either is answered from the account or, when a rule fires,
 * goes on to deserialize/low (below the deserializer, where the HTTP handler would be called), which
 * returns the fault as an HTTP response for the real deserializer, or times out like a hung socket.
 * `routeOf` is where the call was routed when it started.
 */
export function faultMiddleware(
  routeOf: (context: HandlerExecutionContext) => SimRoute,
  schedule: FaultSchedule,
  service: AwsService,
  answer: (route: SimRoute, api: string, input: unknown) => object,
): Pluggable<object, object> {
  const pending = new WeakMap<HandlerExecutionContext, FaultKind>();
  // Between a failed attempt and the next, the SDK waits on a real 0 ms timer: the virtual clock must not
  // take that for everyone waiting and jump to the next sleeper (a cutoff, another call's pacer slot).
  const retrying = new WeakMap<HandlerExecutionContext, () => void>();
  const resume = (context: HandlerExecutionContext) => {
    retrying.get(context)?.();
    retrying.delete(context);
  };
  return {
    applyToStack(stack) {
      stack.add(
        (next, context) => async (args) => {
          // The SDK's steps before the first attempt (signing, hashing the body) wait on real work too:
          // time must not jump to a cutoff before the attempt is made.
          const { sim } = routeOf(context);
          if (sim.clock instanceof VirtualClock) retrying.set(context, sim.clock.hold());
          try {
            return await next(args);
          } finally {
            resume(context);
          }
        },
        { step: "initialize", name: "watchkeeperSimRetries", priority: "low" },
      );
      stack.add(
        (next, context) => async (args) => {
          resume(context);
          const api = apiName(context.commandName);
          const route = routeOf(context);
          const { sim } = route;
          const fault = schedule.draw(service, api, sim);
          if (fault === undefined) {
            return {
              output: { ...answer(route, api, args.input), $metadata: responseMetadata(200) },
              response: undefined,
            };
          }
          sim.statsFor(service, api).faults += 1;
          pending.set(context, fault);
          try {
            return await next(args);
          } catch (error) {
            if (sim.clock instanceof VirtualClock) retrying.set(context, sim.clock.hold());
            throw error;
          }
        },
        { step: "deserialize", name: "watchkeeperSimAttempt", priority: "high" },
      );
      stack.add(
        (_next, context) => async (args) => {
          const fault = pending.get(context);
          pending.delete(context);
          const { sim, principal } = routeOf(context);
          if (fault === undefined) {
            throw new Error(
              `lib/sim: a ${service} request reached the HTTP handler without a fault to answer it`,
            );
          }
          if (fault === "hang") {
            await sim.clock.sleep(REQUEST_TIMEOUT_MS);
            throw requestTimeoutError(REQUEST_TIMEOUT_MS);
          }
          const request = args.request as HttpRequest;
          const wire = faultResponse(
            fault,
            service,
            apiName(context.commandName),
            { method: request.method, headers: lowerCaseKeys(request.headers) },
            principal.arn,
            schedule.requestId(),
          );
          const response = new HttpResponse({
            statusCode: wire.statusCode,
            headers: { ...wire.headers },
            body: Buffer.from(wire.body, "utf8"),
          });
          return { response };
        },
        { step: "deserialize", name: "watchkeeperSimFault", priority: "low" },
      );
    },
  };
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
