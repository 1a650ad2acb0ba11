/**
 * The one synthesis that bundles the functions for real (esbuild, as `cdk synth` does) into a temp
 * directory, for targets and an organization: each template (the StackSet's member template too) passes
 * cfn-lint, each function's asset is an ES module under the size budget, and nothing in the templates
 * looks like a secret.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { BUNDLE_BUDGET_BYTES } from "../../lib/infra/bundling.js";
import { ORG_STACK_ID } from "../../lib/infra/deployment.js";
import { FUNCTIONS } from "../../lib/infra/functions.js";
import { PROJECT_ROOT } from "../../lib/infra/paths.js";
import type { WatchkeeperStack } from "../../lib/infra/stack.js";
import { buildApp } from "./synth.js";

const CONFIG = {
  redrive: { auto: true },
  prefix: "ops-",
  slack: {
    secretName: "ops/slack",
    interactive: true,
    allowedUsers: ["U0123ABCD"],
    allowedChannels: ["C0123ABCD"],
  },
  breaker: { functions: ["payments-consumer"] },
  targets: [{ account: "123456789012", regions: ["eu-west-1", "us-east-1"] }],
  organization: {
    adminAccount: "210987654321",
    homeRegion: "eu-west-1",
    organizationId: "o-a1b2c3d4e5",
    organizationalUnits: ["r-ab12"],
    regions: ["eu-west-1", "us-east-1"],
    callAs: "SELF",
  },
};

/**
 * What `cdk deploy -e <stacks>` bundles: the stacks named. The StackSet's member stack is not one of
 * them (it is inside Watchkeeper-org), and must be bundled all the same.
 */
const BUNDLING_STACKS = [
  "Watchkeeper-123456789012-eu-west-1",
  "Watchkeeper-123456789012-us-east-1",
  ORG_STACK_ID,
];

let outdir: string;
let templates: string[];
let member: WatchkeeperStack;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), "watchkeeper-synth-"));
  // CDK announces each asset it bundles on stderr; the tests below check the bundles themselves.
  const write = process.stderr.write.bind(process.stderr);
  const quiet = vi
    .spyOn(process.stderr, "write")
    .mockImplementation((chunk, ...rest) =>
      String(chunk).startsWith("Bundling asset ") ? true : write(chunk, ...(rest as [])),
    );
  try {
    const { app, organization } = buildApp(CONFIG, {
      bundle: true,
      outdir,
      context: { "aws:cdk:bundling-stacks": BUNDLING_STACKS },
    });
    app.synth();
    member = organization!.stackSet.member;
  } finally {
    quiet.mockRestore();
  }
  templates = readdirSync(outdir).filter((file) => file.endsWith(".template.json"));
}, 180_000);

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe("a bundled synthesis", () => {
  it("writes one template per target account and region, and the organization's", () => {
    expect(templates.sort()).toEqual(
      [
        "Watchkeeper-123456789012-eu-west-1.template.json",
        "Watchkeeper-123456789012-us-east-1.template.json",
        "Watchkeeper-org-assets-eu-west-1.template.json",
        "Watchkeeper-org-assets-us-east-1.template.json",
        "Watchkeeper-org.template.json",
        member.templateFile,
      ].sort(),
    );
  });

  it("passes cfn-lint", () => {
    const version = spawnSync("cfn-lint", ["--version"], { encoding: "utf8" });
    if (version.error || version.status !== 0) {
      throw new Error(
        `cfn-lint is not installed (pip install cfn-lint): ${String(version.error ?? version.stderr)}`,
      );
    }
    // Run from the repository so its .cfnlintrc.yaml applies.
    const lint = spawnSync(
      "cfn-lint",
      templates.map((t) => join(outdir, t)),
      { cwd: PROJECT_ROOT, encoding: "utf8" },
    );
    expect(lint.stdout + lint.stderr).toBe("");
    expect(lint.status).toBe(0);
  }, 120_000);

  // A target's stack, and the StackSet's member, whose code is published by Watchkeeper-org's deploy.
  for (const which of ["a target's stack", "the StackSet's member stack"]) {
    it(`bundles each function into one ES module under the budget: ${which}`, () => {
      const [file, manifest] =
        which === "a target's stack"
          ? [templates[0]!, templates[0]!.replace(".template.json", ".assets.json")]
          : [member.templateFile, `${member.artifactId}.assets.json`];
      const template = JSON.parse(readFileSync(join(outdir, file), "utf8")) as {
        Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
      };
      const assets = JSON.parse(readFileSync(join(outdir, manifest), "utf8")) as {
        files: Record<string, { source: { path: string } }>;
      };
      const functions = Object.values(template.Resources).filter((r) => r.Type === "AWS::Lambda::Function");
      expect(functions).toHaveLength(FUNCTIONS.length);
      for (const fn of functions) {
        const key = (fn.Properties.Code as { S3Key: string }).S3Key.replace(/\.zip$/, "");
        // An unbundled asset would be the project directory itself.
        const asset = join(outdir, assets.files[key]!.source.path);
        expect(readdirSync(asset)).toEqual(["index.mjs"]);
        const bytes = statSync(join(asset, "index.mjs")).size;
        expect(bytes, String(fn.Properties.FunctionName)).toBeGreaterThan(10_000);
        expect(bytes, String(fn.Properties.FunctionName)).toBeLessThan(BUNDLE_BUDGET_BYTES);
        expect(readFileSync(join(asset, "index.mjs"), "utf8")).toMatch(/export\s*\{[^}]*handler/);
      }
    });
  }

  it("holds no secret: the Slack secret is referenced by name only", () => {
    for (const file of templates) {
      const text = readFileSync(join(outdir, file), "utf8");
      // The functions' templates name it; the buckets' and the StackSet's have no function.
      if (text.includes("AWS::Lambda::Function")) expect(text).toContain("ops/slack");
      for (const secretLike of [
        /xox[abpr]-/,
        /hooks\.slack\.com/,
        /signingSecret/i,
        /webhookUrl/i,
        /botToken/i,
      ]) {
        expect(text).not.toMatch(secretLike);
      }
      expect(text).not.toContain("AWS::SecretsManager::Secret");
    }
    expect(existsSync(join(outdir, "manifest.json"))).toBe(true);
  });
});
