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
