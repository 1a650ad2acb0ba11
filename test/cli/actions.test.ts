/**
 * The on-call commands end to end through the CLI (in-process `main`, non-interactive), each on one
 * simulated account that the test keeps (`--demo` with the account handed in), asserting the account's
 * state afterwards. Bad flags are usage errors naming the flag (exit 2); refusals exit 1 with one line
 * on stderr; commands that stop a function, move messages or delete log events need --yes here.
 * Also: every command and flag of the runbooks' contract exists, and every command has --help.
 */
import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { processInterrupts } from "../../bin/cli/interrupt.js";
import type { Io } from "../../bin/cli/io.js";
import { buildProgram } from "../../bin/cli/main.js";
import { openSession } from "../../bin/cli/session.js";
import type { ActionResult, OnCallStatus } from "../../lib/actions/index.js";
import { TAGS } from "../../lib/policy/tags.js";
import { sampleAccount, simulatedAws, type SimAccount } from "../../lib/sim/index.js";
import { COMMANDS, GLOBAL_FLAGS } from "../runbooks/commands.js";
import { createTripAlarms, tripAlarmRecord } from "../support/breaker.js";
import { runMain } from "./capture.js";

const MINUTE = 60_000;

/** The sample account with Watchkeeper's alarms in place (reconciled through the CLI). */
async function reconciled(): Promise<SimAccount> {
  const sim = sampleAccount();
  const run = await runMain(["reconcile", "--demo"], { sim });
  expect(run.code, run.stderr).toBe(0);
  return sim;
}

const mappingOf = (sim: SimAccount, fn: string) =>
  [...sim.eventSourceMappings.values()].find((m) => m.functionName === fn)!;

describe("watchkeeper status", () => {
  it("prints one screen, and --json the same as data", async () => {
    const sim = sampleAccount();
    const text = await runMain(["status", "--demo"], { sim });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Watchkeeper status of 123456789012 in us-east-1, /);
    for (const heading of [
      "Alarms in ALARM (Watchkeeper's): none",
      "Open breakers: none",
      "DLQs with messages: 2",
      "Redrives running: none",
      "Silenced alarms: none",
    ])
      expect(text.stdout).toContain(`\n${heading}\n`);
    const json = await runMain(["status", "--demo", "--json"], { sim });
    const result = JSON.parse(json.stdout) as ActionResult;
    expect(result).toMatchObject({ ok: true, action: "status", outcome: "done" });
    expect((result.details as OnCallStatus).dlqs.map((d) => d.queue.name)).toEqual([
      "ledger-dlq.fifo",
      "payments-dlq",
    ]);
  });
});

describe("watchkeeper reconcile", () => {
  it("--dry-run writes nothing; without it, the account's managed alarms and retention are written", async () => {
    const sim = sampleAccount();
    const dry = await runMain(["reconcile", "--demo", "--dry-run"], { sim });
    expect(dry.stdout).toMatch(/^dry run over \d+ resources: \d+ changes to make/);
    expect(sim.alarms.has("watchkeeper-lambda-errors")).toBe(false);
    const run = await runMain(["reconcile", "--demo"], { sim });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^reconciled \d+ resources: \d+ applied, 0 failed, 0 deferred\n {2}\+ /);
    expect(sim.alarms.get("watchkeeper-lambda-errors")?.tags["watchkeeper:managed"]).toBe("true");
    expect(sim.logGroups.get("/aws/lambda/orders-list")?.retentionInDays).toBe(30);
  });
});

describe("watchkeeper apply and reconcile on one account", () => {
  it("apply --yes and reconcile plan the same: after either, nothing is left to change", async () => {
    const sim = sampleAccount();
    expect((await runMain(["apply", "--yes", "--demo"], { sim })).code).toBe(0);
    expect((await runMain(["reconcile", "--dry-run", "--demo"], { sim })).stdout).toMatch(
      /^dry run over \d+ resources: 0 changes to make$/m,
    );
    const plan = await runMain(["plan", "--demo", "--json"], { sim });
    const changes = (JSON.parse(plan.stdout) as { alarms: { changes: { action: string }[] } }).alarms.changes;
    expect(changes.filter((c) => c.action !== "noop")).toEqual([]);
  });
});

