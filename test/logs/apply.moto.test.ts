/**
 * The retention sweep against moto: real SDK clients and HTTP, inventory from discovery, results read
 * back from moto. Region ap-northeast-3 belongs to this file (see test/moto/moto.ts).
 *
 * moto lacks Lambda advanced logging (it neither stores nor returns LoggingConfig), so functions here
 * write to /aws/lambda/<name>; custom log group names are covered by the pure tests in plan.test.ts.
 */
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DescribeLogGroupsCommand,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
  paginateDescribeLogGroups,
} from "@aws-sdk/client-cloudwatch-logs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Aws } from "../../lib/aws/index.js";
import { discoverInventory } from "../../lib/inventory/discover.js";
import type { Inventory } from "../../lib/inventory/types.js";
import { reconcileRetention, retentionPolicy, retentionState } from "../../lib/logs/index.js";
import { isWrite } from "../../lib/plan/change.js";
import { createMotoFunction, motoAws, motoLambdaRole } from "../moto/moto.js";

const REGION = "ap-northeast-3";

const POLICY = retentionPolicy({
  maxDays: 731,
  rules: [
    { prefix: "/app/audit/", days: 365 },
    { prefix: "/app/legacy/", exclude: true },
  ],
  excludePrefixes: ["/vendor/"],
});

/** Each group: its retention before the sweep (undefined: never expires), tags, and what it must end with. */
const GROUPS: readonly {
  name: string;
  before?: number;
  tags?: Record<string, string>;
  after: number | "never";
}[] = [
  { name: "/app/never", after: 30 },
  { name: "/app/shorter", before: 7, after: 7 },
  { name: "/app/longer", before: 365, after: 365 },
  { name: "/app/way-longer", before: 3653, after: 731 },
  { name: "/app/tagged-ignore", tags: { "watchkeeper:ignore": "true" }, after: "never" },
  { name: "/app/tagged-45", tags: { "watchkeeper:retention": "45" }, after: 60 },
  { name: "/app/tagged-bad", tags: { "watchkeeper:retention": "lots" }, after: 30 },
  { name: "/app/audit/trail", before: 30, after: 365 },
  { name: "/app/legacy/batch", after: "never" },
  { name: "/vendor/agent", tags: { "watchkeeper:retention": "7" }, after: "never" },
  { name: "/aws/lambda/orders", after: 90 },
  { name: "/aws/lambda/quiet", after: "never" },
];

let aws: Aws;

beforeAll(async () => {
  aws = motoAws(REGION);
  const logs = aws.client(CloudWatchLogsClient);
  for (const group of GROUPS) {
    await logs.send(new CreateLogGroupCommand({ logGroupName: group.name, tags: group.tags }));
    if (group.before !== undefined) {
      await logs.send(
        new PutRetentionPolicyCommand({ logGroupName: group.name, retentionInDays: group.before }),
      );
    }
  }
  // Stored bytes for the saving estimate.
  await logs.send(new CreateLogStreamCommand({ logGroupName: "/app/never", logStreamName: "s" }));
  await logs.send(
    new PutLogEventsCommand({
      logGroupName: "/app/never",
      logStreamName: "s",
      logEvents: [{ timestamp: Date.now(), message: "x".repeat(2000) }],
    }),
  );

  const role = await motoLambdaRole();
  const create = (name: string, tags: Record<string, string>) =>
    createMotoFunction(aws, role, name, { Tags: tags });
  await create("orders", { "watchkeeper:retention": "90" });
  await create("quiet", { "watchkeeper:ignore": "true" });
});

afterAll(() => aws.destroy());

async function discover(): Promise<Inventory> {
  return discoverInventory(aws, { kinds: ["log-group", "lambda-function"] });
}

async function retentions(): Promise<Record<string, number | "never">> {
  const found: Record<string, number | "never"> = {};
  const pages = paginateDescribeLogGroups({ client: aws.client(CloudWatchLogsClient) }, {});
  for await (const page of pages) {
    for (const group of page.logGroups ?? [])
      found[group.logGroupName ?? ""] = group.retentionInDays ?? "never";
  }
  return found;
}

function putRetentionCalls(): number {
  return aws.pacer.calls().find((c) => c.api === "PutRetentionPolicy")?.calls ?? 0;
}

