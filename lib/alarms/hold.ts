/**
 * Alarm changes the run could not see enough to make. A plan built on a snapshot with gaps (see
 * `readGaps`) keeps only the changes whose inputs were read completely; the rest become noops that say
 * what could not be read. Without the list of Watchkeeper's own alarms nothing is changed at all: a
 * create would overwrite an alarm it could not see (a silenced one, or one it does not own).
 */
import { describeFailure, readGaps, type ReadGaps } from "../inventory/gaps.js";
import type { Inventory, Resource, ResourceKind } from "../inventory/types.js";
import { held } from "../plan/change.js";
import type { CatalogEntry } from "./catalog/types.js";
import type { AlarmChange } from "./plan.js";

/** Tag keys on Watchkeeper's alarms that say what an existing alarm watches (see ALARM_TAGS). */
const ENTRY_TAG = "watchkeeper:alarm";
const RESOURCE_TAG = "watchkeeper:resource";
/** The circuit breaker's trip alarms are `breaker-<signal>` entries on functions. */
const BREAKER_ENTRY = "breaker-";

export function holdUnseen(
  changes: readonly AlarmChange[],
  inventory: Inventory,
  catalog: readonly CatalogEntry[],
  /** Why Watchkeeper's existing alarms could not be read, when they could not. */
  ownedUnread?: string,
): AlarmChange[] {
  if (ownedUnread !== undefined) {
    return changes.map((change) => held(change, `Watchkeeper's alarms could not be read (${ownedUnread})`));
  }
  const gaps = readGaps(inventory);
  if (gaps.complete) return [...changes];
  const kindOfEntry = new Map(catalog.map((entry) => [entry.id, entry.resourceKind]));
  const byArn = new Map(inventory.resources.map((resource) => [resource.arn, resource]));
  return changes.map((change) => {
    if (change.action === "noop") return change;
    const entryId = change.desired?.origin.entryId ?? change.actual?.tags[ENTRY_TAG];
    const kind: ResourceKind | undefined =
      entryId === undefined
        ? undefined
        : entryId.startsWith(BREAKER_ENTRY)
          ? "lambda-function"
          : kindOfEntry.get(entryId);
    const resourceArn = change.desired?.origin.resourceArn ?? change.actual?.tags[RESOURCE_TAG];
    const failure = unseen(
      gaps,
      kind,
      resourceArn === undefined ? undefined : byArn.get(resourceArn),
      resourceArn,
    );
    return failure === undefined ? change : held(change, failure);
  });
}

/** What keeps the change from being made, if anything. */
function unseen(
  gaps: ReadGaps,
  kind: ResourceKind | undefined,
  resource: Resource | undefined,
  resourceArn: string | undefined,
): string | undefined {
  // An alarm whose kind cannot be told could be anyone's: any failure holds it.
  if (kind === undefined) return describeFailure(gaps.failures[0]!);
  // A resource's own alarm follows what is known of the resource (or, when it is gone, of its kind);
  // an aggregate covers every resource of its kind, so any gap in the kind holds it.
  const failure =
    resourceArn === undefined ? gaps.whole(kind) : resource ? gaps.why(kind, resource) : gaps.why(kind);
  return failure && describeFailure(failure);
}
