/**
 * From the config file to the stacks: validation (a bad file fails `cdk synth` naming the field), the
 * deployment's own limits on top of the config's, one stack per target account and region, and with an
 * organization the StackSet and its buckets (./organization.ts).
 */
import type { App, Environment } from "aws-cdk-lib";
import { ConfigError, parseConfig, type ConfigInput, type WatchkeeperConfig } from "../config/schema.js";
import type { ConfigSource } from "../config/load.js";
import { CONFIG_VERSION, CONFIG_VERSION_VARIABLE, type FunctionConfig } from "../config/stored.js";
import { FUNCTIONS, LONGEST_FUNCTION_NAME } from "./functions.js";
import { addObservability, type ObservabilityStack } from "./observability.js";
import { AssetBucketStack, BUCKET_NAME_LIMIT, OrganizationStack, assetBucketName } from "./organization.js";
import { HubStack } from "./hub.js";
import { WatchkeeperStack } from "./stack.js";

/** The variable functions/runtime.ts reads the config from (test/infra checks they agree). */
export { CONFIG_VARIABLE, type FunctionConfig } from "../config/stored.js";
/** The hints queue's URL, for the functions that send hints (lib/reconcile/hints.ts, which they read it with). */
export { HINTS_QUEUE_VARIABLE } from "../reconcile/hints.js";

/** Lambda allows 4 KB of environment variables per function, names and values together. */
export const ENVIRONMENT_LIMIT_BYTES = 4096;
/**
 * Room for the variables the stack adds besides the config: the topic ARN (an SNS ARN is at most ~330
 * bytes) and the hints queue's URL (~150 bytes with a 32-character prefix), with their names; and the
 * config's version stamp.
 */
const ENVIRONMENT_RESERVE_BYTES =
  600 + Buffer.byteLength(CONFIG_VERSION_VARIABLE) + String(CONFIG_VERSION).length;

/**
 * Function and queue names start with the prefix; the breaker names trip alarms with it too. Every IAM
 * name scope is `<prefix>*`, so the prefix is at least three characters and ends with a separator: "ops"
 * would scope `function:ops*`, and the breaker's Deny on it would block a customer's opsgenie-forwarder.
 */
const DEPLOYABLE_PREFIX = /^[A-Za-z0-9][A-Za-z0-9_-]{1,30}[-_]$/;

export interface Deployment {
  readonly config: WatchkeeperConfig;
  readonly functionConfig: FunctionConfig;
  /** One per stack: its id and environment (undefined: environment-agnostic), and its alarm topic. */
  readonly stacks: readonly DeployedStack[];
  /** With `organization`: the StackSet's stacks. */
  readonly organization?: OrganizationDeployment;
  /** With `organization.hub`: the hub's stack (./hub.ts). */
  readonly hub?: { readonly id: string; readonly env: Environment };
}

export interface DeployedStack {
  /** The app's id for it (`cdk deploy <id>`, cdk.out file names). */
  readonly id: string;
  readonly env?: Environment;
  /** An existing topic in the stack's region for its alarms; absent: the stack creates `<prefix>alarms`. */
  readonly alarmTopicArn?: string;
  /** With `organization`: this stack makes its account's org-reader role (one stack per account does). */
  readonly orgReader?: true;
}

export interface OrganizationDeployment {
  /** The app's ids: the StackSet's stack, and the asset-bucket stack of each region. */
  readonly id: string;
  readonly assetStackIds: readonly { readonly region: string; readonly id: string }[];
  /** An existing topic every member's alarms notify (all in its region); absent: each creates `<prefix>alarms`. */
  readonly alarmTopicArn?: string;
}

/** The app ids and CloudFormation names of the organization's stacks, in the administrator account. */
export const ORG_STACK_ID = "Watchkeeper-org";
/** The hub's stack, in the hub account and region (its CloudFormation name too). */
export const HUB_STACK_ID = "Watchkeeper-hub";
export function orgAssetsStackId(region: string): string {
  return `${ORG_STACK_ID}-assets-${region}`;
}
/** In the hub account: a region's OAM sink, and in the hub's region the cross-account dashboard. */
export function orgObservabilityStackId(region: string): string {
  return `${ORG_STACK_ID}-observability-${region}`;
}

