import { existsSync, readFileSync } from "node:fs";
import { ConfigError, parseConfig, type WatchkeeperConfig } from "./schema.js";

export const DEFAULT_CONFIG_FILE = "watchkeeper.config.json";

/** A config file's parsed JSON, not yet validated, and the name to give it in messages. */
export interface ConfigSource {
  readonly input: unknown;
  readonly source: string;
}

/** The file a config is read from: the one named, or the default one when present; undefined: none. */
export function localConfigFile(path?: string): string | undefined {
  return path ?? (existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : undefined);
}

/**
 * Reads the config file's JSON. An explicitly named file must exist; the default file is optional
 * (absent means all defaults).
 */
export function readConfigFile(path?: string): ConfigSource {
  const file = localConfigFile(path);
  if (file === undefined) return { input: {}, source: "default config" };
  if (!existsSync(file)) throw new ConfigError(`config file ${file} does not exist`);
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
