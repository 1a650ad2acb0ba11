/**
 * What a redrive would do, before it does it: how many messages, from which sources, to where, a few
 * bodies (truncated) and the age of the oldest.
 *
 * Peeking is a trade-off: SQS has no read-only peek. ReceiveMessage with VisibilityTimeout=0 leaves each
 * sampled message visible and in place, but still counts a receive on it (ApproximateReceiveCount + 1).
 * That is harmless for a DLQ without a redrive policy of its own, which is the usual case; for a DLQ that
 * has one, a receive past its maxReceiveCount would move the message on to the next queue, so the sample is
 * skipped there and the preview says why. The sample is small (default 3, at most 10) and, on a standard
 * queue, not guaranteed to hold the oldest messages; the oldest age therefore comes from CloudWatch's
 * ApproximateAgeOfOldestMessage when it has a data point, and from the sample otherwise.
 */
import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { ListMessageMoveTasksCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { Aws } from "../aws/clients.js";
import { describeAwsError, isAccessDenied, isUnsupported } from "../aws/errors.js";
import { indexInventory, type InventoryIndex } from "../inventory/query.js";
import type { Inventory, SqsQueue } from "../inventory/types.js";
import { isIgnored } from "../policy/tags.js";
import { formatAge, gone, queueCounts } from "./live.js";
import { plural } from "../plural.js";
import { qualifierOption, wholeNumber } from "./options.js";
import { chooseRedrive, findQueue, queueRef, resolveDestination, type RedriveRoute } from "./route.js";
import type { RedriveChoice, RedrivePreview, SampledMessage } from "./types.js";

export const DEFAULT_SAMPLE = 3;
export const MAX_SAMPLE = 10;
export const DEFAULT_BODY_CHARS = 200;

export interface PreviewOptions extends RedriveChoice {
  /** Messages to sample (0 to 10, default 3). */
  readonly sample?: number;
  /** Characters kept of each sampled body (default 200). */
  readonly bodyChars?: number;
  /** move-task: a destination queue instead of each message's source. */
  readonly destination?: string;
  /** reinvoke: the version or alias to invoke. */
  readonly qualifier?: string;
}

export async function previewRedrive(
  aws: Aws,
  inventory: Inventory | InventoryIndex,
  queueName: string,
  options: PreviewOptions = {},
): Promise<RedrivePreview> {
  const index = "inventory" in inventory ? inventory : indexInventory(inventory);
  const sampleSize = wholeNumber(options.sample, "sample", 0, MAX_SAMPLE, DEFAULT_SAMPLE);
  const bodyChars = wholeNumber(options.bodyChars, "bodyChars", 10, 100_000, DEFAULT_BODY_CHARS);
  const qualifier = qualifierOption(options.qualifier);
  const queue = findQueue(index, queueName);
  const route = chooseRedrive(index, queue, options);
  const destination =
    options.destination !== undefined
      ? route.method === "move-task"
        ? resolveDestination(index, queue, options.destination)
        : undefined
      : undefined;
  const warnings: string[] = [];
  if (options.destination !== undefined && route.method !== "move-task") {
    warnings.push(`destination ${options.destination} is ignored: only a message move task takes one`);
  }

  const ref = queueRef(queue);
  const counts = await queueCounts(aws, ref);
  const now = aws.pacer.clock.now();

  let sample: SampledMessage[] = [];
  let sampleSkipped: string | undefined;
  if (sampleSize === 0) sampleSkipped = "no sample asked for";
  else if (queue.redrivePolicy) {
    sampleSkipped =
      `${queue.name} has a redrive policy of its own (maxReceiveCount ${queue.redrivePolicy.maxReceiveCount}): ` +
      `sampling counts a receive on each message and could move it on to ${lastSegment(queue.redrivePolicy.deadLetterTargetArn)}`;
  } else if (counts.visible === 0) sampleSkipped = "no visible message to sample";
  else sample = await peek(aws, queue, sampleSize, bodyChars, now);

  const sampledOldest = sample.reduce<number | undefined>(
    (oldest, m) => (m.ageSeconds === undefined ? oldest : Math.max(oldest ?? 0, m.ageSeconds)),
    undefined,
  );
  const metric =
    counts.visible + counts.inFlight > 0 ? await oldestAgeMetric(aws, queue, now, warnings) : undefined;
  const oldestAgeSeconds =
    metric === undefined
      ? sampledOldest
      : sampledOldest === undefined
        ? metric
        : Math.max(metric, sampledOldest);
  const oldestAgeFrom = metric !== undefined ? "metric" : sampledOldest !== undefined ? "sample" : "unknown";

  warnings.push(...(await routeWarnings(aws, route, qualifier)));
  if (isIgnored(queue.tags)) {
    warnings.push(`${queue.name} carries watchkeeper:ignore=true: automatic redrive leaves it alone`);
  }
  if (oldestAgeSeconds !== undefined && oldestAgeSeconds > queue.messageRetentionSeconds * 0.8) {
    warnings.push(
      `the oldest message is ${formatAge(oldestAgeSeconds)} old and ${queue.name} keeps messages ` +
        `${formatAge(queue.messageRetentionSeconds)}: it expires within ${formatAge(
          Math.max(0, queue.messageRetentionSeconds - oldestAgeSeconds),
        )}`,
    );
  }

  const target =
    route.method === "move-task"
      ? destination
        ? `queue ${destination.name}`
        : `each message's own source queue (${route.sources
            .filter((s) => s.kind === "sqs-queue")
            .map((s) => s.name)
            .join(", ")})`
      : `function ${route.fn.name}${qualifier ? `:${qualifier}` : ""}`;
  const oldest =
    oldestAgeSeconds === undefined
      ? ""
      : `, oldest ${formatAge(oldestAgeSeconds)}${oldestAgeFrom === "sample" ? " (of those sampled)" : ""}`;
  const how =
    route.method === "move-task"
      ? `a message move task would move them to ${target}`
      : `each would be sent to ${target} as an asynchronous invoke, then deleted`;
  const inFlight = counts.inFlight > 0 ? ` (+${counts.inFlight} in flight)` : "";
  return {
    queue: ref,
    method: route.method,
    sources: route.sources,
    target,
    count: counts.visible,
    inFlight: counts.inFlight,
    delayed: counts.delayed,
    sample,
    ...(sampleSkipped !== undefined ? { sampleSkipped } : {}),
    ...(oldestAgeSeconds !== undefined ? { oldestAgeSeconds } : {}),
    oldestAgeFrom,
    warnings,
    sentence:
      counts.visible === 0
        ? `${queue.name} holds no visible message${inFlight}: nothing to redrive`
        : `${queue.name} holds ${plural(counts.visible, "message")}${inFlight}${oldest}: ${how}`,
  };
}

/** Receives without hiding (VisibilityTimeout 0): see the header for what that costs. */
async function peek(
  aws: Aws,
  queue: SqsQueue,
  max: number,
  bodyChars: number,
  now: number,
): Promise<SampledMessage[]> {
  let out;
  try {
    out = await aws.client(SQSClient).send(
      new ReceiveMessageCommand({
        QueueUrl: queue.url,
        MaxNumberOfMessages: max,
        VisibilityTimeout: 0,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: [
          "SentTimestamp",
          "ApproximateReceiveCount",
          "MessageGroupId",
          "DeadLetterQueueSourceArn",
        ],
      }),
    );
  } catch (error) {
    throw gone(error, queueRef(queue));
  }
  return (out.Messages ?? []).map((m): SampledMessage => {
    const body = m.Body ?? "";
    const chars = [...body];
    const attributes = m.Attributes ?? {};
    const sent = attributes.SentTimestamp === undefined ? undefined : Number(attributes.SentTimestamp);
    return {
      messageId: m.MessageId ?? "",
      body: chars.length > bodyChars ? `${chars.slice(0, bodyChars).join("")}…` : body,
      truncated: chars.length > bodyChars,
      bytes: Buffer.byteLength(body),
      ...(sent !== undefined && Number.isFinite(sent)
        ? { sentAt: new Date(sent).toISOString(), ageSeconds: Math.max(0, Math.round((now - sent) / 1000)) }
        : {}),
      ...(attributes.ApproximateReceiveCount !== undefined
        ? { receiveCount: Number(attributes.ApproximateReceiveCount) }
        : {}),
      ...(attributes.MessageGroupId !== undefined ? { groupId: attributes.MessageGroupId } : {}),
      ...(attributes.DeadLetterQueueSourceArn !== undefined
        ? { sourceArn: attributes.DeadLetterQueueSourceArn }
        : {}),
    };
  });
}

/** The latest ApproximateAgeOfOldestMessage of the last 15 minutes, in seconds, or undefined. */
async function oldestAgeMetric(
  aws: Aws,
  queue: SqsQueue,
  now: number,
  warnings: string[],
): Promise<number | undefined> {
  try {
    const out = await aws.client(CloudWatchClient).send(
      new GetMetricDataCommand({
        StartTime: new Date(now - 15 * 60_000),
        EndTime: new Date(now),
        ScanBy: "TimestampDescending",
        MetricDataQueries: [
          {
            Id: "oldest",
            MetricStat: {
              Metric: {
                Namespace: "AWS/SQS",
                MetricName: "ApproximateAgeOfOldestMessage",
                Dimensions: [{ Name: "QueueName", Value: queue.name }],
              },
              Period: 60,
              Stat: "Maximum",
            },
            ReturnData: true,
          },
        ],
      }),
    );
    const value = out.MetricDataResults?.[0]?.Values?.[0];
    return value === undefined ? undefined : Math.round(value);
  } catch (error) {
    if (isAccessDenied(error) || isUnsupported(error, aws)) {
      warnings.push(
        `could not read ApproximateAgeOfOldestMessage (${describeAwsError(error)}): age from the sample only`,
      );
      return undefined;
    }
    throw error;
  }
}

async function routeWarnings(
  aws: Aws,
  route: RedriveRoute,
  qualifier: string | undefined,
): Promise<string[]> {
  const warnings: string[] = [];
  if (route.method === "move-task") {
    const others = route.sources.filter((s) => s.kind !== "sqs-queue");
    if (others.length > 0) {
      warnings.push(
        `${route.queue.name} also receives failures from ${others.map((s) => s.name).join(", ")}: those messages ` +
          `have no source queue, so without a destination the move task fails when it reaches one`,
      );
    }
    try {
      const out = await aws
        .client(SQSClient)
        .send(new ListMessageMoveTasksCommand({ SourceArn: route.queue.arn, MaxResults: 1 }));
      const latest = out.Results?.[0];
      if (latest?.Status === "RUNNING" || latest?.Status === "CANCELLING") {
        warnings.push(
          `a message move task is already ${latest.Status.toLowerCase()} for ${route.queue.name} ` +
            `(${latest.ApproximateNumberOfMessagesMoved ?? 0} of ${latest.ApproximateNumberOfMessagesToMove ?? "?"} moved): ` +
            `a second one is refused until it ends`,
        );
      }
    } catch (error) {
      if (!(isAccessDenied(error) || isUnsupported(error, aws))) throw error;
      warnings.push(`could not list message move tasks (${describeAwsError(error)})`);
    }
    return warnings;
  }
  const qualifiers = route.sources.flatMap((s) =>
    s.kind === "function-destination" && s.arn === route.fn.arn ? (s.qualifiers ?? []) : [],
  );
  if (qualifiers.length > 0 && qualifier === undefined) {
    warnings.push(
      `${route.fn.name}'s on-failure destination is set on ${qualifiers.join(", ")}: the events came through ` +
        `that qualifier, but the re-invoke calls the unqualified function ($LATEST) unless a qualifier is given`,
    );
  }
  if (route.queue.redrivePolicy) {
    warnings.push(
      `${route.queue.name} has its own redrive policy: a message that fails to re-invoke is received again ` +
        `each run, and after ${route.queue.redrivePolicy.maxReceiveCount} receives SQS moves it on to ` +
        `${lastSegment(route.queue.redrivePolicy.deadLetterTargetArn)}`,
    );
  }
  if (route.queue.fifo) {
    warnings.push(
      `${route.queue.name} is FIFO: messages are invoked in group order and a run stops at the first one that ` +
        `cannot go, but Lambda's asynchronous queue does not promise to run events in the order it got them`,
    );
  }
  return warnings;
}

function lastSegment(arn: string): string {
  return arn.split(":").at(-1) ?? arn;
}
