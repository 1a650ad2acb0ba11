/**
 * Transcripts of what a person sees (issue #20): the command, its output and its exit code, for the plan's
 * reasons and next step, the demo's counts, plurals, and config values the demo and `plan` check alike.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sampleAccount, simulatedAws } from "../../lib/sim/index.js";
import { runMain } from "./capture.js";

function configFile(config: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), "wk-transcript-")), "watchkeeper.config.json");
  writeFileSync(file, JSON.stringify(config));
  return file;
}

describe("plan output", () => {
  it("ends with the next step: apply with the same flags, then nothing to change", async () => {
    const sim = sampleAccount();
    const first = await runMain(["plan", "--demo"], { sim });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/\nRun `watchkeeper apply --demo` to make these \d+ changes\.\n$/);
    expect((await runMain(["apply", "--demo", "--yes"], { sim })).code).toBe(0);
    const second = await runMain(["plan", "--demo"], { sim });
    expect(second).toMatchObject({ code: 0 });
    expect(second.stdout).toMatch(/\nNothing to change\.\n$/);
  });

  it("names the one reason an alarm goes: its function was deleted", async () => {
    const sim = sampleAccount();
    expect((await runMain(["apply", "--demo", "--yes"], { sim })).code).toBe(0);
    sim.functions.delete("payments-consumer");
    const { code, stdout } = await runMain(["plan", "--demo"], { sim });
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /- watchkeeper-breaker-error-rate-payments-consumer {2}no longer needed: its resource is gone from the account \(arn:aws:lambda:us-east-1:123456789012:function:payments-consumer\)/,
    );
    expect(stdout).not.toMatch(/gone, ignored, or/);
    // The dashboard loses the function's widgets' metrics: the update says what changed, not just sizes.
    expect(stdout).toMatch(
      /~ watchkeeper-dashboard-us-east-1 {2}body: \d+ widgets, [\d,]+ bytes → \d+ widgets, [\d,]+ bytes, \d+ widgets? changed/,
    );
    // The per-function Errors and Throttles queries now count one function fewer: their descriptions say so.
    expect(stdout).toContain("Alarms: 0 to create, 2 to update, 3 to delete,");
    expect(stdout).toMatch(/\n {2}~ watchkeeper-lambda-errors {2}AlarmDescription: /);
    expect(stdout).toMatch(/\n {2}~ watchkeeper-lambda-throttles {2}AlarmDescription: /);
    expect(stdout).toMatch(/\nRun `watchkeeper apply --demo` to make these 6 changes\.\n$/);
  });

  it("on a partial view, says to fix what could not be read first, and exits 3", async () => {
    const sim = sampleAccount();
    const aws = simulatedAws(sim, {
      faults: { rules: [{ service: "sqs", api: "ListQueues", fault: "denied" }] },
    });
    const { code, stdout } = await runMain(["plan", "--demo"], { sim, aws });
    expect(code).toBe(3);
    expect(stdout).toMatch(/\nFix what could not be read \(above\), then run plan again\.\n$/);
  });

  it("prices the retention saving for the region and never shows $0.00 for one", async () => {
    const { code, stdout } = await runMain(["plan", "--demo"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /estimated storage saving: up to < \$0\.01\/month \([\d.]+ [MG]B at \$0\.03\/GB-month, us-east-1 price, approximate\)/,
    );
    expect(stdout).not.toMatch(/\$0\.00\/month/);
  });
});

describe("demo and input details", () => {
  it("the demo's findings heading counts what `findings --demo` reports", async () => {
    const findings = await runMain(["findings", "--demo"]);
    const total = /^(\d+) open findings/m.exec(findings.stdout)?.[1];
    expect(total).toBeDefined();
    const demo = await runMain(["demo"], { sim: sampleAccount() });
    expect(demo.code, demo.stderr).toBe(0);
    expect(demo.stdout).toContain(`\n${total} open findings, 0 accepted\n`);
    expect(demo.stdout).toMatch(
      new RegExp(`\\.\\.\\. ${Number(total) - 6} more: watchkeeper findings --demo`),
    );
  });

  it("counts read as English: 1 queue, 1 function", async () => {
    const { code, stdout } = await runMain(["inventory", "--demo"]);
    expect(code).toBe(0);
    expect(stdout).toContain("1 function with reserved concurrency");
    expect(stdout).toContain("1 queue without a DLQ: alerts-archive");
    expect(stdout).not.toMatch(/\b1 (queues|functions|warnings|changes|alarms)\b/);
  });

  it("the demo checks the config file as every command does: exit 2 naming the field", async () => {
    const file = configFile({ retention: { defaultDays: 45 } });
    const demo = await runMain(["demo", "--config", file]);
    expect(demo).toMatchObject({ code: 2, stdout: "" });
    expect(demo.stderr).toMatch(
      /^watchkeeper: \S+ is not valid:\n {2}retention\.defaultDays: retention 45 is not valid/,
    );
  });

  it('retention set --days never makes a group never expire, as the config\'s "never" does', async () => {
    const sim = sampleAccount();
    const group = "/aws/lambda/payments-consumer";
    const { code, stdout, stderr } = await runMain(["retention", "set", group, "--days", "never", "--demo"], {
      sim,
    });
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(
      /^set \/aws\/lambda\/payments-consumer: 3653 days → never expires; the next reconcile sets it to 30 days .*; tag the group watchkeeper:retention=never to keep it: never expires\n$/,
    );
    expect(sim.logGroups.get(group)!.retentionInDays).toBeUndefined();
    const again = await runMain(["retention", "set", group, "--days", "NEVER", "--demo"], { sim });
    expect(again).toMatchObject({ code: 0 });
    expect(again.stdout).toMatch(/^\/aws\/lambda\/payments-consumer already never expires; /);
  });

  it('a quoted number ("30") is refused naming the field and the type it must be', async () => {
    const file = configFile({ retention: { defaultDays: "30" } });
    for (const args of [["plan", "--demo"], ["demo"]]) {
      const { code, stdout, stderr } = await runMain([...args, "--config", file]);
      expect({ code, stdout }).toEqual({ code: 2, stdout: "" });
      expect(stderr).toContain(
        'retention.defaultDays: expected a number of days or "never", got the string "30"; write 30 without quotes',
      );
    }
    const threshold = configFile({ alarms: { thresholds: { "lambda-errors": "5" } } });
    const other = await runMain(["plan", "--demo", "--config", threshold]);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/alarms\.thresholds\.lambda-errors: .*expected number, received string/);
  });
});
