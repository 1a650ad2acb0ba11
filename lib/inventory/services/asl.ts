/**
 * What discovery reads from an Amazon States Language definition: its top-level `TimeoutSeconds`, "the
 * maximum number of seconds an execution of the state machine can run"
 * (https://docs.aws.amazon.com/step-functions/latest/dg/statemachine-structure.html). Read defensively: the
 * definition comes over the wire, and an answer that is not a definition leaves the timeout unknown.
 */

export type DefinitionTimeout =
  /** `timeoutSeconds` absent: none set, or a JSONata expression (evaluated per execution, not knowable here). */
  | { readonly ok: true; readonly timeoutSeconds?: number }
  /** Not a definition Step Functions would accept: the timeout is unknown. */
  | { readonly ok: false; readonly reason: string };

/** `{% ... %}`: a JSONata expression in a field of a JSONata state machine (transforming-data.html). */
const JSONATA = /^\{%[\s\S]*%\}$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function definitionTimeout(definition: string | undefined): DefinitionTimeout {
  if (definition === undefined) return { ok: false, reason: "the answer has no definition" };
  let parsed: unknown;
  try {
    parsed = JSON.parse(definition);
  } catch {
    return { ok: false, reason: "the definition is not JSON" };
  }
  // StartAt and States are required: DescribeStateMachine with includedData=METADATA_ONLY answers "{}".
  if (!isObject(parsed) || typeof parsed.StartAt !== "string" || !isObject(parsed.States)) {
    return { ok: false, reason: "the definition has no StartAt and States (only metadata was returned?)" };
  }
  const timeout = parsed.TimeoutSeconds;
  if (timeout === undefined) return { ok: true };
  if (typeof timeout === "number" && Number.isSafeInteger(timeout) && timeout > 0) {
    return { ok: true, timeoutSeconds: timeout };
  }
  if (typeof timeout === "string" && JSONATA.test(timeout.trim())) return { ok: true };
  return {
    ok: false,
    reason: `TimeoutSeconds ${JSON.stringify(timeout).slice(0, 80)} is neither a positive integer nor a JSONata expression`,
  };
}
