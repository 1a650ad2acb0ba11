import { describeAwsError, isAccessDenied } from "../aws/errors.js";

/**
 * `<prefix>org-reader`: the role each member stack creates (lib/infra/org-reader.ts) and `status --org`
 * assumes in every account. One name, here, so the two cannot drift apart.
 */
export function orgReaderRoleName(prefix: string): string {
  return `${prefix}org-reader`;
}

/** Why assuming a member's role failed; AWS does not say whether the role is missing or does not trust us: the line says both. */
export function assumeFailure(error: unknown, role: string): string {
  const said = describeAwsError(error, "sts AssumeRole");
  return isAccessDenied(error)
    ? `${said}; the account has no role ${role}, or it does not trust this account`
    : said;
}
