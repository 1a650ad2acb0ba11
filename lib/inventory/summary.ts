/** The headline numbers of an inventory: what `watchkeeper inventory` prints before any detail. */
import { indexInventory } from "./query.js";
import { RESOURCE_KINDS, type DiscoveryWarning, type Inventory, type ResourceKind } from "./types.js";

export interface InventorySummary {
  readonly accountId: string;
  readonly region: string;
  readonly discoveredAt: string;
  readonly counts: Readonly<Record<ResourceKind, number>>;
  readonly eventSourceMappings: number;
  readonly deadLetterQueues: number;
  /** Queues that are not DLQs and have no redrive policy: a failing message is retried until it expires. */
  readonly queuesWithoutDlq: readonly string[];
  readonly logGroupsNeverExpiring: readonly string[];
  /** "not-read": a "reconcile" discovery did not read reserved concurrency (see `LambdaFunction.notRead`). */
  readonly functionsWithReservedConcurrency: number | "not-read";
  readonly warnings: readonly DiscoveryWarning[];
}

export function summarizeInventory(inventory: Inventory): InventorySummary {
  const index = indexInventory(inventory);
  const counts = Object.fromEntries(
    RESOURCE_KINDS.map((kind) => [kind, index.ofKind(kind).length]),
  ) as Record<ResourceKind, number>;
  const functions = index.ofKind("lambda-function");
  return {
    accountId: inventory.accountId,
    region: inventory.region,
    discoveredAt: inventory.discoveredAt,
    counts,
    eventSourceMappings: functions.reduce((sum, fn) => sum + fn.eventSources.length, 0),
    deadLetterQueues: index.dlqArns.size,
    queuesWithoutDlq: index
      .ofKind("sqs-queue")
      .filter((queue) => !queue.redrivePolicy && !index.isDlq(queue.arn))
      .map((queue) => queue.name),
    logGroupsNeverExpiring: index
      .ofKind("log-group")
      .filter((group) => group.retentionInDays === undefined)
      .map((group) => group.name),
    functionsWithReservedConcurrency: functions.some((fn) => fn.notRead?.includes("reserved-concurrency"))
      ? "not-read"
      : functions.filter((fn) => typeof fn.reservedConcurrency === "number").length,
    warnings: inventory.warnings,
  };
}
