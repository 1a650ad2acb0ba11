/**
 * The hub's way into each member account: its `<prefix>hub-access` role, assumed through the hub's Aws
 * on first use and kept (refreshed before it expires) for the container's later events and clicks: one
 * AssumeRole per account, whatever the region. The hub notifier and hub-actions share it.
 */
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import { assumedRoleCredentials, roleArn } from "../aws/assume-role.js";
import type { Aws } from "../aws/clients.js";

/** What CloudTrail shows in the member beside the role (a click's user is the action's actor). */
export const HUB_SESSION_NAME = "watchkeeper-hub";

/**
 * The hub-access role of each member, assumed through the hub's Aws on first use and kept (refreshed
 * before it expires) for the container's later clicks: one AssumeRole per account, whatever the region.
 */
export class MemberRoles {
  private readonly providers = new Map<string, AwsCredentialIdentityProvider>();

  constructor(
    private readonly hub: () => Aws,
    readonly roleName: string,
  ) {}

  roleArn(account: string): string {
    return roleArn(account, this.roleName, this.hub().region);
  }

  credentials(account: string): AwsCredentialIdentityProvider {
    let provider = this.providers.get(account);
    if (!provider) {
      provider = assumedRoleCredentials(this.hub(), {
        roleArn: this.roleArn(account),
        sessionName: HUB_SESSION_NAME,
      });
      this.providers.set(account, provider);
    }
    return provider;
  }
}
