/**
 * Silences against the reconcile and the breaker, on lib/sim's sample account and its virtual clock:
 * a reconcile leaves a running silence alone (even when it rewrites the alarm), time passes, and the
 * next reconcile or the expiry run turns the actions back on. A silenced trip alarm still trips its
 * function (the breaker listens to state changes, which CloudWatch sends with actions off);
 * `watchkeeper:breaker=off` is what keeps a function from being tripped.
 */
import { CloudWatchClient, SetAlarmStateCommand } from "@aws-sdk/client-cloudwatch";
import { describe, expect, it } from "vitest";
import { runAction, type ActionResult, type OnCallStatus } from "../../lib/actions/index.js";
import type { Aws } from "../../lib/aws/index.js";
import { onAlarmStateChange } from "../../lib/breaker/index.js";
import { parseConfig, type WatchkeeperConfig } from "../../lib/config/index.js";
import { TAGS } from "../../lib/policy/tags.js";
import { sampleAccount, simulatedAws, type SimAccount } from "../../lib/sim/index.js";

const MINUTE = 60_000;
const ERRORS = "watchkeeper-lambda-errors";

function setup(config: WatchkeeperConfig = parseConfig({}, "test")) {
  const sim = sampleAccount();
  const aws = simulatedAws(sim);
  const act = async (action: Parameters<typeof runAction>[1], withConfig = config): Promise<ActionResult> => {
    const result = await runAction(aws, action, { actor: "user:test", config: withConfig });
    if (!result.ok) throw new Error(`${action.action}: ${result.text}`);
    return result;
  };
  return { sim, aws, act };
}

const actionsOn = (sim: SimAccount, name: string) => sim.alarms.get(name)!.config.ActionsEnabled ?? true;
const silencedUntil = (sim: SimAccount, name: string) => sim.alarms.get(name)!.tags[TAGS.silencedUntil];

interface Written {
  readonly target: string;
  readonly action: string;
}

describe("a silence and the reconcile", () => {
  it("stays silenced through a reconcile, and the first reconcile after its end turns the actions back on", async () => {
    const { sim, act } = setup();
    await act({ action: "reconcile" });
    await act({ action: "alarm-silence", alarm: ERRORS, minutes: 60 });
    expect(actionsOn(sim, ERRORS)).toBe(false);

    const during = await act({ action: "reconcile" });
    const writes = (during.details as { writes: Written[] }).writes;
    expect(writes.filter((w) => w.target === ERRORS)).toEqual([]);
    expect(actionsOn(sim, ERRORS)).toBe(false);
    expect(silencedUntil(sim, ERRORS)).toBeDefined();

    sim.advanceTime(61 * MINUTE);
    const after = await act({ action: "reconcile" });
    expect((after.details as { writes: Written[] }).writes.filter((w) => w.target === ERRORS)).toEqual([
      expect.objectContaining({ target: ERRORS, action: "update", status: "applied" }),
    ]);
    expect(actionsOn(sim, ERRORS)).toBe(true);
    expect(silencedUntil(sim, ERRORS)).toBeUndefined();
    expect(sim.alarms.get(ERRORS)!.tags[TAGS.silencedBy]).toBeUndefined();
    expect((await act({ action: "reconcile", dryRun: true })).text).toMatch(/: 0 changes to make$/);
  });

  it("keeps the actions off when a reconcile rewrites a silenced alarm", async () => {
    const { sim, act } = setup();
    await act({ action: "reconcile" });
    await act({ action: "alarm-silence", alarm: ERRORS, minutes: 30 });
    const stricter = parseConfig({ alarms: { thresholds: { "lambda-errors": 7 } } }, "test");
    await act({ action: "reconcile" }, stricter);
    expect(sim.alarms.get(ERRORS)!.config.Threshold).toBe(7);
    expect(actionsOn(sim, ERRORS)).toBe(false);
  });

  it("is lifted by the expiry run between reconciles, and status shows it until then", async () => {
    const { sim, act } = setup();
    await act({ action: "reconcile" });
    await act({ action: "alarm-silence", alarm: ERRORS, minutes: 20 });
    const status = (await act({ action: "status" })).details as OnCallStatus;
    expect(status.silenced).toEqual([
      expect.objectContaining({ name: ERRORS, silence: "active", by: "user:test" }),
    ]);
    sim.advanceTime(5 * MINUTE);
    expect((await act({ action: "expire-silences" })).text).toBe("no silence has ended; 1 still running");
    sim.advanceTime(16 * MINUTE);
    expect((await act({ action: "expire-silences" })).text).toBe(
      `lifted 1 ended silence (${ERRORS}); 0 still running`,
    );
    expect(actionsOn(sim, ERRORS)).toBe(true);
    expect(((await act({ action: "status" })).details as OnCallStatus).silenced).toEqual([]);
  });
});

describe("a silence and the breaker", () => {
  const TRIP = "watchkeeper-breaker-error-rate-payments-consumer";

  async function fire(aws: Aws, sim: SimAccount, config: WatchkeeperConfig) {
    const cloudwatch = aws.client(CloudWatchClient);
    await cloudwatch.send(new SetAlarmStateCommand({ AlarmName: TRIP, StateValue: "OK", StateReason: "ok" }));
    sim.advanceTime(MINUTE);
    await cloudwatch.send(
      new SetAlarmStateCommand({ AlarmName: TRIP, StateValue: "ALARM", StateReason: "storm" }),
    );
    return onAlarmStateChange(
      aws,
      {
        alarmName: TRIP,
        state: "ALARM",
        stateTimestamp: new Date(sim.clock.now()),
        alarmArn: sim.alarms.get(TRIP)!.arn,
        account: sim.accountId,
        region: sim.region,
      },
      { policy: config.breaker },
    );
  }

  it("a silenced trip alarm still trips; breaker=off is what stops trips", async () => {
    const config = parseConfig({}, "test");
    const { sim, aws, act } = setup(config);
    await act({ action: "reconcile" });
    await act({ action: "alarm-silence", alarm: TRIP, minutes: 60 });
    expect(actionsOn(sim, TRIP)).toBe(false);
    const mapping = [...sim.eventSourceMappings.values()].find(
      (m) => m.functionName === "payments-consumer",
    )!;

    expect(await fire(aws, sim, config)).toMatchObject({ result: "tripped" });
    expect(mapping.state).toBe("Disabled");
    await act({ action: "breaker-reset", function: "payments-consumer" });
    expect(mapping.state).toBe("Enabled");

    sim.functions.get("payments-consumer")!.tags["watchkeeper:breaker"] = "off";
    expect(await fire(aws, sim, config)).toMatchObject({ result: "refused", rule: "not-opted-in" });
    expect(mapping.state).toBe("Enabled");
  });
});