/**
 * The CloudFormation name of every Watchkeeper stack, with or without `targets`: there is one per account
 * and region, so switching to `targets` (or back) updates the stack already there instead of creating a
 * second one whose named functions, queues and alarms would collide with the first's.
 */
export const STACK_NAME = "Watchkeeper";

/**
 * Validates the config for deployment. Throws a ConfigError naming each bad field. `defaults` is the
 * CLI's environment (CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION), used when no targets are configured.
 */
export function planDeployment(
  { input, source }: ConfigSource,
  defaults: Partial<Environment> = {},
): Deployment {
  const config = parseConfig(input, source);
  const problems: string[] = [];
  if (!DEPLOYABLE_PREFIX.test(config.prefix)) {
    problems.push(
      `prefix: deployed functions, queues and trip alarms are named with it, and IAM scopes them by it: use ` +
        `3-32 letters, digits, _ or -, starting with a letter or digit and ending with - or _ (e.g. "ops-"), ` +
        `so "<prefix>*" matches only Watchkeeper's names (the longest function name is then ` +
        `${32 + LONGEST_FUNCTION_NAME} of Lambda's 64 characters)`,
    );
  }
  problems.push(...organizationProblems(config));
  const { targets: _targets, organization: _organization, ...functionConfig } = (input ?? {}) as ConfigInput;
  const configBytes = Buffer.byteLength(JSON.stringify(functionConfig));
  const size = Math.max(
    ...FUNCTIONS.filter((spec) => !spec.when || spec.when(config)).map(
      (spec) =>
        configBytes +
        ENVIRONMENT_RESERVE_BYTES +
        Object.entries(spec.environment?.(config) ?? {}).reduce(
          (sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(value),
          0,
        ),
    ),
  );
  if (size > ENVIRONMENT_LIMIT_BYTES) {
    const largest = Object.entries(functionConfig)
      .map(([key, value]) => [key, Buffer.byteLength(JSON.stringify(value))] as const)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([key, bytes]) => `${key} ${bytes} bytes`);
    problems.push(
      `(top level): the functions read the config from an environment variable, and Lambda allows ` +
        `${ENVIRONMENT_LIMIT_BYTES} bytes of them; this config needs about ${size}. Largest: ${largest.join(", ")}`,
    );
  }
  if (problems.length > 0) throw new ConfigError(`${source} is not valid:\n  ${problems.join("\n  ")}`);

  // With an organization and no targets, only the organization's stacks: no stack for the CLI's account.
  const stacks: DeployedStack[] =
    config.targets.length > 0
      ? config.targets.flatMap(({ account, regions }) =>
          regions.map((region) => ({ id: `Watchkeeper-${account}-${region}`, env: { account, region } })),
        )
      : config.organization
        ? []
        : [{ id: "Watchkeeper", ...(defaults.account && defaults.region ? { env: defaults } : {}) }];
  const ids = new Set<string>();
  for (const { id } of stacks) {
    if (ids.has(id)) throw new ConfigError(`${source} is not valid:\n  targets: ${id} is listed twice`);
    ids.add(id);
  }
  const topics = stacks.map((stack) => alarmTopicOf(config, stack.env?.region));
  const memberTopic = memberTopicOf(config);
  const topicProblems = [
    ...new Set([...topicListProblems(config), ...[...topics, memberTopic].flatMap((t) => t.problems)]),
  ];
  if (topicProblems.length > 0)
    throw new ConfigError(`${source} is not valid:\n  ${topicProblems.join("\n  ")}`);
  // IAM is global: the org-reader role comes with each account's first stack.
  const readers = new Set<string>();
  return {
    config,
    functionConfig,
    stacks: stacks.map((stack, i) => {
      const arn = topics[i]!.arn;
      const account = stack.env?.account;
      const reader = config.organization !== undefined && account !== undefined && !readers.has(account);
      if (reader) readers.add(account);
      return { ...stack, ...(arn ? { alarmTopicArn: arn } : {}), ...(reader ? { orgReader: true } : {}) };
    }),
    ...(config.organization
      ? {
          organization: {
            id: ORG_STACK_ID,
            assetStackIds: config.organization.regions.map((region) => ({
              region,
              id: orgAssetsStackId(region),
            })),
            ...(memberTopic.arn ? { alarmTopicArn: memberTopic.arn } : {}),
          },
        }
      : {}),
    ...(config.organization?.hub ? { hub: { id: HUB_STACK_ID, env: { ...config.organization.hub } } } : {}),
  };
}

