/**
 * The organization rollout synthesized offline from the checked-in example (docs/examples/organization.json):
 * the StackSet and what it deploys, the member template that needs no bootstrap in any member account,
 * the regional code buckets, the order `cdk deploy --all` follows, and the config checks.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../lib/config/schema.js";
import { ORG_STACK_ID, planDeployment } from "../../lib/infra/deployment.js";
import { hubAccessRoleName } from "../../lib/org/hub.js";
import { orgReaderRoleName } from "../../lib/org/role.js";
import { OPERATION_PREFERENCES } from "../../lib/infra/organization.js";
import { ORGANIZATION_EXAMPLE } from "../support/organization-example.js";
import { buildApp } from "./synth.js";

type Json = Record<string, unknown>;
interface CfnTemplate {
  readonly Parameters?: Json;
  readonly Rules?: Json;
  readonly Conditions?: Json;
  readonly Resources: Record<string, { Type: string; Properties: Json; Condition?: string }>;
}
interface AssetManifest {
  readonly files: Record<
    string,
    {
      source: { path: string };
      destinations: Record<
        string,
        { bucketName: string; objectKey: string; region: string; assumeRoleArn: string }
      >;
    }
  >;
}

const EXAMPLE = ORGANIZATION_EXAMPLE;
const ORG = EXAMPLE.organization;
const ADMIN = ORG.adminAccount;

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** Synthesizes `input` into a temporary cloud assembly and reads it back. */
function synthesized(input: unknown) {
  const outdir = mkdtempSync(join(tmpdir(), "watchkeeper-org-"));
  dirs.push(outdir);
  const built = buildApp(input, { outdir });
  built.app.synth();
  const read = <T>(file: string) => JSON.parse(readFileSync(join(outdir, file), "utf8")) as T;
  const organization = built.organization!;
  const member = organization.stackSet.member;
  return {
    ...built,
    outdir,
    read,
    memberFile: member.templateFile,
    memberText: readFileSync(join(outdir, member.templateFile), "utf8"),
    member: read<CfnTemplate>(member.templateFile),
    memberAssets: read<AssetManifest>(`${member.artifactId}.assets.json`),
    org: read<CfnTemplate>(`${ORG_STACK_ID}.template.json`),
    orgAssets: read<AssetManifest>(`${ORG_STACK_ID}.assets.json`),
    manifest: read<{ artifacts: Record<string, { type: string; dependencies?: string[] }> }>("manifest.json"),
  };
}

const example = synthesized(EXAMPLE);

