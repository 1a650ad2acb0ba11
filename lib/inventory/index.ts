/** Inventory: the normalized snapshot of an account and region that every plan reads. */
export * from "./types.js";
export {
  readGaps,
  describeFailure,
  describeGaps,
  describeUnsupported,
  SHAPED_BY,
  type ReadGaps,
  type KindPart,
} from "./gaps.js";
export { discoverInventory, type DiscoverOptions } from "./discover.js";
export type { DiscoveryDetail, DiscoveryProgress } from "./context.js";
export { deriveRelations } from "./relations.js";
export { indexInventory, FAILURE_RELATIONS, type InventoryIndex } from "./query.js";
export { TAG_RESOURCE_TYPES } from "./tags.js";
export {
  functionQualifier,
  logGroupArn,
  normalizeLogGroupArn,
  restApiArn,
  serviceOfArn,
  tableArnOfStream,
  unqualifiedFunctionArn,
  v2ApiArn,
} from "./arn.js";
export { summarizeInventory, type InventorySummary } from "./summary.js";
