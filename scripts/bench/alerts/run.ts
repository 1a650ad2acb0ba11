/**
 * Runs one scenario as an account would live it: the scenario's account in lib/sim, Watchkeeper's real
 * reconcile through real SDK clients (so its alarms exist exactly as it would create them, notifying the
 * on-call topic), then the scenario's metrics minute by minute on the virtual clock, and CloudWatch's alarm
 * evaluation over them (`SimAccount.evaluateAlarms`). A page is what the on-call topic received: a
 * notification of a change to ALARM.
 */
import { DEFAULT_ALARM_POLICY } from "../../../lib/alarms/policy.js";
import { parseConfig } from "../../../lib/config/index.js";
import { discoverAndReconcile } from "../../../lib/reconcile/index.js";
import { SimAccount, simulatedAws } from "../../../lib/sim/index.js";
import { Rng } from "../../../lib/sim/random.js";
import { seedAccount } from "./account.js";
import { judge, type Page, type Verdict } from "./judge.js";
import type { Scenario } from "./loads.js";
import { Publisher } from "./publish.js";
import { Sampler } from "./sampling.js";
import { Traffic } from "./traffic.js";

const MINUTE_MS = 60_000;
/** Not the sample account's: a scenario's account is its own. */
const ACCOUNT = { accountId: "210987654321", region: "eu-west-1" } as const;
const ONCALL_TOPIC = "oncall-pages";
/** Alarm names start with it (the default config's). */
export const ALARM_PREFIX = DEFAULT_ALARM_POLICY.prefix;

export interface ScenarioResult {
  readonly id: string;
  readonly title: string;
  readonly kind: Scenario["kind"];
  readonly expect: Scenario["expect"];
  readonly detectedMeans: string;
  readonly minutes: number;
  /** Alarms the reconcile created. */
  readonly alarms: number;
  /** Alarms CloudWatch's evaluation could not run (the evaluator refused them), with why. */
  readonly unevaluated: readonly string[];
  /** Pages before the incident began (noise in the warm-up; the masking scenario's first failure). */
  readonly warmupPages: readonly Page[];
  /** Pages from the incident's start to the end of its recovery, in time order. */
  readonly pages: readonly Page[];
  /** OK notifications over the same time. */
  readonly oks: number;
  readonly verdict: Verdict;
}

export async function runScenario(scenario: Scenario): Promise<ScenarioResult> {
  const sim = new SimAccount({ ...ACCOUNT, seed: `alerts/${scenario.id}` });
  const topic = sim.addTopic({ name: ONCALL_TOPIC });
  const ids = seedAccount(sim, scenario.loads);
  // Dashboards do not change what pages; leaving them out keeps a run short.
  const config = parseConfig({
    alarms: { notificationTopicArn: topic.arn },
    dashboards: { enabled: false },
  });
  await discoverAndReconcile(simulatedAws(sim), config);

  const warmup = scenario.warmupMinutes ?? 120;
  const recovery = scenario.recoveryMinutes ?? (scenario.kind === "incident" ? 60 : 0);
  sim.advanceTime(MINUTE_MS - (sim.clock.now() % MINUTE_MS));
  const start = sim.clock.now() + warmup * MINUTE_MS;
  const traffic = new Traffic(scenario.loads, new Sampler(new Rng(`alerts/${scenario.id}/traffic`)), ids);
  const publisher = new Publisher();
  for (let minute = -warmup; minute < scenario.minutes + recovery; minute++) {
    const at = sim.clock.now();
    for (const d of publisher.publish(traffic.minute(minute, at))) sim.emitMetric({ ...d, timestamp: at });
    sim.advanceTime(MINUTE_MS);
  }
  // One evaluation over the whole run: it applies every change since the alarms were created, in time order.
  const evaluation = sim.evaluateAlarms();

  const notifications = sim.notifications
    .filter((n) => n.topicArn === topic.arn)
    .map((n) => ({ ...n, minute: (n.at - start) / MINUTE_MS }));
  const pages: Page[] = notifications
    .filter((n) => n.newState === "ALARM")
    .map((n) => ({
      minute: n.minute,
      alarm: n.alarmName,
      ...(n.contributor !== undefined ? { contributor: n.contributor } : {}),
    }));
  const during = pages.filter((p) => p.minute >= 0);
  return {
    id: scenario.id,
    title: scenario.title,
    kind: scenario.kind,
    expect: scenario.expect,
    detectedMeans: scenario.detectedMeans,
    minutes: scenario.minutes,
    alarms: sim.alarms.size,
    unevaluated: evaluation.skipped.map((s) => `${s.alarmName}: ${s.reason}`),
    warmupPages: pages.filter((p) => p.minute < 0),
    pages: during,
    oks: notifications.filter((n) => n.minute >= 0 && n.newState === "OK").length,
    verdict: judge(scenario, during, ALARM_PREFIX),
  };
}
