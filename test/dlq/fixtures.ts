/** Shared setup for the DLQ tests over lib/sim: the sample account (or a tweaked one), its Aws and inventory. */
import { SQSClient, SendMessageCommand } from "@aws-sdk/client-sqs";
import type { Aws } from "../../lib/aws/index.js";
import { DLQ_INVENTORY_KINDS } from "../../lib/dlq/index.js";
import { discoverInventory, type Inventory } from "../../lib/inventory/index.js";
import { sampleAccount, simulatedAws, type SimAccount, type VirtualClock } from "../../lib/sim/index.js";

export interface SimSetup {
  readonly sim: SimAccount;
  readonly aws: Aws;
  readonly inventory: Inventory;
}

/** The sample account, changed by `seed` before the inventory is read. */
export async function simSetup(seed: (sim: SimAccount) => void = () => {}): Promise<SimSetup> {
  const sim = sampleAccount();
  seed(sim);
  const aws = simulatedAws(sim);
  const inventory = await discoverInventory(aws, { kinds: [...DLQ_INVENTORY_KINDS] });
  return { sim, aws, inventory };
}

/** Moves the account's virtual clock and settles move tasks. */
export function advance(sim: SimAccount, ms: number): void {
  (sim.clock as VirtualClock).advance(ms);
  sim.settle();
}

/** Bodies of a simulated queue, in queue order. */
export function bodies(sim: SimAccount, queue: string): string[] {
  return (sim.queue(queue)?.messages ?? []).map((m) => m.body);
}

export async function send(aws: Aws, url: string, body: string, groupId?: string): Promise<void> {
  await aws.client(SQSClient).send(
    new SendMessageCommand({
      QueueUrl: url,
      MessageBody: body,
      ...(groupId !== undefined
        ? { MessageGroupId: groupId, MessageDeduplicationId: `${groupId}:${body}` }
        : {}),
    }),
  );
}