const BEFORE = Object.fromEntries(GROUPS.map((g) => [g.name, g.before ?? "never"]));
const AFTER = Object.fromEntries(GROUPS.map((g) => [g.name, g.after]));
const EXPECTED_WRITES = GROUPS.filter((g) => g.after !== (g.before ?? "never")).length;

describe("retention sweep against moto", () => {
  it("shows the plan without writing on a dry run", async () => {
    const inventory = await discover();
    // moto has no Lambda GetAccountSettings; nothing the retention plan reads is missing.
    expect(inventory.warnings.map((w) => `${w.service}:${w.operation}`)).toEqual([
      "lambda:GetAccountSettings",
    ]);
    const calls = putRetentionCalls();
    const run = await reconcileRetention(aws, inventory, POLICY, { dryRun: true });

    expect(run.plan.changes.filter(isWrite)).toHaveLength(EXPECTED_WRITES);
    expect(run.report.outcomes.map((o) => o.status)).toEqual(Array(EXPECTED_WRITES).fill("dry-run"));
    expect(run.report.applied).toBe(0);
    expect(putRetentionCalls()).toBe(calls);
    expect(await retentions()).toEqual(BEFORE);

    const never = run.plan.saving.groups.find((g) => g.logGroup === "/app/never");
    expect(never?.storedBytes).toBeGreaterThan(0);
    expect(never?.basis).toBe("upper-bound");
    expect(run.plan.warnings).toEqual([
      {
        logGroup: "/app/tagged-bad",
        message:
          'tag watchkeeper:retention on the group: "lots" is not a number of days or "never"; ignored (use a number of days or "never")',
      },
    ]);
  });

  it("ends with exactly the expected retentions, and matches groups to their functions", async () => {
    const inventory = await discover();
    const calls = putRetentionCalls();
    const run = await reconcileRetention(aws, inventory, POLICY, { clock: aws.pacer.clock });

    expect(run.report).toMatchObject({ applied: EXPECTED_WRITES, failed: 0, deferred: 0 });
    expect(putRetentionCalls() - calls).toBe(EXPECTED_WRITES);
    expect(await retentions()).toEqual(AFTER);

    const byGroup = new Map(run.plan.changes.map((c) => [c.target, c]));
    expect(byGroup.get("/aws/lambda/orders")).toMatchObject({
      functions: ["orders"],
      source: "function-tag",
    });
    expect(byGroup.get("/aws/lambda/quiet")).toMatchObject({
      functions: ["quiet"],
      source: "excluded",
      reason: "excluded: watchkeeper:ignore=true on function quiet",
    });
    expect(byGroup.get("/vendor/agent")?.reason).toBe(
      'excluded: name starts with "/vendor/" (excludePrefixes)',
    );
  });

  it("makes zero writes on a second run", async () => {
    const inventory = await discover();
    const calls = putRetentionCalls();
    const run = await reconcileRetention(aws, inventory, POLICY);

    expect(run.plan.changes.filter(isWrite)).toEqual([]);
    expect(run.report.outcomes).toEqual([]);
    expect(putRetentionCalls()).toBe(calls);
    expect(await retentions()).toEqual(AFTER);
    expect(retentionState(inventory, POLICY).rows.every((row) => row.status !== "will-change")).toBe(true);
  });

  it("defers writes past the deadline and leaves them to the next run", async () => {
    const logs = aws.client(CloudWatchLogsClient);
    await logs.send(new CreateLogGroupCommand({ logGroupName: "/late/one" }));
    const inventory = await discover();
    const calls = putRetentionCalls();
    const run = await reconcileRetention(aws, inventory, POLICY, { deadline: aws.pacer.clock.now() });

    expect(run.report).toMatchObject({ applied: 0, deferred: 1 });
    expect(putRetentionCalls()).toBe(calls);
    const page = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: "/late/one" }));
    expect(page.logGroups?.[0]?.retentionInDays).toBeUndefined();

    const next = await reconcileRetention(aws, await discover(), POLICY);
    expect(next.report).toMatchObject({ applied: 1, deferred: 0 });
    expect((await retentions())["/late/one"]).toBe(30);
  });
});
