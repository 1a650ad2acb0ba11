/**
 * What every Watchkeeper Lambda handler shares: the configuration the deployment passes in
 * WATCHKEEPER_CONFIG (the validated config file, as JSON), one Aws per container, and the shapes of
 * Lambda's context. Made once per container and reused by warm invocations.
 */
import type { z } from "zod";
import { Aws } from "../lib/aws/clients.js";
import { parseConfig, type WatchkeeperConfig } from "../lib/config/schema.js";
import { HUB_ACCESS_ROLE_VARIABLE } from "../lib/org/hub.js";

export const CONFIG_VARIABLE = "WATCHKEEPER_CONFIG";

/** The part of the Lambda context the handlers use. */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
  /** The function's ARN as invoked (Lambda always sets it): the account and region it serves. */
  readonly invokedFunctionArn?: string;
}

/** Where a function runs, from its invoked ARN: free, and cannot be shaped by the event. */
export interface FunctionPlace {
  readonly account: string;
  readonly region: string;
}

/** The account and region of `arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]`. */
export function placeOfInvocation(context: InvocationContext | undefined): FunctionPlace | undefined {
  const match = /^arn:aws[a-z-]*:lambda:([a-z0-9-]+):(\d{12}):function:/.exec(
    context?.invokedFunctionArn ?? "",
  );
  return match ? { region: match[1]!, account: match[2]! } : undefined;
}

/** When work must stop to answer in time, `safetyMs` before the invocation's limit (epoch ms on the Aws clock); none outside Lambda. */
export function deadlineOf(
  aws: Aws,
  context: InvocationContext | undefined,
  safetyMs: number,
): number | undefined {
  const remaining = context?.getRemainingTimeInMillis();
  return remaining === undefined ? undefined : aws.pacer.clock.now() + Math.max(0, remaining - safetyMs);
}

/** Where a request says it is meant to run (a hub's, from the alarm); either may be absent. */
export interface RequestedPlace {
  readonly account?: string;
  readonly region?: string;
}

/**
 * Why a request meant for another account or region is not this function's, or undefined when it is
 * (or names no place): defence in depth against a hub that reached the wrong member. `region` is the
 * function's own when the context has no ARN (outside Lambda).
 */
export function requestedElsewhere(
  requested: RequestedPlace,
  own: FunctionPlace | undefined,
  region: string,
): string | undefined {
  if (requested.account === undefined && requested.region === undefined) return undefined;
  if (requested.account !== undefined && !own)
    return `the request is for account ${requested.account}, and this function's own account is unknown (no invoked function ARN in the Lambda context)`;
  const here = { account: own?.account ?? "(unknown)", region: own?.region ?? region };
  const there = { account: requested.account ?? here.account, region: requested.region ?? here.region };
  if (there.account === here.account && there.region === here.region) return undefined;
  return `this function serves account ${here.account} in ${here.region}; the request is for ${there.account} in ${there.region}`;
}

/** Reads and validates the deployment's config; an invalid one throws an error naming the field. */
export function configFromEnvironment(env: NodeJS.ProcessEnv = process.env): WatchkeeperConfig {
  const raw = env[CONFIG_VARIABLE];
  if (!raw?.trim()) return parseConfig({}, CONFIG_VARIABLE);
  let input: unknown;
  try {
    input = JSON.parse(raw);
  } catch (error) {
    throw new Error(
      `${CONFIG_VARIABLE} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return parseConfig(input, CONFIG_VARIABLE);
}

/** One value per container, made on first use. */
export function once<T>(make: () => T): () => T {
  let value: T | undefined;
  let made = false;
  return () => {
    if (!made) {
      value = make();
      made = true;
    }
    return value as T;
  };
}

export const containerAws = once(() => new Aws({ region: process.env.AWS_REGION ?? "" }));

/** zod issues as `event.detail.x: message`, for log lines that name what is wrong. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], at = "event"): string[] {
  return issues.map((issue) => `${[at, ...issue.path.map(String)].join(".")}: ${issue.message}`);
}

/** A required variable's value, checked against `pattern`; throws naming the variable and an example. */
export function requiredVariable(
  env: NodeJS.ProcessEnv,
  name: string,
  what: string,
  pattern: RegExp,
  example: string,
): string {
  const value = env[name]?.trim();
  if (!value) throw new Error(`${name} is not set: name ${what}`);
  if (!pattern.test(value)) throw new Error(`${name}: "${value}" is not ${what} (e.g. ${example})`);
  return value;
}

/** The hub's functions: the role each member account holds for the hub (`HUB_ACCESS_ROLE`). */
export function hubAccessRoleFromEnvironment(env: NodeJS.ProcessEnv): string {
  return requiredVariable(
    env,
    HUB_ACCESS_ROLE_VARIABLE,
    "the role each member account holds for the hub",
    /^[\w+=,.@-]{1,64}$/,
    "watchkeeper-hub-access",
  );
}
