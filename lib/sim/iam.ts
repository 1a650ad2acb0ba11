/**
 * The little of IAM the simulator needs: roles another account may assume (a trust policy reduced to the
 * accounts it trusts), and who a call comes from. IAM is global, so every region of one account shares one
 * `SimIam`.
 */
import { Registry } from "./registry.js";

export interface SimRole {
  readonly name: string;
  readonly arn: string;
  /** "AROA…": the first half of an assumed-role session's user id. */
  readonly roleId: string;
  /** Accounts whose principals the trust policy lets call sts:AssumeRole. */
  readonly trustedAccounts: ReadonlySet<string>;
  /** Seconds; DurationSeconds may not exceed it (IAM's default 3600). */
  readonly maxSessionDuration: number;
  readonly createdAt: number;
}

export interface RoleSpec {
  /** IAM role names: 1-64 of `[\w+=,.@-]`. */
  readonly name: string;
  /** Default: the account itself. */
  readonly trustedAccounts?: readonly string[];
  /** 3600 to 43200 seconds (default 3600). */
  readonly maxSessionDuration?: number;
}

export class SimIam {
  readonly roles = new Registry<SimRole>();
  /** The account's alias (IAM allows one): what ListAccountAliases answers. */
  alias?: string;
}

/** Who makes a call: a session of an assumed role (`arn:aws:sts::<account>:assumed-role/<role>/<session>`). */
export interface SimPrincipal {
  readonly accountId: string;
  readonly arn: string;
  /** What GetCallerIdentity calls UserId: `<role id>:<session name>`. */
  readonly userId: string;
}

export const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/**
 * Who calls with a simulated account's own credentials: a session of a role named watchkeeper, as the
 * deployed agent and most people (through SSO) call AWS.
 */
export function defaultPrincipal(accountId: string, partition: string): SimPrincipal {
  return {
    accountId,
    arn: `arn:${partition}:sts::${accountId}:assumed-role/watchkeeper/watchkeeper`,
    userId: "AROASIMULATEDWATCHKEEPER:watchkeeper",
  };
}
