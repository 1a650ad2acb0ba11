/**
 * A rough monthly storage saving for retention changes, from each group's `storedBytes`.
 * Rough on purpose: storage is billed on archived (compressed) bytes at a regional price, and the
 * age spread of a group's events is unknown, so the estimate assumes events spread evenly over the
 * current retention window. For a group that never expired, the window is unknown: everything it
 * holds older than the new retention may go, so the figure is an upper bound ("up to").
 */
import type { Change } from "../plan/change.js";
import { plural } from "../plural.js";
import type { RetentionTarget } from "./plan.js";
import { storagePrice, type StoragePrice } from "./prices.js";

const GB = 1024 ** 3;

export interface GroupSaving {
  readonly logGroup: string;
  readonly storedBytes: number;
  /** Absent: the group never expired. */
  readonly fromDays?: number;
  readonly toDays: number;
  /** Bytes the new retention is expected to let CloudWatch delete. */
  readonly removedBytes: number;
  readonly monthlyUsd: number;
  /** `window`: spread over the old retention; `upper-bound`: the group never expired. */
  readonly basis: "window" | "upper-bound";
}

export interface SavingEstimate {
  /** Groups whose retention gets shorter and whose stored bytes are known, largest saving first. */
  readonly groups: readonly GroupSaving[];
  readonly removedBytes: number;
  readonly monthlyUsd: number;
  /** True when any group's figure is an upper bound, so the total reads "up to". */
  readonly upperBound: boolean;
  /** Shortening writes whose stored bytes are unknown (not in the estimate). */
  readonly unknownGroups: number;
  /** The regional storage price the figures use (us-east-1's when the region's is not known). */
  readonly price: StoragePrice;
}

type SavingInput = Change<RetentionTarget> & { readonly storedBytes?: number };

export function estimateRetentionSaving(
  changes: readonly SavingInput[],
  price: StoragePrice = storagePrice(undefined),
): SavingEstimate {
  const { usdPerGbMonth } = price;
  const groups: GroupSaving[] = [];
  let unknownGroups = 0;
  for (const change of changes) {
    const to = change.desired?.retentionInDays;
    const from = change.actual?.retentionInDays;
    if (change.action === "noop" || to === undefined) continue;
    if (from !== undefined && from <= to) continue;
    if (change.storedBytes === undefined) {
      unknownGroups += 1;
      continue;
    }
    const removedBytes = Math.round(
      from === undefined ? change.storedBytes : change.storedBytes * (1 - to / from),
    );
    groups.push({
      logGroup: change.target,
      storedBytes: change.storedBytes,
      ...(from !== undefined ? { fromDays: from } : {}),
      toDays: to,
      removedBytes,
      monthlyUsd: (removedBytes / GB) * usdPerGbMonth,
      basis: from === undefined ? "upper-bound" : "window",
    });
  }
  groups.sort((a, b) => b.removedBytes - a.removedBytes || (a.logGroup < b.logGroup ? -1 : 1));
  const removedBytes = groups.reduce((sum, g) => sum + g.removedBytes, 0);
  return {
    groups,
    removedBytes,
    monthlyUsd: (removedBytes / GB) * usdPerGbMonth,
    upperBound: groups.some((g) => g.basis === "upper-bound"),
    unknownGroups,
    price,
  };
}

/** A size for people: a small saving in MB rather than "0.0 GB". */
function size(bytes: number): string {
  return bytes >= GB / 10 ? `${(bytes / GB).toFixed(1)} GB` : `${(bytes / 1024 ** 2).toFixed(1)} MB`;
}

/** Dollars for people: never "$0.00" for a saving that is not zero. */
function dollars(usd: number): string {
  return usd > 0 && usd < 0.005 ? "< $0.01" : `$${usd.toFixed(2)}`;
}

/** "up to $1.23/month (41.0 GB at $0.03/GB-month, eu-west-1 price, approximate)" */
export function describeSaving(estimate: SavingEstimate): string {
  if (estimate.groups.length === 0) return "no storage saving estimated";
  const { price } = estimate;
  const usd = `${dollars(estimate.monthlyUsd)}/month`;
  const basis =
    price.region === price.forRegion
      ? `${price.region} price, approximate`
      : `approximate: ${price.region} price, none known for ${price.forRegion}`;
  const unknown =
    estimate.unknownGroups > 0
      ? `; ${plural(estimate.unknownGroups, "group")} with unknown size not counted`
      : "";
  return `${estimate.upperBound ? "up to " : "about "}${usd} (${size(estimate.removedBytes)} at $${price.usdPerGbMonth}/GB-month, ${basis}${unknown})`;
}
