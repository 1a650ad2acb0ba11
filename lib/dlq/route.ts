/**
 * Which redrive a DLQ allows, from the inventory alone (pure): a message move task when the queue is some
 * SQS queue's DLQ, re-invoking the function when it is a function's async DLQ or on-failure destination.
 * A queue fed by sources of different kinds (or by several functions) gets no automatic choice: the caller
 * picks with `via` / `functionName`, and the error says why and how.
 */
import { indexInventory, type InventoryIndex } from "../inventory/query.js";
import type { Inventory, LambdaFunction, Relation, SqsQueue } from "../inventory/types.js";
import { isManaged, TAGS } from "../policy/tags.js";
import { DlqError } from "./errors.js";
import type {
  DlqRow,
  DlqSource,
  DlqSourceKind,
  PayloadSource,
  QueueRef,
  RedriveChoice,
  RedriveMethod,
} from "./types.js";

export type RedriveRoute =
  | {
      readonly method: "move-task";
      readonly queue: SqsQueue;
      readonly sources: readonly DlqSource[];
      readonly sentence: string;
    }
  | {
      readonly method: "reinvoke";
      readonly queue: SqsQueue;
      readonly sources: readonly DlqSource[];
      readonly fn: LambdaFunction;
      readonly payload: PayloadSource;
      readonly sentence: string;
    };

export function queueRef(queue: SqsQueue): QueueRef {
  return { name: queue.name, arn: queue.arn, url: queue.url, fifo: queue.fifo };
}

/** A queue of the inventory by name, URL or ARN; a clear error naming it when it is not there. */
export function findQueue(index: InventoryIndex, ref: string, what = "queue"): SqsQueue {
  const wanted = ref.trim();
  const queues = index.ofKind("sqs-queue");
  const found =
    queues.find((q) => q.arn === wanted || q.url === wanted) ??
    queues.find((q) => q.name === nameOfQueueRef(wanted));
  if (found && (!looksLikeArnOrUrl(wanted) || sameQueue(found, wanted))) return found;
  const { accountId, region, discoveredAt } = index.inventory;
  const elsewhere = found
    ? ` (a queue of that name is in the inventory, but "${ref}" names another account or region)`
    : "";
  throw new DlqError(
    "not-found",
    `${what} "${ref}" is not in the inventory of account ${accountId} in ${region} (read at ${discoveredAt})` +
      `${elsewhere}: check the name, URL or ARN, or read the inventory again`,
  );
}

function looksLikeArnOrUrl(ref: string): boolean {
  return ref.startsWith("arn:") || /^https?:\/\//.test(ref);
}

/** An ARN or URL given for a queue must match it exactly, so a same-named queue elsewhere is never taken. */
function sameQueue(queue: SqsQueue, ref: string): boolean {
  if (ref.startsWith("arn:")) return queue.arn === ref;
  try {
    const [account, name] = new URL(ref).pathname.split("/").filter(Boolean);
    return account === queue.accountId && name === queue.name;
  } catch {
    return false;
  }
}

/** The last segment of an ARN or URL, or the ref itself. */
function nameOfQueueRef(ref: string): string {
  if (ref.startsWith("arn:")) return ref.split(":").at(-1) ?? ref;
  if (/^https?:\/\//.test(ref)) {
    try {
      return new URL(ref).pathname.split("/").filter(Boolean).at(-1) ?? ref;
    } catch {
      return ref;
    }
  }
  return ref;
}

const KIND_LABELS: Readonly<Record<DlqSourceKind, string>> = {
  "sqs-queue": "queue",
  "function-dlq": "function",
  "function-destination": "function",
  "event-source-failure": "event source of",
  "rule-target": "rule",
  "topic-subscription": "topic",
};

const SOURCE_ORDER: readonly DlqSourceKind[] = [
  "sqs-queue",
  "function-dlq",
  "function-destination",
  "event-source-failure",
  "rule-target",
  "topic-subscription",
];

