/**
 * Several simulated accounts under one AWS Organizations organization: the management account and its
 * members, each a `SimAccount` per region (regional state apart, IAM shared, as in AWS), on one clock.
 * Calls reach an account by their credentials: the account's own (`credentialsFor`), or those
 * sts:AssumeRole hands out for a role in it. Plug it into real SDK clients with `simulatedOrgAws(org)`.
 *
 *   const org = new SimOrganization({ regions: ["us-east-1", "eu-west-1"] });
 *   org.addAccount({ id: "222222222222", name: "payments" }).account("eu-west-1").addAlarm({ ... });
 */
import type { AwsCredentialIdentity } from "@smithy/types";
import { ServiceException } from "@smithy/core/client";
import { partitionOf } from "../aws/arn.js";
import type { Clock } from "../aws/clock.js";
import type { AwsService } from "../aws/quotas.js";
import { SimAccount } from "./account.js";
import { VirtualClock } from "./clock.js";
import { responseMetadata } from "./errors.js";
import { SimIam, defaultPrincipal, type SimPrincipal } from "./iam.js";
import { Rng } from "./random.js";
import { Registry } from "./registry.js";

/**
 * An account's state in its organization, as Organizations' `State` says it (the older `Status` has no
 * PENDING_ACTIVATION and calls CLOSED SUSPENDED).
 */
export type SimAccountState = "PENDING_ACTIVATION" | "ACTIVE" | "SUSPENDED" | "PENDING_CLOSURE" | "CLOSED";

export interface SimOrganizationOptions {
  /** Default 111111111111. */
  readonly managementAccountId?: string;
  /** Default "management". */
  readonly managementAccountName?: string;
  /** Regions every account is made in unless its spec names others (default ["us-east-1"]). */
  readonly regions?: readonly string[];
  readonly clock?: Clock;
  /** As `SimAccountOptions.enforceQuotas` (default true). */
  readonly enforceQuotas?: boolean;
  /** Seeds the organization's ids and keys. */
  readonly seed?: number | string;
}

export interface MemberSpec {
  /** 12 digits. */
  readonly id: string;
  readonly name: string;
  readonly email?: string;
  /** Default ACTIVE. */
  readonly state?: SimAccountState;
  /** An organizational unit's id; default the root. */
  readonly parentId?: string;
  /** Default the organization's regions. */
  readonly regions?: readonly string[];
  /** The account's IAM alias; default none. */
  readonly alias?: string;
}

export interface SimMember {
  readonly id: string;
  readonly arn: string;
  readonly name: string;
  readonly email: string;
  state: SimAccountState;
  readonly joinedMethod: "CREATED" | "INVITED";
  readonly joinedAt: number;
  parentId: string;
  readonly iam: SimIam;
  /** The account in a region: made empty on first use, since an account has every region. */
  account(region: string): SimAccount;
  /** The regions made so far, sorted. */
  regions(): string[];
}

export interface SimOrganizationalUnit {
  readonly id: string;
  readonly arn: string;
  readonly name: string;
  readonly parentId: string;
}

/** What a call's credentials stand for. */
interface SimKey {
  readonly principal: SimPrincipal;
  readonly secretAccessKey: string;
  /** Epoch ms; none for an account's own keys. */
  readonly expiresAt?: number;
}

export interface SimSessionCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

export class SimOrganization {
  readonly id: string;
  readonly arn: string;
  readonly rootId: string;
  readonly clock: Clock;
  readonly managementAccountId: string;
  readonly regions: readonly string[];
  readonly enforceQuotas: boolean;
  readonly random: Rng;
  readonly members = new Registry<SimMember>();
  readonly organizationalUnits = new Registry<SimOrganizationalUnit>();
  /** Accounts registered as a delegated administrator: they may read the organization too. */
  readonly delegatedAdministrators = new Set<string>();
  private readonly keys = new Map<string, SimKey>();
  private readonly ownKeys = new Map<string, AwsCredentialIdentity>();

  constructor(options: SimOrganizationOptions = {}) {
    this.random = new Rng(options.seed ?? "organization");
    this.clock = options.clock ?? new VirtualClock();
    this.enforceQuotas = options.enforceQuotas ?? true;
    this.regions = options.regions ?? ["us-east-1"];
    if (this.regions.length === 0) throw new Error("an organization needs at least one region");
    this.managementAccountId = options.managementAccountId ?? "111111111111";
    this.id = `o-${this.random.chars(10, "abcdefghijklmnopqrstuvwxyz0123456789")}`;
    const partition = partitionOf(this.regions[0]!);
    this.arn = `arn:${partition}:organizations::${this.managementAccountId}:organization/${this.id}`;
    this.rootId = `r-${this.random.chars(4, "abcdefghijklmnopqrstuvwxyz0123456789")}`;
    this.addAccount({
      id: this.managementAccountId,
      name: options.managementAccountName ?? "management",
    });
  }

  get partition(): string {
    return partitionOf(this.regions[0]!);
  }

  /** The management account, or a member's, in a region. */
  account(accountId: string, region: string = this.regions[0]!): SimAccount {
    const member = this.members.get(accountId);
    if (!member) throw new Error(`account ${accountId} is not in organization ${this.id}`);
    return member.account(region);
  }

  get management(): SimMember {
    return this.members.get(this.managementAccountId)!;
  }

