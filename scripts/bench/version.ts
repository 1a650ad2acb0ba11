/** Which code a bench ran: the commit, and whether `path` differs from it (uncommitted changes). */
import { spawnSync } from "node:child_process";

export function codeVersion(path: string): string {
  const git = (...gitArgs: string[]) => spawnSync("git", gitArgs, { encoding: "utf8" });
  const head = git("rev-parse", "--short", "HEAD");
  if (head.status !== 0) return "unknown";
  const changed = git("status", "--porcelain", "--", path).stdout.trim() !== "";
  return `${head.stdout.trim()}${changed ? ` with uncommitted ${path} changes` : ""}`;
}
