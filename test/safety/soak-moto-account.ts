/**
 * The moto soak's account: a few functions (an SQS consumer with a DLQ, a table's stream reader, an API
 * handler, one function Watchkeeper must ignore), a table, and the functions' log groups with retention
 * set, unset and tagged. Free of vitest: the bench seeds its own moto server with it.
 */
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  PutRetentionPolicyCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateEventSourceMappingCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { CreateQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { Aws } from "../../lib/aws/clients.js";
import { TAGS } from "../../lib/policy/tags.js";
import { createMotoFunction, MOTO_ACCOUNT_ID } from "../moto/moto.js";

export async function seedSoakAccount(aws: Aws, role: string): Promise<void> {
  const arn = (service: string, resource: string) =>
    `arn:aws:${service}:${aws.region}:${MOTO_ACCOUNT_ID}:${resource}`;
  const sqs = aws.client(SQSClient);
  await sqs.send(new CreateQueueCommand({ QueueName: "jobs-dlq", tags: { team: "jobs" } }));
  await sqs.send(
    new CreateQueueCommand({
      QueueName: "jobs",
      Attributes: {
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn("sqs", "jobs-dlq"), maxReceiveCount: "3" }),
      },
      tags: { team: "jobs" },
    }),
  );

  const table = await aws.client(DynamoDBClient).send(
    new CreateTableCommand({
      TableName: "orders",
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
      StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_IMAGE" },
      Tags: [{ Key: "team", Value: "orders" }],
    }),
  );

  const lambda = aws.client(LambdaClient);
  const create = (name: string, tags: Record<string, string>) =>
    createMotoFunction(aws, role, name, { Timeout: 30, Tags: tags });
  await create("jobs-worker", { team: "jobs", [TAGS.critical]: "true" });
  await lambda.send(
    new CreateEventSourceMappingCommand({
      FunctionName: "jobs-worker",
      EventSourceArn: arn("sqs", "jobs"),
      BatchSize: 10,
    }),
  );
  await create("orders-stream", { team: "orders" });
  await lambda.send(
    new CreateEventSourceMappingCommand({
      FunctionName: "orders-stream",
      EventSourceArn: table.TableDescription?.LatestStreamArn,
      StartingPosition: "LATEST",
    }),
  );
  await create("orders-api", { team: "orders", [TAGS.retention]: "90" });
  await create("scratch", { [TAGS.ignore]: "true" });

  const logs = aws.client(CloudWatchLogsClient);
  const retention: Record<string, number | undefined> = {
    "/aws/lambda/jobs-worker": undefined,
    "/aws/lambda/orders-stream": 7,
    "/aws/lambda/orders-api": 30,
    "/aws/lambda/scratch": undefined,
    "/app/audit": 400,
  };
  for (const [logGroupName, days] of Object.entries(retention)) {
    await logs.send(new CreateLogGroupCommand({ logGroupName }));
    if (days !== undefined)
      await logs.send(new PutRetentionPolicyCommand({ logGroupName, retentionInDays: days }));
  }
}
