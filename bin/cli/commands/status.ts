import type { Command } from "commander";
import { renderStatus, type OnCallStatus } from "../../../lib/actions/index.js";
import { unknownRegion } from "../../../lib/aws/region.js";
import { validateRegion } from "../../../lib/aws/target.js";
import type { Aws } from "../../../lib/aws/clients.js";
import type { WatchkeeperConfig } from "../../../lib/config/schema.js";
import {
  accountsToRead,
  listOrganizationAccounts,
  orgReaderRoleName,
  OrganizationsRefused,
  readOrganizationStatus,
  renderOrganizationStatus,
  type AccountsToRead,
  type OrgAccount,
} from "../../../lib/org/index.js";
import { cliActor, runCliAction } from "../actions.js";
import { localConfig } from "../config-source.js";
import { CommandFailed, UsageError } from "../errors.js";
import { colorsFor } from "../io.js";
import type { CommandContext } from "../main.js";
import { withProgress } from "../progress.js";
import { exitForHealth } from "../unread.js";
import { globalOptions, printJson } from "./shared.js";

interface StatusFlags {
  readonly org?: boolean;
  readonly accounts?: string;
  readonly regions?: string;
}

/** `watchkeeper status`: one screen for on-call; `--org`: one for every account and region of the organization. */
export function registerStatus(program: Command, context: CommandContext): void {
  program
    .command("status")
    .description(
      "one screen for on-call: alarms in ALARM, open breakers, DLQs with messages, running redrives, silences",
    )
    .option(
      "--org",
      "every account of the organization, read from its administrator account through the read-only role " +
        "<prefix>org-reader in each",
    )
    .option(
      "--accounts <ids>",
      "with --org: these accounts (12-digit ids, comma-separated) instead of those AWS Organizations lists",
    )
    .option(
      "--regions <regions>",
      "with --org: these regions (comma-separated; default: the config's organization.regions, else the " +
        "CLI's region)",
    )
    .action(async (flags: StatusFlags, command: Command) => {
      const c = colorsFor(context.io);
      const style = {
        heading: (t: string) => c.bold(t),
        bad: (t: string) => c.red(t),
        dim: (t: string) => c.dim(t),
      };
      if (flags.org) return organizationStatus(context, command, flags, style);
      if (flags.accounts !== undefined || flags.regions !== undefined)
        throw new UsageError(`${flags.accounts !== undefined ? "--accounts" : "--regions"} goes with --org`);
      await runCliAction(context, command, {
        input: { action: "status" },
        progress: "Reading the account",
        render: (result) => renderStatus(result.details as OnCallStatus, style).trimEnd(),
      });
    });
}

async function organizationStatus(
  context: CommandContext,
  command: Command,
  flags: StatusFlags,
  style: Parameters<typeof renderOrganizationStatus>[1],
): Promise<void> {
  const { io } = context;
  const options = globalOptions(command);
  const named = flags.accounts === undefined ? undefined : accountsFlag(flags.accounts);
  const regionsNamed = regionsFlag(flags.regions, options.endpoint !== undefined);
  const { config } = localConfig(options);
  const session = await context.openSession({ ...options, orgReaderRole: orgReaderRoleName(config.prefix) });
  const regions = regionsNamed ?? config.organization?.regions ?? session.regions ?? [session.aws.region];
  const { accounts, managementLeftOut } =
    named === undefined
      ? await withProgress(io, "Listing the organization's accounts", () =>
          organizationAccounts(session.aws, config),
        )
      : { accounts: named };
  const targets = accounts.length * regions.length;
  const status = await withProgress(io, `Reading ${targets} account-regions`, (report) =>
    readOrganizationStatus(session.aws, {
      accounts,
      regions,
      config,
      actor: cliActor(),
      sessionName: sessionName(cliActor()),
      ...(managementLeftOut ? { managementLeftOut } : {}),
      onProgress: (done, total) => report({ phase: "read", done, total }),
    }),
  );
  if (status.partial) exitForHealth(context, { status: "partial" });
  if (options.json) printJson(io, status);
  else io.out(renderOrganizationStatus(status, style));
}

/** The accounts AWS Organizations lists under the config's OUs (all of them without), as `status` reads them. */
async function organizationAccounts(aws: Aws, config: WatchkeeperConfig): Promise<AccountsToRead> {
  try {
    return accountsToRead(
      await listOrganizationAccounts(aws, config.organization?.organizationalUnits),
      config,
    );
  } catch (error) {
    if (!(error instanceof OrganizationsRefused)) throw error;
    throw new CommandFailed(
      `${error.message}. Run it with credentials of the organization's management account or of a ` +
        "delegated administrator (allowed organizations:DescribeOrganization, ListAccounts, " +
        "ListAccountsForParent and ListChildren), or name the accounts with --accounts",
    );
  }
}

/** The accounts `--accounts` names, read instead of those Organizations lists. */
function accountsFlag(value: string): OrgAccount[] {
  const ids = value.split(",").map((id) => id.trim());
  const bad = ids.filter((id) => !/^\d{12}$/.test(id));
  if (bad.length > 0 || ids.length === 0)
    throw new UsageError(
      `--accounts "${value}": ${bad.map((id) => (id ? `"${id}"` : "an empty id")).join(", ")} ` +
        `${bad.length === 1 ? "is not an account id" : "are not account ids"} (12 digits each, comma-separated)`,
    );
  return [...new Set(ids)].map((id) => ({ id }));
}

/** The regions `--regions` names, each checked as `--region` is; undefined: the CLI's own region. */
function regionsFlag(value: string | undefined, endpoint: boolean): string[] | undefined {
  if (value === undefined) return undefined;
  const regions = value.split(",").map((r) => r.trim());
  for (const region of regions) {
    try {
      validateRegion(region);
    } catch (error) {
      throw new UsageError(`--regions: ${error instanceof Error ? error.message : String(error)}`);
    }
    // An emulator may answer for any region; AWS itself has only the regions it lists.
    const unknown = unknownRegion(region);
    if (unknown !== undefined && !endpoint) throw new UsageError(`--regions: ${unknown}`);
  }
  return [...new Set(regions)];
}

/** The role session's name (CloudTrail shows it in each member): who ran it, in the characters STS allows. */
function sessionName(actor: string): string {
  const who = actor.replace(/^user:/, "").replace(/[^\w+=,.@-]/g, "_");
  return `watchkeeper-${who}`.slice(0, 64);
}
