/**
 * The one configuration file, `watchkeeper.config.json`: its shape, defaults and validation. A bad
 * value fails loading (and so `cdk synth`) with a message naming the field; resource tags, read at
 * run time, are lenient instead (a bad tag is a warning, never a failed run).
 */
import { z } from "zod";
import { CATALOG } from "../alarms/catalog/index.js";
import { DEFAULT_ALARM_POLICY, resolveAlarmPolicy, type AlarmPolicy } from "../alarms/policy.js";
import { REGION_NAME } from "../aws/target.js";
import { resolveBreakerPolicy, type BreakerPolicy } from "../breaker/policy.js";
import { retentionPolicy, type RetentionPolicy } from "../logs/policy.js";

const CATALOG_IDS = CATALOG.map((entry) => entry.id);

const catalogId = z.string().refine((id) => CATALOG_IDS.includes(id), {
  error: (issue) =>
    `"${String(issue.input)}" is not an alarm catalog id; known ids: ${CATALOG_IDS.join(", ")}`,
});

const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });

const snsTopicArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]+$/, "must be an SNS topic ARN");

const alarmsSchema = z.strictObject({
  notificationTopicArn: snsTopicArn.optional(),
  thresholds: z
    .record(z.string(), z.number().nonnegative("a threshold must be a number ≥ 0"))
    .default({})
    .superRefine((thresholds, ctx) => {
      const metrics = new Set(CATALOG.map((entry) => entry.metricName));
      for (const key of Object.keys(thresholds)) {
        if (!CATALOG_IDS.includes(key) && !metrics.has(key)) {
          ctx.addIssue({
            code: "custom",
            path: [key],
            message: `"${key}" names no alarm catalog id or metric (e.g. "lambda-errors" or "Errors")`,
          });
        }
      }
    }),
  critical: z.array(z.string().startsWith("arn:", "must be a resource ARN")).default([]),
  disabled: z.array(catalogId).default([]),
  enabled: z.array(catalogId).default([]),
});

const accountId = z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account id");
const regionName = z.string().regex(REGION_NAME, "must be an AWS region name such as us-east-1");

const targetSchema = z.strictObject({
  account: accountId,
  regions: z.array(regionName).min(1),
  /** The alarm topic of this account's stacks, at most one per region (alarms notify topics in their own region only). */
  notificationTopicArns: z.array(snsTopicArn).optional(),
});

/** Each value once: a region or an OU listed twice is a mistake, not a wish for two stacks. */
function listedOnce(values: readonly string[], ctx: z.RefinementCtx): void {
  values.forEach((value, i) => {
    if (values.indexOf(value) !== i)
      ctx.addIssue({ code: "custom", path: [i], message: `"${value}" is listed twice` });
  });
}

/** An OAM sink's ARN: `arn:aws:oam:<region>:<account>:sink/<id>`, the id a UUID CloudWatch generates. */
const OAM_SINK_ARN =
  /^arn:aws[a-z-]*:oam:([a-z0-9-]+):(\d{12}):sink\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The cross-account dashboard (lib/infra/observability.ts): with it, the hub account gets a CloudWatch
 * cross-account observability sink in every organization region and the dashboard `<prefix>organization`.
 * `sinks` (each region's sink ARN, as the hub's stacks output it after the first deploy) makes every
 * member link its metrics to the sink of its region.
 */
const observabilitySchema = z.strictObject({
  sinks: z
    .record(
      // Each key is checked against organization.regions (sinkProblems), which names a bad one best.
      z.string(),
      z
        .string()
        .regex(
          OAM_SINK_ARN,
          "must be an OAM sink ARN such as arn:aws:oam:eu-west-1:222222222222:sink/<id> (the hub stack's SinkArn output)",
        ),
    )
    .default({}),
});

