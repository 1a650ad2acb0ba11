/** Lambda functions: failure handling for asynchronous invocations, and the never-chosen default timeout. */
import type { Inventory, LambdaFunction, Relation } from "../../inventory/types.js";
import { functionQualifier } from "../../inventory/index.js";
import { displayName, type FindingsIndex } from "../context.js";
import { formatList } from "../format.js";
import type { Check, FindingDraft } from "../types.js";

const ASYNC_RECORDS = "https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html";
const TIMEOUT = "https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html";

/** Who invokes a function asynchronously, as far as the inventory shows: rule targets and SNS subscriptions. */
function asyncInvokers(index: FindingsIndex, fn: LambdaFunction): Relation[] {
  const rules = index.relationsToFunction(fn.arn, "rule-target");
  const topics = index.relationsToFunction(fn.arn, "subscription");
  if (rules.length + topics.length === 0) return [];
  return [...rules, ...topics].sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
}

/** Whether failed async events invoked through `target` (the function ARN, maybe qualified) are kept. */
function keepsFailedEvents(fn: LambdaFunction, target: string): boolean {
  if (fn.deadLetterTargetArn) return true;
  const qualifier = functionQualifier(target);
  // Each qualifier has its own asynchronous invocation config; the unqualified one serves $LATEST.
  const config =
    qualifier === undefined || qualifier === "$LATEST"
      ? fn.asyncInvoke
      : fn.qualifiedAsyncInvoke?.find((candidate) => candidate.qualifier === qualifier);
  return Boolean(config?.onFailureDestination);
}

function invokerLabel(index: FindingsIndex, relation: Relation): string {
  const kind = relation.type === "rule-target" ? "rule" : "topic";
  const qualifier = functionQualifier(relation.to);
  return `${kind} ${displayName(index, relation.from)}${qualifier ? ` (alias/version ${qualifier})` : ""}`;
}

/** Why the function's asynchronous invocation config is unknown, when discovery could not (or did not) read it. */
function unreadableAsyncConfig(inventory: Inventory, fn: LambdaFunction): string | undefined {
  if (fn.notRead?.includes("async-invoke")) return "ListFunctionEventInvokeConfigs: not read by discovery";
  const warning = inventory.warnings.find(
    (w) =>
      w.service === "lambda" &&
      w.operation === "ListFunctionEventInvokeConfigs" &&
      (w.resource === undefined || w.resource === fn.arn),
  );
  return warning ? `${warning.operation}: ${warning.code}` : undefined;
}

export const lambdaAsyncNoFailureHandling: Check = {
  id: "lambda-async-no-failure-handling",
  title: "Asynchronously invoked function with neither a DLQ nor an on-failure destination",
  severity: "high",
  description:
    "Lambda retries an asynchronous event twice and then discards it unless the function has a " +
    "dead-letter queue or an on-failure destination. It is also what makes reserved concurrency 0 safe: " +
    "on a throttled async function new events go straight to the DLQ or destination, or are lost. Only " +
    "EventBridge rule targets and SNS subscriptions are known to invoke asynchronously from the " +
    "inventory; functions invoked asynchronously by other services (S3 notifications, CloudWatch Logs " +
    "subscriptions, direct InvocationType=Event calls) are not detected.",
  source: ASYNC_RECORDS,
  run({ index, inventory }) {
    const drafts: FindingDraft[] = [];
    for (const fn of index.ofKind("lambda-function")) {
      const unhandled = asyncInvokers(index, fn).filter((relation) => !keepsFailedEvents(fn, relation.to));
      if (unhandled.length === 0) continue;
      const qualifiers = [...new Set(unhandled.map((r) => functionQualifier(r.to)).filter((q) => q))];
      const invokers = formatList(unhandled.map((r) => invokerLabel(index, r)));
      const unreadable = unreadableAsyncConfig(inventory, fn);
      drafts.push({
        resourceArn: fn.arn,
        resourceName: fn.name,
        resourceKind: fn.kind,
        message: unreadable
          ? `invoked asynchronously by ${invokers} with no DLQ, and its asynchronous invocation config could not be read (${unreadable}): unless it has an on-failure destination, failed events are dropped and reserved concurrency 0 would drop new ones`
          : `invoked asynchronously by ${invokers} with neither a DLQ nor an on-failure destination: events that fail every retry are dropped, and reserved concurrency 0 would drop new events outright`,
        fix: `Add an on-failure destination (e.g. an SQS queue) to ${fn.name}'s asynchronous invocation config${qualifiers.length > 0 ? ` (for ${formatList(qualifiers as string[])})` : ""}, or a dead-letter queue.`,
      });
    }
    return drafts;
  },
};

export const lambdaDefaultTimeout: Check = {
  id: "lambda-default-timeout",
  title: "Function with the default 3 s timeout on a path that waits for it",
  severity: "low",
  description:
    "3 s is Lambda's default, which usually means nobody chose it. The inventory cannot see a function's " +
    "code, so a downstream call is inferred narrowly: the function consumes an event source mapping " +
    "(a batch with downstream writes must finish in 3 s, or the whole batch is retried) or serves an API " +
    "Gateway integration (a cold start plus one slow call becomes an error response). Other functions " +
    "with 3 s are not flagged.",
  source: TIMEOUT,
  run({ index, thresholds }) {
    const drafts: FindingDraft[] = [];
    for (const fn of index.ofKind("lambda-function")) {
      if (fn.timeoutSeconds !== thresholds.defaultFunctionTimeoutSeconds) continue;
      const mapping = fn.eventSources.find((m) => m.state !== "Deleting" && m.sourceArn);
      const api = index.relationsToFunction(fn.arn, "api-integration")[0];
      let role: string;
      if (mapping?.sourceArn) {
        const batch = mapping.batchSize === undefined ? "" : ` in batches of up to ${mapping.batchSize}`;
        role = `consumes ${mapping.sourceKind} source ${displayName(index, mapping.sourceArn)}${batch}: one slow downstream call fails the whole batch, which is retried`;
      } else if (api) {
        role = `serves API ${displayName(index, api.from)}: a cold start plus one slow downstream call becomes an error response`;
      } else {
        continue;
      }
      drafts.push({
        resourceArn: fn.arn,
        resourceName: fn.name,
        resourceKind: fn.kind,
        message: `still has Lambda's default ${fn.timeoutSeconds} s timeout while it ${role}`,
        fix: `Set ${fn.name}'s timeout from its measured duration (p99 plus a margin) and give its downstream clients shorter timeouts.`,
      });
    }
    return drafts;
  },
};

export const LAMBDA_CHECKS: readonly Check[] = [lambdaAsyncNoFailureHandling, lambdaDefaultTimeout];
