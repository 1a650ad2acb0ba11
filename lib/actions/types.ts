/** What every runbook action is given and what it answers, whoever asked (CLI, Lambda, Slack). */
import type { Clock } from "../aws/clock.js";
import type { WatchkeeperConfig } from "../config/schema.js";
import type { Logger } from "../log.js";
import type { ActionName } from "./schema.js";

export interface ActionOptions {
  /** Who asks: `user:alice` (CLI), `slack:U0123` (a button), the event's actor or `runbook-lambda`. */
  readonly actor: string;
  /** Decide and say what would happen; change nothing. An action's own `dryRun: true` also counts. */
  readonly dryRun?: boolean;
  readonly config: WatchkeeperConfig;
  /** Default: the clock of `aws` (the virtual one under lib/sim). */
  readonly clock?: Clock;
  /** Receives the audit line (and the libraries' own lines). Default: silent. */
  readonly logger?: Logger;
  /** Epoch ms on the clock by which long work (a re-invoke redrive, a reconcile) must stop. */
  readonly deadline?: number;
  /** Aborted (the CLI's Ctrl-C): a reconcile starts no new write and reports what is left. */
  readonly stop?: AbortSignal;
}

/**
 * - done: it acted (or, for reads, it answered);
 * - dry-run: it said what it would do;
 * - unchanged: nothing needed doing (already silenced, breaker already closed, ...);
 * - refused: it would not act, with the reason (not owned, not opted in, nothing to move, ...);
 * - failed: it tried and AWS said no, with what is left where.
 */
export type ActionOutcome = "done" | "dry-run" | "unchanged" | "refused" | "failed";

export interface ActionResult {
  /** True for done, dry-run and unchanged. */
  readonly ok: boolean;
  readonly action: ActionName;
  /** What it acted on: a queue, function, alarm or log group; "account" for account-wide actions. */
  readonly target: string;
  readonly outcome: ActionOutcome;
  readonly dryRun: boolean;
  /** For a person: one line, or a few for lists and reports. Plain text. */
  readonly text: string;
  /** The library's answer, JSON-serializable (what `--json` prints and the Lambda returns). */
  readonly details?: unknown;
  /** Some reads failed: what they cover was left alone, and the text says what (CLI exit 3). */
  readonly partial?: true;
  /** The audit event could not be put on the default bus (a hub then never hears of the action). */
  readonly auditWarnings?: readonly string[];
}

/** What one action module answers; `runAction` adds the rest and writes the audit line. */
export interface ActionAnswer {
  readonly outcome: ActionOutcome;
  readonly text: string;
  readonly details?: unknown;
  readonly partial?: true;
  /** Done, but nothing was there to change (a scheduled run that found nothing due): no audit event. */
  readonly acted?: false;
}

/** What an action module receives, resolved. */
export interface ActionContext {
  readonly actor: string;
  readonly dryRun: boolean;
  readonly config: WatchkeeperConfig;
  readonly clock: Clock;
  readonly now: Date;
  readonly logger: Logger;
  readonly deadline?: number;
  readonly stop?: AbortSignal;
}
