/**
 * The deployed configuration as lib/config reads it: stored by the same code the stack uses, parsed with
 * the config schema, refused when malformed or newer than this code; and the differences between two
 * configurations by field path.
 */
import { describe, expect, it } from "vitest";
import {
  DeployedConfigUnreadable,
  parseStoredConfig,
  readDeployedConfig,
} from "../../lib/config/deployed.js";
import { configDifferences, formatDifference } from "../../lib/config/differences.js";
import { ConfigError, parseConfig } from "../../lib/config/schema.js";
import { CONFIG_VERSION, storedConfigEnvironment } from "../../lib/config/stored.js";
import { sampleAccount, simulatedAws } from "../../lib/sim/index.js";
import { deployAgent } from "../support/deployed.js";
import { simulatedAwsDenying } from "../support/sim.js";

const TOPIC = "arn:aws:sns:eu-west-1:123456789012:oncall";

describe("storedConfigEnvironment and parseStoredConfig", () => {
  it("round-trips the config as written, with the topic and the version stamp", () => {
    const variables = storedConfigEnvironment({ prefix: "ops-", retention: { defaultDays: 14 } }, TOPIC);
    expect(variables).toEqual({
      WATCHKEEPER_CONFIG: JSON.stringify({
        prefix: "ops-",
        retention: { defaultDays: 14 },
        alarms: { notificationTopicArn: TOPIC },
      }),
      WATCHKEEPER_CONFIG_VERSION: String(CONFIG_VERSION),
    });
    const { version, config } = parseStoredConfig(variables, "ops-reconcile");
    expect(version).toBe(CONFIG_VERSION);
    expect(config).toMatchObject({ prefix: "ops-", retention: { defaultDays: 14 } });
    expect(config.alarms.notificationTopicArn).toBe(TOPIC);
  });

  it("reads a config stored before the version stamp as version 1", () => {
    const stored = { WATCHKEEPER_CONFIG: JSON.stringify({ alarms: { notificationTopicArn: TOPIC } }) };
    expect(parseStoredConfig(stored, "watchkeeper-reconcile").version).toBe(1);
  });

  it.each([
    ["no environment", undefined, /WATCHKEEPER_CONFIG is missing; redeploy the agent/],
    [
      "a newer version",
      { WATCHKEEPER_CONFIG: "{}", WATCHKEEPER_CONFIG_VERSION: "2" },
      /version 2 and this CLI reads up to version 1/,
    ],
    [
      "a bad stamp",
      { WATCHKEEPER_CONFIG: "{}", WATCHKEEPER_CONFIG_VERSION: "1.5" },
      /"1\.5" is not a version number/,
    ],
    ["broken JSON", { WATCHKEEPER_CONFIG: "{" }, /it is not valid JSON/],
    [
      "an unknown setting",
      { WATCHKEEPER_CONFIG: '{"colour":"red"}' },
      /\(top level\): unknown setting "colour"/,
    ],
  ])("refuses %s, naming the function and what is wrong", (_what, variables, reason) => {
    const parse = () => parseStoredConfig(variables, "watchkeeper-reconcile");
    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow(
      /^the deployed agent's configuration \(WATCHKEEPER_CONFIG of watchkeeper-reconcile\) cannot be used: /,
    );
    expect(parse).toThrow(reason);
  });
});

describe("readDeployedConfig", () => {
  it("finds the agent by its prefix, or says it is not deployed", async () => {
    const sim = sampleAccount();
    const aws = simulatedAws(sim);
    expect(await readDeployedConfig(aws, "watchkeeper-")).toEqual({
      deployed: false,
      functionName: "watchkeeper-reconcile",
    });
    const topic = deployAgent(sim, { prefix: "ops-" });
    const found = await readDeployedConfig(aws, "ops-");
    expect(found).toMatchObject({ deployed: true, functionName: "ops-reconcile", version: CONFIG_VERSION });
    expect(found.deployed && found.config.alarms.notificationTopicArn).toBe(topic);
  });

  it("never takes a failed read for 'not deployed': the error names the call", async () => {
    const sim = sampleAccount();
    deployAgent(sim);
    const aws = simulatedAwsDenying(sim, "lambda");
    const read = readDeployedConfig(aws, "watchkeeper-");
    await expect(read).rejects.toThrow(DeployedConfigUnreadable);
    await expect(read).rejects.toThrow(
      /^cannot read the deployed agent's configuration: lambda:GetFunctionConfiguration on watchkeeper-reconcile failed \(AccessDeniedException: /,
    );
  });
});

describe("configDifferences", () => {
  it("finds none between a default written out and one left out", () => {
    const written = parseConfig({
      prefix: "watchkeeper-",
      retention: { defaultDays: 30, rules: [] },
      breaker: { maxTripsPerHour: 5 },
      redrive: { auto: false },
    });
    expect(configDifferences(written, parseConfig({}))).toEqual([]);
  });

  it("lists each differing field by path, deployed → local", () => {
    const deployed = parseConfig({
      alarms: { notificationTopicArn: TOPIC, thresholds: { "lambda-errors": 5 }, critical: ["arn:x"] },
      slack: { secretName: "ops/slack" },
    });
    const local = parseConfig({
      alarms: { thresholds: { "lambda-errors": 10, Errors: 2 }, disabled: ["lambda-duration"] },
      retention: { defaultDays: 14 },
      breaker: { autoReset: true },
    });
    expect(configDifferences(local, deployed).map(formatDifference)).toEqual([
      `alarms.notificationTopicArn: "${TOPIC}" → not set`,
      "alarms.thresholds.lambda-errors: 5 → 10",
      "alarms.thresholds.Errors: not set → 2",
      'alarms.critical: ["arn:x"] → []',
      'alarms.disabled: [] → ["lambda-duration"]',
      "retention.defaultDays: 30 → 14",
      'slack: {"secretName":"ops/slack","interactive":false,"allowedUsers":[],"allowedChannels":[]} → not set',
      "breaker.autoReset: false → true",
    ]);
  });
});
