import type { Validator } from "./validate.js";

/** Tags as every simulated resource holds them; each service converts to its own wire shape. */
export type Tags = Record<string, string>;

/** Most services' limit; CloudWatch Logs and a few others allow more. */
export const MAX_TAGS = 50;

export function tagList(tags: Tags): { Key: string; Value: string }[] {
  return Object.keys(tags)
    .sort()
    .map((Key) => ({ Key, Value: tags[Key]! }));
}

export function tagsFromList(
  list: readonly { Key?: string; Value?: string }[] | undefined,
  check: Validator,
): Tags {
  const tags: Tags = {};
  for (const [i, tag] of (list ?? []).entries()) {
    tags[check.required(tag.Key, `tags.${i + 1}.member.key`)] = tag.Value ?? "";
  }
  return tags;
}

export function hasTags(tags: Tags): boolean {
  for (const _ in tags) return true;
  return false;
}

/** Validates and applies tags the way AWS does: keys 1–128 characters, values ≤ 256, no `aws:` prefix, a count limit. */
export function applyTags(target: Tags, tags: Tags, check: Validator, maxTags = MAX_TAGS): void {
  for (const [key, value] of Object.entries(tags)) {
    check.length(key, "tags.key", 1, 128);
    check.length(value, "tags.value", 0, 256);
    if (key.toLowerCase().startsWith("aws:")) check.fail(`tag key "${key}" uses the reserved prefix "aws:"`);
  }
  const merged = { ...target, ...tags };
  if (Object.keys(merged).length > maxTags) {
    check.fail(
      `a resource can have at most ${maxTags} tags; this request would leave ${Object.keys(merged).length}`,
    );
  }
  Object.assign(target, tags);
}

export function removeTags(target: Tags, keys: readonly string[] | undefined): void {
  for (const key of keys ?? []) delete target[key];
}
