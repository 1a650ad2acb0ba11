import { STSClient } from "@aws-sdk/client-sts";
import { partition } from "@aws-sdk/core/client";

/**
 * The region the SDK would pick without one given (AWS_REGION, then the profile's config), or
 * undefined. Kept apart from clients.ts so only the CLI bundles it.
 */
export async function defaultRegion(profile?: string): Promise<string | undefined> {
  const client = new STSClient(profile ? { profile } : {});
  try {
    return await client.config.region();
  } catch {
    return undefined;
  } finally {
    client.destroy();
  }
}

/** Geographies of the partitions' region names, to look for the known regions near a mistyped one. */
const GEOGRAPHIES = ["af", "ap", "ca", "cn", "eu", "il", "me", "mx", "sa", "us", "us-gov"];
const DIRECTIONS = [
  "central",
  "east",
  "north",
  "south",
  "west",
  "northeast",
  "northwest",
  "southeast",
  "southwest",
];

/** The SDK's partitions list every region by name with a description; their patterns also match unknown names. */
export function isKnownRegion(region: string): boolean {
  return "description" in partition(region);
}

/**
 * Known regions closest in spelling to `region`. The SDK answers only "which partition is this name in",
 * so the names are found by asking it about every geography-direction-number combination.
 */
export function closestRegions(region: string, count = 3): string[] {
  const geography = region.split("-").slice(0, -2).join("-");
  const known = new Set<string>();
  for (const geo of new Set([geography, ...GEOGRAPHIES]))
    for (const direction of DIRECTIONS)
      for (let n = 1; n <= 9; n++) {
        const candidate = `${geo}-${direction}-${n}`;
        if (isKnownRegion(candidate)) known.add(candidate);
      }
  return [...known]
    .map((name) => ({ name, distance: editDistance(region, name) }))
    .sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name))
    .slice(0, count)
    .map(({ name }) => name);
}

/** Why `region` is not one to call, naming the closest known ones; undefined when it is known. */
export function unknownRegion(region: string): string | undefined {
  if (isKnownRegion(region)) return undefined;
  return `region ${region} is not an AWS region this version knows (closest: ${closestRegions(region).join(", ")})`;
}

/** Levenshtein distance: the fewest single-character edits from `a` to `b`. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        previous[j]! + 1,
        row[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = row;
  }
  return previous[b.length]!;
}
