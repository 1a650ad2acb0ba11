/**
 * `status` across an organization: the on-call status (lib/actions/status.ts, unchanged) of every
 * active account in every region, read through the read-only role `<prefix>org-reader` that each member
 * holds for the administrator account. The role is assumed once per account (its credentials serve
 * every region and are assumed again before they expire); account×region reads run a few at a time,
 * each with its own pacer (AWS's quotas are per account and region) and its own time limit, so an
 * account that hangs or denies is one line of the answer and the rest are still read.
 */
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { readStatus, type OnCallStatus } from "../actions/status.js";
import { assumedRoleCredentials, roleArn } from "../aws/assume-role.js";
import { WORST_CASE_CALL_MS, type Aws } from "../aws/clients.js";
import { describeAwsError } from "../aws/errors.js";
import type { WatchkeeperConfig } from "../config/schema.js";
import { mapLimit } from "../inventory/context.js";
import { silentLogger, type Logger } from "../log.js";
import { assumeFailure, orgReaderRoleName } from "./role.js";

/** An account to read: from Organizations (with its name and state) or named by hand (id only). */
export interface OrgAccount {
  readonly id: string;
  readonly name?: string;
  /** Organizations' State (or the older Status); absent for an account named by hand. */
  readonly state?: string;
}

export interface OrganizationStatusOptions {
  readonly accounts: readonly OrgAccount[];
  readonly regions: readonly string[];
  /** Its prefix names the role (`<prefix>org-reader`); the status reads use the rest. */
  readonly config: WatchkeeperConfig;
  readonly actor: string;
  /** What CloudTrail shows in each member for the role's session (default "watchkeeper-status"). */
  readonly sessionName?: string;
  /** Account×region reads at once (default `ORG_CONCURRENCY`). */
  readonly concurrency?: number;
  /** The longest one account×region read may take before what is left of it is abandoned. */
  readonly timeLimitMs?: number;
  readonly logger?: Logger;
  /** Called as each account×region read ends. */
  readonly onProgress?: (done: number, total: number) => void;
  /** The management account, when the accounts were listed without it (see `accountsToRead`). */
  readonly managementLeftOut?: ManagementLeftOut;
}

/** The management account, not read: StackSets never deploy to it, so only `targets` can name it. */
export interface ManagementLeftOut {
  readonly accountId: string;
  readonly accountName?: string;
}

/** Why one account or region could not be read. */
export interface TargetError {
  /**
   * `assume-role`: the account's role could not be assumed (so none of its regions was read); `read`: the
   * region could not be reached, or nothing of it could be read.
   */
  readonly stage: "assume-role" | "read";
  readonly reason: string;
}

/** One account in one region: its status, or why there is none. */
export interface TargetStatus {
  readonly accountId: string;
  readonly accountName?: string;
  readonly region: string;
  readonly status?: OnCallStatus;
  readonly error?: TargetError;
}

export interface SkippedAccount {
  readonly accountId: string;
  readonly accountName?: string;
  readonly state: string;
}

export interface OrganizationStatus {
  /** ISO 8601. */
  readonly at: string;
  /** The account the reads were made from (its own are read with its own credentials). */
  readonly adminAccountId?: string;
  readonly role: string;
  readonly regions: readonly string[];
  /** Every active account × region, in the order of `accounts` then `regions`. */
  readonly targets: readonly TargetStatus[];
  /** Accounts not ACTIVE (suspended, closing, closed): not read. */
  readonly skipped: readonly SkippedAccount[];
  /** The organization's management account, left out because `targets` does not name it. */
  readonly managementLeftOut?: ManagementLeftOut;
  readonly totals: {
    readonly accounts: number;
    readonly targets: number;
    readonly read: number;
    /** Read, but some part could not be (its warnings say which). */
    readonly partial: number;
    readonly unreachable: number;
    readonly skipped: number;
    /** Watchkeeper's alarms in ALARM, over every target read. */
    readonly alarms: number;
    readonly otherAlarms: number;
  };
  /** Something could not be read: a target, or part of one (the CLI exits 3). */
  readonly partial: boolean;
}

/** Account×region reads at once: each is a handful of paced calls, mostly waiting on AWS. */
export const ORG_CONCURRENCY = 8;

