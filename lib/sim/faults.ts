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
import { responseMetadata } from "./errors.js";
import { Rng } from "./random.js";
import { faultResponse } from "./wire.js";

export type FaultKind = "denied" | "html-502" | "hang" | "throttle";

export interface FaultRule {
  readonly service: AwsService;
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

  /** Some rule may still fail a call to this API: the call must then take the SDK's full path. */
  covers(service: AwsService, api: string): boolean {
    return this.rules.some((r) => r.left > 0 && applies(r.rule, service, api));
  }

  /** The fault for one attempt, if a rule fires: the first applicable rule that wins its draw. */
  draw(service: AwsService, api: string): FaultKind | undefined {
    for (const r of this.rules) {
      if (r.left <= 0 || !applies(r.rule, service, api)) continue;
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

function applies(rule: FaultRule, service: AwsService, api: string): boolean {
  return rule.service === service && (rule.api === undefined || rule.api === api);
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

/**
 * The attempt-level middleware of a call that a fault rule covers. At deserialize/high (inside the retry
 * loop, above the deserializer) each attempt either is answered from the account or, when a rule fires,
 * goes on to deserialize/low (below the deserializer, where the HTTP handler would be called), which
 * returns the fault as an HTTP response for the real deserializer, or times out like a hung socket.
 */
export function faultMiddleware(
  sim: SimAccount,
  schedule: FaultSchedule,
  service: AwsService,
  answer: (api: string, input: unknown) => object,
): Pluggable<object, object> {
  const pending = new WeakMap<HandlerExecutionContext, FaultKind>();
  return {
    applyToStack(stack) {
      stack.add(
        (next, context) => async (args) => {
          const api = apiName(context.commandName);
          const fault = schedule.draw(service, api);
          if (fault === undefined) {
            return {
              output: { ...answer(api, args.input), $metadata: responseMetadata(200) },
              response: undefined,
            };
          }
          sim.statsFor(service, api).faults += 1;
          pending.set(context, fault);
          return next(args);
        },
        { step: "deserialize", name: "watchkeeperSimAttempt", priority: "high" },
      );
      stack.add(
        (_next, context) => async (args) => {
          const fault = pending.get(context);
          pending.delete(context);
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
          const principal = `arn:${sim.arns.partition}:sts::${sim.accountId}:assumed-role/watchkeeper/watchkeeper`;
          const wire = faultResponse(
            fault,
            service,
            apiName(context.commandName),
            { method: request.method, headers: lowerCaseKeys(request.headers) },
            principal,
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
