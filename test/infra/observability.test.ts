/**
 * The cross-account dashboard (lib/infra/observability.ts), synthesized offline from
 * docs/examples/organization-observability.json and variations: the hub's sink per organization region
 * and its policy, the members' links (the StackSet's template and the targets' stacks) exactly where a
 * sink is configured and never in the hub account, the dashboard and its queries, and cfn-lint.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Template } from "aws-cdk-lib/assertions";
import { afterAll, describe, expect, it } from "vitest";
import { ACCOUNT_GRAPHS, generateOrganizationDashboards } from "../../dashboards/organization.js";
import { limitViolations, measure } from "../../dashboards/split.js";
import { DEFAULT_DASHBOARD_LIMITS } from "../../dashboards/limits.js";
import { orgObservabilityStackId } from "../../lib/infra/deployment.js";
import { LINK_LABEL, SHARED_RESOURCE_TYPES, sinkPolicy } from "../../lib/infra/observability.js";
import { PROJECT_ROOT } from "../../lib/infra/paths.js";
import { buildApp, resourcesOf } from "./synth.js";

interface Example {
  organization: {
    adminAccount: string;
    organizationId: string;
    regions: string[];
    hub: { account: string; region: string; observability: { sinks: Record<string, string> } };
  };
  targets: { account: string; regions: string[] }[];
}

const EXAMPLE = JSON.parse(
  readFileSync(join(PROJECT_ROOT, "docs", "examples", "organization-observability.json"), "utf8"),
) as Example;
const ORG = EXAMPLE.organization;
const HUB = ORG.hub;
const SINKS = HUB.observability.sinks;

/** The example with another hub section (`undefined`: none). */
function withHub(
  hub: Partial<Example["organization"]["hub"]> | undefined,
  more: object = {},
): { organization: object } {
  const { hub: _hub, ...organization } = ORG;
  return {
    ...EXAMPLE,
    organization: { ...organization, ...(hub ? { hub: { ...HUB, ...hub } } : {}) },
    ...more,
  };
}

