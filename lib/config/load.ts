import { existsSync, readFileSync } from "node:fs";
import { ConfigError, parseConfig, type WatchkeeperConfig } from "./schema.js";

export const DEFAULT_CONFIG_FILE = "watchkeeper.config.json";

/** A config file's parsed JSON, not yet validated, and the name to give it in messages. */
export interface ConfigSource {
  readonly input: unknown;
  readonly source: string;
}

/**
 * Reads the config file's JSON. An explicitly named file must exist; the default file is optional
 * (absent means all defaults).
 */
export function readConfigFile(path?: string): ConfigSource {
  const file = path ?? DEFAULT_CONFIG_FILE;
  if (!existsSync(file)) {
    if (path !== undefined) throw new ConfigError(`config file ${file} does not exist`);
    return { input: {}, source: "default config" };
  }
  try {
    return { input: JSON.parse(readFileSync(file, "utf8")), source: file };
  } catch (error) {
    throw new ConfigError(
      `${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Reads and validates the config file. */
export function loadConfig(path?: string): WatchkeeperConfig {
  const { input, source } = readConfigFile(path);
  return parseConfig(input, source);
}
