/** The account's Lambda concurrency: what is left for every function without a reservation. */
import { partitionOf } from "../../aws/arn.js";
import type { Inventory } from "../../inventory/types.js";
import type { Check } from "../types.js";

const CONCURRENCY = "https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html";

/**
 * Names the account's Lambda settings in one region, so findings about them group and accept like any
 * other resource. Not a real ARN: GetAccountSettings has no resource. Accept through config, not tags.
 */
export function lambdaAccountArn(inventory: Pick<Inventory, "accountId" | "region">): string {
  return `arn:${partitionOf(inventory.region)}:lambda:${inventory.region}:${inventory.accountId}:account-settings`;
}

export const accountUnreservedConcurrency: Check = {
  id: "account-unreserved-concurrency",
  title: "Account concurrency nearly all reserved",
  severity: "high",
  description:
    "Lambda keeps at least 100 concurrent executions unreserved (the whole limit on accounts whose limit is " +
    "lower). Every function without reserved concurrency shares that pool, and a reservation (or a " +
    "circuit breaker restoring one) fails once it would go below the minimum. Flagged when the pool is " +
    "within 10% of the account limit of that minimum; critical when it is at the minimum. Needs " +
    "GetAccountSettings; without it (or on an endpoint that lacks it) nothing is reported.",
  source: CONCURRENCY,
  run({ inventory, thresholds }) {
    const facts = inventory.lambdaAccount;
    if (!facts) return [];
    const limit = facts.concurrentExecutions;
    const unreserved = facts.unreservedConcurrentExecutions;
    const reserved = limit - unreserved;
    if (reserved <= 0) return [];
    const minimum = Math.min(thresholds.minimumUnreservedConcurrency, limit);
    const headroom = unreserved - minimum;
    if (headroom >= thresholds.unreservedHeadroomRatio * limit) return [];
    return [
      {
        resourceArn: lambdaAccountArn(inventory),
        resourceName: `Lambda concurrency (${inventory.accountId}, ${inventory.region})`,
        resourceKind: "lambda-account",
        severity: headroom <= 0 ? "critical" : undefined,
        message: `${reserved} of ${limit} concurrent executions are reserved, leaving ${unreserved} unreserved (${Math.max(headroom, 0)} above Lambda's minimum of ${minimum}): every function without a reservation shares those, and new reservations can fail`,
        fix: "Lower reserved concurrency on functions that do not need it, or request a higher concurrency quota.",
      },
    ];
  },
};

export const ACCOUNT_CHECKS: readonly Check[] = [accountUnreservedConcurrency];