/** Each sink is the hub account's, in the region it is listed under, and that region is the organization's. */
function sinkProblems(
  organization: {
    readonly regions: readonly string[];
    readonly hub?: {
      readonly account: string;
      readonly observability?: { readonly sinks: Record<string, string> };
    };
  },
  ctx: z.RefinementCtx,
): void {
  const hub = organization.hub;
  for (const [region, arn] of Object.entries(hub?.observability?.sinks ?? {})) {
    const path = ["hub", "observability", "sinks", region];
    const [, arnRegion, arnAccount] = OAM_SINK_ARN.exec(arn) ?? [];
    if (!organization.regions.includes(region)) {
      ctx.addIssue({
        code: "custom",
        path,
        message: `${region} is not one of organization.regions (${organization.regions.join(", ")}): members link only there`,
      });
    } else if (arnRegion !== undefined && arnRegion !== region) {
      ctx.addIssue({
        code: "custom",
        path,
        message: `${arn} is in ${arnRegion}; a link reaches only a sink of its own region: list it under "${arnRegion}"`,
      });
    } else if (arnAccount !== undefined && hub && arnAccount !== hub.account) {
      ctx.addIssue({
        code: "custom",
        path,
        message: `${arn} is in account ${arnAccount}, not the hub account ${hub.account}: use the SinkArn output of the hub's stack in ${region}`,
      });
    }
  }
}

/**
 * The organization rollout (lib/infra/organization.ts): a service-managed StackSet in the administrator
 * account deploys the stack to every account of the OUs, and to accounts that join them later.
 */
const organizationSchema = z
  .strictObject({
    /** The management account, or the delegated administrator for StackSets: the org stacks go there. */
    adminAccount: accountId,
    /** The administrator account's region that holds the StackSet. */
    homeRegion: regionName,
    /** Only principals of this organization may read the function code (`aws:PrincipalOrgID`). */
    organizationId: z
      .string()
      .regex(/^o-[a-z0-9]{10,32}$/, "must be an AWS Organizations id such as o-a1b2c3d4e5"),
    /** OUs (ou-…) or the root (r-…) whose accounts, now and later, get Watchkeeper. */
    organizationalUnits: z
      .array(
        z
          .string()
          .regex(
            /^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$/,
            "must be an organizational unit id (ou-ab12-cd34ef56) or the root id (r-ab12)",
          ),
      )
      .min(1, "name at least one OU (or the root)")
      .superRefine(listedOnce),
    /** The regions every account gets a stack in. */
    regions: z.array(regionName).min(1, "name at least one region").superRefine(listedOnce),
    /** SELF from the management account; DELEGATED_ADMIN from a registered delegated administrator. */
    callAs: z.enum(["SELF", "DELEGATED_ADMIN"], {
      error:
        "must be SELF (deployed from the management account) or DELEGATED_ADMIN (from a delegated administrator)",
    }),
    /**
     * One account and region to watch the organization from (lib/infra/hub.ts): every member forwards its
     * alarm state changes and action audit events there, and only the hub posts to Slack.
     */
    hub: z
      .strictObject({
        account: accountId,
        region: regionName,
        /** Opt-in: the cross-account dashboard through CloudWatch cross-account observability (docs/organization.md). */
        observability: observabilitySchema.optional(),
      })
      .optional(),
  })
  .superRefine(sinkProblems);

