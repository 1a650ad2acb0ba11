/**
 * Synthesis for the infra tests: the app exactly as bin/app.ts builds it (cdk.json's feature flags,
 * lib/infra/deployment.ts), without bundling unless asked (bundling runs esbuild per function; one
 * test does it), and without CDK's built-in template validation (cfn-lint and cdk-nag run instead).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { App, type Environment } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import {
  addHub,
  addOrganization,
  addStacks,
  planDeployment,
  type OrganizationStacks,
} from "../../lib/infra/deployment.js";
import type { HubStack } from "../../lib/infra/hub.js";
import { PROJECT_ROOT } from "../../lib/infra/paths.js";
import type { WatchkeeperStack } from "../../lib/infra/stack.js";

const CDK_JSON = JSON.parse(readFileSync(join(PROJECT_ROOT, "cdk.json"), "utf8")) as {
  context: Record<string, unknown>;
};

export interface SynthOptions {
  readonly bundle?: boolean;
  readonly outdir?: string;
  readonly defaults?: Partial<Environment>;
  /** More context, over cdk.json's and the bundling switch. */
  readonly context?: Readonly<Record<string, unknown>>;
}

export function buildApp(
  input: unknown,
  options: SynthOptions = {},
): { app: App; stacks: WatchkeeperStack[]; organization?: OrganizationStacks; hub?: HubStack } {
  const app = new App({
    context: {
      ...CDK_JSON.context,
      ...(options.bundle ? {} : { "aws:cdk:bundling-stacks": [] }),
      ...options.context,
    },
    builtinCloudFormationValidation: false,
    ...(options.outdir ? { outdir: options.outdir } : {}),
  });
  const deployment = planDeployment({ input, source: "watchkeeper.config.json" }, options.defaults);
  const stacks = addStacks(app, deployment);
  const organization = addOrganization(app, deployment);
  const hub = addHub(app, deployment);
  return { app, stacks, ...(organization ? { organization } : {}), ...(hub ? { hub } : {}) };
}

/** One stack's template, for a config with no targets. */
export function templateOf(
  input: unknown,
  options: SynthOptions = {},
): { stack: WatchkeeperStack; template: Template } {
  const { stacks } = buildApp(input, options);
  const stack = stacks[0];
  if (!stack || stacks.length !== 1) throw new Error(`expected one stack, got ${stacks.length}`);
  return { stack, template: Template.fromStack(stack) };
}

/** Resources of one type: logical id → properties. */
export function resourcesOf(template: Template, type: string): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    Object.entries(template.findResources(type)).map(([id, resource]) => [
      id,
      (resource as { Properties: Record<string, unknown> }).Properties,
    ]),
  );
}
