/** Configuration: one validated file, every capability's policy resolved from it. */
export {
  ConfigError,
  configSchema,
  parseConfig,
  type ConfigInput,
  type SlackSettings,
  type WatchkeeperConfig,
} from "./schema.js";
export { DEFAULT_CONFIG_FILE, loadConfig, readConfigFile, type ConfigSource } from "./load.js";
