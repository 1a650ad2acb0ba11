/**
 * The deployed agent's configuration, read back from where the stack stored it (./stored.ts): the
 * environment of `<prefix>reconcile`. One source of truth, so a local run plans what the agent plans.
 */
import { GetFunctionConfigurationCommand, LambdaClient } from "@aws-sdk/client-lambda";
import type { Aws } from "../aws/clients.js";
import { awsErrorReason, isNotFound } from "../aws/errors.js";
import { ConfigError, parseConfig, type WatchkeeperConfig } from "./schema.js";
import {
  CONFIG_HOLDER_FUNCTION,
  CONFIG_VARIABLE,
  CONFIG_VERSION,
  CONFIG_VERSION_VARIABLE,
} from "./stored.js";

/** What the account holds: no agent with this prefix, or the agent's validated configuration. */
export type DeployedConfig =
  | { readonly deployed: false; readonly functionName: string }
  | {
      readonly deployed: true;
      readonly functionName: string;
      readonly version: number;
      readonly config: WatchkeeperConfig;
    };

/** The deployed configuration could not be read (denied, throttled, unreachable): never "not deployed". */
export class DeployedConfigUnreadable extends Error {
  override readonly name = "DeployedConfigUnreadable";
}

/** The function whose environment holds the configuration of the agent deployed with `prefix`. */
export function configHolderName(prefix: string): string {
  return `${prefix}${CONFIG_HOLDER_FUNCTION}`;
}

/** Reads the configuration of the agent deployed with `prefix` in the Aws's account and region. */
export async function readDeployedConfig(aws: Aws, prefix: string): Promise<DeployedConfig> {
  const functionName = configHolderName(prefix);
  let variables: Readonly<Record<string, string>> | undefined;
  try {
    const output = await aws
      .client(LambdaClient)
      .send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
    variables = output.Environment?.Variables;
  } catch (error) {
    if (isNotFound(error)) return { deployed: false, functionName };
    throw new DeployedConfigUnreadable(
      `cannot read the deployed agent's configuration: lambda:GetFunctionConfiguration on ${functionName} ` +
        `failed (${awsErrorReason(error)})`,
    );
  }
  return { deployed: true, functionName, ...parseStoredConfig(variables, functionName) };
}

/**
 * Validates the stored variables of `functionName`. Throws a ConfigError naming what is wrong: a missing
 * or malformed config, or a version newer than this code reads.
 */
export function parseStoredConfig(
  variables: Readonly<Record<string, string>> | undefined,
  functionName: string,
): { version: number; config: WatchkeeperConfig } {
  const refuse = (problem: string) =>
    new ConfigError(
      `the deployed agent's configuration (${CONFIG_VARIABLE} of ${functionName}) cannot be used: ${problem}`,
    );
  // Stacks deployed before the stamp stored version 1 without saying so.
  const stamp = variables?.[CONFIG_VERSION_VARIABLE] ?? "1";
  if (!/^[1-9]\d*$/.test(stamp)) {
    throw refuse(`${CONFIG_VERSION_VARIABLE} "${stamp}" is not a version number; redeploy the agent`);
  }
  const version = Number(stamp);
  if (version > CONFIG_VERSION) {
    throw refuse(
      `it is version ${version} and this CLI reads up to version ${CONFIG_VERSION}; ` +
        `upgrade the CLI to the deployed agent's release`,
    );
  }
  const raw = variables?.[CONFIG_VARIABLE];
  if (!raw?.trim()) throw refuse(`${CONFIG_VARIABLE} is missing; redeploy the agent`);
  let input: unknown;
  try {
    input = JSON.parse(raw);
  } catch (error) {
    throw refuse(
      `it is not valid JSON (${error instanceof Error ? error.message : String(error)}); redeploy the agent`,
    );
  }
  try {
    return { version, config: parseConfig(input, "it") };
  } catch (error) {
    if (error instanceof ConfigError)
      throw refuse(`${error.message}\n  redeploy the agent with a valid config`);
    throw error;
  }
}