/**
 * With an organization, the prefix also names an S3 bucket per region (lowercase letters, digits and
 * hyphens; at most 63 characters with the account and the region).
 */
function organizationProblems(config: WatchkeeperConfig): string[] {
  const organization = config.organization;
  if (!organization) return [];
  if (organization.hub && !config.slack)
    return [
      "organization.hub: the hub posts the organization's alarms to Slack, and slack is not set: add slack " +
        "(its secret in the hub account and region), or remove hub to keep each account's alarms on its own topic",
    ];
  if (!/^[a-z0-9-]+$/.test(config.prefix))
    return [
      `prefix: with organization, it names the S3 bucket of the functions' code in each region ` +
        `(${assetBucketName(config.prefix, organization.adminAccount, organization.regions[0]!)}), and S3 ` +
        `allows only lowercase letters, digits and -: use e.g. "${config.prefix.toLowerCase().replaceAll("_", "-")}"`,
    ];
  return organization.regions.flatMap((region) => {
    const name = assetBucketName(config.prefix, organization.adminAccount, region);
    if (name.length <= BUCKET_NAME_LIMIT) return [];
    const room = config.prefix.length - (name.length - BUCKET_NAME_LIMIT);
    return [
      `prefix: with organization, the code bucket for ${region} is named ${name}, ${name.length} characters, ` +
        `and S3 allows ${BUCKET_NAME_LIMIT}: use a prefix of at most ${room} characters`,
    ];
  });
}

/** The region of an SNS topic ARN (the schema has checked its shape). */
function regionOf(topicArn: string): string {
  return topicArn.split(":")[3] ?? "";
}

/** Each target's topics: in one of its regions, at most one a region. */
function topicListProblems(config: WatchkeeperConfig): string[] {
  return config.targets.flatMap(({ regions, notificationTopicArns = [] }, t) => {
    const seen = new Set<string>();
    return notificationTopicArns.flatMap((arn, i) => {
      const field = `targets[${t}].notificationTopicArns[${i}]`;
      const region = regionOf(arn);
      if (!regions.includes(region))
        return [
          `${field}: ${arn} is in ${region}, which is not one of this target's regions (${regions.join(", ")})`,
        ];
      if (seen.has(region)) return [`${field}: a second topic for ${region}; name one topic per region`];
      seen.add(region);
      return [];
    });
  });
}

/**
 * The topic a stack's alarms notify: the target's topic in the stack's region, else the top-level one
 * when it is in that region (CloudWatch alarms notify topics in their own region only), else none (the
 * stack creates one). An environment-agnostic stack's region is not known here: its topic is not checked.
 */
function alarmTopicOf(
  config: WatchkeeperConfig,
  region: string | undefined,
): { readonly arn?: string; readonly problems: readonly string[] } {
  const shared = config.alarms.notificationTopicArn;
  if (region === undefined) return shared ? { arn: shared, problems: [] } : { problems: [] };
  const own = config.targets
    .find((target) => target.regions.includes(region))
    ?.notificationTopicArns?.find((arn) => regionOf(arn) === region);
  if (own) return { arn: own, problems: [] };
  if (!shared) return { problems: [] };
  if (regionOf(shared) === region) return { arn: shared, problems: [] };
  return {
    problems: [
      `alarms.notificationTopicArn: ${shared} is in ${regionOf(shared)}, but the stack for ${region} needs a topic ` +
        `in ${region} (CloudWatch alarms notify topics in their own region only): add one for ${region} to the ` +
        `target's notificationTopicArns, or remove alarms.notificationTopicArn to let each stack create ` +
        `${config.prefix}alarms`,
    ],
  };
}

