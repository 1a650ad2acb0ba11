/**
 * The I/O edge: read the dashboards under the base name, and carry out a dashboard plan with
 * PutDashboard (only for create and update) and DeleteDashboards, through the sequenced apply.
 */
import {
  CloudWatchClient,
  DeleteDashboardsCommand,
  GetDashboardCommand,
  PutDashboardCommand,
  paginateListDashboards,
  type DashboardValidationMessage,
} from "@aws-sdk/client-cloudwatch";
import { applyOperations, type ApplyOptions, type ApplyReport, type Operation } from "../lib/apply/apply.js";
import type { Aws } from "../lib/aws/clients.js";
import { errorCode, isNotFound } from "../lib/aws/errors.js";
import type { Inventory } from "../lib/inventory/types.js";
import { isWrite } from "../lib/plan/change.js";
import {
  dashboardBaseName,
  DEFAULT_DASHBOARD_PREFIX,
  generateDashboards,
  type DashboardOptions,
} from "./generate.js";
import { planDashboards, type DashboardChange, type ExistingDashboard } from "./plan.js";
import { isPartName } from "./split.js";

/** DeleteDashboards takes a list of names; batches stay small so one failure names few dashboards. */
export const DELETE_BATCH = 100;

function isDashboardGone(error: unknown): boolean {
  return isNotFound(error) || ["ResourceNotFound", "DashboardNotFoundError"].includes(errorCode(error));
}

/**
 * Dashboards named `<base>` or `<base>-N`, with their bodies: one ListDashboards (by prefix, paged)
 * and one GetDashboard per such name. A dashboard deleted in between is skipped.
 */
export async function readDashboards(aws: Aws, base: string): Promise<ExistingDashboard[]> {
  const cloudwatch = aws.client(CloudWatchClient);
  const names: string[] = [];
  for await (const page of paginateListDashboards({ client: cloudwatch }, { DashboardNamePrefix: base })) {
    for (const entry of page.DashboardEntries ?? []) {
      if (entry.DashboardName && isPartName(base, entry.DashboardName)) names.push(entry.DashboardName);
    }
  }
  const existing: ExistingDashboard[] = [];
  for (const name of [...new Set(names)].sort()) {
    try {
      const out = await cloudwatch.send(new GetDashboardCommand({ DashboardName: name }));
      existing.push({ name, body: out.DashboardBody ?? "" });
    } catch (error) {
      if (!isDashboardGone(error)) throw error;
    }
  }
  return existing;
}

export interface DashboardValidationReport {
  readonly dashboard: string;
  readonly messages: readonly DashboardValidationMessage[];
}

export interface DashboardApplyOptions extends ApplyOptions {
  /** PutDashboard accepted the body but warned that parts of it may not render. */
  readonly onValidationMessages?: (report: DashboardValidationReport) => void;
}

/** One PutDashboard per create or update, DeleteDashboards in batches; noops make no call. */
export function dashboardOperations(
  aws: Aws,
  changes: readonly DashboardChange[],
  options: Pick<DashboardApplyOptions, "onValidationMessages"> = {},
): Operation<DashboardChange>[] {
  const cloudwatch = () => aws.client(CloudWatchClient);
  const operations: Operation<DashboardChange>[] = [];
  for (const change of changes.filter(isWrite)) {
    if (change.action === "delete") continue;
    const spec = change.desired;
    if (!spec) throw new Error(`dashboard change ${change.action} ${change.target} has no desired body`);
    operations.push({
      changes: [change],
      async run() {
        const out = await cloudwatch().send(
          new PutDashboardCommand({ DashboardName: spec.name, DashboardBody: spec.body }),
        );
        const messages = out.DashboardValidationMessages ?? [];
        if (messages.length > 0) options.onValidationMessages?.({ dashboard: spec.name, messages });
      },
    });
  }
  const deletes = changes.filter((c) => c.action === "delete");
  for (let i = 0; i < deletes.length; i += DELETE_BATCH) {
    const batch = deletes.slice(i, i + DELETE_BATCH);
    operations.push({
      changes: batch,
      async run() {
        await cloudwatch().send(new DeleteDashboardsCommand({ DashboardNames: batch.map((c) => c.target) }));
      },
    });
  }
  return operations;
}

export function applyDashboards(
  aws: Aws,
  changes: readonly DashboardChange[],
  options: DashboardApplyOptions,
): Promise<ApplyReport<DashboardChange>> {
  return applyOperations(dashboardOperations(aws, changes, options), options);
}

export interface DashboardPlan {
  readonly base: string;
  readonly changes: readonly DashboardChange[];
}

/** Generate, read what exists, and plan: what `watchkeeper plan` shows for dashboards. */
export async function planAccountDashboards(
  aws: Aws,
  inventory: Inventory,
  options: DashboardOptions & {
    /** What `readDashboards` returned for this base name, when the caller read it already. */
    readonly existing?: readonly ExistingDashboard[];
  } = {},
): Promise<DashboardPlan> {
  if (inventory.region !== aws.region) {
    throw new Error(
      `the inventory is of ${inventory.region} but the AWS client targets ${aws.region}: plan dashboards with a client for the inventory's region`,
    );
  }
  const base = dashboardBaseName(options.prefix ?? DEFAULT_DASHBOARD_PREFIX, inventory.region);
  const { existing: read, ...generateOptions } = options;
  const desired = generateDashboards(inventory, generateOptions);
  const existing = read ?? (await readDashboards(aws, base));
  return { base, changes: planDashboards(base, desired, existing) };
}
