/**
 * One entry for "redrive this DLQ": preview first, stop there on a dry run, otherwise take the route the
 * queue allows (or the caller chose): a message move task, or the re-invoke run.
 */
import type { Aws } from "../aws/clients.js";
import { indexInventory, type InventoryIndex } from "../inventory/query.js";
import type { Inventory } from "../inventory/types.js";
import { startRedrive } from "./move.js";
import { previewRedrive, type PreviewOptions } from "./preview.js";
import { redriveAsyncDlq, type AsyncRedriveOptions } from "./reinvoke.js";
import type { AsyncRedriveReport, RedrivePreview, StartedRedrive } from "./types.js";

export interface RedriveOptions extends PreviewOptions, Omit<AsyncRedriveOptions, "ratePerSecond"> {
  /** Show what would happen and stop. */
  readonly dryRun?: boolean;
  /** move-task: 1 to 500 messages a second; reinvoke: 1 to 10 invokes a second. */
  readonly ratePerSecond?: number;
}

export type RedriveResult =
  | { readonly kind: "dry-run"; readonly preview: RedrivePreview; readonly sentence: string }
  | {
      readonly kind: "move-task";
      readonly preview: RedrivePreview;
      readonly started: StartedRedrive;
      readonly sentence: string;
    }
  | {
      readonly kind: "reinvoke";
      readonly preview: RedrivePreview;
      readonly report: AsyncRedriveReport;
      readonly sentence: string;
    };

export async function redrive(
  aws: Aws,
  inventory: Inventory | InventoryIndex,
  queueName: string,
  options: RedriveOptions = {},
): Promise<RedriveResult> {
  const index = "inventory" in inventory ? inventory : indexInventory(inventory);
  const preview = await previewRedrive(aws, index, queueName, options);
  if (options.dryRun) {
    return { kind: "dry-run", preview, sentence: `dry run, nothing moved: ${preview.sentence}` };
  }
  const queue = preview.queue.arn;
  if (preview.method === "move-task") {
    const started = await startRedrive(aws, index, queue, {
      ...(options.destination !== undefined ? { destination: options.destination } : {}),
      ...(options.ratePerSecond !== undefined ? { ratePerSecond: options.ratePerSecond } : {}),
    });
    return { kind: "move-task", preview, started, sentence: started.sentence };
  }
  const report = await redriveAsyncDlq(aws, index, queue, {
    ...(options.functionName !== undefined ? { functionName: options.functionName } : {}),
    ...(options.maxMessages !== undefined ? { maxMessages: options.maxMessages } : {}),
    ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
    ...(options.ratePerSecond !== undefined ? { ratePerSecond: options.ratePerSecond } : {}),
    ...(options.deadline !== undefined ? { deadline: options.deadline } : {}),
    ...(options.qualifier !== undefined ? { qualifier: options.qualifier } : {}),
  });
  return { kind: "reinvoke", preview, report, sentence: report.sentence };
}
