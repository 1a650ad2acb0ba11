/**
 * The hub notifier's reach into the members (functions/notifier.ts with HUB_ACCESS_ROLE set): each
 * member account's `<prefix>hub-access` role, assumed once per account and kept; the account's alias;
 * and the alarm read fresh in its own account before anything is posted, so a silenced alarm (actions
 * disabled) stays silent in the hub as it would in the member, and an alarm that no longer exists or
 * notifies no one in its new state is not posted on the event's word alone.
 */
import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { IAMClient, ListAccountAliasesCommand } from "@aws-sdk/client-iam";
import type { Aws } from "../aws/clients.js";
import type { AlarmStateChange } from "../notify/types.js";
import { MemberRoles } from "./member-roles.js";

/** What the hub notifier needs of the members (functions/notifier.ts `hub`). */
export interface HubReach {
  aws(account: string, region: string): Aws;
  alias(account: string, region: string): Promise<string | undefined>;
  wouldNotify(aws: Aws, change: AlarmStateChange): Promise<Verdict>;
}

export class MemberAccess implements HubReach {
  private readonly roles: MemberRoles;
  private readonly clients = new Map<string, Aws>();
  private readonly aliases = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly hub: Aws,
    roleName: string,
  ) {
    this.roles = new MemberRoles(() => hub, roleName);
  }

  /** The member account in `region`, through its hub-access role. */
  aws(account: string, region: string): Aws {
    const key = `${account}/${region}`;
    let aws = this.clients.get(key);
    if (!aws) {
      aws = this.hub.retarget({ region, credentials: this.roles.credentials(account) });
      this.clients.set(key, aws);
    }
    return aws;
  }

  wouldNotify(aws: Aws, change: AlarmStateChange): Promise<Verdict> {
    return wouldNotify(aws, change);
  }

  /**
   * The account's alias (IAM allows one), or undefined when it has none or it could not be read: the
   * message then names the account by its id alone. Kept for the container's life, failures included,
   * so one missing permission costs one call, not one per message.
   */
  alias(account: string, region: string): Promise<string | undefined> {
    let alias = this.aliases.get(account);
    if (!alias) {
      alias = this.aws(account, region)
        .client(IAMClient)
        .send(new ListAccountAliasesCommand({}))
        .then(
          (answer) => answer.AccountAliases?.[0],
          () => undefined,
        );
      this.aliases.set(account, alias);
    }
    return alias;
  }
}

export type Verdict = { readonly post: true } | { readonly post: false; readonly why: string };

/**
 * Whether CloudWatch itself would have notified for this change, read now in the alarm's account: the
 * alarm exists (the same one: same ARN), its actions are enabled, and it has actions for the new state.
 */
export async function wouldNotify(aws: Aws, change: AlarmStateChange): Promise<Verdict> {
  const answer = await aws
    .client(CloudWatchClient)
    .send(new DescribeAlarmsCommand({ AlarmNames: [change.alarmName], AlarmTypes: ["MetricAlarm"] }));
  const alarm = answer.MetricAlarms?.find((a) => a.AlarmName === change.alarmName);
  if (!alarm) return { post: false, why: `alarm ${change.alarmName} no longer exists in its account` };
  if (change.alarmArn && alarm.AlarmArn !== change.alarmArn)
    return { post: false, why: `alarm ${change.alarmName} is not the one that changed (${change.alarmArn})` };
  if (alarm.ActionsEnabled === false)
    return { post: false, why: `alarm ${change.alarmName} has its actions disabled (silenced)` };
  const actions =
    change.state === "ALARM"
      ? alarm.AlarmActions
      : change.state === "OK"
        ? alarm.OKActions
        : alarm.InsufficientDataActions;
  if (!actions || actions.length === 0)
    return { post: false, why: `alarm ${change.alarmName} notifies no one in ${change.state}` };
  return { post: true };
}
