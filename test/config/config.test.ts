import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  ConfigError,
  configDifferences,
  loadConfig,
  parseConfig,
  readConfigFile,
} from "../../lib/config/index.js";

function problems(input: unknown): string {
  try {
    parseConfig(input, "watchkeeper.config.json");
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected the config to be rejected");
}

describe("parseConfig", () => {
  it("fills every default from an empty object", () => {
    const config = parseConfig({});
    expect(config.prefix).toBe("watchkeeper-");
    expect(config.alarms.prefix).toBe("watchkeeper-");
    expect(config.retention.defaultDays).toBe(30);
    expect(config.schedule.reconcileEveryMinutes).toBe(60);
    expect(config.dashboards.enabled).toBe(true);
    expect(config.runbookBaseUrl.endsWith("/")).toBe(true);
  });

  it("carries settings into each capability's policy", () => {
    const config = parseConfig({
      prefix: "ops-",
      runbookBaseUrl: "https://git.example.com/ops/runbooks",
      alarms: {
        notificationTopicArn: "arn:aws:sns:eu-west-1:123456789012:alerts",
        thresholds: { "lambda-errors": 5, ApproximateAgeOfOldestMessage: 600 },
        disabled: ["sns-notifications-failed"],
      },
      retention: { defaultDays: 14, excludePrefixes: ["/aws/vendedlogs/"] },
    });
    expect(config.alarms.prefix).toBe("ops-");
    expect(config.alarms.runbookBaseUrl).toBe("https://git.example.com/ops/runbooks/");
    expect(config.alarms.notificationTopicArn).toBe("arn:aws:sns:eu-west-1:123456789012:alerts");
    expect(config.alarms.thresholds).toEqual({ "lambda-errors": 5, ApproximateAgeOfOldestMessage: 600 });
    expect(config.alarms.disabled).toEqual(["sns-notifications-failed"]);
    expect(config.retention.defaultDays).toBe(14);
    expect(config.retention.excludePrefixes).toEqual(["/aws/vendedlogs/"]);
  });

  it("names an unknown setting", () =>
    expect(problems({ alarm: {} })).toMatch(/\(top level\): unknown setting "alarm"/));

  it("names a bad nested value with its path", () => {
    const message = problems({
      alarms: { thresholds: { Errors: -1 } },
      targets: [{ account: "12", regions: [] }],
    });
    expect(message).toMatch(/alarms\.thresholds\.Errors: a threshold must be a number ≥ 0/);
    expect(message).toMatch(/targets\[0\]\.account: must be a 12-digit AWS account id/);
    expect(message).toMatch(/targets\[0\]\.regions: /);
  });

  it("names an unknown catalog id and a threshold for an unknown metric", () => {
    const message = problems({ alarms: { disabled: ["lambda-eror"], thresholds: { Erors: 1 } } });
    expect(message).toMatch(/alarms\.disabled\[0\]: "lambda-eror" is not an alarm catalog id/);
    expect(message).toMatch(/alarms\.thresholds\.Erors: "Erors" names no alarm catalog id or metric/);
  });

  it("names an invalid retention value and lists the valid ones", () =>
    expect(problems({ retention: { defaultDays: 45 } })).toMatch(
      /retention\.defaultDays.*45.*1, 3, 5, 7, 14, 30/,
    ));

  it("rejects a prefix that could not tell alarms apart", () => {
    expect(problems({ prefix: "" })).toMatch(
      /^watchkeeper.config.json is not valid:\n {2}prefix: use 1-63 letters/,
    );
    expect(problems({ prefix: "has space-" })).toMatch(/prefix:/);
  });

  it("rejects a topic that is not an SNS ARN and a runbook URL that is not http(s)", () => {
    const message = problems({
      runbookBaseUrl: "ftp://example.com/",
      alarms: { notificationTopicArn: "arn:aws:sqs:us-east-1:123456789012:q" },
    });
    expect(message).toMatch(/runbookBaseUrl: must be an http\(s\) URL/);
    expect(message).toMatch(/alarms\.notificationTopicArn: must be an SNS topic ARN/);
  });
});

describe("parseConfig: slack, breaker and redrive", () => {
  it("leaves Slack off, and fills the breaker and redrive defaults", () => {
    const config = parseConfig({ prefix: "ops-" });
    expect(config.slack).toBeUndefined();
    expect(config.breaker).toMatchObject({
      prefix: "ops-",
      maxTripsPerHour: 5,
      autoReset: false,
      functions: [],
    });
    expect(config.redrive).toEqual({ auto: false, maxPerDay: 3 });
  });

  it("reads the Slack settings: a secret name, never a secret", () => {
    const config = parseConfig({
      slack: {
        secretName: "watchkeeper/slack",
        defaultChannel: "C0123ABCD",
        interactive: true,
        allowedUsers: ["U0123ABCD"],
        allowedChannels: ["C0123ABCD"],
      },
    });
    expect(config.slack).toEqual({
      secretName: "watchkeeper/slack",
      defaultChannel: "C0123ABCD",
      interactive: true,
      allowedUsers: ["U0123ABCD"],
      allowedChannels: ["C0123ABCD"],
    });
    expect(parseConfig({ slack: { secretName: "s" } }).slack).toMatchObject({
      interactive: false,
      allowedUsers: [],
    });
  });

  it("names each bad Slack value", () => {
    const message = problems({
      slack: { secretName: "has space", interactive: true, allowedChannels: ["general"] },
    });
    expect(message).toMatch(/slack\.secretName: must be a Secrets Manager secret name/);
    expect(message).toMatch(/slack\.allowedChannels\[0\]: must be a Slack channel ID/);
    expect(message).toMatch(
      /slack\.allowedUsers: interactive actions need at least one allowed Slack user ID/,
    );
    expect(problems({ slack: {} })).toMatch(/slack\.secretName: /);
    expect(problems({ slack: { secretName: "s", webhookUrl: "https://hooks.slack.com/x" } })).toMatch(
      /slack: unknown setting "webhookUrl"/,
    );
  });

  it("validates the breaker block with lib/breaker and names the field", () => {
    const config = parseConfig({ breaker: { functions: ["payments"], autoReset: true } });
    expect(config.breaker).toMatchObject({
      functions: ["payments"],
      autoReset: true,
      prefix: "watchkeeper-",
    });
    expect(problems({ breaker: { maxTripsPerHour: 0 } })).toMatch(/breaker\.maxTripsPerHour: /);
    expect(problems({ breaker: { functions: ["not a name"] } })).toMatch(
      /breaker\.functions\.0: expected a function name/,
    );
    expect(problems({ breaker: { prefix: "x-" } })).toMatch(
      /breaker\.prefix: the breaker uses the top-level prefix/,
    );
  });

  it("names a bad redrive value", () => {
    expect(parseConfig({ redrive: { auto: true } }).redrive).toEqual({ auto: true, maxPerDay: 3 });
    expect(problems({ redrive: { maxPerDay: 0 } })).toMatch(/redrive\.maxPerDay: /);
  });
});

describe("parseConfig: organization", () => {
  const ORGANIZATION = {
    adminAccount: "111111111111",
    homeRegion: "eu-west-1",
    organizationId: "o-a1b2c3d4e5",
    organizationalUnits: ["ou-ab12-cd34ef56", "r-ab12"],
    regions: ["eu-west-1", "us-east-1"],
    callAs: "DELEGATED_ADMIN",
  };

  it("is absent by default, and read as written", () => {
    expect(parseConfig({}).organization).toBeUndefined();
    expect(parseConfig({ organization: ORGANIZATION }).organization).toEqual(ORGANIZATION);
  });

  it("names each bad value", () => {
    const message = problems({
      organization: {
        adminAccount: "1111",
        homeRegion: "Ireland",
        organizationId: "a1b2c3d4e5",
        organizationalUnits: ["ou-ab12", "r-ab12", "r-ab12"],
        regions: ["eu-west-1", "eu-west-1"],
        callAs: "ADMIN",
      },
    });
    expect(message).toMatch(/organization\.adminAccount: must be a 12-digit AWS account id/);
    expect(message).toMatch(/organization\.homeRegion: must be an AWS region name/);
    expect(message).toMatch(
      /organization\.organizationId: must be an AWS Organizations id such as o-a1b2c3d4e5/,
    );
    expect(message).toMatch(/organization\.organizationalUnits\[0\]: must be an organizational unit id/);
    expect(message).toMatch(/organization\.organizationalUnits\[2\]: "r-ab12" is listed twice/);
    expect(message).toMatch(/organization\.regions\[1\]: "eu-west-1" is listed twice/);
    expect(message).toMatch(
      /organization\.callAs: must be SELF \(deployed from the management account\) or DELEGATED_ADMIN/,
    );
  });

  it("requires every field, and at least one OU and one region", () => {
    const message = problems({
      organization: { ...ORGANIZATION, organizationalUnits: [], regions: [], callAs: undefined },
    });
    expect(message).toMatch(/organization\.organizationalUnits: name at least one OU \(or the root\)/);
    expect(message).toMatch(/organization\.regions: name at least one region/);
    expect(message).toMatch(/organization\.callAs: /);
    expect(problems({ organization: { ...ORGANIZATION, stackSetName: "x" } })).toMatch(
      /organization: unknown setting "stackSetName"/,
    );
  });

  it("is not a difference between a local and a deployed config: it says where to deploy", () => {
    const local = parseConfig({ organization: ORGANIZATION });
    expect(configDifferences(local, parseConfig({}))).toEqual([]);
  });
});

describe("parseConfig: organization.hub.observability", () => {
  const ORGANIZATION = {
    adminAccount: "111111111111",
    homeRegion: "eu-west-1",
    organizationId: "o-a1b2c3d4e5",
    organizationalUnits: ["ou-ab12-cd34ef56"],
    regions: ["eu-west-1", "us-east-1"],
    callAs: "SELF",
  };
  const HUB = { account: "222222222222", region: "eu-west-1" };
  const sink = (region: string, account = HUB.account) =>
    `arn:aws:oam:${region}:${account}:sink/1c72e9ec-4d4a-4e1f-9a2b-0123456789ab`;
  const withSinks = (sinks: Record<string, string>) => ({
    organization: { ...ORGANIZATION, hub: { ...HUB, observability: { sinks } } },
  });

  it("is off without it, on with an empty object (the first deploy: sinks, no links), and keeps the sinks", () => {
    expect(parseConfig({ organization: { ...ORGANIZATION, hub: HUB } }).organization?.hub).toEqual(HUB);
    expect(
      parseConfig({ organization: { ...ORGANIZATION, hub: { ...HUB, observability: {} } } }).organization?.hub
        ?.observability,
    ).toEqual({ sinks: {} });
    const sinks = { "eu-west-1": sink("eu-west-1"), "us-east-1": sink("us-east-1") };
    expect(parseConfig(withSinks(sinks)).organization?.hub?.observability).toEqual({ sinks });
  });

  it("names a value that is not an OAM sink ARN", () => {
    for (const arn of [
      "arn:aws:sns:eu-west-1:222222222222:topic",
      "arn:aws:oam:eu-west-1:222222222222:link/1c72e9ec-4d4a-4e1f-9a2b-0123456789ab",
      "arn:aws:oam:eu-west-1:222222222222:sink/my-sink",
    ]) {
      expect(problems(withSinks({ "eu-west-1": arn }))).toMatch(
        /organization\.hub\.observability\.sinks\.eu-west-1: must be an OAM sink ARN such as /,
      );
    }
    expect(problems(withSinks({ Ireland: sink("eu-west-1") }))).toMatch(
      /organization\.hub\.observability\.sinks\.Ireland: Ireland is not one of organization\.regions/,
    );
  });

  it("names a sink of a region the organization is not deployed to", () => {
    expect(problems(withSinks({ "eu-west-1": sink("eu-west-1"), "us-west-2": sink("us-west-2") }))).toMatch(
      /organization\.hub\.observability\.sinks\.us-west-2: us-west-2 is not one of organization\.regions \(eu-west-1, us-east-1\)/,
    );
  });

  it("names a sink listed under another region, or of another account than the hub", () => {
    expect(problems(withSinks({ "eu-west-1": sink("us-east-1") }))).toMatch(
      /sinks\.eu-west-1: arn:aws:oam:us-east-1:\S+ is in us-east-1; a link reaches only a sink of its own region: list it under "us-east-1"/,
    );
    expect(problems(withSinks({ "us-east-1": sink("us-east-1", "333333333333") }))).toMatch(
      /sinks\.us-east-1: \S+ is in account 333333333333, not the hub account 222222222222/,
    );
  });

  it("has no observability without a hub: it is a setting of the hub", () => {
    expect(problems({ organization: { ...ORGANIZATION, observability: {} } })).toMatch(
      /organization: unknown setting "observability"/,
    );
    expect(
      problems({ organization: { ...ORGANIZATION, hub: { ...HUB, observability: { sink: "x" } } } }),
    ).toMatch(/organization\.hub\.observability: unknown setting "sink"/);
  });
});

describe("loadConfig", () => {
  const dir = mkdtempSync(join(tmpdir(), "watchkeeper-config-"));

  it("uses defaults when the default file is absent, but requires a named file", () => {
    expect(loadConfig(undefined).prefix).toBe("watchkeeper-");
    expect(() => loadConfig(join(dir, "missing.json"))).toThrow(/missing\.json does not exist/);
  });

  it("names the file when it is not JSON", () => {
    const file = join(dir, "broken.json");
    writeFileSync(file, "{ prefix: ");
    expect(() => loadConfig(file)).toThrow(/broken\.json is not valid JSON/);
  });

  it("hands the unvalidated JSON and the file name to callers that validate later", () => {
    const file = join(dir, "raw.json");
    writeFileSync(file, JSON.stringify({ prefix: "ops-" }));
    expect(readConfigFile(file)).toEqual({ input: { prefix: "ops-" }, source: file });
    expect(readConfigFile(undefined)).toEqual({ input: {}, source: "default config" });
  });

  it("reads a valid file", () => {
    const file = join(dir, "ok.json");
    writeFileSync(file, JSON.stringify({ retention: { defaultDays: 90 } }));
    expect(loadConfig(file).retention.defaultDays).toBe(90);
  });
});
