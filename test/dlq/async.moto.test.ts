/**
 * The re-invoke redrive of a Lambda function's async DLQ over the real wire: moto's SQS and Lambda, real
 * SDK clients, real HTTP. Region eu-north-1 belongs to this file (see test/moto/moto.ts).
 *
 * What moto (5.2) does here, and what it lacks:
 * - Invoke with InvocationType=Event: without Docker (none on these machines) moto cannot run the code,
 *   but it still answers 202 (with an X-Amz-Function-Error header and Docker's error as the body, which
 *   real Lambda never sends for an async invoke; the redrive only trusts the 202). It records nothing, so
 *   the payloads are read off the wire: a middleware on the test's clients keeps each Invoke's payload and
 *   the status moto answered. Payloads the function itself received are compared in async.sim.test.ts.
 * - Invoke of a deleted function: 404 ResourceNotFoundException, as AWS answers; that is the failing invoke.
 * - DeadLetterConfig: moto drops it (see test/inventory/discover.moto.test.ts), so the inventory read from
 *   moto lacks the function → DLQ relation; it is added to the snapshot here, exactly as GetFunction on AWS
 *   would report it. Everything else (queues, messages, receives, deletes, visibility) is moto's.
 */
import { CreateFunctionCommand, DeleteFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
  SendMessageCommand,
} from "@aws-sdk/client-sqs";
import type { Pluggable } from "@smithy/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Aws } from "../../lib/aws/index.js";
import { DLQ_INVENTORY_KINDS, previewRedrive, redriveAsyncDlq } from "../../lib/dlq/index.js";
import {
  deriveRelations,
  discoverInventory,
  type Inventory,
  type LambdaFunction,
} from "../../lib/inventory/index.js";
import { lambdaZip, motoAws, motoLambdaRole } from "../moto/moto.js";

const REGION = "eu-north-1";

interface WireInvoke {
  readonly functionName: string;
  readonly invocationType: string;
  readonly payload: string;
  readonly status?: number;
  readonly error?: string;
}

let invokes: WireInvoke[] = [];

/** Keeps every Invoke the Lambda client sends and what moto answered. */
function recordInvokes(service: string): Pluggable<object, object> {
  return {
    applyToStack(stack) {
      if (service !== "lambda") return;
      stack.add(
        (next, context) => async (args) => {
          if (context.commandName !== "InvokeCommand") return next(args);
          const input = args.input as { FunctionName: string; InvocationType: string; Payload: Uint8Array };
          const seen = {
            functionName: input.FunctionName,
            invocationType: input.InvocationType,
            payload: new TextDecoder().decode(input.Payload),
          };
          try {
            const result = await next(args);
            invokes.push({ ...seen, status: (result.output as { StatusCode?: number }).StatusCode });
            return result;
          } catch (error) {
            invokes.push({ ...seen, error: error instanceof Error ? error.name : String(error) });
            throw error;
          }
        },
        { step: "initialize", name: "recordInvokes", priority: "low" },
      );
    },
  };
}

let aws: Aws;

beforeAll(async () => {
  aws = motoAws(REGION, { plugin: recordInvokes });
});

afterAll(() => aws.destroy());

async function createFunctionWithDlq(name: string): Promise<{ dlqUrl: string; dlqArn: string }> {
  const sqs = aws.client(SQSClient);
  const dlqUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }))).QueueUrl!;
  const dlqArn = (
    await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ["QueueArn"] }))
  ).Attributes!.QueueArn!;
  await aws.client(LambdaClient).send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: "nodejs20.x",
      Role: await motoLambdaRole(),
      Handler: "index.handler",
      Code: { ZipFile: lambdaZip() },
      DeadLetterConfig: { TargetArn: dlqArn },
    }),
  );
  return { dlqUrl, dlqArn };
}

/** The inventory as discovered from moto, plus the DeadLetterConfig moto drops (see the header). */
async function inventoryWithDlq(functionName: string, dlqArn: string): Promise<Inventory> {
  const discovered = await discoverInventory(aws, { kinds: [...DLQ_INVENTORY_KINDS] });
  const resources = discovered.resources.map((r) =>
    r.kind === "lambda-function" && r.name === functionName && r.deadLetterTargetArn === undefined
      ? ({ ...r, deadLetterTargetArn: dlqArn } satisfies LambdaFunction)
      : r,
  );
  return { ...discovered, resources, relations: deriveRelations(resources) };
}

