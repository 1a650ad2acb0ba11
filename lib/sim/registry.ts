/** Resources of one kind, by key, with the ordered paging every list API of the simulator shares. */

export interface PageOptions<T> {
  /** Start after this key (decoded from the caller's token). */
  readonly after?: string;
  readonly limit: number;
  /** Only keys that start with this (a name-prefix filter, answered by seeking, not scanning). */
  readonly prefix?: string;
  readonly where?: (item: T) => boolean;
}

export interface Page<T> {
  readonly items: T[];
  /** Key of the last item returned, when more items follow: what the next token encodes. */
  readonly nextAfter?: string;
}

export class Registry<T> {
  private readonly items = new Map<string, T>();
  private sortedKeys: string[] | undefined;
  /** Changes whenever an item is added or removed, so views over several registries know when to rebuild. */
  version = 0;

  get size(): number {
    return this.items.size;
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  has(key: string): boolean {
    return this.items.has(key);
  }

  set(key: string, item: T): T {
    if (!this.items.has(key)) {
      this.sortedKeys = undefined;
      this.version++;
    }
    this.items.set(key, item);
    return item;
  }

  delete(key: string): boolean {
    const deleted = this.items.delete(key);
    if (deleted) {
      this.sortedKeys = undefined;
      this.version++;
    }
    return deleted;
  }

  values(): IterableIterator<T> {
    return this.items.values();
  }

  /** Keys in code-unit order (what AWS list APIs page in); cached until the membership changes. */
  keys(): readonly string[] {
    this.sortedKeys ??= [...this.items.keys()].sort(compareKeys);
    return this.sortedKeys;
  }

  /** Items in key order. */
  sorted(): T[] {
    return this.keys().map((key) => this.items.get(key)!);
  }

  page(options: PageOptions<T>): Page<T> {
    return pageSorted(this.keys(), (key) => this.items.get(key)!, options);
  }
}

export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One page of `keys` (sorted by `compareKeys`) after `options.after`, seeking to the prefix. */
export function pageSorted<T>(
  keys: readonly string[],
  itemOf: (key: string) => T,
  options: PageOptions<T>,
): Page<T> {
  const { after, limit, prefix, where } = options;
  let start = 0;
  if (prefix) start = lowerBound(keys, prefix, false);
  if (after !== undefined) start = Math.max(start, lowerBound(keys, after, true));
  const items: T[] = [];
  let lastKey: string | undefined;
  for (let i = start; i < keys.length; i++) {
    const key = keys[i]!;
    if (prefix && !key.startsWith(prefix)) break;
    const item = itemOf(key);
    if (where && !where(item)) continue;
    if (items.length === limit) return { items, nextAfter: lastKey };
    items.push(item);
    lastKey = key;
  }
  return { items };
}

/** Index of the first key ≥ target (or > target when `strict`). */
function lowerBound(keys: readonly string[], target: string, strict: boolean): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const cmp = compareKeys(keys[mid]!, target);
    if (cmp < 0 || (strict && cmp === 0)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Opaque pagination tokens: the key to continue after, so a page boundary survives inserts and deletes. */
export const pageToken = {
  encode(after: string): string {
    return Buffer.from(JSON.stringify({ sim: 1, after })).toString("base64url");
  },
  /** The key a token continues after, or undefined when it is not a token this simulator issued. */
  decode(token: string): string | undefined {
    try {
      const value: unknown = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
      if (
        typeof value === "object" &&
        value !== null &&
        "after" in value &&
        typeof value.after === "string"
      ) {
        return value.after;
      }
    } catch {
      // not ours: fall through
    }
    return undefined;
  },
};
