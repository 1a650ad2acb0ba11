export {
  canonicalJson,
  countChanges,
  diffFields,
  held,
  isWrite,
  sameJson,
  type Change,
  type ChangeAction,
  type ChangeCounts,
  type FieldDiff,
} from "./change.js";