async function depth(url: string): Promise<{ visible: number; hidden: number }> {
  const out = await aws.client(SQSClient).send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  return {
    visible: Number(out.Attributes?.ApproximateNumberOfMessages),
    hidden: Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible),
  };
}

/** Every body in the queue, read without hiding anything. */
async function bodiesIn(url: string): Promise<string[]> {
  const out = await aws
    .client(SQSClient)
    .send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }));
  return (out.Messages ?? []).map((m) => m.Body ?? "").sort();
}

describe("async DLQ redrive against moto", () => {
  it("moves every message into the function with no loss and no duplicate", async () => {
    const { dlqUrl, dlqArn } = await createFunctionWithDlq("mailer");
    const sent = Array.from({ length: 23 }, (_, i) =>
      JSON.stringify({
        id: `evt-${String(i + 1).padStart(2, "0")}`,
        to: `user${i}@example.com`,
        text: "naïve ✓ 😀",
      }),
    );
    for (const body of sent) {
      await aws.client(SQSClient).send(new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: body }));
    }
    expect(await depth(dlqUrl)).toEqual({ visible: 23, hidden: 0 });
    const inventory = await inventoryWithDlq("mailer", dlqArn);

    const preview = await previewRedrive(aws, inventory, "mailer-dlq", { sample: 3 });
    expect(preview).toMatchObject({ method: "reinvoke", count: 23, target: "function mailer" });
    expect(preview.sample).toHaveLength(3);
    expect(await depth(dlqUrl)).toEqual({ visible: 23, hidden: 0 });

    invokes = [];
    const report = await redriveAsyncDlq(aws, inventory, "mailer-dlq", { ratePerSecond: 10 });

    expect(report).toMatchObject({ stopped: "empty", remaining: 0, left: [], invokedNotDeleted: [] });
    expect(report.moved).toHaveLength(23);
    expect(await depth(dlqUrl)).toEqual({ visible: 0, hidden: 0 });
    expect(invokes).toHaveLength(23);
    expect(invokes.every((i) => i.invocationType === "Event" && i.status === 202)).toBe(true);
    expect(invokes.every((i) => i.functionName === report.functionArn)).toBe(true);
    const payloads = invokes.map((i) => i.payload);
    expect(new Set(payloads).size).toBe(23);
    expect([...payloads].sort()).toEqual([...sent].sort());
  });

  it("stops when the invoke fails, and every message stays in the DLQ", async () => {
    const { dlqUrl, dlqArn } = await createFunctionWithDlq("gone");
    const sent = ['{"id":"g-1"}', '{"id":"g-2"}', '{"id":"g-3"}'];
    for (const body of sent) {
      await aws.client(SQSClient).send(new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: body }));
    }
    const inventory = await inventoryWithDlq("gone", dlqArn);
    await aws.client(LambdaClient).send(new DeleteFunctionCommand({ FunctionName: "gone" }));

    invokes = [];
    const report = await redriveAsyncDlq(aws, inventory, "gone-dlq");

    expect(report.stopped).toBe("invoke-failed");
    expect(report.moved).toEqual([]);
    expect(invokes).toEqual([expect.objectContaining({ error: "ResourceNotFoundException" })]);
    expect(report.left[0]).toMatchObject({ reason: "invoke-failed" });
    expect(report.left[0]?.detail).toContain("ResourceNotFoundException");
    expect(report.left.slice(1).every((l) => l.reason === "not-attempted")).toBe(true);
    expect(report.sentence).toContain("stays in the DLQ");
    expect(report.remaining).toBe(3);
    // Visible again at once (ChangeMessageVisibility 0), bodies untouched.
    expect(await depth(dlqUrl)).toEqual({ visible: 3, hidden: 0 });
    expect(await bodiesIn(dlqUrl)).toEqual(sent);
  });
});
