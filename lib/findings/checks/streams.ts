/**
 * Stream event source mappings (Kinesis, DynamoDB Streams): a failing batch is retried in order, so a
 * poison record holds up its whole shard unless retries are bounded, failures are kept and batches split.
 */
import type { EventSourceMapping, LambdaFunction } from "../../inventory/types.js";
import { displayName, type FindingsIndex } from "../context.js";
import { formatDuration } from "../format.js";
import type { Check, FindingDraft } from "../types.js";

const STREAM_ERRORS = "https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html";
const ESM_API = "https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html";

/** DynamoDB Streams keep records for 24 hours; not configurable. */
const DYNAMODB_STREAM_RETENTION_SECONDS = 86_400;

interface StreamMapping {
  readonly fn: LambdaFunction;
  readonly mapping: EventSourceMapping;
  readonly sourceName: string;
  /** How long the source keeps a record, when known. */
  readonly retentionSeconds?: number;
}

/** Three checks read the same list: it is worked out once per index. */
const mappingsByIndex = new WeakMap<FindingsIndex, readonly StreamMapping[]>();

/** Every Kinesis or DynamoDB stream mapping, function by function, mapping by UUID. */
export function streamMappings(index: FindingsIndex): readonly StreamMapping[] {
  let found = mappingsByIndex.get(index);
  if (!found) {
    found = findStreamMappings(index);
    mappingsByIndex.set(index, found);
  }
  return found;
}

function findStreamMappings(index: FindingsIndex): StreamMapping[] {
  const found: StreamMapping[] = [];
  for (const fn of index.ofKind("lambda-function")) {
    const mappings = fn.eventSources.filter(
      (m) => (m.sourceKind === "kinesis" || m.sourceKind === "dynamodb-stream") && m.state !== "Deleting",
    );
    if (mappings.length > 1) mappings.sort((a, b) => a.uuid.localeCompare(b.uuid));
    for (const mapping of mappings) {
      const source = mapping.sourceArn ? index.resource(mapping.sourceArn) : undefined;
      const retentionSeconds =
        mapping.sourceKind === "dynamodb-stream"
          ? DYNAMODB_STREAM_RETENTION_SECONDS
          : source?.kind === "kinesis-stream"
            ? source.retentionHours * 3_600
            : undefined;
      found.push({
        fn,
        mapping,
        sourceName: streamName(index, mapping),
        ...(retentionSeconds === undefined ? {} : { retentionSeconds }),
      });
    }
  }
  return found;
}

function streamName(index: FindingsIndex, mapping: EventSourceMapping): string {
  if (!mapping.sourceArn) return `mapping ${mapping.uuid}`;
  if (mapping.sourceKind === "dynamodb-stream") {
    // arn:aws:dynamodb:r:a:table/orders/stream/2024-01-01T00:00:00.000 → table orders
    const table = /:table\/([^/]+)\/stream\//.exec(mapping.sourceArn)?.[1];
    if (table) return `DynamoDB table ${table}'s stream`;
  }
  return `stream ${displayName(index, mapping.sourceArn)}`;
}

function subject({ fn }: StreamMapping) {
  return { resourceArn: fn.arn, resourceName: fn.name, resourceKind: fn.kind };
}

function until(stream: StreamMapping): string {
  return stream.retentionSeconds === undefined
    ? "until the record expires from the stream"
    : `until the record expires from the stream (${formatDuration(stream.retentionSeconds)})`;
}

export const streamUnboundedRetries: Check = {
  id: "stream-unbounded-retries",
  title: "Stream mapping retries without limit: a poison record blocks its shard",
  severity: "high",
  description:
    "MaximumRetryAttempts and MaximumRecordAgeInSeconds both default to -1 (infinite). With unbounded " +
    "retries a record that always fails is retried until it expires, and the shard makes no progress; " +
    "with no maximum age, a function that cannot be invoked (throttled, or concurrency 0) blocks the shard " +
    "until records expire. A missing value is read as the documented default (-1).",
  source: ESM_API,
  run({ index }) {
    const drafts: FindingDraft[] = [];
    for (const stream of streamMappings(index)) {
      const retries = stream.mapping.maximumRetryAttempts ?? -1;
      const maxAge = stream.mapping.maximumRecordAgeSeconds ?? -1;
      if (retries !== -1 && maxAge !== -1) continue;
      const on = `${stream.sourceName} (mapping ${stream.mapping.uuid})`;
      const message =
        retries === -1 && maxAge === -1
          ? `${on} retries a failing batch forever (MaximumRetryAttempts -1, no MaximumRecordAgeInSeconds): one poison record blocks its shard ${until(stream)}`
          : retries === -1
            ? `${on} retries a failing batch without limit (MaximumRetryAttempts -1): one poison record blocks its shard until it is ${formatDuration(maxAge)} old`
            : `${on} has no MaximumRecordAgeInSeconds: while ${stream.fn.name} is throttled or cannot be invoked, the shard waits ${until(stream)}`;
      drafts.push({
        ...subject(stream),
        message,
        fix: `Set ${retries === -1 ? "MaximumRetryAttempts (e.g. 3)" : ""}${retries === -1 && maxAge === -1 ? " and " : ""}${maxAge === -1 ? "MaximumRecordAgeInSeconds (e.g. 3600)" : ""} on mapping ${stream.mapping.uuid}.`,
      });
    }
    return drafts;
  },
};

export const streamNoFailureDestination: Check = {
  id: "stream-no-failure-destination",
  title: "Stream mapping without an on-failure destination",
  severity: "medium",
  description:
    "Records a stream mapping gives up on (after its retries or maximum age) are discarded. An on-failure " +
    "destination (SQS, SNS or S3) keeps a record of the shard and sequence numbers, so they can be read " +
    "again while the stream still holds them.",
  source: STREAM_ERRORS,
  run({ index }) {
    return streamMappings(index)
      .filter((stream) => !stream.mapping.onFailureDestination)
      .map((stream) => ({
        ...subject(stream),
        message: `${stream.sourceName} (mapping ${stream.mapping.uuid}) has no on-failure destination: records discarded after retries leave no trace of which shard and sequence numbers failed`,
        fix: `Add DestinationConfig.OnFailure (an SQS queue or SNS topic) to mapping ${stream.mapping.uuid}.`,
      }));
  },
};

export const streamNoBisect: Check = {
  id: "stream-no-bisect",
  title: "Stream mapping does not split a failing batch",
  severity: "low",
  description:
    "With BisectBatchOnFunctionError off, one bad record fails its whole batch on every retry. Splitting " +
    "isolates the bad record without spending the retry quota. (ReportBatchItemFailures is another way; " +
    "the inventory does not record it.)",
  source: STREAM_ERRORS,
  run({ index }) {
    return streamMappings(index)
      .filter((stream) => !stream.mapping.bisectBatchOnFunctionError)
      .map((stream) => ({
        ...subject(stream),
        message: `${stream.sourceName} (mapping ${stream.mapping.uuid}) does not bisect a failing batch: one bad record fails all ${stream.mapping.batchSize ?? 100} records of its batch on every retry`,
        fix: `Set BisectBatchOnFunctionError=true on mapping ${stream.mapping.uuid}.`,
      }));
  },
};

export const STREAM_CHECKS: readonly Check[] = [
  streamUnboundedRetries,
  streamNoFailureDestination,
  streamNoBisect,
];
