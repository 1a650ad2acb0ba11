export { MANAGED_TAG, TAG_NAMESPACE, TAGS, isCritical, isIgnored, isManaged, tagsUnder } from "./tags.js";
