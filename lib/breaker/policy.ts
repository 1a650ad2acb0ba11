/**
 * What a team decides about circuit breakers: which functions opt in besides the tag, which alarms trip
 * them and how sensitive those are, how many trips an hour the account allows, and whether breakers
 * close again on their own. Config is validated strictly: a bad value is an error naming it.
 */
import { z } from "zod";

/** The alarms that can trip a breaker; each function gets one of each kind the policy (or its tag) turns on. */
export const BREAKER_ALARM_KINDS = ["error-rate", "invocations-anomaly"] as const;
export type BreakerAlarmKind = (typeof BREAKER_ALARM_KINDS)[number];

export interface BreakerPolicy {
  /** Watchkeeper's own name prefix: functions named with it are never tripped; trip alarms are named with it. */
  readonly prefix: string;
  /** Functions opted in by config, by name (the tag `watchkeeper:breaker=on` opts in too; `=off` wins over this list). */
  readonly functions: readonly string[];
  /** Functions declared synchronous by config (as the tag `watchkeeper:breaker=sync` does). */
  readonly syncFunctions: readonly string[];
  /** Trip alarms per opted-in function, unless its `watchkeeper:breaker-alarms` tag names others. */
  readonly alarms: readonly BreakerAlarmKind[];
  /** The error-rate alarm fires above this percentage of invocations failing... */
  readonly errorRatePercent: number;
  /** ...in each of `errorRatePeriods` consecutive minutes with at least this many invocations. */
  readonly errorRateMinInvocations: number;
  readonly errorRatePeriods: number;
  /** Width of the invocations anomaly band, in standard deviations (ANOMALY_DETECTION_BAND's second argument). */
  readonly anomalyBandWidth: number;
  /** Consecutive 5-minute periods above the band before the anomaly alarm fires. */
  readonly anomalyPeriods: number;
  /** New trips allowed per hour across the account; more are refused (re-opening an open breaker is not a trip). */
  readonly maxTripsPerHour: number;
  /** Close breakers that an alarm opened once its alarms are quiet again (never those a person tripped). */
  readonly autoReset: boolean;
  /** How long a breaker stays open before auto-reset may start closing it. */
  readonly coolDownSeconds: number;
  /**
   * Reserved concurrency while half-open (a trickle that lets the alarms judge the function again);
   * 0 skips half-open and closes at once. Breakers that disabled event source mappings always skip it.
   */
  readonly halfOpenConcurrency: number;
  /** How long a half-open breaker must stay quiet before it closes. */
  readonly halfOpenSeconds: number;
  /**
   * While open, a deploy may put the concurrency back or re-enable a mapping. Off (default): reported, not
   * fought. On: the scheduled evaluation throttles again (an explicit trip always re-applies).
   */
  readonly reapplyOnDrift: boolean;
}

export const DEFAULT_BREAKER_POLICY: BreakerPolicy = {
  prefix: "watchkeeper-",
  functions: [],
  syncFunctions: [],
  alarms: ["error-rate", "invocations-anomaly"],
  errorRatePercent: 10,
  errorRateMinInvocations: 10,
  errorRatePeriods: 3,
  anomalyBandWidth: 3,
  anomalyPeriods: 3,
  maxTripsPerHour: 5,
  autoReset: false,
  coolDownSeconds: 900,
  halfOpenConcurrency: 1,
  halfOpenSeconds: 300,
  reapplyOnDrift: false,
};

const FUNCTION_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const functionName = z.string().regex(FUNCTION_NAME, "expected a function name (1-64 of a-z A-Z 0-9 _ -)");
const whole = (min: number, max: number) => z.number().int().min(min).max(max);

const PolicyInput = z.strictObject({
  prefix: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/, "expected 1-32 of A-Z a-z 0-9 _ - (it starts function and alarm names)")
    .optional(),
  functions: z.array(functionName).optional(),
  syncFunctions: z.array(functionName).optional(),
  alarms: z.array(z.enum(BREAKER_ALARM_KINDS)).min(1, "name at least one trip alarm").optional(),
  errorRatePercent: z.number().gt(0).max(100).optional(),
  errorRateMinInvocations: whole(1, 1_000_000).optional(),
  errorRatePeriods: whole(1, 60).optional(),
  anomalyBandWidth: z.number().gt(0).max(100).optional(),
  anomalyPeriods: whole(1, 288).optional(),
  maxTripsPerHour: whole(1, 1000).optional(),
  autoReset: z.boolean().optional(),
  coolDownSeconds: whole(0, 7 * 86_400).optional(),
  halfOpenConcurrency: whole(0, 1000).optional(),
  halfOpenSeconds: whole(0, 86_400).optional(),
  reapplyOnDrift: z.boolean().optional(),
});

export type BreakerPolicyInput = z.input<typeof PolicyInput>;

/**
 * Validates a policy from config (a parsed JSON object, every field optional) and fills in defaults.
 * Throws one Error listing every problem, each naming where it is (`breaker policy.maxTripsPerHour`).
 */
export function resolveBreakerPolicy(input: unknown = {}, where = "breaker policy"): BreakerPolicy {
  const parsed = PolicyInput.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const path = [where, ...issue.path.map(String)].join(".");
      return `${path}: ${issue.message}`;
    });
    throw new Error(problems.join("; "));
  }
  const value = parsed.data;
  const policy: BreakerPolicy = {
    ...DEFAULT_BREAKER_POLICY,
    ...Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)),
  };
  return {
    ...policy,
    functions: [...new Set(policy.functions)].sort(),
    syncFunctions: [...new Set(policy.syncFunctions)].sort(),
    alarms: BREAKER_ALARM_KINDS.filter((kind) => policy.alarms.includes(kind)),
  };
}