describe("watchkeeper silence and unsilence", () => {
  it("silences for --for, shows it in status, and unsilences", async () => {
    const sim = await reconciled();
    const name = "watchkeeper-lambda-errors";
    const silenced = await runMain(["silence", name, "--for", "1h30m", "--demo"], { sim });
    expect(silenced.code, silenced.stderr).toBe(0);
    expect(silenced.stdout).toMatch(/^silenced watchkeeper-lambda-errors until .* \(1 h 30 min\)/);
    expect(sim.alarms.get(name)!.config.ActionsEnabled).toBe(false);
    expect(sim.alarms.get(name)!.tags[TAGS.silencedBy]).toMatch(/^user:/);

    const status = await runMain(["status", "--demo"], { sim });
    expect(status.stdout).toMatch(
      /\nSilenced alarms: 1\n {2}watchkeeper-lambda-errors {2}until .* \(90 min left\), by user:/,
    );

    const un = await runMain(["unsilence", name, "--demo"], { sim });
    expect(un.code).toBe(0);
    expect(un.stdout).toMatch(/^unsilenced watchkeeper-lambda-errors: its actions are on again/);
    expect(sim.alarms.get(name)!.config.ActionsEnabled).toBe(true);
    expect(sim.alarms.get(name)!.tags[TAGS.silencedUntil]).toBeUndefined();
  });

  it("--dry-run changes nothing; an alarm it does not own is refused with exit 1", async () => {
    const sim = await reconciled();
    const dry = await runMain(
      ["silence", "watchkeeper-lambda-errors", "--for", "30m", "--dry-run", "--demo"],
      {
        sim,
      },
    );
    expect(dry.stdout).toMatch(/^would silence: /);
    expect(sim.alarms.get("watchkeeper-lambda-errors")!.config.ActionsEnabled).toBe(true);
    const refused = await runMain(["silence", "orders-api-5xx", "--for", "30m", "--demo"], { sim });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^watchkeeper: not silenced: orders-api-5xx is not Watchkeeper's/);
    expect(refused.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("rejects a bad or missing duration as a usage error naming --for", async () => {
    const bad = await runMain(["silence", "watchkeeper-lambda-errors", "--for", "1x", "--demo"]);
    expect(bad).toMatchObject({ code: 2, stdout: "" });
    expect(bad.stderr).toBe('watchkeeper: --for "1x" is not a duration; use e.g. 30m, 1h, 1h30m or 2d\n');
    const long = await runMain(["silence", "watchkeeper-lambda-errors", "--for", "9d", "--demo"]);
    expect(long).toMatchObject({ code: 2, stdout: "" });
    expect(long.stderr).toBe("watchkeeper: --for 9d is longer than the 7d a silence may last\n");
    const hours = await runMain(["silence", "watchkeeper-lambda-errors", "--for", "170h", "--demo"]);
    expect(hours.stderr).toBe("watchkeeper: --for 170h is longer than the 7d a silence may last\n");
    const none = await runMain(["silence", "watchkeeper-lambda-errors", "--for", "0m", "--demo"]);
    expect(none).toMatchObject({
      code: 2,
      stderr: "watchkeeper: --for 0m is no time at all; use at least 1m\n",
    });
    const missing = await runMain(["silence", "watchkeeper-lambda-errors", "--demo"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/required option '--for <duration>' not specified/);
  });
});

describe("watchkeeper breaker", () => {
  it("trip asks for --yes, --dry-run changes nothing, trip and reset act and status shows them", async () => {
    const sim = sampleAccount();
    const aws = simulatedAws(sim);
    await createTripAlarms(aws);
    const unconfirmed = await runMain(
      ["breaker", "trip", "payments-consumer", "--reason", "storm", "--demo"],
      {
        sim,
      },
    );
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stdout).toMatch(/^would trip: disable 1 event source mapping of payments-consumer/);
    expect(unconfirmed.stderr).toBe(
      "watchkeeper: Trip the breaker of payments-consumer: refusing without confirmation; pass --yes\n",
    );
    expect(mappingOf(sim, "payments-consumer").state).toBe("Enabled");

    const dry = await runMain(
      ["breaker", "trip", "payments-consumer", "--reason", "storm", "--dry-run", "--demo"],
      { sim },
    );
    expect(dry.code).toBe(0);
    expect(mappingOf(sim, "payments-consumer").state).toBe("Enabled");
    expect(sim.eventsOn("default")).toEqual([]);

    const tripped = await runMain(
      ["breaker", "trip", "payments-consumer", "--reason", "storm", "--yes", "--demo"],
      { sim },
    );
    expect(tripped.code, tripped.stderr).toBe(0);
    expect(tripped.stdout).toMatch(/^tripped: .*\(by user:.*: storm\)\n$/);
    expect(mappingOf(sim, "payments-consumer").state).toBe("Disabled");
    const status = await runMain(["breaker", "status", "payments-consumer", "--demo"], { sim });
    expect(status.stdout).toMatch(/^payments-consumer: open since .* \(storm\); reset restores 1 mapping/);
    expect((await runMain(["status", "--demo"], { sim })).stdout).toMatch(
      /\nOpen breakers: 1\n {2}payments-consumer: open since/,
    );

    const reset = await runMain(["breaker", "reset", "payments-consumer", "--yes", "--demo"], { sim });
    expect(reset.code).toBe(0);
    expect(mappingOf(sim, "payments-consumer").state).toBe("Enabled");
    expect((await tripAlarmRecord(aws, "payments-consumer"))["watchkeeper:breaker-state"]).toBeUndefined();
    // The trip and the reset, each one audit event on the default bus; the dry run and the reads none.
    expect(sim.eventsOn("default").map((e) => e.detail)).toEqual([
      expect.objectContaining({ action: "breaker-trip", target: "payments-consumer", outcome: "done" }),
      expect.objectContaining({ action: "breaker-reset", target: "payments-consumer", outcome: "done" }),
    ]);
  });

  it("an audit event PutEvents refuses: the trip stands and exits 0, with one warning naming the error", async () => {
    const sim = sampleAccount();
    await createTripAlarms(simulatedAws(sim));
    const aws = simulatedAws(sim, {
      faults: { rules: [{ service: "eventbridge", api: "PutEvents", fault: "denied" }] },
    });
    const tripped = await runMain(
      ["breaker", "trip", "payments-consumer", "--reason", "storm", "--yes", "--demo"],
      { sim, aws },
    );
    expect(tripped.code).toBe(0);
    expect(tripped.stdout).toMatch(/^tripped: /);
    expect(mappingOf(sim, "payments-consumer").state).toBe("Disabled");
    expect(tripped.stderr).toMatch(
      /^watchkeeper: warning: the audit event of breaker-trip payments-consumer was not published: .*AccessDenied.*\n$/,
    );
    expect(sim.eventsOn("default")).toEqual([]);
  });

  it("a refused trip exits 1 with the reason; a missing --reason is a usage error", async () => {
    const sim = sampleAccount();
    const refused = await runMain(["breaker", "trip", "image-resizer", "--reason", "x", "--yes", "--demo"], {
      sim,
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^watchkeeper: not tripped: /);
    expect(sim.functions.get("image-resizer")!.reservedConcurrency).toBe(50);
    const noReason = await runMain(["breaker", "trip", "payments-consumer", "--yes", "--demo"], { sim });
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toMatch(/required option '--reason <text>' not specified/);
    const badName = await runMain(["breaker", "reset", "not/a/function", "--yes", "--demo"], { sim });
    expect(badName.code).toBe(2);
    expect(badName.stderr).toBe(
      "watchkeeper: <function>: a Lambda function name or ARN (letters, digits, - and _)\n",
    );
  });
});

describe("watchkeeper dlq", () => {
  it("list, show, redrive --yes, status and cancel on the payments DLQ", async () => {
    const sim = sampleAccount();
    for (let n = 0; n < 57; n++)
      sim.addMessage("payments-dlq", { body: `{"n":${n}}`, fromQueue: "payments", receiveCount: 5 });
    expect((await runMain(["dlq", "list", "--demo"], { sim })).stdout).toMatch(
      /^8 dead-letter queues, 2 holding messages:\n/,
    );
    expect((await runMain(["dlq", "show", "payments-dlq", "--demo"], { sim })).stdout).toMatch(
      /^payments-dlq holds 60 messages/,
    );
    const unconfirmed = await runMain(["dlq", "redrive", "payments-dlq", "--demo"], { sim });
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stdout).toMatch(/^dry run, nothing moved: payments-dlq holds 60 messages/);
    expect(sim.moveTasks).toEqual([]);

    const started = await runMain(["dlq", "redrive", "payments-dlq", "--rate", "1", "--yes", "--demo"], {
      sim,
    });
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout).toMatch(
      /^started a message move task for payments-dlq: about 60 messages .* at up to 1\/s/,
    );
    expect((await runMain(["dlq", "status", "payments-dlq", "--demo"], { sim })).stdout).toMatch(/RUNNING/);
    const cancel = await runMain(["dlq", "cancel", "payments-dlq", "--yes", "--demo"], { sim });
    expect(cancel.code, cancel.stderr).toBe(0);
    sim.advanceTime(MINUTE);
    const moved = sim.queue("payments")!.messages.length;
    expect(moved).toBeGreaterThan(0);
    expect(moved).toBeLessThan(60);

    const rest = await runMain(["dlq", "redrive", "payments-dlq", "--yes", "--demo"], { sim });
    expect(rest.code).toBe(0);
    sim.advanceTime(5_000);
    expect(sim.queue("payments")!.messages).toHaveLength(60);
    expect(sim.queue("payments-dlq")!.messages).toHaveLength(0);
  });

  it("re-invokes an async DLQ with --max-messages", async () => {
    const sim = sampleAccount();
    for (const n of [1, 2, 3]) sim.addMessage("notifications-dlq", { body: `{"n":${n}}` });
    const run = await runMain(
      ["dlq", "redrive", "notifications-dlq", "--max-messages", "2", "--yes", "--demo"],
      {
        sim,
      },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(sim.functions.get("notifications-sender")!.invocations.map((i) => i.payload)).toEqual([
      '{"n":1}',
      '{"n":2}',
    ]);
  });

  it("names a bad flag (exit 2) and refuses what lib/dlq refuses (exit 1)", async () => {
    const usage = async (args: string[]) => {
      const run = await runMain([...args, "--demo"]);
      expect(run.code, run.stderr).toBe(2);
      return run.stderr;
    };
    expect(await usage(["dlq", "redrive", "payments-dlq", "--rate", "fast", "--yes"])).toBe(
      'watchkeeper: --rate "fast" is not a whole number\n',
    );
    expect(await usage(["dlq", "redrive", "payments-dlq", "--rate", "0", "--yes"])).toBe(
      "watchkeeper: --rate: a whole number from 1 to 500\n",
    );
    expect(await usage(["dlq", "redrive", "payments-dlq", "--via", "magic", "--yes"])).toBe(
      'watchkeeper: --via: use "move-task" or "reinvoke"\n',
    );
    expect(await usage(["dlq", "redrive", "payments-dlq", "--max-messages", "20000", "--yes"])).toBe(
      "watchkeeper: --max-messages: a whole number from 1 to 10,000\n",
    );
    const notDlq = await runMain(["dlq", "redrive", "payments", "--yes", "--demo"]);
    expect(notDlq.code).toBe(1);
    expect(notDlq.stderr).toMatch(/^watchkeeper: .*payments/);
    const none = await runMain(["dlq", "cancel", "payments-dlq", "--yes", "--demo"]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^watchkeeper: no message move task is running for payments-dlq/);
  });
});

describe("watchkeeper retention set", () => {
  it("raises without asking, asks before shortening, and names a bad --days", async () => {
    const sim = sampleAccount();
    const raised = await runMain(["retention", "set", "/aws/lambda/orders-list", "--days", "60", "--demo"], {
      sim,
    });
    expect(raised.code, raised.stderr).toBe(0);
    expect(raised.stdout).toMatch(
      /^set \/aws\/lambda\/orders-list: never expires → 60 days; the next reconcile keeps it/,
    );
    expect(sim.logGroups.get("/aws/lambda/orders-list")?.retentionInDays).toBe(60);

    const unconfirmed = await runMain(["retention", "set", "/app/audit", "--days", "30", "--demo"], { sim });
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stdout).toMatch(
      /^would set \/app\/audit: 400 days → 30 days \(events older than 30 days are deleted/,
    );
    expect(sim.logGroups.get("/app/audit")?.retentionInDays).toBe(400);
    const shortened = await runMain(["retention", "set", "/app/audit", "--days", "30", "--yes", "--demo"], {
      sim,
    });
    expect(shortened.code).toBe(0);
    expect(sim.logGroups.get("/app/audit")?.retentionInDays).toBe(30);

    const bad = await runMain(["retention", "set", "/app/audit", "--days", "45", "--demo"], { sim });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /^watchkeeper: --days: retention 45 is not valid; use one of 1, 3, 5, 7, 14, 30/,
    );
    expect((await runMain(["retention", "--demo"], { sim })).stdout).toMatch(/\/app\/audit\s+30 d/);
  });
});

describe("watchkeeper top and notify preview", () => {
  it("top ranks an aggregate alarm's resources; a per-resource alarm is refused", async () => {
    const sim = await reconciled();
    const top = await runMain(["top", "watchkeeper-lambda-errors", "--demo"], { sim });
    expect(top.code, top.stderr).toBe(0);
    expect(top.stdout).toMatch(/^top \d FunctionName of watchkeeper-lambda-errors now/);
    expect(top.stdout.split("\n")[1]).toMatch(/^ {2}1\. clickstream-processor +\d+/);
    const single = await runMain(["top", "watchkeeper-lambda-duration-report-generator", "--demo"], { sim });
    expect(single.code).toBe(1);
    expect(single.stderr).toMatch(/watches one resource/);
  });

  it("notify preview prints the message as Block Kit JSON; an unknown alarm exits 1", async () => {
    const sim = await reconciled();
    const preview = await runMain(
      [
        "notify",
        "preview",
        "--alarm",
        "watchkeeper-sqs-dlq-messages-visible-payments-dlq",
        "--state",
        "alarm",
        "--demo",
      ],
      { sim },
    );
    expect(preview.code, preview.stderr).toBe(0);
    const message = JSON.parse(preview.stdout) as { text: string; blocks: { type: string }[] };
    expect(message.text).toMatch(/^\[ALARM Critical\] /);
    expect(message.blocks[0]?.type).toBe("header");
    const bad = await runMain(["notify", "preview", "--alarm", "nope", "--demo"], { sim });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe("watchkeeper: no metric alarm named nope in us-east-1\n");
    const badState = await runMain(["notify", "preview", "--alarm", "nope", "--state", "red", "--demo"], {
      sim,
    });
    expect(badState.code).toBe(2);
    expect(badState.stderr).toBe(
      'watchkeeper: --state "red" is not valid; use ALARM, OK, INSUFFICIENT_DATA\n',
    );
  });
});

describe("the command line", () => {
  const io: Io = { out: () => {}, err: () => {}, interactive: false, color: false };
  const program = buildProgram({ io, openSession, interrupts: processInterrupts, exitCode: 0 });

  function find(path: string): Command | undefined {
    let command: Command | undefined = program;
    for (const word of path.split(" ")) command = command?.commands.find((c) => c.name() === word);
    return command;
  }

  it("has every command and flag the runbooks may name", () => {
    const missing: string[] = [];
    for (const [path, flags] of Object.entries(COMMANDS)) {
      const command = find(path);
      if (!command) {
        missing.push(`watchkeeper ${path}`);
        continue;
      }
      const known = command.options.map((o) => o.long);
      for (const flag of flags) if (!known.includes(flag)) missing.push(`watchkeeper ${path} ${flag}`);
    }
    const globals = [...program.options.map((o) => o.long), "--help"];
    for (const flag of GLOBAL_FLAGS) if (!globals.includes(flag)) missing.push(`global ${flag}`);
    expect(missing).toEqual([]);
  });

  it("answers --help for every command with exit 0", async () => {
    const paths: string[] = [];
    const walk = (command: Command, prefix: string[]) => {
      for (const sub of command.commands) {
        const path = [...prefix, sub.name()];
        paths.push(path.join(" "));
        walk(sub, path);
      }
    };
    walk(program, []);
    expect(paths).toEqual(expect.arrayContaining(Object.keys(COMMANDS)));
    for (const path of paths) {
      const run = await runMain([...path.split(" "), "--help"]);
      expect(run.code, path).toBe(0);
      expect(run.stdout, path).toMatch(new RegExp(`^Usage: watchkeeper ${path}`));
    }
  });
});
