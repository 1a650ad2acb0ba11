import { existsSync, readFileSync } from "node:fs";
import { ConfigError, parseConfig, type WatchkeeperConfig } from "./schema.js";

export const DEFAULT_CONFIG_FILE = "watchkeeper.config.json";

/**
 * Reads and validates the config file. An explicitly named file must exist; the default file is
 * optional (absent means all defaults).
 */
export function loadConfig(path?: string): WatchkeeperConfig {
  const file = path ?? DEFAULT_CONFIG_FILE;
  if (!existsSync(file)) {
    if (path !== undefined) throw new ConfigError(`config file ${file} does not exist`);
    return parseConfig({}, "default config");
  }
  let input: unknown;
  try {
    input = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new ConfigError(
      `${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return parseConfig(input, file);
}
