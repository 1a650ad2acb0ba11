/** Encryption at rest for queues and streams (DynamoDB tables are always encrypted at rest: not checked). */
import type { Check } from "../types.js";

const SQS_SSE =
  "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html";
const KINESIS_SSE = "https://docs.aws.amazon.com/kinesis/latest/APIReference/API_StartStreamEncryption.html";

export const sqsUnencrypted: Check = {
  id: "sqs-unencrypted",
  title: "Queue without server-side encryption",
  severity: "medium",
  description:
    "SQS has created queues with SSE-SQS by default since 2022 (over HTTPS endpoints), so a queue " +
    "without encryption was created before that, over a non-TLS endpoint, or had it turned off. Either " +
    "SSE-SQS or SSE-KMS passes.",
  source: SQS_SSE,
  run({ index }) {
    return index
      .ofKind("sqs-queue")
      .filter((queue) => queue.encryption === "none")
      .map((queue) => ({
        resourceArn: queue.arn,
        resourceName: queue.name,
        resourceKind: queue.kind,
        message:
          "messages are stored unencrypted: neither SSE-SQS nor SSE-KMS is on (new queues get SSE-SQS by default, so it was created earlier or turned off)",
        fix: `Turn on SSE-SQS (SqsManagedSseEnabled=true) or SSE-KMS (KmsMasterKeyId) on ${queue.name} with SetQueueAttributes.`,
      }));
  },
};

export const kinesisUnencrypted: Check = {
  id: "kinesis-unencrypted",
  title: "Kinesis stream without server-side encryption",
  severity: "medium",
  description:
    "Kinesis Data Streams encrypts records at rest only after StartStreamEncryption (KMS); a stream " +
    "created without it stores records in plain text.",
  source: KINESIS_SSE,
  run({ index }) {
    return index
      .ofKind("kinesis-stream")
      .filter((stream) => stream.encryption === "none")
      .map((stream) => ({
        resourceArn: stream.arn,
        resourceName: stream.name,
        resourceKind: stream.kind,
        message: "records are stored unencrypted (StreamEncryption NONE)",
        fix: `Run StartStreamEncryption on ${stream.name} with EncryptionType=KMS and KeyId alias/aws/kinesis (or a customer key).`,
      }));
  },
};

export const ENCRYPTION_CHECKS: readonly Check[] = [sqsUnencrypted, kinesisUnencrypted];
