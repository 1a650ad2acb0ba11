/**
 * cdk-nag's AwsSolutions pack over the synthesized stacks: no unacknowledged finding, and every
 * acknowledgment is specific and says why (they are made in lib/infra, next to what needs them).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Validations, type App } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import type { IConstruct } from "constructs";
import { afterAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../lib/infra/paths.js";
import { buildApp } from "./synth.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** Synthesizes with the AwsSolutions checks; returns the validation report's text ("" when clean). */
function nagReport(app: App): string {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  try {
    app.synth();
    return "";
  } catch (error) {
    return String(error);
  }
}

function acknowledged(root: IConstruct): { path: string; id: string; reason: string }[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, { reason?: string } | string>).map(([id, value]) => ({
          path: construct.node.path,
          id,
          reason: typeof value === "string" ? value : (value.reason ?? ""),
        })),
      ),
  );
}

/** The checked-in example: an organization (StackSet, member template, code buckets) and a target outside it. */
const ORGANIZATION: unknown = JSON.parse(
  readFileSync(join(PROJECT_ROOT, "docs", "examples", "organization.json"), "utf8"),
);

/** The same with the cross-account dashboard: the hub's sinks and dashboard, every member's link. */
const OBSERVABILITY: unknown = JSON.parse(
  readFileSync(join(PROJECT_ROOT, "docs", "examples", "organization-observability.json"), "utf8"),
);

const CONFIGS: Record<string, unknown> = {
  "all defaults (creates the alarm topic)": {},
  "an organization and a target outside it (docs/examples/organization.json)": ORGANIZATION,
  "the cross-account dashboard (docs/examples/organization-observability.json)": OBSERVABILITY,
  "an existing topic, listed breaker functions, Slack, two targets": {
    prefix: "ops-",
    alarms: { notificationTopicArn: "arn:aws:sns:eu-west-1:123456789012:oncall" },
    breaker: { functions: ["payments-consumer"], syncFunctions: ["checkout-api"] },
    slack: {
      secretName: "ops/slack",
      interactive: true,
      allowedUsers: ["U0123ABCD"],
      allowedChannels: ["C0123ABCD"],
    },
    targets: [
      {
        account: "123456789012",
        regions: ["eu-west-1", "us-east-1"],
        notificationTopicArns: ["arn:aws:sns:us-east-1:123456789012:oncall"],
      },
    ],
  },
};

describe("cdk-nag AwsSolutions", () => {
  for (const [name, config] of Object.entries(CONFIGS)) {
    it(`finds nothing unacknowledged: ${name}`, () => {
      const outdir = mkdtempSync(join(tmpdir(), "watchkeeper-nag-"));
      dirs.push(outdir);
      const { app } = buildApp(config, { outdir });
      expect(nagReport(app)).toBe("");
    });
  }

  it("acknowledges only specific findings, each with its reason", () => {
    const { app } = buildApp(CONFIGS["an existing topic, listed breaker functions, Slack, two targets"]);
    const acks = acknowledged(app);
    for (const ack of acks) {
      expect(ack.reason.length, `${ack.path} ${ack.id}`).toBeGreaterThan(30);
      // A wildcard finding is acknowledged for its one resource, never the whole rule.
      if (ack.id.includes("IAM5")) expect(ack.id).toMatch(/IAM5\[Resource::.+\]$/);
    }
    const rules = new Set(acks.map((ack) => /AwsSolutions-([A-Z0-9]+)/.exec(ack.id)?.[1]));
    expect([...rules].sort()).toEqual(["IAM5", "SQS3"]);
    // The wildcards that need a reason, and no others (the stacks have a region, so a partition, and
    // an account). cdk-nag's IAM5 is about "*": the secret's "-??????" suffix is not one.
    const arn = (tail: string) => `arn:aws:${tail}`;
    const here = "eu-west-1:123456789012";
    const wildcards = new Set(
      acks
        .filter((a) => a.path.startsWith("Watchkeeper-123456789012-eu-west-1/") && a.id.includes("IAM5"))
        .map((a) => a.id.replace(/^.*IAM5\[Resource::|\]$/g, "")),
    );
    expect([...wildcards].sort()).toEqual(
      [
        "*",
        arn("apigateway:eu-west-1::/restapis/*"),
        arn("apigateway:eu-west-1::/apis/*"),
        arn(`cloudwatch:${here}:alarm:ops-*`),
        arn(`cloudwatch:${here}:alarm:ops-breaker-*`),
        arn("cloudwatch::123456789012:dashboard/ops-*"),
        arn(`logs:${here}:log-group:*`),
        arn(`lambda:${here}:function:*`),
        arn(`lambda:${here}:event-source-mapping:*`),
        arn(`lambda:${here}:function:ops-*`),
        arn(`sqs:${here}:*`),
        arn(`kms:${here}:key/*`),
      ].sort(),
    );
  });

  it("acknowledges for an organization what a target's stack does, plus the code buckets' access logs and the org-reader's reads", () => {
    const { app } = buildApp(ORGANIZATION);
    const org = acknowledged(app).filter((a) => a.path.startsWith("Watchkeeper-org"));
    for (const ack of org) expect(ack.reason.length, `${ack.path} ${ack.id}`).toBeGreaterThan(30);
    expect(org.filter((a) => a.id.endsWith("-S1")).map((a) => a.path)).toEqual([
      "Watchkeeper-org-assets-eu-west-1/Assets",
      "Watchkeeper-org-assets-us-east-1/Assets",
    ]);
    // The member's own acknowledgments are a target stack's; the org-reader role adds its wildcards.
    const reader = org
      .filter((a) => a.path === "Watchkeeper-org/Member/OrgReader")
      .map((a) => a.id.replace(/^.*IAM5\[Resource::|\]$/g, ""));
    expect(reader.sort()).toEqual(
      [
        "*",
        "arn:<AWS::Partition>:cloudwatch:*:<AWS::AccountId>:alarm:watchkeeper-*",
        "arn:<AWS::Partition>:events:*:<AWS::AccountId>:rule/*",
        "arn:<AWS::Partition>:lambda:*:<AWS::AccountId>:function:*",
        "arn:<AWS::Partition>:sns:*:<AWS::AccountId>:*",
        "arn:<AWS::Partition>:sqs:*:<AWS::AccountId>:*",
      ].sort(),
    );
    const rules = new Set(org.map((a) => /AwsSolutions-([A-Z0-9]+)/.exec(a.id)?.[1]));
    // SNS2: each member creates its alarm topic, as a target without a configured one does.
    expect([...rules].sort()).toEqual(["IAM5", "S1", "SNS2", "SQS3"]);
  });

  it("acknowledges the unencrypted alarm topic only where the stack creates it", () => {
    const created = acknowledged(buildApp({}).app).filter((a) => a.id.endsWith("SNS2"));
    expect(created.map((a) => a.path)).toEqual(["Watchkeeper/AlarmTopic"]);
  });
});
