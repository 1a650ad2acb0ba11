/**
 * Why the plan deletes a managed alarm, in the plan's words. Pure: read from the alarm's own tags
 * (`watchkeeper:resource`, `watchkeeper:alarm`) against the inventory and the policy, so a person sees
 * the one cause ("its resource is gone") instead of every possible one.
 */
import { KIND_LABELS, type Inventory, type Resource } from "../inventory/types.js";
import { TAGS, isIgnored } from "../policy/tags.js";
import type { CatalogEntry } from "./catalog/types.js";
import { isEntryEnabled, type AlarmPolicy } from "./policy.js";
import type { ExistingAlarm } from "./spec.js";

/** The tag keys read here; the same as the plan's ALARM_TAGS (not imported: plan.ts imports this module). */
const ENTRY_TAG = "watchkeeper:alarm";
const RESOURCE_TAG = "watchkeeper:resource";

/** A reason-giver for the alarms one plan deletes; it indexes the inventory once, on first use. */
export function deleteReasons(
  inventory: Inventory,
  policy: AlarmPolicy,
  catalog: readonly CatalogEntry[],
): (alarm: ExistingAlarm) => string {
  let byArn: Map<string, Resource> | undefined;
  const resourceOf = (arn: string) => {
    byArn ??= new Map(inventory.resources.map((resource) => [resource.arn, resource]));
    return byArn.get(arn);
  };
  return (alarm) => {
    const entryId = alarm.tags[ENTRY_TAG];
    const arn = alarm.tags[RESOURCE_TAG];
    const entry = entryId === undefined ? undefined : catalog.find((e) => e.id === entryId);
    if (arn !== undefined) {
      const resource = resourceOf(arn);
      if (!resource) return `its resource is gone from the account (${arn})`;
      if (isIgnored(resource.tags)) return `${resource.name} is now tagged ${TAGS.ignore}`;
    }
    if (entryId !== undefined && !entry)
      return `the capability that wanted it (${capability(entryId)}) no longer does`;
    if (entry && !isEntryEnabled(entry, policy)) return turnedOff(entry, policy);
    if (arn !== undefined) {
      return `${resourceOf(arn)!.name} no longer needs its own alarm: it is not critical or tagged for one, and its threshold is now the aggregate's, whose alarm covers it`;
    }
    if (entry) {
      const left = inventory.resources.some((resource) => resource.kind === entry.resourceKind);
      return left
        ? `the catalog no longer plans ${entry.id}'s aggregate alarm under this name`
        : `no ${KIND_LABELS[entry.resourceKind]} is left in the account`;
    }
    return "no longer needed: its tags name neither a resource nor a capability that still wants it";
  };
}

/** `breaker-error-rate` → `breaker`: the capability is the entry id's first word. */
function capability(entryId: string): string {
  return entryId.split("-")[0] || entryId;
}

function turnedOff(entry: CatalogEntry, policy: AlarmPolicy): string {
  return policy.disabled.includes(entry.id)
    ? `${entry.id} is turned off in the config (alarms.disabled)`
    : `${entry.id} is off by default and no longer in the config's alarms.enabled`;
}
