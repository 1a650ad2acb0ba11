/**
 * CloudWatch Logs storage (archived, Standard log class) in USD per GB-month, by region: the "Store
 * (Archival)" line of https://aws.amazon.com/cloudwatch/pricing/ (Logs tab). AWS's page could not be
 * read from here: us-east-1 and ap-northeast-1 were checked against secondary sources (2026-12); the
 * others are the commonly published values and want checking against AWS's page. Regions not listed
 * use us-east-1's price, and the estimate says so.
 */
const STORAGE_USD_PER_GB_MONTH: Readonly<Record<string, number>> = {
  "us-east-1": 0.03,
  "us-east-2": 0.03,
  "us-west-2": 0.03,
  "eu-west-1": 0.03,
  "eu-central-1": 0.0324,
  "ap-northeast-1": 0.033,
};

export const FALLBACK_PRICE_REGION = "us-east-1";

export interface StoragePrice {
  readonly usdPerGbMonth: number;
  /** The region the price is for: the one asked, or us-east-1 when that one is not in the table. */
  readonly region: string;
  /** The region the estimate is for; differs from `region` when the fallback was used. */
  readonly forRegion: string;
}

/** The storage price of `region`, or us-east-1's when the table does not list it (or no region is known). */
export function storagePrice(region: string | undefined): StoragePrice {
  const known = region === undefined ? undefined : STORAGE_USD_PER_GB_MONTH[region];
  if (known !== undefined && region !== undefined) return { usdPerGbMonth: known, region, forRegion: region };
  return {
    usdPerGbMonth: STORAGE_USD_PER_GB_MONTH[FALLBACK_PRICE_REGION]!,
    region: FALLBACK_PRICE_REGION,
    forRegion: region ?? "an unknown region",
  };
}
