/**
 * `<prefix>org-reader`: the role each member stack creates (lib/infra/org-reader.ts) and `status --org`
 * assumes in every account. One name, here, so the two cannot drift apart.
 */
export function orgReaderRoleName(prefix: string): string {
  return `${prefix}org-reader`;
}
