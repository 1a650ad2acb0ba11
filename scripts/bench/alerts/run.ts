/**
 * Runs one scenario as an account would live it: the scenario's account in lib/sim, Watchkeeper's real
 * reconcile through real SDK clients (so its alarms exist exactly as it would create them, notifying the
 * on-call topic), then the scenario's metrics minute by minute on the virtual clock, and CloudWatch's alarm
 * evaluation over them (`SimAccount.evaluateAlarms`). A page is what the on-call topic received: a
 * notification of a change to ALARM.
 *
 * Where the scenario has the circuit breaker act (`Scenario.breaker`), Watchkeeper acts during the trace
 * too: the real breaker (lib/breaker) trips and resets the function through the account's API at their
 * minutes, each sending a hint to the deployed agent's hints queue, and once the queue's batch window has
 * passed the reconcile runs again, as the hints queue's event source would run it. Before each reconcile,
 * the alarms are evaluated up to that moment, so an alarm it updates has been evaluated with its old
 * configuration until then (lib/sim carries the evaluation over the update).
 */
import { DEFAULT_ALARM_POLICY } from "../../../lib/alarms/policy.js";
import type { Aws } from "../../../lib/aws/index.js";
import { resetBreaker, tripBreaker } from "../../../lib/breaker/index.js";
import { parseConfig, type WatchkeeperConfig } from "../../../lib/config/index.js";
import { breakerHints, HINT_BATCH_WINDOW_SECONDS } from "../../../lib/reconcile/hints.js";
import { discoverAndReconcile, runTotals } from "../../../lib/reconcile/index.js";
import { SimAccount, simulatedAws } from "../../../lib/sim/index.js";
import { Rng } from "../../../lib/sim/random.js";
import { seedAccount } from "./account.js";
import { entryOf, judge, type Page, type Verdict } from "./judge.js";
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
  /**
   * With the breaker acting: the pages of its trip alarms (they notify the on-call topic too; not the
   * catalog's, so left out of `pages`, `oks` and the verdict), from the incident's start.
   */
  readonly tripPages?: readonly Page[];
  /** With the breaker acting: what Watchkeeper did during the trace, in time order. */
  readonly actions?: readonly Action[];
}

/** Something Watchkeeper did during the trace, `minute`s after the incident's start. */
export interface Action {
  readonly minute: number;
  readonly what: "trip" | "reset" | "reconcile";
  /** The breaker's sentence, or what the reconcile was asked by and what it changed. */
  readonly outcome: string;
}

const HINT_BATCH_WINDOW_MS = HINT_BATCH_WINDOW_SECONDS * 1000;

interface Pending {
  readonly at: number;
  readonly what: Action["what"];
  readonly run: () => Promise<string>;
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
  // The deployed agent's hints queue (lib/infra/stack.ts names it so), where the breaker's hints go; only
  // where the breaker acts, so the other scenarios' accounts (and alarms) stay as they were.
  const hintsQueueUrl = scenario.breaker
    ? sim.addQueue({ name: `${config.prefix}resource-created-hints` }).url
    : undefined;
  const aws = simulatedAws(sim);
  await discoverAndReconcile(aws, config);

  const warmup = scenario.warmupMinutes ?? 120;
  const recovery = scenario.recoveryMinutes ?? (scenario.kind === "incident" ? 60 : 0);
  sim.advanceTime(MINUTE_MS - (sim.clock.now() % MINUTE_MS));
  const start = sim.clock.now() + warmup * MINUTE_MS;
  const minuteAt = (minute: number) => start + minute * MINUTE_MS;
  const advanceTo = (at: number) => {
    if (sim.clock.now() < at) sim.advanceTime(at - sim.clock.now());
  };
  const traffic = new Traffic(
    scenario.loads,
    new Sampler(new Rng(`alerts/${scenario.id}/traffic`)),
    ids,
    { reservedConcurrency: (name) => sim.functions.get(name)?.reservedConcurrency },
    new Sampler(new Rng(`alerts/${scenario.id}/executions`)),
    new Sampler(new Rng(`alerts/${scenario.id}/traffic/websocket`)),
  );
  const publisher = new Publisher();
  const agent = new Agent(sim, aws, config, hintsQueueUrl, (at) => (at - start) / MINUTE_MS);
  if (scenario.breaker) agent.breaker(scenario.breaker, minuteAt);
  const end = scenario.minutes + recovery;
  for (let minute = -warmup; minute < end; minute++) {
    const at = minuteAt(minute);
    // What Watchkeeper does by the minute's start (a trip at minute 0 throttles minute 0).
    await agent.runUntil(at);
    advanceTo(at);
    for (const d of publisher.publish(traffic.minute(minute, at))) sim.emitMetric({ ...d, timestamp: at });
  }
  await agent.runUntil(minuteAt(end));
  advanceTo(minuteAt(end));
  // The rest of the run at once: it applies every change since the last evaluation, in time order.
  agent.evaluate();