/** Enough for every part of a status read to give up on a hung endpoint once, with room to page. */
export const TARGET_TIME_LIMIT_MS = 2 * WORST_CASE_CALL_MS;

/** Reads every active account's status in every region from the administrator account `admin`. */
export async function readOrganizationStatus(
  admin: Aws,
  options: OrganizationStatusOptions,
): Promise<OrganizationStatus> {
  const clock = admin.pacer.clock;
  const now = new Date(clock.now());
  const role = orgReaderRoleName(options.config.prefix);
  const timeLimit = options.timeLimitMs ?? TARGET_TIME_LIMIT_MS;
  // Who we are: the administrator's own account is read with its own credentials, not a role it lacks.
  const identity = await admin.client(STSClient).send(new GetCallerIdentityCommand({}));
  const adminAccountId = identity.Account;

  const active = options.accounts.filter((a) => a.state === undefined || a.state === "ACTIVE");
  const skipped = options.accounts
    .filter((a) => !active.includes(a))
    .map((a) => ({ accountId: a.id, ...(a.name ? { accountName: a.name } : {}), state: a.state! }));

  const credentials = new Map(
    active.map((account) => [
      account.id,
      account.id === adminAccountId
        ? undefined
        : assumedRoleCredentials(admin, {
            roleArn: roleArn(account.id, role, admin.region),
            sessionName: options.sessionName ?? "watchkeeper-status",
          }),
    ]),
  );
  // One AssumeRole per account, whichever of its regions starts first; the others wait for it.
  const assumed = new Map<string, Promise<TargetError | undefined>>();
  const assume = (accountId: string) => {
    const provider = credentials.get(accountId);
    if (!provider) return Promise.resolve(undefined);
    let result = assumed.get(accountId);
    if (!result) {
      result = provider().then(
        () => undefined,
        (error: unknown): TargetError => ({ stage: "assume-role", reason: assumeFailure(error, role) }),
      );
      assumed.set(accountId, result);
    }
    return result;
  };

  const jobs = active.flatMap((account) => options.regions.map((region) => ({ account, region })));
  let done = 0;
  const targets = await mapLimit(
    jobs,
    options.concurrency ?? ORG_CONCURRENCY,
    async ({ account, region }): Promise<TargetStatus> => {
      const named = { accountId: account.id, ...(account.name ? { accountName: account.name } : {}), region };
      try {
        const error = await assume(account.id);
        if (error) return { ...named, error };
        const provider = credentials.get(account.id);
        const base =
          provider === undefined && region === admin.region
            ? admin
            : admin.retarget({ region, ...(provider ? { credentials: provider } : {}) });
        const aws = base.until(clock.now() + timeLimit);
        // One cheap call first: a region that cannot be reached at all (hung, disabled, credentials
        // refused there) is one line, not a status whose every part is a warning.
        const reached = await aws.client(STSClient).send(new GetCallerIdentityCommand({}));
        if (reached.Account !== account.id) {
          const reason = `credentials for ${account.id} answered as account ${reached.Account ?? "unknown"}`;
          return { ...named, error: { stage: "read", reason } };
        }
        const status = await readStatus(aws, {
          actor: options.actor,
          dryRun: true,
          config: options.config,
          clock,
          now,
          logger: options.logger ?? silentLogger,
        });
        return { ...named, status };
      } catch (error) {
        return { ...named, error: { stage: "read", reason: describeAwsError(error) } };
      } finally {
        options.onProgress?.(++done, jobs.length);
      }
    },
  );

  const read = targets.filter((t) => t.status);
  const partialCount = read.filter((t) => t.status!.warnings.length > 0).length;
  const unreachable = targets.length - read.length;
  return {
    at: now.toISOString(),
    ...(adminAccountId ? { adminAccountId } : {}),
    role,
    regions: [...options.regions],
    targets,
    skipped,
    ...(options.managementLeftOut ? { managementLeftOut: options.managementLeftOut } : {}),
    totals: {
      accounts: active.length,
      targets: targets.length,
      read: read.length,
      partial: partialCount,
      unreachable,
      skipped: skipped.length,
      alarms: read.reduce((n, t) => n + t.status!.alarms.watchkeeper.length, 0),
      otherAlarms: read.reduce((n, t) => n + t.status!.alarms.others.count, 0),
    },
    partial: unreachable > 0 || partialCount > 0,
  };
}
