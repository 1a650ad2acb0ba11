/**
 * The org-reader role allows exactly what `watchkeeper status` reads: the calls status makes on a busy
 * account (lib/sim: a silence, an open breaker, a DLQ holding messages, a redrive), and every call of
 * the services status reads that its code can reach (the bundle scan of lib/actions/status.ts). A read
 * added to status fails here until the role allows it; a grant status never uses fails too.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runAction, type OnCallStatus } from "../../lib/actions/index.js";
import { parseConfig } from "../../lib/config/index.js";
import { DLQ_INVENTORY_KINDS } from "../../lib/dlq/index.js";
import { orgReaderRoleName } from "../../lib/org/role.js";
import { PROJECT_ROOT } from "../../lib/infra/paths.js";
import { sampleAccount, simulatedAws } from "../../lib/sim/index.js";
import { createTripAlarms } from "../support/breaker.js";
import { entryCalls, iamAction } from "./bundle-calls.js";
import { buildApp } from "./synth.js";

const EXAMPLE: unknown = JSON.parse(
  readFileSync(join(PROJECT_ROOT, "docs", "examples", "organization.json"), "utf8"),
);

/** lib/sim's service names → the SDK client package names bundle-calls.ts maps to IAM. */
const CLIENT_OF: Readonly<Record<string, string>> = {
  apigateway: "api-gateway",
  logs: "cloudwatch-logs",
  tagging: "resource-groups-tagging-api",
  secretsmanager: "secrets-manager",
};

/** The services status reads: alarms, the Tagging API, and the kinds that tell a DLQ from a queue. */
const STATUS_SERVICES = ["cloudwatch", "events", "lambda", "sns", "sqs", "tag"];

/** The actions the org-reader role allows, read from the synthesized member template. */
function roleActions(): string[] {
  const { app, organization } = buildApp(EXAMPLE);
  const assembly = app.synth();
  const member = JSON.parse(
    readFileSync(join(assembly.directory, organization!.stackSet.member.templateFile), "utf8"),
  ) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
  const role = Object.values(member.Resources).find(
    (r) => r.Type === "AWS::IAM::Role" && r.Properties.RoleName === orgReaderRoleName("watchkeeper-"),
  )!;
  const policies = role.Properties.Policies as {
    PolicyDocument: { Statement: { Effect: string; Action: string | string[] }[] };
  }[];
  const statements = policies.flatMap((p) => p.PolicyDocument.Statement);
  expect(statements.every((s) => s.Effect === "Allow")).toBe(true);
  return [...new Set(statements.flatMap((s) => [s.Action].flat()))].sort();
}

/** The IAM actions of the calls `status` makes on a sample account with something in every section. */
async function statusCalls(): Promise<{ actions: string[]; status: OnCallStatus }> {
  const sim = sampleAccount();
  const aws = simulatedAws(sim);
  const config = parseConfig({});
  const act = async (action: Record<string, unknown>) => {
    const result = await runAction(aws, action as never, { actor: "user:test", config });
    if (!result.ok) throw new Error(`${String(action.action)}: ${result.text}`);
    return result;
  };
  await act({ action: "reconcile" });
  await createTripAlarms(aws);
  await act({ action: "breaker-trip", function: "payments-consumer", reason: "storm" });
  for (let n = 0; n < 5; n++)
    sim.addMessage("payments-dlq", { body: `{"n":${n}}`, fromQueue: "payments", receiveCount: 5 });
  await act({ action: "dlq-redrive", queue: "payments-dlq", ratePerSecond: 1 });
  const alarm = [...sim.alarms.keys()].find((name) => name.startsWith("watchkeeper-lambda-"))!;
  await act({ action: "alarm-silence", alarm, minutes: 30 });

  const before = new Map(sim.stats().map((s) => [`${s.service}:${s.api}`, s.calls]));
  const status = (await act({ action: "status" })).details as OnCallStatus;
  const actions = sim
    .stats()
    .filter((s) => s.calls > (before.get(`${s.service}:${s.api}`) ?? 0))
    .flatMap((s) => iamAction(CLIENT_OF[s.service] ?? s.service, s.api) ?? []);
  return { actions: [...new Set(actions)].sort(), status };
}

describe("the org-reader role", () => {
  it("allows exactly the calls status makes on a busy account", async () => {
    const { actions, status } = await statusCalls();
    // Every section had something to read, so every path of status ran.
    expect(status.breakers.map((b) => b.functionName)).toEqual(["payments-consumer"]);
    expect(status.silenced).toHaveLength(1);
    expect(status.dlqs.length).toBeGreaterThan(0);
    expect(status.warnings).toEqual([]);
    expect(roleActions()).toEqual(actions);
  }, 60_000);

  it("allows every call status can reach in the services it reads, and none of the others", async () => {
    // Status discovers these kinds only (lib/actions/dlq.ts readDlqInventory): their services, and
    // CloudWatch (alarms) and the Tagging API (breaker records, every kind's tags).
    expect([...DLQ_INVENTORY_KINDS].sort()).toEqual([
      "eventbridge-rule",
      "lambda-function",
      "sns-topic",
      "sqs-queue",
    ]);
    const reachable = await entryCalls("lib/actions/status.ts");
    const service = (action: string) => action.split(":")[0]!;
    expect(roleActions()).toEqual(reachable.filter((a) => STATUS_SERVICES.includes(service(a))).sort());
    // The rest are discovery's reads of kinds status never asks for.
    expect([...new Set(reachable.map(service))].filter((s) => !STATUS_SERVICES.includes(s)).sort()).toEqual([
      "apigateway",
      "dynamodb",
      "kinesis",
      "logs",
      "states",
    ]);
  }, 60_000);
});