function sinkArn(region: string, n: number): string {
  return `arn:aws:oam:${region}:${HUB.account}:sink/${n.toString(16).padStart(8, "0")}-4d4a-4e1f-9a2b-0123456789ab`;
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/**
 * The app for `input`, synthesized into a temporary directory: the StackSet's member template is a file
 * there (not a stack of the assembly).
 */
function built(input: object) {
  const outdir = mkdtempSync(join(tmpdir(), "watchkeeper-oam-"));
  dirs.push(outdir);
  const app = buildApp(input, { outdir });
  app.app.synth();
  const organization = app.organization!;
  const read = (file: string) => JSON.parse(readFileSync(join(outdir, file), "utf8")) as object;
  return {
    ...app,
    outdir,
    member: Template.fromJSON(read(organization.stackSet.member.templateFile)),
    hub: organization.observability,
    target: (account: string, region: string) =>
      Template.fromStack(app.stacks.find((s) => s.node.id === `Watchkeeper-${account}-${region}`)!),
  };
}

const example = built(EXAMPLE);

describe("the hub: an OAM sink per organization region", () => {
  it("makes one stack per organization region in the hub account, each with its sink and its ARN as output", () => {
    expect(example.hub.map((s) => [s.node.id, s.account, s.region, s.stackName])).toEqual(
      ORG.regions.map((region) => [
        orgObservabilityStackId(region),
        HUB.account,
        region,
        "Watchkeeper-org-observability",
      ]),
    );
    for (const stack of example.hub) {
      const template = Template.fromStack(stack);
      template.resourceCountIs("AWS::Oam::Sink", 1);
      template.hasResourceProperties("AWS::Oam::Sink", { Name: "watchkeeper-organization" });
      template.hasOutput("SinkArn", {
        Value: { "Fn::GetAtt": [Object.keys(resourcesOf(template, "AWS::Oam::Sink"))[0], "Arn"] },
      });
    }
  });

  it("lets only the organization's accounts link, and only their metrics", () => {
    for (const stack of example.hub) {
      const [policy] = Object.values(resourcesOf(Template.fromStack(stack), "AWS::Oam::Sink")).map(
        (p) => p.Policy,
      );
      expect(policy).toEqual(sinkPolicy(ORG.organizationId));
      // One statement: any principal, under both conditions (test/policy evaluates them).
      const [statement, ...others] = (policy as { Statement: Record<string, unknown>[] }).Statement;
      expect(others).toEqual([]);
      expect([statement!.Effect, statement!.Principal, statement!.Action]).toEqual([
        "Allow",
        "*",
        ["oam:CreateLink", "oam:UpdateLink"],
      ]);
      expect(statement!.Condition).toEqual({
        StringEquals: { "aws:PrincipalOrgID": ORG.organizationId },
        "ForAllValues:StringEquals": { "oam:ResourceTypes": ["AWS::CloudWatch::Metric"] },
      });
    }
  });

  it("makes the sinks before any is listed (the first of the two deploys), and nothing without observability", () => {
    const first = built(withHub({ observability: { sinks: {} } }));
    expect(first.hub).toHaveLength(ORG.regions.length);
    first.member.resourceCountIs("AWS::Oam::Link", 0);
    expect(first.member.toJSON()).not.toHaveProperty("Mappings.ObservabilitySinks");
    const off = built(withHub({ observability: undefined }));
    expect(off.hub).toEqual([]);
    off.member.resourceCountIs("AWS::Oam::Link", 0);
    expect(built(withHub(undefined)).hub).toEqual([]);
  });

  it("puts the dashboard in a stack of its own when the hub's region is not the organization's", () => {
    const { hub } = built(withHub({ region: "eu-central-1" }));
    expect(hub.map((s) => s.region)).toEqual([...ORG.regions, "eu-central-1"]);
    const own = Template.fromStack(hub.at(-1)!);
    own.resourceCountIs("AWS::Oam::Sink", 0);
    own.resourceCountIs("AWS::CloudWatch::Dashboard", 1);
    for (const stack of hub.slice(0, -1)) {
      Template.fromStack(stack).resourceCountIs("AWS::CloudWatch::Dashboard", 0);
    }
  });
});

describe("the members: a link to the sink of their region", () => {
  it("links the StackSet's template where its region has a sink, unless it is the hub account", () => {
    const json = example.member.toJSON() as {
      Mappings: Record<string, unknown>;
      Conditions: Record<string, unknown>;
    };
    expect(json.Mappings.ObservabilitySinks).toEqual(
      Object.fromEntries(Object.entries(SINKS).map(([region, arn]) => [region, { SinkArn: arn }])),
    );
    const region = (r: string) => ({ "Fn::Equals": [{ Ref: "AWS::Region" }, r] });
    expect(json.Conditions.ObservabilityLinked).toEqual({
      "Fn::And": [
        { "Fn::Or": Object.keys(SINKS).map(region) },
        { "Fn::Not": [{ "Fn::Equals": [{ Ref: "AWS::AccountId" }, HUB.account] }] },
      ],
    });
    example.member.hasResource("AWS::Oam::Link", {
      Condition: "ObservabilityLinked",
      Properties: {
        SinkIdentifier: { "Fn::FindInMap": ["ObservabilitySinks", { Ref: "AWS::Region" }, "SinkArn"] },
        ResourceTypes: [...SHARED_RESOURCE_TYPES],
        LabelTemplate: LINK_LABEL,
      },
    });
    expect(LINK_LABEL).toBe("$AccountName");
  });

  it("links only the regions whose sink is listed", () => {
    const one = built(withHub({ observability: { sinks: { "us-east-1": SINKS["us-east-1"]! } } }));
    const json = one.member.toJSON() as {
      Mappings: Record<string, unknown>;
      Conditions: Record<string, unknown>;
    };
    expect(Object.keys(json.Mappings.ObservabilitySinks as object)).toEqual(["us-east-1"]);
    expect(json.Conditions.ObservabilityLinked).toEqual({
      "Fn::And": [
        { "Fn::Equals": [{ Ref: "AWS::Region" }, "us-east-1"] },
        { "Fn::Not": [{ "Fn::Equals": [{ Ref: "AWS::AccountId" }, HUB.account] }] },
      ],
    });
    // The target is in eu-west-1, which has no sink now.
    one.target(EXAMPLE.targets[0]!.account, "eu-west-1").resourceCountIs("AWS::Oam::Link", 0);
  });

  it("nests the regions' condition within CloudFormation's 10 per Fn::Or", () => {
    const regions = [
      ...["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2"],
      ...["eu-west-3", "eu-central-1", "eu-north-1", "ap-south-1", "ap-northeast-1", "sa-east-1"],
    ];
    const sinks = Object.fromEntries(regions.map((region, i) => [region, sinkArn(region, i)]));
    const example = withHub({ observability: { sinks } });
    const { member } = built({ ...example, organization: { ...example.organization, regions } });
    const linked = (member.toJSON() as { Conditions: Record<string, { "Fn::And": unknown[] }> }).Conditions
      .ObservabilityLinked!["Fn::And"][0] as { "Fn::Or": { "Fn::Or"?: unknown[] }[] };
    expect(linked["Fn::Or"].map((or) => or["Fn::Or"]?.length)).toEqual([10, 2]);
  });

  it("links a target's stack in a region with a sink, with the sink's ARN itself", () => {
    const account = EXAMPLE.targets[0]!.account;
    example.target(account, "eu-west-1").hasResourceProperties("AWS::Oam::Link", {
      SinkIdentifier: SINKS["eu-west-1"],
      ResourceTypes: ["AWS::CloudWatch::Metric"],
      LabelTemplate: "$AccountName",
    });
    expect(example.target(account, "eu-west-1").toJSON()).not.toHaveProperty(
      "Conditions.ObservabilityLinked",
    );
  });

  it("never links the hub account (a monitoring account already queries its own metrics)", () => {
    const { target } = built(
      withHub({}, { targets: [{ account: HUB.account, regions: ["eu-west-1", "us-east-1"] }] }),
    );
    target(HUB.account, "eu-west-1").resourceCountIs("AWS::Oam::Link", 0);
    target(HUB.account, "us-east-1").resourceCountIs("AWS::Oam::Link", 0);
  });
});

describe("the dashboard <prefix>organization in the hub's region", () => {
  const dashboards = resourcesOf(
    Template.fromStack(example.hub.find((s) => s.region === HUB.region)!),
    "AWS::CloudWatch::Dashboard",
  );

  it("is one dashboard, only in the hub's region", () => {
    expect(Object.values(dashboards).map((d) => d.DashboardName)).toEqual(["watchkeeper-organization"]);
    for (const stack of example.hub.filter((s) => s.region !== HUB.region)) {
      Template.fromStack(stack).resourceCountIs("AWS::CloudWatch::Dashboard", 0);
    }
  });

  it("graphs every region's accounts with Metrics Insights grouped by AWS.AccountId, within CloudWatch's limits", () => {
    const body = Object.values(dashboards)[0]!.DashboardBody as string;
    const parsed = JSON.parse(body) as {
      widgets: { type: string; properties: { region?: string; metrics?: [{ expression: string }][] } }[];
    };
    const graphs = parsed.widgets.filter((w) => w.type === "metric");
    expect(graphs).toHaveLength(ORG.regions.length * ACCOUNT_GRAPHS.length);
    for (const region of ORG.regions) {
      const queries = graphs
        .filter((g) => g.properties.region === region)
        .map((g) => g.properties.metrics![0]![0].expression);
      expect(queries).toHaveLength(ACCOUNT_GRAPHS.length);
      for (const query of queries)
        expect(query).toMatch(/ GROUP BY AWS\.AccountId ORDER BY \w+\(\) DESC LIMIT 10$/);
      expect(queries).toEqual(
        expect.arrayContaining([
          'SELECT SUM(Errors) FROM SCHEMA("AWS/Lambda") GROUP BY AWS.AccountId ORDER BY SUM() DESC LIMIT 10',
          'SELECT SUM(Throttles) FROM SCHEMA("AWS/Lambda") GROUP BY AWS.AccountId ORDER BY SUM() DESC LIMIT 10',
          'SELECT MAX(IteratorAge) FROM SCHEMA("AWS/Lambda", FunctionName) GROUP BY AWS.AccountId ORDER BY MAX() DESC LIMIT 10',
          'SELECT MAX(ApproximateAgeOfOldestMessage) FROM SCHEMA("AWS/SQS", QueueName) GROUP BY AWS.AccountId ORDER BY MAX() DESC LIMIT 10',
          'SELECT MAX("GetRecords.IteratorAgeMilliseconds") FROM SCHEMA("AWS/Kinesis", StreamName) GROUP BY AWS.AccountId ORDER BY MAX() DESC LIMIT 10',
          'SELECT SUM("5XXError") FROM SCHEMA("AWS/ApiGateway", ApiName) GROUP BY AWS.AccountId ORDER BY SUM() DESC LIMIT 10',
          'SELECT SUM(ExecutionsFailed) FROM SCHEMA("AWS/States", StateMachineArn) GROUP BY AWS.AccountId ORDER BY SUM() DESC LIMIT 10',
          'SELECT SUM(ReadThrottleEvents) FROM SCHEMA("AWS/DynamoDB", TableName) GROUP BY AWS.AccountId ORDER BY SUM() DESC LIMIT 10',
          "SELECT COUNT(ReconcileProblems) FROM SCHEMA(Watchkeeper) GROUP BY AWS.AccountId ORDER BY COUNT() DESC LIMIT 10",
        ]),
      );
    }
    const [spec] = generateOrganizationDashboards({
      prefix: "watchkeeper-",
      regions: ORG.regions,
      hubRegion: HUB.region,
      organizationId: ORG.organizationId,
    });
    expect(spec!.body).toBe(body);
    expect(limitViolations(spec!.measure, DEFAULT_DASHBOARD_LIMITS)).toEqual([]);
  });

  it("splits into numbered dashboards that link to each other when the regions do not fit one", () => {
    const regions = ["eu-west-1", "us-east-1", "ap-south-1"];
    const specs = generateOrganizationDashboards({
      prefix: "ops-",
      regions,
      hubRegion: "eu-west-1",
      organizationId: ORG.organizationId,
      // One region's graphs (each the top 10) and no more per dashboard.
      limits: { metricsPerDashboard: ACCOUNT_GRAPHS.length * 10 },
    });
    expect(specs.map((s) => s.name)).toEqual([
      "ops-organization",
      "ops-organization-2",
      "ops-organization-3",
    ]);
    for (const [i, spec] of specs.entries()) {
      const body = JSON.parse(spec.body) as { widgets: { properties: { markdown?: string } }[] };
      expect(body.widgets[0]!.properties.markdown).toContain(`Dashboard ${i + 1} of 3`);
      expect(measure(body.widgets as never).metrics).toBeLessThanOrEqual(ACCOUNT_GRAPHS.length * 10);
    }
    expect(specs[0]!.body).toContain("#dashboards:name=ops-organization-3");
  });
});

describe("cfn-lint", () => {
  it("passes on the hub's stacks, the member template and a linked target's stack", () => {
    const templates = [
      ...example.hub.map((s) => s.templateFile),
      example.organization!.stackSet.member.templateFile,
      ...example.stacks.map((s) => s.templateFile),
    ].map((file) => join(example.outdir, file));
    // Run from the repository so its .cfnlintrc.yaml applies.
    const lint = spawnSync("cfn-lint", templates, { cwd: PROJECT_ROOT, encoding: "utf8" });
    if (lint.error)
      throw new Error(`cfn-lint is not installed (pip install cfn-lint): ${String(lint.error)}`);
    expect(lint.stdout + lint.stderr).toBe("");
    expect(lint.status).toBe(0);
  }, 120_000);
});
