/** The benchmark's shapes and constants, shared by the per-size runner, the bounds and the report. */
import type { AwsService } from "../../lib/aws/quotas.js";
import type { PlanningCpu } from "./planning.js";

/** A Lambda function runs at most 15 minutes. */
export const LAMBDA_TIMEOUT_MS = 15 * 60_000;
/** What functions/reconcile.ts gives a run: the timeout less its 30 s safety margin. */
export const LAMBDA_BUDGET_MS = LAMBDA_TIMEOUT_MS - 30_000;
/** A size that has not converged after this many runs is reported as not converging. */
export const MAX_RUNS = 40;
/** The default schedule (config `schedule.reconcileEveryMinutes`): how far apart scheduled runs start. */
export const SCHEDULE_MS = 60 * 60_000;
/**
 * How long a run's hint for the next waits on the hints queue: the event source's batching window
 * (lib/infra/stack.ts HINT_BATCH_WINDOW; test/bench checks they agree).
 */
export const HINT_WAIT_MS = 120_000;

export const SIZES = [1_000, 10_000, 50_000] as const;

/** Write APIs: every call that changes the account's resources or configuration. */
const WRITE_VERBS = /^(Put|Delete|Tag|Untag|Create|Update|Set|Start|Cancel|Enable|Disable|Send)/;

/**
 * PutMetricData publishes a data point (every applying run publishes the OpenFindings metric): telemetry,
 * not a change to anything Watchkeeper reconciles, so it is counted as a call and not as a write.
 */
export function isWriteApi(api: string): boolean {
  return WRITE_VERBS.test(api) && api !== "PutMetricData";
}

export interface ApiCalls {
  readonly service: AwsService;
  readonly api: string;
  readonly calls: number;
  readonly throttled: number;
  readonly errors: number;
}

/** Calls one API must make for what the agent reads: list pages at the maximum page size, or one per resource. */
export interface Need {
  readonly service: AwsService;
  readonly api: string;
  readonly calls: number;
  readonly why: string;
}

export interface BucketBound {
  readonly bucket: string;
  readonly rps: number;
  readonly calls: number;
  /** calls / rps at the full quota. */
  readonly ms: number;
}

export interface LowerBound {
  readonly needs: readonly Need[];
  readonly calls: number;
  readonly callsByService: Readonly<Record<string, number>>;
  /** Slowest bucket first. */
  readonly buckets: readonly BucketBound[];
  /** The slowest bucket's time: every bucket drawn in parallel at its full quota. */
  readonly ms: number;
}

export interface ConvergenceRun {
  readonly index: number;
  /** Virtual time from the run's start to the end of discovery. */
  readonly discoveryMs: number;
  /** Virtual time from the run's start to its end (capped at the Lambda timeout when killed). */
  readonly durationMs: number;
  readonly applied: number;
  readonly deferred: number;
  readonly failed: number;
  readonly writeCalls: number;
  readonly throttled: number;
  /** Why Lambda would have stopped the run, when it would have. */
  readonly killed?: string;
}

export interface SizeResult {
  readonly resources: number;
  readonly seed: number;
  readonly inventoried: number;
  readonly kinds: Readonly<Record<string, number>>;
  readonly warnings: number;
  /** Alarms in the account after convergence. */
  readonly alarms: number;
  readonly convergence: {
    readonly converged: boolean;
    readonly runs: readonly ConvergenceRun[];
    /** Sum of the runs' virtual durations (back to back). */
    readonly virtualMs: number;
    readonly writeCalls: number;
    readonly throttled: number;
    /** Changes applied by more than one run. */
    readonly repeated: number;
    readonly repeatedExamples: readonly string[];
    /** PutMetricAlarm calls per second of virtual time while runs wrote alarms. */
    readonly alarmWriteRps: number;
    readonly bound: LowerBound & { readonly runs: number };
  };
  readonly steady: ConvergenceRun & { readonly calls: readonly ApiCalls[] };
  readonly bound: LowerBound;
  /** Planning CPU in the benchmark's own process, after the runs (warm, beside the simulator's heap). */
  readonly planning: PlanningCpu;
  /** Planning in fresh processes over the same inventory (see plan.ts), on this machine's Node. */
  readonly freshPlanning?: FreshPlanning;
  /** The same on the Node major of the Lambda runtime, when it differs from this machine's and can be had. */
  readonly lambdaPlanning?: FreshPlanning;
  readonly process: {
    readonly cpuMs: number;
    readonly wallMs: number;
    readonly maxRssMb: number;
  };
}

/** Planning in fresh processes: the median of `samples` processes, each pass's CPU after a settled heap. */
export interface FreshPlanning {
  /** The Node version that ran them. */
  readonly node: string;
  readonly cold: PlanningCpu;
  readonly warm: PlanningCpu;
  readonly maxRssMb: number;
  readonly samples: number;
}

export interface BundleResult {
  readonly handler: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  /** Median wall time of `await import(bundle)` in a fresh node process. */
  readonly coldImportMs: number;
  readonly samplesMs: readonly number[];
}

export interface BenchResult {
  readonly generatedAt: string;
  readonly node: string;
  readonly platform: string;
  /** The functions' runtime, e.g. nodejs24.x: planning is also measured on its Node when it can be had. */
  readonly lambdaRuntime: string;
  readonly cpu: string;
  readonly sizes: readonly SizeResult[];
  readonly bundles: readonly BundleResult[];
  readonly bundleSource: string;
}
