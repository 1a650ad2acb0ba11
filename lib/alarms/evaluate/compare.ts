/** Whether one datapoint breaches: against the static threshold, or outside the anomaly band on the operator's side. */
import type { ComparisonOperator } from "../catalog/types.js";
import type { Band } from "./band.js";

export function breaches(value: number, operator: ComparisonOperator, threshold: number | Band): boolean {
  if (typeof threshold === "number") {
    switch (operator) {
      case "GreaterThanThreshold":
        return value > threshold;
      case "GreaterThanOrEqualToThreshold":
        return value >= threshold;
      case "LessThanThreshold":
        return value < threshold;
      case "LessThanOrEqualToThreshold":
        return value <= threshold;
      default:
        throw new Error(`${operator} compares with a band, and this alarm has a static threshold`);
    }
  }
  switch (operator) {
    case "GreaterThanUpperThreshold":
      return value > threshold.upper;
    case "LessThanLowerThreshold":
      return value < threshold.lower;
    case "LessThanLowerOrGreaterThanUpperThreshold":
      return value < threshold.lower || value > threshold.upper;
    default:
      throw new Error(`${operator} compares with a static threshold, and this alarm has a band`);
  }
}
