export {
  canonicalJson,
  countChanges,
  diffFields,
  isWrite,
  type Change,
  type ChangeAction,
  type ChangeCounts,
  type FieldDiff,
} from "./change.js";
