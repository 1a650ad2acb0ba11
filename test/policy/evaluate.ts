/**
 * One request evaluated the way AWS does, by @cloud-copilot/iam-simulate: the caller's identity
 * policies and the resource's policy, with their conditions, in strict mode (a context key the request
 * does not carry is absent). A simulation the library cannot run (an unknown action, a malformed
 * policy), or a context key it would drop as not applying to the action, throws: neither is ever read
 * as a decision.
 */
import { anonymousPrincipal, runSimulation } from "@cloud-copilot/iam-simulate";
import type { PolicyDocument } from "./deployed.js";

export type Context = Readonly<Record<string, string | readonly string[]>>;

export interface Request {
  /** An IAM role session, a service principal (`events.amazonaws.com`), or "anonymous" (no signature). */
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  /** The account that owns the resource. */
  readonly resourceAccount: string;
  readonly context: Context;
}

export interface Policies {
  readonly identity: readonly PolicyDocument[];
  readonly resource?: PolicyDocument;
}

export interface Decision {
  readonly allowed: boolean;
  /** The simulator's verdict: Allowed, ImplicitlyDenied, ExplicitlyDenied. */
  readonly result: string;
}

export async function evaluate(request: Request, policies: Policies): Promise<Decision> {
  const outcome = await runSimulation(
    {
      request: {
        principal: request.principal === "anonymous" ? anonymousPrincipal : request.principal,
        action: request.action,
        resource: { resource: request.resource, accountId: request.resourceAccount },
        contextVariables: Object.fromEntries(
          Object.entries(request.context).map(([key, value]) => [
            key,
            typeof value === "string" ? value : [...value],
          ]),
        ),
      },
      identityPolicies: policies.identity.map((policy, i) => ({ name: `policy${i}`, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(policies.resource ? { resourcePolicy: policies.resource } : {}),
    },
    { simulationMode: "Strict" },
  );
  if (outcome.resultType === "error") {
    throw new Error(
      `cannot evaluate ${request.action} on ${request.resource}: ${JSON.stringify(outcome.errors)}`,
    );
  }
  const ignored =
    outcome.resultType === "single"
      ? (outcome.result.ignoredContextKeys ?? [])
      : outcome.results.flatMap((r) => r.ignoredContextKeys ?? []);
  if (ignored.length > 0) {
    throw new Error(`${request.action} on ${request.resource}: the simulator ignores ${ignored.join(", ")}`);
  }
  return { allowed: outcome.overallResult === "Allowed", result: outcome.overallResult };
}
