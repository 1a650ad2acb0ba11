/** Pure look-ups over one inventory snapshot, built once so plans ask questions without rescanning it. */
import { serviceOfArn, tableArnOfStream } from "./arn.js";
import type { Inventory, Relation, RelationType, Resource, ResourceKind, ResourceOfKind } from "./types.js";

/** Relations through which a queue receives what its source failed to process. */
export const FAILURE_RELATIONS: readonly RelationType[] = [
  "dead-letter-queue",
  "async-dlq",
  "on-failure-destination",
  "target-dlq",
  "subscription-dlq",
];

export interface InventoryIndex {
  readonly inventory: Inventory;
  byArn(arn: string): Resource | undefined;
  ofKind<K extends ResourceKind>(kind: K): readonly ResourceOfKind<K>[];
  /** Relations leaving `arn`, optionally of one type. */
  relationsFrom(arn: string, type?: RelationType): readonly Relation[];
  /** Relations arriving at `arn`, optionally of one type. */
  relationsTo(arn: string, type?: RelationType): readonly Relation[];
  /** SQS queues that are some queue's, function's, rule target's or subscription's DLQ or on-failure destination. */
  readonly dlqArns: ReadonlySet<string>;
  isDlq(arn: string): boolean;
  /**
   * What sends failures to the queue `arn`, one relation per source: `dead-letter-queue` from a queue
   * (redrive with StartMessageMoveTask), `async-dlq` or `on-failure-destination` from a function (redrive
   * by re-invoking it), `target-dlq` from a rule, `subscription-dlq` from a topic.
   */
  sourcesOfDlq(arn: string): readonly Relation[];
  /** Functions that consume `arn` through an event source mapping; a table and its stream ARNs both work. */
  consumersOf(arn: string): readonly ResourceOfKind<"lambda-function">[];
}

/** Indexes by snapshot: the plans of one run (alarms, findings, dashboards) share one. */
const indexes = new WeakMap<Inventory, InventoryIndex>();

/** The snapshot's index, built once per snapshot (a snapshot is never changed after discovery). */
export function indexInventory(inventory: Inventory): InventoryIndex {
  let index = indexes.get(inventory);
  if (!index) {
    index = buildIndex(inventory);
    indexes.set(inventory, index);
  }
  return index;
}

function buildIndex(inventory: Inventory): InventoryIndex {
  const byArn = new Map<string, Resource>();
  for (const resource of inventory.resources) byArn.set(resource.arn, resource);
  const byKind = groupBy(inventory.resources, (r) => r.kind);
  const to = groupBy(inventory.relations, (r) => r.to);
  // Few plans ask what leaves a resource: that map is built on the first question.
  let from: Map<string, Relation[]> | undefined;
  const dlqArns = new Set(
    inventory.relations
      .filter((r) => FAILURE_RELATIONS.includes(r.type) && serviceOfArn(r.to) === "sqs")
      .map((r) => r.to),
  );
  const ofType = (relations: readonly Relation[] | undefined, type?: RelationType) =>
    (relations ?? []).filter((r) => type === undefined || r.type === type);

  return {
    inventory,
    byArn: (arn) => byArn.get(arn),
    ofKind: <K extends ResourceKind>(kind: K) => (byKind.get(kind) ?? []) as ResourceOfKind<K>[],
    relationsFrom: (arn, type) =>
      ofType((from ??= groupBy(inventory.relations, (r) => r.from)).get(arn), type),
    relationsTo: (arn, type) => ofType(to.get(arn), type),
    dlqArns,
    isDlq: (arn) => dlqArns.has(arn),
    sourcesOfDlq: (arn) =>
      dlqArns.has(arn) ? (to.get(arn) ?? []).filter((r) => FAILURE_RELATIONS.includes(r.type)) : [],
    consumersOf: (arn) =>
      ofType(to.get(tableArnOfStream(arn)), "event-source").flatMap((r) => {
        const fn = byArn.get(r.from);
        return fn?.kind === "lambda-function" ? [fn] : [];
      }),
  };
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
