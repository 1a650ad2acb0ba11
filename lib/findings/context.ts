/**
 * The inventory index the checks share: lib/inventory's, plus the two look-ups findings need on top of
 * it, resolving ARNs that name a resource indirectly (a function alias, a table's stream, a Kinesis
 * consumer) and relations that arrive at a function through any of its qualifiers.
 */
import {
  indexInventory,
  serviceOfArn,
  tableArnOfStream,
  unqualifiedFunctionArn,
} from "../inventory/index.js";
import type { InventoryIndex } from "../inventory/index.js";
import type { Inventory, Relation, RelationType, Resource } from "../inventory/types.js";

export interface FindingsIndex extends InventoryIndex {
  /** The inventoried resource an ARN points at, also through a qualifier, a stream or a consumer ARN. */
  resource(arn: string): Resource | undefined;
  /** Relations of `type` whose target is the function `functionArn`, qualified or not. */
  relationsToFunction(functionArn: string, type: RelationType): readonly Relation[];
}

/** The ARN an inventoried resource is keyed by. */
export function canonicalArn(arn: string): string {
  const kinesisConsumer = serviceOfArn(arn) === "kinesis" ? arn.indexOf("/consumer/") : -1;
  if (kinesisConsumer > 0) return arn.slice(0, kinesisConsumer);
  return tableArnOfStream(unqualifiedFunctionArn(arn));
}

export function findingsIndex(inventory: Inventory): FindingsIndex {
  const index = indexInventory(inventory);
  // By type, then by unqualified function ARN: no key strings to build for 10,000s of relations.
  const toFunction = new Map<RelationType, Map<string, Relation[]>>();
  for (const relation of inventory.relations) {
    if (serviceOfArn(relation.to) !== "lambda") continue;
    let byFunction = toFunction.get(relation.type);
    if (!byFunction) toFunction.set(relation.type, (byFunction = new Map()));
    const arn = unqualifiedFunctionArn(relation.to);
    const list = byFunction.get(arn);
    if (list) list.push(relation);
    else byFunction.set(arn, [relation]);
  }
  return {
    ...index,
    resource: (arn) => index.byArn(arn) ?? index.byArn(canonicalArn(arn)),
    relationsToFunction: (functionArn, type) => toFunction.get(type)?.get(functionArn) ?? [],
  };
}

/** The name to show for an ARN: the inventoried resource's name, else the ARN's own last segment. */
export function displayName(index: FindingsIndex, arn: string): string {
  const resource = index.resource(arn);
  if (resource) return resource.name;
  const parts = arn.split(":");
  if (parts.length < 6) return arn;
  // arn:aws:lambda:r:a:function:name[:qualifier] names the function in the 7th field.
  if (parts[2] === "lambda" && parts[5] === "function" && parts[6]) return parts[6];
  return parts.slice(5).join(":").split("/").pop() || arn;
}
