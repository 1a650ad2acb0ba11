/**
 * What every Watchkeeper Lambda handler shares: the configuration the deployment passes in
 * WATCHKEEPER_CONFIG (the validated config file, as JSON), one Aws per container, and the shapes of
 * Lambda's context. Made once per container and reused by warm invocations.
 */
import type { z } from "zod";
import { Aws } from "../lib/aws/clients.js";
import { parseConfig, type WatchkeeperConfig } from "../lib/config/schema.js";

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
