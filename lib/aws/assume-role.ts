/**
 * Credentials of a role in another account, assumed through `aws` (so AssumeRole is paced, cut off and,
 * under lib/sim, answered like every other call). Not the SDK's `fromTemporaryCredentials`: that makes its
 * own STS client, which would bypass the pacer and the one place clients are made.
 */
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import { partitionOf } from "./arn.js";
import type { Aws } from "./clients.js";

/** Refreshed this long before they expire, so a call signed now is not rejected in flight. */
export const REFRESH_BEFORE_EXPIRY_MS = 5 * 60_000;

export interface AssumeRoleOptions {
  readonly roleArn: string;
  /** What CloudTrail shows beside the role: 2-64 of `[\w+=,.@-]`. */
  readonly sessionName: string;
  /** Default 3600, the longest a role allows unless its MaxSessionDuration says more. */
  readonly durationSeconds?: number;
}

/**
 * A provider that assumes the role on first use, keeps the credentials until five minutes before they
 * expire (by `aws`'s clock), then assumes it again. Concurrent callers share one AssumeRole; a failed one
 * is not kept, so the next call tries again.
 */
export function assumedRoleCredentials(aws: Aws, options: AssumeRoleOptions): AwsCredentialIdentityProvider {
  const clock = aws.pacer.clock;
  let current: AwsCredentialIdentity | undefined;
  let pending: Promise<AwsCredentialIdentity> | undefined;
  const assume = async (): Promise<AwsCredentialIdentity> => {
    const answer = await aws.client(STSClient).send(
      new AssumeRoleCommand({
        RoleArn: options.roleArn,
        RoleSessionName: options.sessionName,
        DurationSeconds: options.durationSeconds ?? 3600,
      }),
    );
    const c = answer.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) {
      throw new Error(`AssumeRole of ${options.roleArn} answered without credentials`);
    }
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
      ...(c.Expiration ? { expiration: new Date(c.Expiration) } : {}),
    };
  };
  return async () => {
    const fresh =
      current !== undefined &&
      (current.expiration === undefined ||
        current.expiration.getTime() - REFRESH_BEFORE_EXPIRY_MS > clock.now());
    if (fresh) return current!;
    pending ??= assume().then(
      (credentials) => {
        current = credentials;
        pending = undefined;
        return credentials;
      },
      (error: unknown) => {
        pending = undefined;
        throw error;
      },
    );
    return pending;
  };
}

/** "arn:aws:iam::222222222222:role/watchkeeper-org-reader", in the partition of `region`. */
export function roleArn(accountId: string, roleName: string, region: string): string {
  return `arn:${partitionOf(region)}:iam::${accountId}:role/${roleName}`;
}
