/**
 * Pages through a list call that has no SDK paginator (the SDK's own `paginateX` are used where they
 * exist). Stops when the token is empty or repeats, so a misbehaving endpoint cannot loop forever.
 */
export async function* paginate<Page>(
  fetchPage: (token: string | undefined) => Promise<Page>,
  nextToken: (page: Page) => string | undefined,
): AsyncGenerator<Page> {
  const seen = new Set<string>();
  let token: string | undefined;
  do {
    const page = await fetchPage(token);
    yield page;
    token = nextToken(page) || undefined;
    if (token !== undefined) {
      if (seen.has(token)) return;
      seen.add(token);
    }
  } while (token !== undefined);
}