  const notifications = sim.notifications
    .filter((n) => n.topicArn === topic.arn)
    .map((n) => ({ ...n, minute: (n.at - start) / MINUTE_MS }));
  // The breaker's trip alarms notify the on-call topic too: their pages are the breaker's, not the catalog's.
  const isTrip = (n: { alarmName: string }) => entryOf(n.alarmName, ALARM_PREFIX).startsWith("breaker-");
  const pageOf = (n: (typeof notifications)[number]): Page => ({
    minute: n.minute,
    alarm: n.alarmName,
    ...(n.contributor !== undefined ? { contributor: n.contributor } : {}),
  });
  const pages: Page[] = notifications.filter((n) => n.newState === "ALARM" && !isTrip(n)).map(pageOf);
  const during = pages.filter((p) => p.minute >= 0);
  const tripPages = notifications.filter((n) => n.newState === "ALARM" && isTrip(n) && n.minute >= 0);
  return {
    id: scenario.id,
    title: scenario.title,
    kind: scenario.kind,
    expect: scenario.expect,
    detectedMeans: scenario.detectedMeans,
    minutes: scenario.minutes,
    alarms: sim.alarms.size,
    unevaluated: agent.unevaluated(),
    warmupPages: pages.filter((p) => p.minute < 0),
    pages: during,
    oks: notifications.filter((n) => n.minute >= 0 && n.newState === "OK" && !isTrip(n)).length,
    verdict: judge(scenario, during, ALARM_PREFIX),
    ...(scenario.breaker ? { tripPages: tripPages.map(pageOf), actions: agent.actions } : {}),
  };
}

/**
 * Watchkeeper during the trace: what it does at given times (the breaker's trip and reset), and the
 * reconcile runs their hints ask for, each one batch window after the first hint of its batch (the hints
 * queue's event source, `HINT_BATCH_WINDOW` in lib/infra/stack.ts). Alarms are evaluated up to each
 * reconcile before it runs.
 */
class Agent {
  readonly actions: Action[] = [];
  private readonly pending: Pending[] = [];
  private readonly skipped = new Map<string, string>();
  private reconcileAsked = false;

  constructor(
    private readonly sim: SimAccount,
    private readonly aws: Aws,
    private readonly config: WatchkeeperConfig,
    private readonly hintsQueueUrl: string | undefined,
    private readonly minuteOf: (at: number) => number,
  ) {}

  /** The breaker trips the function at `trip` and resets it at `reset`, as the breaker function would. */
  breaker(plan: NonNullable<Scenario["breaker"]>, minuteAt: (minute: number) => number): void {
    const askForReconcile = this.hintsQueueUrl ? breakerHints(this.aws, this.hintsQueueUrl) : undefined;
    const options = {
      policy: this.config.breaker,
      actor: "user:oncall",
      ...(askForReconcile ? { askForReconcile } : {}),
    };
    this.at(minuteAt(plan.trip), "trip", async () => {
      const outcome = await tripBreaker(this.aws, plan.functionName, {
        ...options,
        reason: "the scenario opens the breaker",
      });
      if (outcome.result !== "tripped") throw new Error(`breaker not tripped: ${outcome.sentence}`);
      return [outcome.sentence, ...outcome.warnings].join("; ");
    });
    this.at(minuteAt(plan.reset), "reset", async () => {
      const outcome = await resetBreaker(this.aws, plan.functionName, {
        ...options,
        reason: "the scenario closes the breaker",
      });
      if (outcome.result !== "reset") throw new Error(`breaker not reset: ${outcome.sentence}`);
      return [outcome.sentence, ...outcome.warnings].join("; ");
    });
  }

  /** Runs, in time order, everything due by `until` (and what those ask for, when it is due by then too). */
  async runUntil(until: number): Promise<void> {
    for (let next = this.pending[0]; next !== undefined && next.at <= until; next = this.pending[0]) {
      this.pending.shift();
      if (this.sim.clock.now() < next.at) this.sim.advanceTime(next.at - this.sim.clock.now());
      const minute = this.minuteOf(this.sim.clock.now());
      this.actions.push({ minute, what: next.what, outcome: await next.run() });
      this.hinted();
    }
  }

  /** Alarm evaluation up to the clock; what it cannot evaluate is kept for the result. */
  evaluate(): void {
    for (const s of this.sim.evaluateAlarms().skipped) this.skipped.set(s.alarmName, s.reason);
  }

  unevaluated(): string[] {
    return [...this.skipped].map(([alarm, reason]) => `${alarm}: ${reason}`);
  }

  private at(at: number, what: Action["what"], run: () => Promise<string>): void {
    this.pending.push({ at, what, run });
    this.pending.sort((a, b) => a.at - b.at);
  }

  /** Hints on the queue start a batch: the reconcile runs when its window has passed. */
  private hinted(): void {
    if (!this.hintsQueueUrl || this.reconcileAsked) return;
    const messages = this.sim.queue(this.hintsQueueUrl)?.messages ?? [];
    const first = Math.min(...messages.map((m) => m.sentAt));
    if (!Number.isFinite(first)) return;
    this.reconcileAsked = true;
    this.at(first + HINT_BATCH_WINDOW_MS, "reconcile", () => this.reconcile());
  }

  /** The batch's reconcile: the hints taken off the queue, the alarms evaluated up to now, then the run. */
  private async reconcile(): Promise<string> {
    const queue = this.sim.queue(this.hintsQueueUrl!)!;
    const batch = queue.messages.filter((m) => m.sentAt <= this.sim.clock.now());
    queue.messages = queue.messages.filter((m) => !batch.includes(m));
    this.reconcileAsked = false;
    this.evaluate();
    const run = await discoverAndReconcile(this.aws, this.config);
    const totals = runTotals(run);
    const hints = batch.map((m) => {
      const hint = JSON.parse(m.body) as { detail?: { eventName?: string; functionName?: string } };
      return `${hint.detail?.eventName ?? "?"} ${hint.detail?.functionName ?? ""}`.trim();
    });
    const changed = run.alarms.report.outcomes
      .filter((o) => o.status === "applied" && o.change.kind !== "noop")
      .map((o) => `${o.change.kind} ${o.change.target}`);
    return `asked by ${hints.join(", ")}: ${totals.applied} applied (${changed.join(", ") || "no alarm"}), ${totals.failed} failed`;
  }
}
