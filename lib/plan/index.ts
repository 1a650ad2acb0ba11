export {
  canonicalJson,
  countChanges,
  diffFields,
  isWrite,
  sameJson,
  type Change,
  type ChangeAction,
  type ChangeCounts,
  type FieldDiff,
} from "./change.js";