/** What sends failures to the queue, one entry per source and mechanism, sorted by kind then name. */
export function describeSources(index: InventoryIndex, queueArn: string): DlqSource[] {
  const sources: DlqSource[] = [];
  for (const relation of index.sourcesOfDlq(queueArn)) sources.push(...sourcesOf(index, relation, queueArn));
  return sources.sort(
    (a, b) => SOURCE_ORDER.indexOf(a.kind) - SOURCE_ORDER.indexOf(b.kind) || a.name.localeCompare(b.name),
  );
}

function sourcesOf(index: InventoryIndex, relation: Relation, queueArn: string): DlqSource[] {
  const resource = index.byArn(relation.from);
  const name = resource?.name ?? relation.from.split(":").at(-1) ?? relation.from;
  const arn = relation.from;
  switch (relation.type) {
    case "dead-letter-queue":
      return [
        {
          kind: "sqs-queue",
          arn,
          name,
          method: "move-task",
          sentence: `SQS queue ${name} (redrive policy${
            resource?.kind === "sqs-queue" && resource.redrivePolicy
              ? `, maxReceiveCount ${resource.redrivePolicy.maxReceiveCount}`
              : ""
          })`,
        },
      ];
    case "async-dlq":
      return [
        {
          kind: "function-dlq",
          arn,
          name,
          method: "reinvoke",
          sentence: `function ${name} (async DLQ: bodies are the original events)`,
        },
      ];
    case "on-failure-destination": {
      if (resource?.kind !== "lambda-function") return [];
      const found: DlqSource[] = [];
      const qualifiers = (resource.qualifiedAsyncInvoke ?? [])
        .filter((c) => c.onFailureDestination === queueArn)
        .map((c) => c.qualifier);
      if (resource.asyncInvoke?.onFailureDestination === queueArn || qualifiers.length > 0) {
        found.push({
          kind: "function-destination",
          arn,
          name,
          method: "reinvoke",
          ...(qualifiers.length > 0 ? { qualifiers } : {}),
          sentence: `function ${name} (async on-failure destination${
            qualifiers.length > 0 ? ` of ${qualifiers.join(", ")}` : ""
          }: bodies are invocation records holding the original event as requestPayload)`,
        });
      }
      if (resource.eventSources.some((s) => s.onFailureDestination === queueArn)) {
        found.push({
          kind: "event-source-failure",
          arn,
          name,
          sentence:
            `function ${name} (event source mapping on-failure destination: records hold the batch's ` +
            `location only; replay means reading the stream while it still holds the records)`,
        });
      }
      return found;
    }
    case "target-dlq":
      return [
        {
          kind: "rule-target",
          arn,
          name,
          sentence: `EventBridge rule ${name} (target DLQ: redrive means re-sending the events, which Watchkeeper does not do)`,
        },
      ];
    case "subscription-dlq":
      return [
        {
          kind: "topic-subscription",
          arn,
          name,
          sentence: `SNS topic ${name} (subscription DLQ: redrive means re-delivering to the subscriber, which Watchkeeper does not do)`,
        },
      ];
    default:
      return [];
  }
}

function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

/**
 * The redrive for `queue`: the one its sources allow, or the one the caller chose. Throws a DlqError
 * (`not-a-dlq`, `choose`, `not-redrivable`, `protected`) that says what to pass instead.
 */
