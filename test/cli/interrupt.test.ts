/**
 * Ctrl-C while apply or reconcile writes, in-process on the simulated sample account: the signal comes
 * while the Nth alarm write is in flight; that write finishes, no other starts, the report says what
 * was applied and what was left, and the exit code is 130. A second Ctrl-C quits at once.
 */
import { EventEmitter } from "node:events";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { describe, expect, it } from "vitest";
import type { Interrupts } from "../../bin/cli/interrupt.js";
import { sampleAccount, simulatedAws, type SimAccount } from "../../lib/sim/index.js";
import { runMain } from "./capture.js";

const managedAlarms = (sim: SimAccount) =>
  [...sim.alarms.values()].filter((a) => a.tags["watchkeeper:managed"] === "true");

const neverExpiring = (sim: SimAccount) =>
  [...sim.logGroups.values()].filter((g) => g.retentionInDays === undefined).length;

/**
 * Runs the CLI on a fresh sample account and raises SIGINT `signals` times as the `afterWrites`th
 * PutMetricAlarm starts; `exit` records what a second signal would quit with.
 */
async function interrupted(args: readonly string[], afterWrites: number, signals = 1) {
  const sim = sampleAccount();
  const aws = simulatedAws(sim);
  const source = new EventEmitter();
  const exits: number[] = [];
  const interrupts: Interrupts = { signals: source, exit: (code) => void exits.push(code) };
  let writes = 0;
  aws.client(CloudWatchClient).middlewareStack.add(
    (next, context) => async (input) => {
      if (context.commandName === "PutMetricAlarmCommand" && ++writes === afterWrites) {
        for (let i = 0; i < signals; i++) source.emit("SIGINT");
      }
      return next(input);
    },
    { step: "initialize", priority: "high", name: "ctrlC" },
  );
  const before = neverExpiring(sim);
  const { code, stdout, stderr } = await runMain(args, { sim, aws, interrupts });
  return { code, stdout, stderr, sim, exits, before, listeners: source.listenerCount("SIGINT") };
}

describe("Ctrl-C during apply", () => {
  it("finishes the write in flight, applies nothing more, reports both counts and exits 130", async () => {
    const run = await interrupted(["apply", "--demo", "--yes"], 3);
    expect(run.code).toBe(130);
    // The third write was in flight: it finished; the rest did not start.
    expect(managedAlarms(run.sim)).toHaveLength(3);
    expect(neverExpiring(run.sim)).toBe(run.before);
    expect(run.sim.dashboards.keys()).toEqual([]);
    const [, total] = /^Alarms: (\d+) to create/m.exec(run.stdout)!;
    expect(Number(total)).toBeGreaterThan(3);
    expect(run.stdout).toMatch(/^Applied 3 changes, \d+ not applied \(interrupted\)$/m);
    expect(run.stdout).toMatch(/^Run it again to apply the rest\.$/m);
    expect(run.stderr).toMatch(/^watchkeeper: interrupted; finishing the write in flight, starting no more/m);
    expect(run.exits).toEqual([]);
    // The handler is gone once the writes are done.
    expect(run.listeners).toBe(0);
  });

  it("--json lists the changes left as deferred, caused by the interruption", async () => {
    const run = await interrupted(["apply", "--demo", "--yes", "--json"], 2);
    expect(run.code).toBe(130);
    const json = JSON.parse(run.stdout) as { outcomes: { status: string; cause?: string }[] };
    const count = (status: string, cause?: string) =>
      json.outcomes.filter((o) => o.status === status && o.cause === cause).length;
    expect(count("applied")).toBe(2);
    expect(count("deferred", "interrupted")).toBe(json.outcomes.length - 2);
    expect(json.outcomes.length).toBeGreaterThan(2);
  });

  it("a second Ctrl-C quits at once with 130 and says a write may have been in flight", async () => {
    const run = await interrupted(["apply", "--demo", "--yes"], 2, 2);
    expect(run.exits).toEqual([130]);
    expect(run.stderr).toMatch(/^watchkeeper: quit at once; a write may have been in flight/m);
  });
});

describe("Ctrl-C during reconcile", () => {
  it("stops the same way and says so", async () => {
    const run = await interrupted(["reconcile", "--demo"], 4);
    expect(run.code).toBe(130);
    expect(managedAlarms(run.sim)).toHaveLength(4);
    expect(neverExpiring(run.sim)).toBe(run.before);
    expect(run.stdout).toMatch(
      /^reconciled \d+ resources: 4 applied, 0 failed, \d+ deferred \(interrupted: the deferred changes were not applied\)$/m,
    );
  });
});