/** Slack delivery. Absent: no Slack (alarms still go to the SNS topic). Secrets stay in Secrets Manager. */
const slackSchema = z
  .strictObject({
    /** Name of the Secrets Manager secret holding {"webhookUrl"|"webhooks"|"botToken", "signingSecret"}; read at run time. */
    secretName: z
      .string()
      .regex(
        /^[A-Za-z0-9/_+=.@-]{1,512}$/,
        "must be a Secrets Manager secret name (letters, digits, / _ + = . @ -)",
      ),
    /** Channel for alarms no tag or route sends elsewhere (a channel ID with a bot token, a `webhooks` key otherwise). */
    defaultChannel: z.string().trim().min(1, "must not be empty").optional(),
    /** Action buttons and the interaction endpoint (a public Function URL that verifies Slack's signature). */
    interactive: z.boolean().default(false),
    /** Slack user IDs allowed to press action buttons; the signature proves Slack sent a request, not who may act. */
    allowedUsers: z
      .array(z.string().regex(/^[UW][A-Z0-9]{2,}$/, "must be a Slack user ID such as U0123ABCD"))
      .default([]),
    /** Channel IDs whose messages may be acted on. */
    allowedChannels: z
      .array(z.string().regex(/^[CGD][A-Z0-9]{2,}$/, "must be a Slack channel ID such as C0123ABCD"))
      .default([]),
  })
  .superRefine((slack, ctx) => {
    if (!slack.interactive) return;
    for (const [field, what] of [
      ["allowedUsers", "user"],
      ["allowedChannels", "channel"],
    ] as const) {
      if (slack[field].length === 0) {
        ctx.addIssue({
          code: "custom",
          path: [field],
          message: `interactive actions need at least one allowed Slack ${what} ID`,
        });
      }
    }
  });

/** Redrive of dead-letter queues in the deployed agent; queues still opt in by tag (`watchkeeper:auto-redrive`). */
const redriveSchema = z.strictObject({
  /** Run the opt-in automatic redrive on the schedule. */
  auto: z.boolean().default(false),
  /** Redrives per queue per UTC day (lib/dlq/auto.ts DEFAULT_MAX_PER_DAY). */
  maxPerDay: z.number().int().min(1).max(24).default(3),
});

export const configSchema = z.strictObject({
  /** Name prefix of everything Watchkeeper creates; with the managed tag, what it may change. */
  prefix: z
    .string()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/,
      "use 1-63 letters, digits, _ . or -, starting with a letter or digit",
    )
    .default(DEFAULT_ALARM_POLICY.prefix),
  /** Where runbooks/<slug>.md are served; alarm descriptions and Slack messages link there. */
  runbookBaseUrl: httpUrl.default(DEFAULT_ALARM_POLICY.runbookBaseUrl),
  /** Accounts and regions to deploy to (one stack each). Empty: the CLI's current account and region. */
  targets: z.array(targetSchema).default([]),
  /** Every account of some OUs, through a StackSet. Absent: only `targets` (or the current account). */
  organization: organizationSchema.optional(),
  schedule: z
    .strictObject({
      /** Minutes between full reconcile runs. */
      reconcileEveryMinutes: z.number().int().min(5).max(1440).default(60),
    })
    .default({ reconcileEveryMinutes: 60 }),
  alarms: alarmsSchema.default({ thresholds: {}, critical: [], disabled: [], enabled: [] }),
  /** Validated by lib/logs, which knows the valid retention values. */
  retention: z.unknown().optional(),
  dashboards: z.strictObject({ enabled: z.boolean().default(true) }).default({ enabled: true }),
  slack: slackSchema.optional(),
  /** Validated by lib/breaker, which knows the policy; the prefix is the top-level one. */
  breaker: z.unknown().optional(),
  redrive: redriveSchema.default({ auto: false, maxPerDay: 3 }),
});

export type ConfigInput = z.input<typeof configSchema>;

/** The validated configuration with every capability's policy resolved. */
export interface WatchkeeperConfig {
  readonly prefix: string;
  readonly runbookBaseUrl: string;
  readonly targets: readonly {
    readonly account: string;
    readonly regions: readonly string[];
    readonly notificationTopicArns?: readonly string[];
  }[];
  /** Absent: no organization rollout. */
  readonly organization?: OrganizationSettings;
  readonly schedule: { readonly reconcileEveryMinutes: number };
  readonly alarms: AlarmPolicy;
  readonly retention: RetentionPolicy;
  readonly dashboards: { readonly enabled: boolean };
  /** Absent: Slack is off. */
  readonly slack?: SlackSettings;
  readonly breaker: BreakerPolicy;
  readonly redrive: { readonly auto: boolean; readonly maxPerDay: number };
}

