/**
 * The runbook actions as data: one zod schema per action, a discriminated union on `action`, and
 * `parseAction`, which turns anything (a Lambda event, CLI flags, a Slack click) into a typed Action or
 * one message naming every bad field. Every action also takes `dryRun`, `actor`, and the `account` and
 * `region` it is meant for.
 */
import { z } from "zod";
import { MAX_SILENCE_MINUTES } from "../alarms/silence.js";
import { isValidRetention, NEVER, RETENTION_DAYS } from "../logs/retention.js";
import { ACCOUNT_ID, REGION_CODE } from "../notify/actions.js";

export const ACTION_NAMES = [
  "status",
  "dlq-list",
  "dlq-show",
  "dlq-redrive",
  "dlq-status",
  "dlq-cancel",
  "dlq-auto-redrive",
  "breaker-status",
  "breaker-trip",
  "breaker-reset",
  "alarm-silence",
  "alarm-unsilence",
  "expire-silences",
  "retention-set",
  "reconcile",
  "top-offenders",
] as const;

export type ActionName = (typeof ACTION_NAMES)[number];

const whole = (min: number, max: number) => {
  const message = `a whole number from ${min} to ${max.toLocaleString("en-US")}`;
  return z.number({ error: message }).int(message).min(min, message).max(max, message);
};
const text = (what: string, max: number) =>
  z
    .string({ error: what })
    .trim()
    .min(1, what)
    .max(max, `at most ${max.toLocaleString("en-US")} characters`);

const queue = text("the queue's name, URL or ARN", 1024);
const via = z.enum(["move-task", "reinvoke"], { error: 'use "move-task" or "reinvoke"' });
/** A function name, or its ARN (unqualified, or with a version or alias). */
const functionRef = text("a Lambda function name or ARN", 256).regex(
  /^(arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:)?[A-Za-z0-9_-]{1,64}(:(\$LATEST|[A-Za-z0-9_-]{1,128}))?$/,
  "a Lambda function name or ARN (letters, digits, - and _)",
);
const alarm = text("an alarm name", 255);
/** CloudWatch Logs' own pattern for group names (CreateLogGroup API reference). */
const logGroup = text("a log group name", 512).regex(
  /^[.\-_/#A-Za-z0-9]+$/,
  "a log group name (letters, digits and . - _ / #)",
);
const days = z
  .union([z.number(), z.literal(NEVER)], { error: 'a number of days or "never"' })
  .superRefine((n, ctx) => {
    if (n !== NEVER && !isValidRetention(n))
      ctx.addIssue({
        code: "custom",
        message: `retention ${String(n)} is not valid; use one of ${RETENTION_DAYS.join(", ")} or "never"`,
      });
  });

const common = {
  /** Decide and say what would happen; change nothing. */
  dryRun: z.boolean({ error: "true or false" }).optional(),
  /** Who asks, for the audit log and the records actions leave (`user:alice`, `slack:U0123`). */
  actor: text("who asks, e.g. user:alice", 128)
    .regex(/^[\p{L}\p{N}_.:/=+@ -]+$/u, "letters, digits, spaces and _ . : / = + @ -")
    .optional(),
  /**
   * Where the caller means it to run (a hub names the member's): the runbook-action function refuses a
   * request for another account or region than its own.
   */
  account: ACCOUNT_ID.optional(),
  region: REGION_CODE.optional(),
};

const action = <N extends ActionName, S extends z.ZodRawShape>(name: N, shape: S) =>
  z.strictObject({ action: z.literal(name), ...common, ...shape });

export const ActionSchema = z.discriminatedUnion("action", [
  action("status", {}),
  action("dlq-list", {}),
  action("dlq-show", {
    queue,
    sample: whole(0, 10).optional(),
    via: via.optional(),
    function: functionRef.optional(),
  }),
  action("dlq-redrive", {
    queue,
    via: via.optional(),
    /** Messages a second: move task 1-500, re-invoke 1-10. */
    rate: whole(1, 500).optional(),
    /** Re-invoke: messages to handle at most. */
    maxMessages: whole(1, 10_000).optional(),
    /** Re-invoke: the function to invoke when several feed the DLQ. */
    function: functionRef.optional(),
    /** Move task: one queue for every message instead of each message's own source. */
    destination: queue.optional(),
    /** Re-invoke: a version or alias. */
    qualifier: text("a version or alias", 128).optional(),
  }),
  action("dlq-status", { queue }),
  action("dlq-cancel", { queue }),
  action("dlq-auto-redrive", { maxPerDay: whole(1, 100).optional() }),
  action("breaker-status", { function: functionRef.optional() }),
  action("breaker-trip", { function: functionRef, reason: text("why, in a few words", 256) }),
  action("breaker-reset", { function: functionRef, reason: text("why, in a few words", 256).optional() }),
  action("alarm-silence", { alarm, minutes: whole(1, MAX_SILENCE_MINUTES) }),
  action("alarm-unsilence", { alarm }),
  action("expire-silences", {}),
  action("retention-set", {
    logGroup,
    days,
    /** Set it even on a group the retention policy leaves alone (excluded or watchkeeper:ignore). */
    force: z.boolean({ error: "true or false" }).optional(),
  }),
  action("reconcile", {}),
  action("top-offenders", { alarm, limit: whole(1, 20).optional() }),
]);

export type Action = z.infer<typeof ActionSchema>;
export type ActionOf<N extends ActionName> = Extract<Action, { action: N }>;

export interface ParseOptions {
  /** What the input is called in messages: "event" for a Lambda event (`event.minutes: ...`). */
  readonly at?: string;
  /** How a field is called where the input came from, e.g. { minutes: "--for" } for the CLI. */
  readonly labels?: Readonly<Record<string, string>>;
}

export type ParsedAction =
  { readonly ok: true; readonly action: Action } | { readonly ok: false; readonly error: string };

/** Checks an action; a refusal names each bad field (`event.minutes: a whole number from 1 to 10,080`). */
export function parseAction(input: unknown, options: ParseOptions = {}): ParsedAction {
  const at = options.at;
  const field = (path: readonly PropertyKey[]): string => {
    const [first] = path;
    const label = typeof first === "string" ? options.labels?.[first] : undefined;
    if (label) return [label, ...path.slice(1).map(String)].join(".");
    return [...(at ? [at] : []), ...path.map(String)].join(".") || at || "input";
  };
  if (typeof input !== "object" || input === null || Array.isArray(input))
    return {
      ok: false,
      error: `${at ?? "input"}: expected a JSON object with "action", one of ${ACTION_NAMES.join(", ")}`,
    };
  const name = (input as { action?: unknown }).action;
  if (typeof name !== "string" || !(ACTION_NAMES as readonly string[]).includes(name))
    return {
      ok: false,
      error: `${field(["action"])}: ${name === undefined ? "missing" : `${JSON.stringify(name)} is not an action`}; use one of ${ACTION_NAMES.join(", ")}`,
    };
  const parsed = ActionSchema.safeParse(input, { reportInput: true });
  if (parsed.success) return { ok: true, action: parsed.data };
  const problems = parsed.error.issues.map((issue) => {
    if (issue.code === "unrecognized_keys")
      return `${at ?? "input"}: unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.join(", ")} for action ${name}`;
    const missing = issue.code === "invalid_type" && issue.input === undefined;
    return `${field(issue.path)}: ${missing ? `missing (${issue.message})` : issue.message}`;
  });
  return { ok: false, error: problems.join("; ") };
}
