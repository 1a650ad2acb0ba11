/**
 * Which configuration `plan`, `apply` and `reconcile` use. Where the agent is deployed, its own (read
 * from the account), so a local run plans what the agent plans and the two never undo each other; a
 * local file only when it agrees, or when `--config-source local` asks for it. Elsewhere, as before:
 * the local file, or the defaults.
 */
import { Option } from "commander";
import {
  DeployedConfigUnreadable,
  readDeployedConfig,
  type DeployedConfig,
} from "../../lib/config/deployed.js";
import { configDifferences, formatDifference } from "../../lib/config/differences.js";
import { localConfigFile, readConfigFile } from "../../lib/config/load.js";
import { parseConfig, type WatchkeeperConfig } from "../../lib/config/schema.js";
import { CommandFailed, UsageError } from "./errors.js";
import type { Io } from "./io.js";
import type { GlobalOptions } from "./main.js";
import type { Session } from "./session.js";

export const CONFIG_SOURCES = ["deployed", "local"] as const;
export type ConfigSourceChoice = (typeof CONFIG_SOURCES)[number];

export function configSourceOption(): Option {
  return new Option(
    "--config-source <source>",
    "where the agent is deployed: use its configuration (deployed), or the local file even where it " +
      "differs (local; the deployed alarm topic is kept when the file names none). Default: the deployed " +
      "one; a local file that differs is refused",
  ).choices(CONFIG_SOURCES);
}

/** The local configuration: the file (`--config`, or ./watchkeeper.config.json when present) or defaults. */
export interface LocalConfig {
  readonly config: WatchkeeperConfig;
  /** Undefined: no file, all defaults. */
  readonly file?: string;
}

/** Reads and validates the local configuration; done before anything is read from the account. */
export function localConfig(options: GlobalOptions): LocalConfig {
  const file = localConfigFile(options.config);
  const { input, source } = readConfigFile(options.config);
  return { config: parseConfig(input, source), ...(file !== undefined ? { file } : {}) };
}

/** The configuration a run uses, and where it came from (printed as one line, and in --json). */
export interface ChosenConfig {
  readonly config: WatchkeeperConfig;
  readonly source: "deployed" | "local" | "defaults";
  /** The local file, when there is one. */
  readonly file?: string;
  /** The function the deployed configuration was read from; absent: no agent deployed here. */
  readonly deployedFunction?: string;
  /** The deployed agent's alarm topic, kept because the local config names none. */
  readonly keptTopic?: string;
  /** One line for people: which configuration is in use. */
  readonly summary: string;
}

/** Chooses the configuration of a run on `session` (see the module comment); `choice` is --config-source. */
export async function chooseConfig(
  session: Session,
  local: LocalConfig,
  choice: ConfigSourceChoice | undefined,
): Promise<ChosenConfig> {
  const deployed = await deployedConfig(session, local.config.prefix);
  if (!deployed.deployed) {
    if (choice === "deployed") {
      throw new UsageError(
        `--config-source deployed: no Watchkeeper agent with prefix "${local.config.prefix}" is deployed in ` +
          `${session.label} (no function ${deployed.functionName}); pass --config with the agent's prefix`,
      );
    }
    const where = `no agent deployed with prefix "${local.config.prefix}" here`;
    return local.file !== undefined
      ? { config: local.config, source: "local", file: local.file, summary: `${local.file} (${where})` }
      : { config: local.config, source: "defaults", summary: `defaults: no config file, ${where}` };
  }
  const agent = `the deployed agent's, from ${deployed.functionName}`;
  const fromAgent = (note = "") => ({
    config: deployed.config,
    source: "deployed" as const,
    ...(local.file !== undefined ? { file: local.file } : {}),
    deployedFunction: deployed.functionName,
    summary: `${agent}${note}`,
  });
  if (choice === "local") return localOverDeployed(local, deployed);
  if (choice === "deployed") {
    return fromAgent(local.file !== undefined ? `; ${local.file} not used (--config-source deployed)` : "");
  }
  if (local.file === undefined) return fromAgent();
  const differences = configDifferences(local.config, deployed.config);
  if (differences.length === 0) return fromAgent(`, which ${local.file} matches`);
  throw new UsageError(
    `${local.file} differs from the configuration of the agent deployed in ${session.label} ` +
      `(${deployed.functionName}), deployed → local:\n` +
      differences.map((d) => `  ${formatDifference(d)}\n`).join("") +
      `Pass --config-source deployed to use the deployed configuration, or --config-source local to use ` +
      `${local.file} for this run (deploy it to make it the agent's).`,
  );
}

/** The local config by request; the deployed agent's alarm topic stays when the local config names none. */
function localOverDeployed(
  local: LocalConfig,
  deployed: Extract<DeployedConfig, { deployed: true }>,
): ChosenConfig {
  const name = local.file ?? "defaults";
  const base = {
    source: local.file !== undefined ? ("local" as const) : ("defaults" as const),
    ...(local.file !== undefined ? { file: local.file } : {}),
    deployedFunction: deployed.functionName,
  };
  const topic = deployed.config.alarms.notificationTopicArn;
  if (local.config.alarms.notificationTopicArn !== undefined || topic === undefined) {
    return { ...base, config: local.config, summary: `${name} (--config-source local)` };
  }
  return {
    ...base,
    config: { ...local.config, alarms: { ...local.config.alarms, notificationTopicArn: topic } },
    keptTopic: topic,
    summary:
      `${name} (--config-source local), with the deployed agent's alarm topic ${topic}, ` +
      `since ${name} names none: alarms keep notifying`,
  };
}

async function deployedConfig(session: Session, prefix: string): Promise<DeployedConfig> {
  try {
    return await readDeployedConfig(session.aws, prefix);
  } catch (error) {
    if (error instanceof DeployedConfigUnreadable) throw new CommandFailed(error.message);
    throw error;
  }
}

/** The one line saying which configuration is in use, on stderr (stdout stays the plan, or JSON). */
export function announceConfig(io: Io, chosen: ChosenConfig): void {
  io.err(`Configuration: ${chosen.summary}\n`);
}

/** What --json output carries about the configuration. */
export function configurationJson({ config: _config, ...about }: ChosenConfig) {
  return about;
}