/** The organization rollout's settings (see organizationSchema for each field). */
export interface OrganizationSettings {
  readonly adminAccount: string;
  readonly homeRegion: string;
  readonly organizationId: string;
  readonly organizationalUnits: readonly string[];
  readonly regions: readonly string[];
  readonly callAs: "SELF" | "DELEGATED_ADMIN";
  /** Absent: each account posts its own alarms to Slack. */
  readonly hub?: HubSettings;
}

/** Where the organization is watched from (see organizationSchema's `hub`). */
export interface HubSettings {
  readonly account: string;
  readonly region: string;
  /** Absent: no sinks, no links, no cross-account dashboard. */
  readonly observability?: ObservabilitySettings;
}

/** The cross-account dashboard (see observabilitySchema). */
export interface ObservabilitySettings {
  /** Region → the hub's OAM sink ARN there; a member links only where its region has one. */
  readonly sinks: Readonly<Record<string, string>>;
}

export interface SlackSettings {
  readonly secretName: string;
  readonly defaultChannel?: string;
  readonly interactive: boolean;
  readonly allowedUsers: readonly string[];
  readonly allowedChannels: readonly string[];
}

/** Thrown for a configuration that cannot be used; the message lists every problem with its field. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, key) => (typeof key === "number" ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)),
    "",
  );
}

/** Validates a parsed config object; `source` names it in messages (a file path, an env variable). */
export function parseConfig(input: unknown, source = "config"): WatchkeeperConfig {
  const parsed = configSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const keys = issue.code === "unrecognized_keys" ? issue.keys.map((k) => `"${k}"`).join(", ") : "";
      const field = formatPath(issue.path) || "(top level)";
      return keys ? `${field}: unknown setting ${keys}` : `${field}: ${issue.message}`;
    });
    throw new ConfigError(`${source} is not valid:\n  ${problems.join("\n  ")}`);
  }
  const config = parsed.data;
  const invalid = (error: unknown) =>
    new ConfigError(`${source} is not valid:\n  ${error instanceof Error ? error.message : String(error)}`);
  let retention: RetentionPolicy;
  let breaker: BreakerPolicy;
  try {
    retention = retentionPolicy(config.retention ?? {}, "retention");
    breaker = breakerPolicy(config.breaker, config.prefix);
  } catch (error) {
    throw invalid(error);
  }
  const runbookBaseUrl = config.runbookBaseUrl.endsWith("/")
    ? config.runbookBaseUrl
    : `${config.runbookBaseUrl}/`;
  const { policy: alarms, warnings } = resolveAlarmPolicy({
    prefix: config.prefix,
    runbookBaseUrl,
    ...(config.alarms.notificationTopicArn
      ? { notificationTopicArn: config.alarms.notificationTopicArn }
      : {}),
    thresholds: config.alarms.thresholds,
    criticalResources: config.alarms.critical,
    disabled: config.alarms.disabled,
    enabled: config.alarms.enabled,
  });
  // The schema already rejects what the alarm policy would only warn about; a warning here is a gap.
  if (warnings.length > 0) throw new ConfigError(`${source} is not valid:\n  ${warnings.join("\n  ")}`);
  return {
    prefix: config.prefix,
    runbookBaseUrl,
    targets: config.targets,
    ...(config.organization ? { organization: config.organization } : {}),
    schedule: config.schedule,
    alarms,
    retention,
    dashboards: config.dashboards,
    ...(config.slack ? { slack: config.slack } : {}),
    breaker,
    redrive: config.redrive,
  };
}

/** The breaker block as lib/breaker validates it, named `breaker.<field>`, with the top-level prefix. */
function breakerPolicy(input: unknown, prefix: string): BreakerPolicy {
  if (typeof input === "object" && input !== null && "prefix" in input) {
    throw new Error("breaker.prefix: the breaker uses the top-level prefix; set that instead");
  }
  return { ...resolveBreakerPolicy(input ?? {}, "breaker"), prefix };
}