export function chooseRedrive(
  index: InventoryIndex,
  queue: SqsQueue,
  choice: RedriveChoice = {},
): RedriveRoute {
  const sources = describeSources(index, queue.arn);
  if (sources.length === 0) {
    throw new DlqError(
      "not-a-dlq",
      `queue ${queue.name} is no DLQ: no queue's redrive policy, function's DLQ or on-failure destination, ` +
        `rule target or subscription sends failures to it`,
    );
  }
  const described = list(sources.map((s) => s.sentence));
  const queueSources = sources.filter((s) => s.method === "move-task");
  const functionSources = sources.filter((s) => s.method === "reinvoke");
  const functionNames = [...new Set(functionSources.map((s) => s.name))];

  const via: RedriveMethod | undefined =
    choice.via ?? (choice.functionName !== undefined ? "reinvoke" : undefined);
  if (via === "move-task") {
    if (queueSources.length === 0) {
      throw new DlqError(
        "not-redrivable",
        `${queue.name} cannot be redriven with a message move task: StartMessageMoveTask needs a queue that is ` +
          `some SQS queue's DLQ, and ${queue.name} receives failures only from ${described}` +
          (functionSources.length > 0 ? "; use the re-invoke redrive (via reinvoke)" : ""),
      );
    }
    return moveTask(queue, sources, choice.via === undefined ? "" : " (chosen)");
  }
  if (via === "reinvoke") {
    if (functionSources.length === 0) {
      throw new DlqError(
        "not-redrivable",
        `${queue.name} cannot be redriven by re-invoking a function: no function's async DLQ or on-failure ` +
          `destination is ${queue.name}; it receives failures from ${described}` +
          (queueSources.length > 0 ? "; use a message move task (via move-task)" : ""),
      );
    }
    const fnName = choice.functionName ?? (functionNames.length === 1 ? functionNames[0] : undefined);
    if (fnName === undefined) {
      throw new DlqError(
        "choose",
        `${queue.name} receives the async failures of several functions (${list(functionNames)}) and a DLQ ` +
          `message does not say which one failed: pick the function to invoke (functionName)`,
      );
    }
    return reinvoke(index, queue, sources, fnName, choice.via === undefined ? "" : " (chosen)");
  }

  const methods = new Set(sources.map((s) => s.method));
  const unsupported = sources.filter((s) => s.method === undefined);
  if (methods.size === 1 && unsupported.length === 0) {
    if (queueSources.length > 0) return moveTask(queue, sources, "");
    if (functionNames.length === 1) return reinvoke(index, queue, sources, functionNames[0]!, "");
    throw new DlqError(
      "choose",
      `${queue.name} receives the async failures of several functions (${list(functionNames)}) and a DLQ ` +
        `message does not say which one failed: pick the function to invoke (functionName)`,
    );
  }
  if (queueSources.length === 0 && functionSources.length === 0) {
    throw new DlqError(
      "not-redrivable",
      `Watchkeeper cannot redrive ${queue.name}: it receives failures from ${described}`,
    );
  }
  const options = [
    ...(queueSources.length > 0 ? ["via move-task (back to the source queues)"] : []),
    ...(functionSources.length > 0 ? [`via reinvoke (invoke ${list(functionNames)})`] : []),
  ];
  throw new DlqError(
    "choose",
    `${queue.name} is shared by sources of different kinds (${described}): messages from one kind ` +
      `cannot go back the other way, so Watchkeeper will not choose; pick ${options.join(" or ")}`,
  );
}

function moveTask(queue: SqsQueue, sources: readonly DlqSource[], chosen: string): RedriveRoute {
  const names = sources.filter((s) => s.kind === "sqs-queue").map((s) => s.name);
  return {
    method: "move-task",
    queue,
    sources,
    sentence: `${queue.name}: message move task${chosen} back to each message's source queue (${list(names)})`,
  };
}

function reinvoke(
  index: InventoryIndex,
  queue: SqsQueue,
  sources: readonly DlqSource[],
  fnRef: string,
  chosen: string,
): RedriveRoute {
  const mine = sources.filter(
    (s) => s.method === "reinvoke" && (s.name === fnRef || s.arn === fnRef || s.arn === unqualified(fnRef)),
  );
  if (mine.length === 0) {
    const names = [...new Set(sources.filter((s) => s.method === "reinvoke").map((s) => s.name))];
    throw new DlqError(
      "not-redrivable",
      `function "${fnRef}" does not send its async failures to ${queue.name}` +
        (names.length > 0 ? ` (the functions that do: ${list(names)})` : ""),
    );
  }
  const fn = index.byArn(mine[0]!.arn);
  if (fn?.kind !== "lambda-function") {
    throw new DlqError("not-found", `function "${fnRef}" is not in the inventory`);
  }
  if (isWatchkeepers(fn)) {
    throw new DlqError(
      "protected",
      `function ${fn.name} is one of Watchkeeper's own functions (tagged watchkeeper:managed=true or named ` +
        `${OWN_PREFIX}*): Watchkeeper never redrives into itself`,
    );
  }
  const kinds = new Set(mine.map((s) => s.kind));
  const payload: PayloadSource =
    kinds.has("function-dlq") && kinds.has("function-destination")
      ? "auto"
      : kinds.has("function-destination")
        ? "record"
        : "body";
  const what =
    payload === "record"
      ? "with each record's requestPayload"
      : payload === "auto"
        ? "with each body, or a record's requestPayload"
        : "with each body";
  return {
    method: "reinvoke",
    queue,
    sources,
    fn,
    payload,
    sentence: `${queue.name}: re-invoke${chosen} ${fn.name} asynchronously ${what}, deleting each message only after Lambda accepted it`,
  };
}

