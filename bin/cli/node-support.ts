/**
 * The Node versions the CLI supports: 22 and 24 (the maintained LTS lines; CI runs the CLI tests on both,
 * scripts/node-versions.mjs). Node 20 ended in April 2026 but still runs it until the AWS SDK's releases
 * need Node 22 (January 2027), so package.json's engines still admit 20.19 and the CLI says so.
 */
export const SUPPORTED_NODE_MAJORS = [22, 24] as const;

/** One line for stderr when `version` (process.versions.node) is out of support; undefined otherwise. */
export function nodeSupportWarning(version: string): string | undefined {
  const major = Number(version.split(".")[0]);
  if (major >= SUPPORTED_NODE_MAJORS[0]) return undefined;
  const use = `use Node ${SUPPORTED_NODE_MAJORS.join(" or ")}`;
  if (major === 20)
    return `watchkeeper: Node ${version} is out of support since April 2026 and the AWS SDK needs Node 22 from January 2027; ${use}\n`;
  return `watchkeeper: Node ${version} is not supported; ${use}\n`;
}
