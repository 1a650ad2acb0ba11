/** Option checks shared by the redrive paths: a bad value is refused with its name and the range. */
import { DlqError } from "./errors.js";

/** A whole number in [min, max], or the default when absent. */
export function wholeNumber(
  value: number | undefined,
  name: string,
  min: number,
  max: number,
  fallback: number,
): number;
export function wholeNumber(
  value: number | undefined,
  name: string,
  min: number,
  max: number,
  fallback?: undefined,
): number | undefined;
export function wholeNumber(
  value: number | undefined,
  name: string,
  min: number,
  max: number,
  fallback?: number,
): number | undefined {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new DlqError(
      "invalid-option",
      `${name} ${String(value)} is not valid: use a whole number from ${min} to ${max.toLocaleString("en-US")}`,
    );
  }
  return value;
}

/** Lambda's own pattern for a version or alias. */
const QUALIFIER = /^(\$LATEST|[a-zA-Z0-9_-]{1,128})$/;

export function qualifierOption(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!QUALIFIER.test(value)) {
    throw new DlqError(
      "invalid-option",
      `qualifier "${value}" is not a version or alias name ($LATEST, a version number or an alias)`,
    );
  }
  return value;
}