/** The config a stack sees: its own region's topic as the config's (its alarms, its functions, its IAM). */
function withTopic(config: WatchkeeperConfig, alarmTopicArn: string | undefined): WatchkeeperConfig {
  const { notificationTopicArn: _shared, ...alarms } = config.alarms;
  return { ...config, alarms: alarmTopicArn ? { ...alarms, notificationTopicArn: alarmTopicArn } : alarms };
}

/**
 * The topic the organization's stacks notify: the top-level one, when every region of the organization is
 * its region (one template serves every region, so the targets' own topics cannot apply); else none, and
 * each stack creates its own.
 */
function memberTopicOf(config: WatchkeeperConfig): {
  readonly arn?: string;
  readonly problems: readonly string[];
} {
  const shared = config.alarms.notificationTopicArn;
  const organization = config.organization;
  if (!organization || !shared) return { problems: [] };
  const elsewhere = organization.regions.filter((region) => region !== regionOf(shared));
  if (elsewhere.length === 0) return { arn: shared, problems: [] };
  return {
    problems: [
      `alarms.notificationTopicArn: ${shared} is in ${regionOf(shared)}, but the organization's stacks in ` +
        `${elsewhere.join(", ")} need a topic in their own region (CloudWatch alarms notify topics in their own ` +
        `region only): remove alarms.notificationTopicArn to let each stack create ${config.prefix}alarms, or ` +
        `deploy the organization to ${regionOf(shared)} only`,
    ],
  };
}

/** Adds one stack per target to the app (none for an organization without targets). */
export function addStacks(app: App, deployment: Deployment): WatchkeeperStack[] {
  const organization = deployment.config.organization;
  return deployment.stacks.map(({ id, env, alarmTopicArn, orgReader }) => {
    return new WatchkeeperStack(app, id, {
      ...(env ? { env } : {}),
      stackName: STACK_NAME,
      description: "Watchkeeper: observability agent for this account's serverless resources",
      config: withTopic(deployment.config, alarmTopicArn),
      functionConfig: deployment.functionConfig,
      ...(orgReader && organization
        ? {
            orgReader: {
              adminAccount: organization.adminAccount,
              organizationId: organization.organizationId,
            },
          }
        : {}),
    });
  });
}

/** The organization's stacks, in the administrator account: the buckets of each region, then the StackSet. */
export interface OrganizationStacks {
  readonly assets: readonly AssetBucketStack[];
  readonly stackSet: OrganizationStack;
  /** With `organization.hub.observability`, in the hub account: each region's sink, and the dashboard. */
  readonly observability: readonly ObservabilityStack[];
}

/** Adds the organization's stacks to the app; undefined without `organization`. */
export function addOrganization(app: App, deployment: Deployment): OrganizationStacks | undefined {
  const settings = deployment.config.organization;
  const plan = deployment.organization;
  if (!settings || !plan) return undefined;
  const account = settings.adminAccount;
  const assets = plan.assetStackIds.map(
    ({ region, id }) =>
      new AssetBucketStack(app, id, {
        env: { account, region },
        stackName: `${STACK_NAME}-org-assets`,
        description: "Watchkeeper: the functions' code for the organization's stacks in this region",
        prefix: deployment.config.prefix,
        organization: settings,
      }),
  );
  const stackSet = new OrganizationStack(app, plan.id, {
    env: { account, region: settings.homeRegion },
    stackName: `${STACK_NAME}-org`,
    description: "Watchkeeper: the StackSet that deploys it to the organization's accounts",
    config: withTopic(deployment.config, plan.alarmTopicArn),
    organization: settings,
    functionConfig: deployment.functionConfig,
    stackSetName: STACK_NAME,
    assetStacks: assets,
  });
  const observability = addObservability(app, deployment.config, {
    id: orgObservabilityStackId,
    stackName: `${STACK_NAME}-org-observability`,
  });
  return { assets, stackSet, observability };
}

/** Adds the hub's stack to the app; undefined without `organization.hub`. */
export function addHub(app: App, deployment: Deployment): HubStack | undefined {
  if (!deployment.hub) return undefined;
  return new HubStack(app, deployment.hub.id, {
    env: deployment.hub.env,
    stackName: HUB_STACK_ID,
    description: "Watchkeeper hub: the organization's alarms and actions, posted to Slack from one place",
    config: deployment.config,
  });
}
