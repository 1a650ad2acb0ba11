/**
 * "Deploys" the agent into a simulated account as far as the CLI can see it: the alarm topic and the
 * reconcile function, whose environment stores the configuration exactly as the stack writes it.
 */
import { configHolderName } from "../../lib/config/deployed.js";
import { parseConfig } from "../../lib/config/schema.js";
import { storedConfigEnvironment, type FunctionConfig } from "../../lib/config/stored.js";
import type { SimAccount } from "../../lib/sim/index.js";

/** Returns the topic the deployed alarms notify (the one the config names, or the stack's own). */
export function deployAgent(sim: SimAccount, functionConfig: FunctionConfig = {}): string {
  const { prefix, alarms } = parseConfig(functionConfig);
  const topicArn = alarms.notificationTopicArn ?? sim.addTopic({ name: `${prefix}alarms` }).arn;
  sim.addFunction({
    name: configHolderName(prefix),
    runtime: "nodejs24.x",
    memorySize: 1024,
    timeout: 900,
    reservedConcurrency: 1,
    environment: storedConfigEnvironment(functionConfig, topicArn),
  });
  return topicArn;
}

/** Replaces the stored configuration's variables, as a hand-edited or future deployment would. */
export function setStoredVariables(sim: SimAccount, prefix: string, variables: Record<string, string>): void {
  const fn = sim.functions.get(configHolderName(prefix));
  if (!fn) throw new Error(`no deployed agent with prefix ${prefix}`);
  fn.environment = { ...fn.environment, ...variables };
}
