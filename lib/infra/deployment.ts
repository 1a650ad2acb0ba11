/**
 * From the config file to the stacks: validation (a bad file fails `cdk synth` naming the field), the
 * deployment's own limits on top of the config's, and one stack per target account and region.
 */
import type { App, Environment } from "aws-cdk-lib";
import { ConfigError, parseConfig, type ConfigInput, type WatchkeeperConfig } from "../config/schema.js";
import type { ConfigSource } from "../config/load.js";
import { CONFIG_VERSION, CONFIG_VERSION_VARIABLE, type FunctionConfig } from "../config/stored.js";
import { FUNCTIONS, LONGEST_FUNCTION_NAME } from "./functions.js";
import { WatchkeeperStack } from "./stack.js";

/** The variable functions/runtime.ts reads the config from (test/infra checks they agree). */
export { CONFIG_VARIABLE, type FunctionConfig } from "../config/stored.js";
/** The hints queue's URL, for the function it triggers (functions/reconcile.ts; test/infra checks they agree). */
export const HINTS_QUEUE_VARIABLE = "WATCHKEEPER_HINTS_QUEUE_URL";

/** Lambda allows 4 KB of environment variables per function, names and values together. */
export const ENVIRONMENT_LIMIT_BYTES = 4096;
/**
 * Room for the variables the stack adds besides the config: the topic ARN (an SNS ARN is at most ~330
 * bytes) and the hints queue's URL (~150 bytes with a 32-character prefix), with their names; and the
 * config's version stamp.
 */
const ENVIRONMENT_RESERVE_BYTES =
  600 + Buffer.byteLength(CONFIG_VERSION_VARIABLE) + String(CONFIG_VERSION).length;

/**
 * Function and queue names start with the prefix; the breaker names trip alarms with it too. Every IAM
 * name scope is `<prefix>*`, so the prefix is at least three characters and ends with a separator: "ops"
 * would scope `function:ops*`, and the breaker's Deny on it would block a customer's opsgenie-forwarder.
 */
const DEPLOYABLE_PREFIX = /^[A-Za-z0-9][A-Za-z0-9_-]{1,30}[-_]$/;

export interface Deployment {
  readonly config: WatchkeeperConfig;
  readonly functionConfig: FunctionConfig;
  /** One per stack: its id and environment (undefined: environment-agnostic). */
  readonly stacks: readonly { readonly id: string; readonly env?: Environment }[];
}

/**
 * Validates the config for deployment. Throws a ConfigError naming each bad field. `defaults` is the
 * CLI's environment (CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION), used when no targets are configured.
 */
export function planDeployment(
  { input, source }: ConfigSource,
  defaults: Partial<Environment> = {},
): Deployment {
  const config = parseConfig(input, source);
  const problems: string[] = [];
  if (!DEPLOYABLE_PREFIX.test(config.prefix)) {
    problems.push(
      `prefix: deployed functions, queues and trip alarms are named with it, and IAM scopes them by it: use ` +
        `3-32 letters, digits, _ or -, starting with a letter or digit and ending with - or _ (e.g. "ops-"), ` +
        `so "<prefix>*" matches only Watchkeeper's names (the longest function name is then ` +
        `${32 + LONGEST_FUNCTION_NAME} of Lambda's 64 characters)`,
    );
  }
  const { targets: _targets, ...functionConfig } = (input ?? {}) as ConfigInput;
  const configBytes = Buffer.byteLength(JSON.stringify(functionConfig));
  const size = Math.max(
    ...FUNCTIONS.filter((spec) => !spec.when || spec.when(config)).map(
      (spec) =>
        configBytes +
        ENVIRONMENT_RESERVE_BYTES +
        Object.entries(spec.environment?.(config) ?? {}).reduce(
          (sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(value),
          0,
        ),
    ),
  );
  if (size > ENVIRONMENT_LIMIT_BYTES) {
    const largest = Object.entries(functionConfig)
      .map(([key, value]) => [key, Buffer.byteLength(JSON.stringify(value))] as const)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([key, bytes]) => `${key} ${bytes} bytes`);
    problems.push(
      `(top level): the functions read the config from an environment variable, and Lambda allows ` +
        `${ENVIRONMENT_LIMIT_BYTES} bytes of them; this config needs about ${size}. Largest: ${largest.join(", ")}`,
    );
  }
  if (problems.length > 0) throw new ConfigError(`${source} is not valid:\n  ${problems.join("\n  ")}`);

  const stacks =
    config.targets.length > 0
      ? config.targets.flatMap(({ account, regions }) =>
          regions.map((region) => ({ id: `Watchkeeper-${account}-${region}`, env: { account, region } })),
        )
      : [{ id: "Watchkeeper", ...(defaults.account && defaults.region ? { env: defaults } : {}) }];
  const ids = new Set<string>();
  for (const { id } of stacks) {
    if (ids.has(id)) throw new ConfigError(`${source} is not valid:\n  targets: ${id} is listed twice`);
    ids.add(id);
  }
  return { config, functionConfig, stacks };
}

/** Adds one stack per target to the app. */
export function addStacks(app: App, deployment: Deployment): WatchkeeperStack[] {
  return deployment.stacks.map(
    ({ id, env }) =>
      new WatchkeeperStack(app, id, {
        ...(env ? { env } : {}),
        description: "Watchkeeper: observability agent for this account's serverless resources",
        config: deployment.config,
        functionConfig: deployment.functionConfig,
      }),
  );
}
