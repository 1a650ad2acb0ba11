import { expect } from "vitest";
import { errorCode } from "../../lib/aws/index.js";

/** Awaits a call that must fail, and checks the error is shaped like the SDK's: name, fault, HTTP status. */
export async function expectAwsError(call: Promise<unknown>, name: string, status?: number): Promise<Error> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected ${name}, but the call succeeded`).toBeInstanceOf(Error);
  expect(errorCode(error)).toBe(name);
  const shaped = error as { $fault?: string; $metadata?: { httpStatusCode?: number } };
  expect(shaped.$fault).toBe("client");
  if (status !== undefined) expect(shaped.$metadata?.httpStatusCode).toBe(status);
  return error as Error;
}

/** Follows a list API's token to the end, returning every page's items and how many pages it took. */
export async function collectPages<Page, Item>(
  fetchPage: (token: string | undefined) => Promise<Page>,
  itemsOf: (page: Page) => readonly Item[] | undefined,
  nextOf: (page: Page) => string | undefined,
): Promise<{ items: Item[]; pages: number }> {
  const items: Item[] = [];
  let pages = 0;
  let token: string | undefined;
  do {
    const page = await fetchPage(token);
    pages += 1;
    items.push(...(itemsOf(page) ?? []));
    token = nextOf(page) || undefined;
    if (pages > 10_000) throw new Error("pagination does not end");
  } while (token !== undefined);
  return { items, pages };
}

/** Asserts a list has no duplicates and returns it as a set. */
export function uniqueSet<T>(items: readonly T[]): Set<T> {
  const set = new Set(items);
  expect(set.size, "an item came back twice").toBe(items.length);
  return set;
}
