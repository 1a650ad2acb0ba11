/** Relations derived from resources' own facts: pure, so any snapshot (real, sim, test) gets the same edges. */
import { compareText } from "./order.js";
import { logGroupArn, tableArnOfStream } from "./arn.js";
import type { LambdaFunction, Relation, RelationType, Resource } from "./types.js";

/** Every relation the resources imply, deduplicated and sorted by from, type, to. */
export function deriveRelations(resources: readonly Resource[]): Relation[] {
  const relations = new Map<string, Relation>();
  const add = (type: RelationType, from: string, to: string | undefined) => {
    if (!to) return;
    relations.set(`${from}\u0000${type}\u0000${to}`, { type, from, to });
  };

  for (const resource of resources) {
    switch (resource.kind) {
      case "lambda-function":
        functionRelations(resource, add);
        break;
      case "sqs-queue":
        add("dead-letter-queue", resource.arn, resource.redrivePolicy?.deadLetterTargetArn);
        break;
      case "eventbridge-rule":
        for (const target of resource.targets) {
          add("rule-target", resource.arn, target.arn);
          add("target-dlq", resource.arn, target.deadLetterArn);
        }
        break;
      case "sns-topic":
        for (const subscription of resource.subscriptions) {
          // Only ARN endpoints are resources; e-mail addresses and URLs are not.
          if (subscription.endpoint.startsWith("arn:"))
            add("subscription", resource.arn, subscription.endpoint);
          add("subscription-dlq", resource.arn, subscription.deadLetterArn);
        }
        break;
      default:
        break;
    }
  }
  return [...relations.values()].sort(
    (a, b) => compareText(a.from, b.from) || compareText(a.type, b.type) || compareText(a.to, b.to),
  );
}

function functionRelations(
  fn: LambdaFunction,
  add: (type: RelationType, from: string, to: string | undefined) => void,
): void {
  for (const source of fn.eventSources) {
    // A DynamoDB stream's ARN changes whenever the stream is re-enabled; the table is what lasts.
    add("event-source", fn.arn, source.sourceArn ? tableArnOfStream(source.sourceArn) : undefined);
    add("on-failure-destination", fn.arn, source.onFailureDestination);
  }
  add("async-dlq", fn.arn, fn.deadLetterTargetArn);
  for (const config of [fn.asyncInvoke, ...(fn.qualifiedAsyncInvoke ?? [])]) {
    add("on-failure-destination", fn.arn, config?.onFailureDestination);
    add("on-success-destination", fn.arn, config?.onSuccessDestination);
  }
  add("log-group", fn.arn, logGroupArn(fn.region, fn.accountId, fn.logGroupName));
}
