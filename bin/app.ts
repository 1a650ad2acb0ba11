/**
 * The CDK app: `npx cdk synth`, `npx cdk deploy --all`. cdk.json runs it through scripts/run-ts.mjs.
 * Reads watchkeeper.config.json (or the file given with `-c config=FILE`); a bad value fails synthesis
 * with the field named. One stack per target account and region; with `organization`, the StackSet and
 * its buckets in the administrator account (lib/infra/organization.ts); with neither, one stack for the
 * CLI's current account and region (environment-agnostic when it has none, e.g. offline).
 */
import { App } from "aws-cdk-lib";
import { readConfigFile } from "../lib/config/load.js";
import { ConfigError } from "../lib/config/schema.js";
import { addHub, addOrganization, addStacks, planDeployment } from "../lib/infra/deployment.js";

const app = new App();
const file: unknown = app.node.tryGetContext("config");
try {
  const deployment = planDeployment(readConfigFile(typeof file === "string" ? file : undefined), {
    account: process.env.CDK_DEFAULT_ACCOUNT,
    region: process.env.CDK_DEFAULT_REGION,
  });
  addStacks(app, deployment);
  addOrganization(app, deployment);
  addHub(app, deployment);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}
