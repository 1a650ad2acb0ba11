/** Configuration: one validated file, every capability's policy resolved from it. */
export {
  ConfigError,
  configSchema,
  parseConfig,
  type ConfigInput,
  type OrganizationSettings,
  type SlackSettings,
  type WatchkeeperConfig,
} from "./schema.js";
export {
  DEFAULT_CONFIG_FILE,
  loadConfig,
  localConfigFile,
  readConfigFile,
  type ConfigSource,
} from "./load.js";
export { configDifferences, formatDifference, type ConfigDifference } from "./differences.js";
export {
  CONFIG_HOLDER_FUNCTION,
  CONFIG_VARIABLE,
  CONFIG_VERSION,
  CONFIG_VERSION_VARIABLE,
  storedConfigEnvironment,
  type FunctionConfig,
} from "./stored.js";