  addAccount(spec: MemberSpec): SimMember {
    if (!/^\d{12}$/.test(spec.id)) throw new Error(`account id "${spec.id}" must be 12 digits`);
    if (this.members.has(spec.id)) throw new Error(`account ${spec.id} is already in the organization`);
    const parentId = spec.parentId ?? this.rootId;
    if (parentId !== this.rootId && !this.organizationalUnits.has(parentId))
      throw new Error(`no organizational unit "${parentId}" for account ${spec.id}; add it first`);
    const iam = new SimIam();
    if (spec.alias !== undefined) iam.alias = spec.alias;
    const accounts = new Map<string, SimAccount>();
    const account = (region: string): SimAccount => {
      let sim = accounts.get(region);
      if (!sim) {
        sim = new SimAccount({
          accountId: spec.id,
          region,
          clock: this.clock,
          enforceQuotas: this.enforceQuotas,
          iam,
          organization: this,
        });
        accounts.set(region, sim);
      }
      return sim;
    };
    const member: SimMember = {
      id: spec.id,
      arn: `arn:${this.partition}:organizations::${this.managementAccountId}:account/${this.id}/${spec.id}`,
      name: spec.name,
      email: spec.email ?? `aws+${spec.id}@example.com`,
      state: spec.state ?? "ACTIVE",
      joinedMethod: spec.id === this.managementAccountId ? "CREATED" : "INVITED",
      joinedAt: this.clock.now(),
      parentId,
      iam,
      account,
      regions: () => [...accounts.keys()].sort(),
    };
    for (const region of spec.regions ?? this.regions) account(region);
    return this.members.set(spec.id, member);
  }

  addOrganizationalUnit(spec: { readonly name: string; readonly parentId?: string }): SimOrganizationalUnit {
    const parentId = spec.parentId ?? this.rootId;
    if (parentId !== this.rootId && !this.organizationalUnits.has(parentId))
      throw new Error(`no organizational unit "${parentId}" to put "${spec.name}" in`);
    const id = `ou-${this.rootId.slice(2)}-${this.random.chars(8, "abcdefghijklmnopqrstuvwxyz0123456789")}`;
    return this.organizationalUnits.set(id, {
      id,
      arn: `arn:${this.partition}:organizations::${this.managementAccountId}:ou/${this.id}/${id}`,
      name: spec.name,
      parentId,
    });
  }

  /** Organizations answers the management account and delegated administrators only. */
  canRead(accountId: string): boolean {
    return accountId === this.managementAccountId || this.delegatedAdministrators.has(accountId);
  }

  /**
   * The account's own credentials (`defaultPrincipal`'s session, the same each time, never expiring): what
   * an administrator runs the CLI with.
   */
  credentialsFor(accountId: string): AwsCredentialIdentity {
    if (!this.members.has(accountId))
      throw new Error(`account ${accountId} is not in organization ${this.id}`);
    let credentials = this.ownKeys.get(accountId);
    if (!credentials) {
      credentials = {
        accessKeyId: this.keyId(),
        secretAccessKey: this.random.chars(40, SECRET),
        sessionToken: this.random.chars(356, SECRET),
      };
      this.keys.set(credentials.accessKeyId, {
        principal: defaultPrincipal(accountId, this.partition),
        secretAccessKey: credentials.secretAccessKey,
      });
      this.ownKeys.set(accountId, credentials);
    }
    return credentials;
  }

  /** Temporary credentials for a principal until `expiresAt` (what AssumeRole answers). */
  issueSession(principal: SimPrincipal, expiresAt: number): SimSessionCredentials {
    const credentials = {
      accessKeyId: this.keyId(),
      secretAccessKey: this.random.chars(40, SECRET),
      sessionToken: this.random.chars(356, SECRET),
      expiration: new Date(expiresAt),
    };
    this.keys.set(credentials.accessKeyId, {
      principal,
      secretAccessKey: credentials.secretAccessKey,
      expiresAt,
    });
    return credentials;
  }

  /**
   * Who calls with these credentials, and the account (in `region`) that answers: AWS's own rejection when
   * the key is unknown or its session has expired.
   */
  caller(
    credentials: AwsCredentialIdentity | undefined,
    service: AwsService,
    region: string,
  ): { readonly sim: SimAccount; readonly principal: SimPrincipal } {
    const key = credentials && this.keys.get(credentials.accessKeyId);
    if (!key || key.secretAccessKey !== credentials!.secretAccessKey) throw invalidToken(service);
    if (key.expiresAt !== undefined && this.clock.now() >= key.expiresAt) throw expiredToken(service);
    return { sim: this.account(key.principal.accountId, region), principal: key.principal };
  }

  /** Temporary credentials' key ids start ASIA. */
  private keyId(): string {
    let id: string;
    do id = "ASIA" + this.random.chars(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
    while (this.keys.has(id));
    return id;
  }
}

const SECRET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// STS speaks the query protocol and names these errors without the "Exception" the JSON services add.
function invalidToken(service: AwsService): Error {
  return credentialsError(
    service === "sts" ? "InvalidClientTokenId" : "UnrecognizedClientException",
    service === "sts" ? 403 : 400,
    "The security token included in the request is invalid.",
  );
}

function expiredToken(service: AwsService): Error {
  return credentialsError(
    service === "sts" ? "ExpiredToken" : "ExpiredTokenException",
    400,
    "The security token included in the request is expired",
  );
}

function credentialsError(name: string, status: number, message: string): Error {
  return new ServiceException({ name, $fault: "client", message, $metadata: responseMetadata(status) });
}
