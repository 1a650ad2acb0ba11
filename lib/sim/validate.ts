/**
 * Input checks with AWS's own wording ("1 validation error detected: Value 'x' at 'alarmName' failed to
 * satisfy constraint: ..."), raised as whatever error the calling service uses for bad input.
 */
export interface Validator {
  /** Raises the service's validation error with this message. */
  fail(message: string): never;
  required<T>(value: T | undefined | null, field: string): T;
  length(value: string | undefined, field: string, min: number, max: number): void;
  range(value: number | undefined, field: string, min: number, max: number): void;
  oneOf<T extends string | number>(value: T | undefined, field: string, allowed: readonly T[]): void;
  pattern(value: string | undefined, field: string, pattern: RegExp): void;
  maxItems(value: readonly unknown[] | undefined, field: string, max: number): void;
}

function constraint(value: unknown, field: string, rule: string): string {
  const shown = value === undefined || value === null ? "null" : `'${String(value)}'`;
  return `1 validation error detected: Value ${shown} at '${field}' failed to satisfy constraint: ${rule}`;
}

export function validator(invalid: (message: string) => Error): Validator {
  const fail = (message: string): never => {
    throw invalid(message);
  };
  return {
    fail,
    required(value, field) {
      if (value === undefined || value === null) fail(constraint(value, field, "Member must not be null"));
      return value as NonNullable<typeof value>;
    },
    length(value, field, min, max) {
      if (value === undefined) return;
      if (value.length < min) {
        fail(constraint(value, field, `Member must have length greater than or equal to ${min}`));
      }
      if (value.length > max)
        fail(constraint(value, field, `Member must have length less than or equal to ${max}`));
    },
    range(value, field, min, max) {
      if (value === undefined) return;
      if (!Number.isFinite(value) || value < min) {
        fail(constraint(value, field, `Member must have value greater than or equal to ${min}`));
      }
      if (value > max) fail(constraint(value, field, `Member must have value less than or equal to ${max}`));
    },
    oneOf(value, field, allowed) {
      if (value !== undefined && !allowed.includes(value)) {
        fail(constraint(value, field, `Member must satisfy enum value set: [${allowed.join(", ")}]`));
      }
    },
    pattern(value, field, pattern) {
      if (value !== undefined && !pattern.test(value)) {
        fail(constraint(value, field, `Member must satisfy regular expression pattern: ${pattern.source}`));
      }
    },
    maxItems(value, field, max) {
      if (value !== undefined && value.length > max) {
        fail(
          constraint(
            `[${value.length} items]`,
            field,
            `Member must have length less than or equal to ${max}`,
          ),
        );
      }
    },
  };
}
