/**
 * Slack buttons on the hub's messages, run in the member account the alarm is in. The hub assumes the
 * member's `<prefix>hub-access` role, whose one action permission is lambda:InvokeFunction on the member's
 * own runbook-action function, and invokes that function synchronously with the plain action: the action
 * runs there with the member's role and config (its ownership checks, its breaker records), and the hub
 * only carries the click and posts the answer. Nothing here throws for a member that cannot be reached:
 * the answer says so, since a thrown error would make Lambda run the click again.
 */
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { z } from "zod";
import { actionFromSlack } from "../actions/slack.js";
import type { Aws } from "../aws/clients.js";
import { describeAwsError, isThrottling } from "../aws/errors.js";
import { silentLogger, type Logger } from "../log.js";
import type { ActionResult, RunAction } from "../notify/actions.js";
import { escapeMrkdwn } from "../notify/blockkit.js";
import type { MemberRoles } from "./member-roles.js";
import { assumeFailure } from "./role.js";

/** Lambda's longest run: one synchronous Invoke of runbook-action may wait this long for its answer. */
export const MEMBER_INVOKE_TIMEOUT_MS = 15 * 60_000;

/** What a member's function answered to a synchronous Invoke. */
export interface MemberAnswer {
  /** Lambda's FunctionError ("Unhandled"): the function threw, and the payload holds the error. */
  readonly functionError?: string;
  readonly payload: string;
}

/** One synchronous Invoke in the member; `aws` is the member's: its region, the hub-access role. */
export type InvokeMember = (aws: Aws, functionName: string, payload: string) => Promise<MemberAnswer>;

export const invokeMember: InvokeMember = async (aws, functionName, payload) => {
  const answer = await aws.client(LambdaClient).send(
    new InvokeCommand({
      FunctionName: functionName,
      InvocationType: "RequestResponse",
      Payload: new TextEncoder().encode(payload),
    }),
  );
  return {
    ...(answer.FunctionError ? { functionError: answer.FunctionError } : {}),
    payload: answer.Payload ? new TextDecoder().decode(answer.Payload) : "",
  };
};

export interface HubRunActionOptions {
  /** The hub's own Aws: the members' roles are assumed through it, and its retries, plugin and clock kept. */
  readonly hub: () => Aws;
  readonly roles: MemberRoles;
  /** The member's runbook-action function (`<prefix>runbook-action`), the same name in every member. */
  readonly functionName: string;
  /** Epoch ms on the hub's clock by which the member must have answered (the hub must still post). */
  readonly deadline?: number;
  readonly logger?: Logger;
  /** Default: a real synchronous Invoke (`invokeMember`). */
  readonly invoke?: InvokeMember;
}

/** The `RunAction` the hub's Slack job is given: each click is run by the member its alarm is in. */
export function hubRunAction(options: HubRunActionOptions): RunAction {
  const log = options.logger ?? silentLogger;
  const invoke = options.invoke ?? invokeMember;
  return async (request) => {
    const { account, region } = request;
    if (account === undefined || region === undefined) {
      return failed(
        "this button does not say which account and region its alarm is in (it was posted before the hub acted in member accounts): run the action in that account with the CLI, or on a newer message",
      );
    }
    const parsed = actionFromSlack(request);
    if (!parsed.ok) return failed(`not run: ${parsed.error}`);
    const where = `account ${account} in ${region}`;
    const unreachable = (reason: string) => {
      log.error({ account, region, action: request.action }, `could not reach ${where}: ${reason}`);
      return failed(`could not reach ${where}: ${reason}`);
    };

    const credentials = options.roles.credentials(account);
    try {
      await credentials();
    } catch (error) {
      return unreachable(assumeFailure(error, options.roles.roleArn(account)));
    }
    // One attempt: an Invoke sent again after a timeout would run the action twice in the member.
    const retargeted = options.hub().retarget({
      region,
      credentials,
      attempts: { max: 1, requestTimeoutMs: MEMBER_INVOKE_TIMEOUT_MS },
    });
    const member = options.deadline === undefined ? retargeted : retargeted.until(options.deadline);
    let answer: MemberAnswer;
    try {
      answer = await invoke(member, options.functionName, JSON.stringify(parsed.action));
    } catch (error) {
      const perhapsRan = isThrottling(error)
        ? ""
        : `; it may have run there all the same: see the log of ${options.functionName} in that account`;
      return unreachable(`${describeAwsError(error, "lambda Invoke")}${perhapsRan}`);
    } finally {
      member.destroy();
    }
    const result = readAnswer(answer, where, options.functionName);
    log.info(
      { account, region, action: request.action, target: request.target, ok: result.ok },
      `${request.action} on ${request.target} in ${where}: ${result.ok ? "done" : "not done"}`,
    );
    return result;
  };
}

/** runbook-action's answers (functions/runbook-action.ts): an action's result, or why it ran nothing. */
const RunbookAnswer = z.union([
  z.object({ ok: z.boolean(), action: z.string(), text: z.string() }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);

/** Lambda's payload when the function threw. */
const FunctionErrorPayload = z.object({ errorType: z.string().optional(), errorMessage: z.string() });

function readAnswer(answer: MemberAnswer, where: string, functionName: string): ActionResult {
  const json = parseJson(answer.payload);
  if (answer.functionError !== undefined) {
    const thrown = FunctionErrorPayload.safeParse(json);
    const said = thrown.success
      ? `${thrown.data.errorType ?? "Error"}: ${thrown.data.errorMessage}`
      : answer.functionError;
    return failed(`${functionName} failed in ${where}: ${clip(said)}`);
  }
  const parsed = RunbookAnswer.safeParse(json);
  if (!parsed.success)
    return failed(
      `${functionName} in ${where} answered something that is not an action's result: ${clip(answer.payload)}`,
    );
  if ("error" in parsed.data) return failed(`${where} refused it: ${parsed.data.error}`);
  return { ok: parsed.data.ok, text: escapeMrkdwn(parsed.data.text) };
}

function failed(text: string): ActionResult {
  return { ok: false, text: escapeMrkdwn(text) };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function clip(text: string, max = 400): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
