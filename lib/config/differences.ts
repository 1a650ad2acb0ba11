/** Where two configurations disagree, field by field, under the names the config file uses. */
import { isDeepStrictEqual } from "node:util";
import type { WatchkeeperConfig } from "./schema.js";

export interface ConfigDifference {
  /** The field as the config file names it, e.g. `alarms.thresholds.lambda-errors`. */
  readonly path: string;
  /** Undefined: not set (the field's default applies, or there is none). */
  readonly local: unknown;
  readonly deployed: unknown;
}

/**
 * Every field that shapes what a run does, where `local` and `deployed` differ, in the file's order.
 * Both are validated configs, so a default written out and one left out compare equal. `targets` and
 * `organization` are left out: they say where to deploy, and the deployed agent does not keep them.
 */
export function configDifferences(local: WatchkeeperConfig, deployed: WatchkeeperConfig): ConfigDifference[] {
  const differences: ConfigDifference[] = [];
  compare(settings(local), settings(deployed), "", differences);
  return differences;
}

/** `alarms.thresholds.lambda-errors: 5 → 10`: the deployed value, then the local one. */
export function formatDifference({ path, local, deployed }: ConfigDifference): string {
  return `${path}: ${show(deployed)} → ${show(local)}`;
}

/** The validated config under the config file's field names (the alarm policy renames `critical`). */
function settings(config: WatchkeeperConfig): Record<string, unknown> {
  const { prefix: _breakerPrefix, ...breaker } = config.breaker;
  const { alarms } = config;
  return {
    prefix: config.prefix,
    runbookBaseUrl: config.runbookBaseUrl,
    schedule: config.schedule,
    alarms: {
      notificationTopicArn: alarms.notificationTopicArn,
      thresholds: alarms.thresholds,
      critical: alarms.criticalResources,
      disabled: alarms.disabled,
      enabled: alarms.enabled,
    },
    retention: config.retention,
    dashboards: config.dashboards,
    slack: config.slack,
    breaker,
    redrive: config.redrive,
  };
}

function compare(local: unknown, deployed: unknown, path: string, out: ConfigDifference[]): void {
  if (isObject(local) && isObject(deployed)) {
    for (const key of new Set([...Object.keys(local), ...Object.keys(deployed)])) {
      compare(local[key], deployed[key], path ? `${path}.${key}` : key, out);
    }
  } else if (!isDeepStrictEqual(local, deployed)) {
    out.push({ path, local, deployed });
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  return value === undefined ? "not set" : JSON.stringify(value);
}
