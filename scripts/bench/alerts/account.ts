/** A scenario's account in lib/sim: its loads as resources, with event source mappings, DLQs and tags. */
import type { SimAccount } from "../../../lib/sim/index.js";
import { levelAt, type Load } from "./loads.js";
import type { ResourceIds } from "./traffic.js";

/** Long before any window: a load's configuration as the reconcile finds it. */
const AT_CREATION = Number.MIN_SAFE_INTEGER;

/** Adds every load's resource (dead-letter queues and streams before what refers to them); returns the made-up ids. */
export function seedAccount(sim: SimAccount, loads: readonly Load[]): ResourceIds {
  const deadLetterQueues = new Set(
    loads.flatMap((l) => (l.kind === "queue" && l.deadLetterQueue ? [l.deadLetterQueue] : [])),
  );
  const order = (l: Load) =>
    l.kind === "queue" ? (deadLetterQueues.has(l.name) ? 0 : 1) : l.kind === "stream" ? 1 : 2;
  const apiIds = new Map<string, string>();
  for (const load of [...loads].sort((a, b) => order(a) - order(b))) {
    const tags = { ...load.tags };
    switch (load.kind) {
      case "queue":
        sim.addQueue({
          name: load.name,
          tags,
          ...(load.deadLetterQueue
            ? { deadLetterQueue: load.deadLetterQueue, maxReceiveCount: load.maxReceiveCount ?? 5 }
            : {}),
        });
        break;
      case "stream":
        sim.addStream({
          name: load.name,
          shardCount: load.shards ?? 1,
          retentionHours: load.retentionHours ?? 24,
          tags,
        });
        break;
      case "function": {
        const reserved = load.reservedConcurrency;
        sim.addFunction({
          name: load.name,
          timeout: load.timeoutSeconds ?? 30,
          memorySize: 512,
          tags,
          ...(reserved !== undefined ? { reservedConcurrency: levelAt(reserved, AT_CREATION) } : {}),
        });
        if (load.queue)
          sim.addEventSourceMapping({
            functionName: load.name,
            eventSourceArn: sim.arns.of("sqs", load.queue),
            batchSize: 10,
            reportBatchItemFailures: true,
          });
        if (load.stream)
          sim.addEventSourceMapping({
            functionName: load.name,
            eventSourceArn: sim.arns.of("kinesis", `stream/${load.stream.name}`),
            batchSize: 100,
            startingPosition: "LATEST",
          });
        break;
      }
      case "table":
        sim.addTable({ name: load.name, tags });
        break;
      case "rest-api":
        sim.addRestApi({ name: load.name, stages: [load.stage ?? "prod"], tags });
        break;
      case "http-api":
        apiIds.set(
          load.name,
          sim.addHttpApi({ name: load.name, stages: [load.stage ?? "$default"], tags }).id,
        );
        break;
      case "websocket-api":
        apiIds.set(
          load.name,
          sim.addHttpApi({
            name: load.name,
            protocolType: "WEBSOCKET",
            stages: [load.stage ?? "production"],
            tags,
          }).id,
        );
        break;
      case "state-machine":
        sim.addStateMachine({
          name: load.name,
          type: load.type ?? "STANDARD",
          definition: JSON.stringify({
            StartAt: "Work",
            ...(load.timeoutSeconds !== undefined ? { TimeoutSeconds: load.timeoutSeconds } : {}),
            States: { Work: { Type: "Pass", End: true } },
          }),
          tags,
        });
        break;
      case "rule": {
        const bus = load.bus ?? "default";
        if (!sim.eventBuses.has(bus)) sim.addEventBus({ name: bus });
        sim.addRule({
          name: load.name,
          eventBusName: bus,
          eventPattern: JSON.stringify({ source: [`app.${load.name}`] }),
          tags,
        });
        break;
      }
      case "topic":
        sim.addTopic({ name: load.name, tags });
        break;
    }
  }
  return {
    apiId: (name) => {
      const id = apiIds.get(name);
      if (id === undefined) throw new Error(`no HTTP or WebSocket API "${name}" in the scenario`);
      return id;
    },
    stateMachineArn: (name) => sim.arns.of("states", `stateMachine:${name}`),
  };
}