function ofType(template: CfnTemplate, type: string) {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

function stackSet(): Json {
  const found = ofType(example.org, "AWS::CloudFormation::StackSet");
  expect(found).toHaveLength(1);
  return found[0]![1].Properties;
}

describe("the member template: what the StackSet deploys in every account and region", () => {
  it("needs no CDK bootstrap where it lands: no bootstrap version check, no bootstrap bucket or role", () => {
    expect(example.member.Parameters ?? {}).not.toHaveProperty("BootstrapVersion");
    expect(example.member.Rules ?? {}).not.toHaveProperty("CheckBootstrapVersion");
    // Any bootstrap qualifier, its SSM version parameter, or an import from another stack.
    expect(example.memberText).not.toMatch(/cdk-[a-z0-9]{9}-|\/cdk-bootstrap\/|Fn::ImportValue/);
    // The same app's targets stack does check its account's bootstrap: the test above can tell.
    const target = example.read<CfnTemplate>(
      `Watchkeeper-${EXAMPLE.targets[0]!.account}-eu-west-1.template.json`,
    );
    expect(target.Parameters).toHaveProperty("BootstrapVersion");
    expect(JSON.stringify(target)).toMatch(/cdk-hnb659fds-/);
  });

  it("takes every function's code from the code bucket of the region it is deployed in", () => {
    const functions = ofType(example.member, "AWS::Lambda::Function");
    expect(functions.length).toBeGreaterThan(4);
    for (const [id, fn] of functions) {
      const code = fn.Properties.Code as { S3Bucket: unknown; S3Key: string };
      expect(code.S3Bucket, id).toEqual({
        "Fn::Join": ["", [`watchkeeper-assets-${ADMIN}-`, { Ref: "AWS::Region" }]],
      });
      expect(code.S3Key, id).toMatch(/^[0-9a-f]{64}\.zip$/);
      // cdk deploy uploads that object to the bucket of every region, as the admin account's publishing role.
      const asset = example.memberAssets.files[code.S3Key.replace(/\.zip$/, "")];
      expect(asset, id).toBeDefined();
      expect(
        Object.values(asset!.destinations)
          .map((d) => [d.region, d.bucketName, d.objectKey, d.assumeRoleArn])
          .sort(),
      ).toEqual(
        ORG.regions
          .map((region) => [
            region,
            `watchkeeper-assets-${ADMIN}-${region}`,
            code.S3Key,
            `arn:\${AWS::Partition}:iam::${ADMIN}:role/cdk-hnb659fds-file-publishing-role-${ADMIN}-${region}`,
          ])
          .sort(),
      );
    }
  });

  it("is the Watchkeeper stack of a target: the same functions, alarms and alarm topic", () => {
    const target = example.read<CfnTemplate>(
      `Watchkeeper-${EXAMPLE.targets[0]!.account}-eu-west-1.template.json`,
    );
    const count = (template: CfnTemplate) => {
      const types: Record<string, number> = {};
      for (const r of Object.values(template.Resources)) types[r.Type] = (types[r.Type] ?? 0) + 1;
      delete types["AWS::CDK::Metadata"];
      return types;
    };
    expect(count(example.member)).toEqual(count(target));
    expect(ofType(example.member, "AWS::SNS::Topic").map(([, t]) => t.Properties.TopicName)).toEqual([
      "watchkeeper-alarms",
    ]);
  });

  it("makes the account's roles (org-reader, hub-access) in the first region's stack instance only (IAM is global)", () => {
    // Named once for the account; the forwarding role's name carries the region.
    const roles = ofType(example.member, "AWS::IAM::Role").filter(
      ([, r]) => typeof r.Properties.RoleName === "string",
    );
    expect(roles.map(([, r]) => [r.Properties.RoleName, r.Condition])).toEqual([
      [orgReaderRoleName("watchkeeper-"), "OrgReaderRegion"],
      [hubAccessRoleName("watchkeeper-"), "HubAccessRegion"],
    ]);
    const firstRegion = { "Fn::Equals": [{ Ref: "AWS::Region" }, ORG.regions[0]] };
    expect(example.member.Conditions).toEqual({ OrgReaderRegion: firstRegion, HubAccessRegion: firstRegion });
  });

  it("fits TemplateURL's 460,800 bytes, and is past TemplateBody's 51,200", () => {
    const bytes = Buffer.byteLength(example.memberText);
    expect(bytes).toBeLessThan(460_800);
    expect(bytes).toBeGreaterThan(51_200);
  });
});

describe("the StackSet", () => {
  it("is service-managed, deploys to the OUs in every configured region, and to accounts that join", () => {
    expect(stackSet()).toMatchObject({
      StackSetName: "Watchkeeper",
      PermissionModel: "SERVICE_MANAGED",
      CallAs: "DELEGATED_ADMIN",
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      ManagedExecution: { Active: true },
      Capabilities: ["CAPABILITY_NAMED_IAM"],
      StackInstancesGroup: [
        { DeploymentTargets: { OrganizationalUnitIds: ORG.organizationalUnits }, Regions: ORG.regions },
      ],
      OperationPreferences: {
        ConcurrencyMode: OPERATION_PREFERENCES.concurrencyMode,
        MaxConcurrentPercentage: 25,
        FailureTolerancePercentage: 10,
        RegionConcurrencyType: "PARALLEL",
      },
    });
  });

  it("reads the member template from the org stack's own asset, which cdk deploy uploads", () => {
    const url = JSON.stringify(stackSet().TemplateURL);
    const [key, asset] = Object.entries(example.orgAssets.files).find(
      ([, a]) => a.source.path === example.memberFile,
    )!;
    const destination = Object.values(asset.destinations)[0]!;
    expect(destination.bucketName).toBe(`cdk-hnb659fds-assets-${ADMIN}-eu-west-1`);
    expect(url).toContain(`/${destination.bucketName}/${key}.json`);
    expect(url).toMatch(/^\{"Fn::Sub":"https:\/\/s3\.eu-west-1\./);
  });

  it("is deployed after the code buckets of every region, and after the code is uploaded to them", () => {
    const deps = example.manifest.artifacts[ORG_STACK_ID]!.dependencies ?? [];
    for (const region of ORG.regions) expect(deps).toContain(`${ORG_STACK_ID}-assets-${region}`);
    const memberManifest = `${example.organization!.stackSet.member.artifactId}.assets`;
    expect(deps).toContain(memberManifest);
    expect(example.manifest.artifacts[memberManifest]!.type).toBe("cdk:asset-manifest");
    // The member is no stack of the cloud assembly: cdk deploy --all never deploys it itself.
    expect(example.manifest.artifacts[example.organization!.stackSet.member.artifactId]).toBeUndefined();
  });

  it("puts the org stacks in the administrator account: the StackSet in the home region, a bucket per region", () => {
    const { organization, stacks } = example;
    expect(organization!.stackSet.account).toBe(ADMIN);
    expect(organization!.stackSet.region).toBe("eu-west-1");
    expect(organization!.assets.map((s) => [s.artifactId, s.account, s.region])).toEqual(
      ORG.regions.map((region) => [`${ORG_STACK_ID}-assets-${region}`, ADMIN, region]),
    );
    // targets still make their own stacks; without targets, no stack for the CLI's account.
    expect(stacks.map((s) => s.artifactId)).toEqual([`Watchkeeper-${EXAMPLE.targets[0]!.account}-eu-west-1`]);
    const { targets: _targets, ...withoutTargets } = EXAMPLE;
    expect(buildApp(withoutTargets, { defaults: { account: ADMIN, region: "eu-west-1" } }).stacks).toEqual(
      [],
    );
  });
});

describe("the code bucket of each region", () => {
  const bucketOf = (region: string) => {
    const template = example.read<CfnTemplate>(`${ORG_STACK_ID}-assets-${region}.template.json`);
    const buckets = ofType(template, "AWS::S3::Bucket");
    const policies = ofType(template, "AWS::S3::BucketPolicy");
    expect([buckets.length, policies.length]).toEqual([1, 1]);
    return {
      bucket: buckets[0]![1] as unknown as { Properties: Json; DeletionPolicy: string },
      statements: (policies[0]![1].Properties.PolicyDocument as { Statement: Json[] }).Statement,
    };
  };

  it("is named for the admin account and region, private, encrypted, versioned, kept", () => {
    for (const region of ORG.regions) {
      const { bucket } = bucketOf(region);
      expect(bucket.Properties).toMatchObject({
        BucketName: `watchkeeper-assets-${ADMIN}-${region}`,
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        VersioningConfiguration: { Status: "Enabled" },
      });
      expect(bucket.DeletionPolicy).toBe("Retain");
    }
  });

  it("lets the organization read the code and the admin account's publishing role write it; TLS only", () => {
    const region = ORG.regions[1]!;
    const { statements } = bucketOf(region);
    const allows = statements.filter((s) => s.Effect === "Allow");
    // Anyone ("*") only with the organization's id; every other Allow names the publishing role.
    for (const s of allows) {
      const principal = (s.Principal as { AWS: unknown }).AWS;
      if (principal === "*") {
        expect(s.Condition).toEqual({ StringEquals: { "aws:PrincipalOrgID": ORG.organizationId } });
        expect(s.Action).toBe("s3:GetObject");
      } else {
        expect(principal).toEqual({
          "Fn::Sub": `arn:\${AWS::Partition}:iam::${ADMIN}:role/cdk-hnb659fds-file-publishing-role-${ADMIN}-${region}`,
        });
      }
    }
    expect(allows.map((s) => s.Sid).sort()).toEqual([
      "CdkChecksTheBucket",
      "CdkPublishesCode",
      "OrganizationReadsCode",
    ]);
    expect(statements.filter((s) => s.Effect === "Deny")).toEqual([
      expect.objectContaining({ Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
    ]);
  });
});

describe("organization with targets", () => {
  it("gives each target account the org-reader role once, in its first stack; none without organization", () => {
    const { organization: _org, ...rest } = EXAMPLE;
    const input = { ...EXAMPLE, targets: [{ account: "999999999999", regions: ["eu-west-1", "us-east-1"] }] };
    const roles = (config: unknown) =>
      buildApp(config).stacks.map((stack) => [
        stack.artifactId,
        stack.node.findAll().some((c) => c.node.id === "OrgReader"),
      ]);
    expect(roles(input)).toEqual([
      ["Watchkeeper-999999999999-eu-west-1", true],
      ["Watchkeeper-999999999999-us-east-1", false],
    ]);
    expect(roles({ ...rest, targets: input.targets })).toEqual([
      ["Watchkeeper-999999999999-eu-west-1", false],
      ["Watchkeeper-999999999999-us-east-1", false],
    ]);
  });

  it("hands the functions the config less where it is deployed (targets, organization)", () => {
    expect(planDeployment({ input: { ...EXAMPLE, prefix: "ops-" }, source: "c" }).functionConfig).toEqual({
      prefix: "ops-",
      slack: EXAMPLE.slack,
    });
  });
});

describe("organization settings the deployment cannot use", () => {
  function rejection(input: unknown): string {
    try {
      planDeployment({ input, source: "watchkeeper.config.json" });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error("expected the config to be rejected");
  }

  it("names a prefix S3 cannot carry in a bucket name", () => {
    expect(rejection({ ...EXAMPLE, prefix: "Ops_" })).toMatch(
      /prefix: with organization, it names the S3 bucket of the functions' code in each region \(Ops_assets-111111111111-eu-west-1\), and S3 allows only lowercase letters, digits and -: use e\.g\. "ops-"/,
    );
    // Fine without an organization: no bucket then.
    expect(() => planDeployment({ input: { prefix: "Ops_" }, source: "c" })).not.toThrow();
  });

  it("names a prefix that makes a region's bucket name longer than S3's 63 characters", () => {
    const prefix = "platform-observability-agents-";
    const input = { ...EXAMPLE, prefix, organization: { ...ORG, regions: ["eu-west-1", "ap-southeast-2"] } };
    expect(rejection(input)).toBe(
      "watchkeeper.config.json is not valid:\n  prefix: with organization, the code bucket for ap-southeast-2 is " +
        "named platform-observability-agents-assets-111111111111-ap-southeast-2, 64 characters, and S3 allows " +
        "63: use a prefix of at most 29 characters",
    );
    // eu-west-1's name fits (59 characters), and one region less is a valid config.
    expect(() =>
      planDeployment({ input: { ...input, organization: { ...ORG, regions: ["eu-west-1"] } }, source: "c" }),
    ).not.toThrow();
  });

  it("names a shared alarm topic the organization's other regions cannot notify", () => {
    const topic = "arn:aws:sns:eu-west-1:111111111111:oncall";
    expect(rejection({ ...EXAMPLE, targets: [], alarms: { notificationTopicArn: topic } })).toMatch(
      /alarms\.notificationTopicArn: .* is in eu-west-1, but the organization's stacks in us-east-1 need a topic in their own region/,
    );
    // One region, the topic's: every member's alarms notify it.
    const single = synthesized({
      ...EXAMPLE,
      targets: [],
      alarms: { notificationTopicArn: topic },
      organization: { ...ORG, regions: ["eu-west-1"] },
    });
    expect(ofType(single.member, "AWS::SNS::Topic")).toEqual([]);
    const actions = ofType(single.member, "AWS::CloudWatch::Alarm").map(([, a]) => a.Properties.AlarmActions);
    expect(new Set(actions.map((a) => JSON.stringify(a)))).toEqual(new Set([JSON.stringify([topic])]));
  });
});
