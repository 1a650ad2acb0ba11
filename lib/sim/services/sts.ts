import {
  STSServiceException,
  type AssumeRoleCommandOutput,
  type AssumeRoleRequest,
  type GetCallerIdentityCommandOutput,
} from "@aws-sdk/client-sts";
import type { SimAccount } from "../account.js";
import { parseArn, type ArnParts } from "../arn.js";
import { awsCodeError } from "../errors.js";
import type { SimPrincipal } from "../iam.js";
import type { Out, SimService } from "../service.js";
import { validator } from "../validate.js";

const check = validator((message) => awsCodeError(STSServiceException, "ValidationError", 400, message));

export const sts: SimService = {
  throttled: () => awsCodeError(STSServiceException, "Throttling", 400, "Rate exceeded"),
  apis: {
    GetCallerIdentity(
      _input: object,
      sim,
      caller: SimPrincipal = sim.principal,
    ): Out<GetCallerIdentityCommandOutput> {
      return { UserId: caller.userId, Account: caller.accountId, Arn: caller.arn };
    },

    /**
     * Succeeds only when the role exists in its account and trusts the caller's account; otherwise AWS's
     * one AccessDenied, which does not say which (a missing role and an untrusting one read the same).
     * A suspended or closed member's roles cannot be assumed either.
     */
    AssumeRole(
      input: AssumeRoleRequest,
      sim,
      caller: SimPrincipal = sim.principal,
    ): Out<AssumeRoleCommandOutput> {
      const roleArn = check.required(input.RoleArn, "roleArn");
      check.length(roleArn, "roleArn", 20, 2048);
      const session = check.required(input.RoleSessionName, "roleSessionName");
      check.length(session, "roleSessionName", 2, 64);
      check.pattern(session, "roleSessionName", /^[\w+=,.@-]*$/);
      const duration = input.DurationSeconds ?? 3600;
      check.range(duration, "durationSeconds", 900, 43_200);
      const arn = parseRoleArn(roleArn) ?? check.fail(`${roleArn} is invalid`);

      const role = roleIn(sim, arn.accountId, arn.resource.split("/").pop()!);
      if (!role || !role.trustedAccounts.has(caller.accountId)) {
        throw awsCodeError(
          STSServiceException,
          "AccessDenied",
          403,
          `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
        );
      }
      if (duration > role.maxSessionDuration)
        check.fail("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");

      const assumed: SimPrincipal = {
        accountId: arn.accountId,
        arn: `arn:${arn.partition}:sts::${arn.accountId}:assumed-role/${role.name}/${session}`,
        userId: `${role.roleId}:${session}`,
      };
      const expiresAt = sim.clock.now() + duration * 1000;
      // Outside an organization nothing routes by key: the answer is well formed, and calls stay in `sim`.
      const credentials = sim.organization?.issueSession(assumed, expiresAt) ?? {
        accessKeyId: `ASIA${sim.random.chars(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")}`,
        secretAccessKey: sim.random.chars(40),
        sessionToken: sim.random.chars(356),
      };
      return {
        Credentials: {
          AccessKeyId: credentials.accessKeyId,
          SecretAccessKey: credentials.secretAccessKey,
          SessionToken: credentials.sessionToken,
          Expiration: new Date(expiresAt),
        },
        AssumedRoleUser: { AssumedRoleId: assumed.userId, Arn: assumed.arn },
      };
    },
  },
};

function parseRoleArn(roleArn: string): ArnParts | undefined {
  const arn = parseArn(roleArn);
  const valid = arn?.service === "iam" && /^\d{12}$/.test(arn.accountId) && arn.resource.startsWith("role/");
  return valid ? arn : undefined;
}

/** The role in its account, as the caller's account sees the world: itself, or its organization's members. */
function roleIn(sim: SimAccount, accountId: string, name: string) {
  if (accountId === sim.accountId) return sim.iam.roles.get(name);
  const member = sim.organization?.members.get(accountId);
  if (!member || member.state !== "ACTIVE") return undefined;
  return member.iam.roles.get(name);
}
