/**
 * WebSocket API alarms as the reconcile makes them, evaluated on a metric trace by lib/sim's CloudWatch
 * evaluation: ExecutionError rising on one stage pages that stage once it has been above 5% for 3 minutes
 * in a row, a shorter burst does not, and an HTTP API beside it — same namespace, same ApiId and Stage
 * dimensions, failing and slow all along — is never a contributor of the WebSocket alarms.
 */
import { describe, expect, it } from "vitest";
import { resolveAlarmPolicy } from "../../lib/alarms/policy.js";
import { reconcileAlarms } from "../../lib/alarms/reconcile.js";
import { discoverInventory } from "../../lib/inventory/discover.js";
import { SimAccount, simulatedAws } from "../../lib/sim/index.js";

const MINUTE = 60_000;
const NAMESPACE = "AWS/ApiGateway";
const EXECUTION_ERRORS = "watchkeeper-apigateway-websocket-execution-errors";

async function reconciledAccount() {
  const sim = new SimAccount({ seed: "websocket-evaluation" });
  const topicArn = sim.addTopic({ name: "oncall" }).arn;
  const chat = sim.addHttpApi({ name: "chat", protocolType: "WEBSOCKET" }).id;
  const portal = sim.addHttpApi({ name: "portal" }).id;
  const aws = simulatedAws(sim);
  const { policy } = resolveAlarmPolicy({ notificationTopicArn: topicArn });
  await reconcileAlarms(aws, await discoverInventory(aws), policy, { clock: sim.clock });
  return { sim, chat, portal };
}

/** Samples of a per-message metric: `ones` of `count` messages had it. */
const perMessage = (count: number, ones: number) =>
  Array.from({ length: count }, (_, i) => (i < ones ? 1 : 0));

describe("a WebSocket API's execution errors, evaluated", () => {
  it("page the stage after 3 minutes above 5%, not after 2; the HTTP API beside it never counts", async () => {
    const { sim, chat, portal } = await reconciledAccount();
    /** One minute of traffic: 100 messages to chat's stage, `failed` of them execution errors. */
    const minute = (failed: number) => {
      const stages: Record<string, string>[] = [{ ApiId: chat }, { ApiId: chat, Stage: "production" }];
      for (const dims of stages) {
        sim.emitMetric({
          namespace: NAMESPACE,
          metricName: "ExecutionError",
          dimensions: dims,
          values: perMessage(100, failed),
        });
        sim.emitMetric({
          namespace: NAMESPACE,
          metricName: "ClientError",
          dimensions: dims,
          values: perMessage(100, 0),
        });
        sim.emitMetric({
          namespace: NAMESPACE,
          metricName: "IntegrationLatency",
          dimensions: dims,
          values: Array<number>(100).fill(50),
        });
      }
      // The HTTP API fails every request, slowly: its alarms fire, the WebSocket ones must not hear of it.
      const portalStages: Record<string, string>[] = [
        { ApiId: portal },
        { ApiId: portal, Stage: "$default" },
      ];
      for (const dims of portalStages) {
        sim.emitMetric({
          namespace: NAMESPACE,
          metricName: "5xx",
          dimensions: dims,
          values: perMessage(50, 50),
        });
        sim.emitMetric({
          namespace: NAMESPACE,
          metricName: "IntegrationLatency",
          dimensions: dims,
          values: Array<number>(50).fill(9000),
        });
      }
      sim.advanceTime(MINUTE);
      sim.evaluateAlarms();
    };
    const pages = (alarm: string) =>
      sim.notifications.filter((n) => n.alarmName.startsWith(alarm)).map((n) => [n.contributor, n.newState]);

    for (let i = 0; i < 5; i++) minute(0);
    // 20% for two minutes, then a good one: not 3 in a row.
    for (const failed of [20, 20, 0]) minute(failed);
    expect(pages(EXECUTION_ERRORS)).toEqual([]);

    minute(20);
    minute(20);
    expect(pages(EXECUTION_ERRORS)).toEqual([]);
    minute(20);
    expect(pages(EXECUTION_ERRORS)).toEqual([[`ApiId=${chat},Stage=production`, "ALARM"]]);

    for (let i = 0; i < 3; i++) minute(0);
    expect(pages(EXECUTION_ERRORS)).toEqual([
      [`ApiId=${chat},Stage=production`, "ALARM"],
      [`ApiId=${chat},Stage=production`, "OK"],
    ]);
    // Every page of the trace: the HTTP API's failures page its own alarm only; the WebSocket stage's
    // latency (50 ms) and client errors stay quiet, whatever the HTTP API's IntegrationLatency.
    expect(
      sim.notifications.filter((n) => n.newState === "ALARM").map((n) => [n.alarmName, n.contributor]),
    ).toEqual([
      ["watchkeeper-apigateway-http-5xx", `ApiId=${portal},Stage=$default`],
      [EXECUTION_ERRORS, `ApiId=${chat},Stage=production`],
    ]);
  });
});
