/**
 * How a deployment stores its configuration: in the environment of every function it deploys. The
 * stack writes it (lib/infra) and the CLI reads it back from the reconcile function (./deployed.ts),
 * both through this module, so the two cannot drift apart.
 */
import type { ConfigInput } from "./schema.js";

/** The config file as written (validated), less `targets` and `organization`, with the alarm topic's ARN, as JSON. */
export const CONFIG_VARIABLE = "WATCHKEEPER_CONFIG";
/** The schema version of CONFIG_VARIABLE's JSON, so an older CLI refuses a config it cannot read. */
export const CONFIG_VERSION_VARIABLE = "WATCHKEEPER_CONFIG_VERSION";
/** Raise it when a stored config stops meaning the same to an older reader (a field renamed or reread). */
export const CONFIG_VERSION = 1;

/** What the functions get: the file as written, less where it is deployed (`targets`, `organization`). */
export type FunctionConfig = Omit<ConfigInput, "targets" | "organization">;

/** The deployed function that holds the stored configuration the CLI reads: `<prefix>reconcile`. */
export const CONFIG_HOLDER_FUNCTION = "reconcile";

/**
 * The variables that store the configuration in a function's environment. `toJson` is the stack's own
 * encoder when `topicArn` is a deploy-time token (a topic the stack creates); plain JSON otherwise.
 */
export function storedConfigEnvironment(
  functionConfig: FunctionConfig,
  topicArn: string,
  toJson: (value: unknown) => string = (value) => JSON.stringify(value),
): Record<string, string> {
  const config: FunctionConfig = {
    ...functionConfig,
    alarms: { ...functionConfig.alarms, notificationTopicArn: topicArn },
  };
  return { [CONFIG_VARIABLE]: toJson(config), [CONFIG_VERSION_VARIABLE]: String(CONFIG_VERSION) };
}