/** The name prefix of Watchkeeper's own functions (with the managed tag, what marks them as its own). */
export const OWN_PREFIX = "watchkeeper-";

function isWatchkeepers(fn: LambdaFunction): boolean {
  return isManaged(fn.tags) || fn.name.startsWith(OWN_PREFIX);
}

function unqualified(arn: string): string {
  const parts = arn.split(":");
  return parts.length === 8 && parts[5] === "function" ? parts.slice(0, 7).join(":") : arn;
}

/** `watchkeeper:auto-redrive` on the queue, else on its first source that has it. */
export function autoRedriveTag(index: InventoryIndex, queue: SqsQueue): string | undefined {
  const own = queue.tags[TAGS.autoRedrive];
  if (own !== undefined) return own;
  for (const source of describeSources(index, queue.arn)) {
    const value = index.byArn(source.arn)?.tags[TAGS.autoRedrive];
    if (value !== undefined) return value;
  }
  return undefined;
}

/** Every DLQ of the inventory that is an SQS queue in it: depth, sources and the redrive it allows. */
export function listDlqs(inventory: Inventory | InventoryIndex): DlqRow[] {
  const index = "inventory" in inventory ? inventory : indexInventory(inventory);
  const rows: DlqRow[] = [];
  for (const arn of index.dlqArns) {
    const queue = index.byArn(arn);
    if (queue?.kind !== "sqs-queue") continue;
    const sources = describeSources(index, arn);
    let redrive: DlqRow["redrive"];
    let how: string;
    try {
      const route = chooseRedrive(index, queue);
      redrive = route.method;
      how =
        route.method === "move-task"
          ? "redrive with a message move task"
          : `redrive by re-invoking ${route.fn.name}`;
    } catch (error) {
      if (!(error instanceof DlqError)) throw error;
      redrive = error.code === "choose" ? "choose" : "none";
      how = error.code === "choose" ? "redrive after choosing how" : "no redrive possible";
    }
    const tag = autoRedriveTag(index, queue);
    const messages = `${queue.approximateMessages} message${queue.approximateMessages === 1 ? "" : "s"}`;
    rows.push({
      queue: queueRef(queue),
      depth: queue.approximateMessages,
      inFlight: queue.approximateMessagesNotVisible,
      sources,
      redrive,
      ...(tag !== undefined ? { autoRedrive: tag } : {}),
      sentence: `${queue.name}: ${messages} from ${list(sources.map((s) => `${KIND_LABELS[s.kind]} ${s.name}`))}; ${how}`,
    });
  }
  return rows.sort((a, b) => a.queue.name.localeCompare(b.queue.name));
}

/**
 * A move task's chosen destination: a queue of the inventory, of the same type as the DLQ (FIFO ↔ FIFO
 * only, as StartMessageMoveTask requires), and not the DLQ itself.
 */
export function resolveDestination(index: InventoryIndex, dlq: SqsQueue, ref: string): SqsQueue {
  const destination = findQueue(index, ref, "destination queue");
  if (destination.arn === dlq.arn) {
    throw new DlqError(
      "invalid-option",
      `destination ${destination.name} is the DLQ itself: choose another queue`,
    );
  }
  if (destination.fifo !== dlq.fifo) {
    const type = (q: SqsQueue) => (q.fifo ? "a FIFO queue" : "a standard queue");
    throw new DlqError(
      "invalid-option",
      `destination ${destination.name} is ${type(destination)} and ${dlq.name} is ${type(dlq)}: ` +
        `a message move task only moves between queues of the same type`,
    );
  }
  return destination;
}
