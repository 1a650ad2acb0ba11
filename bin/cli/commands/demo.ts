import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { reviewJson } from "../../../dashboards/index.js";
import { runChecks } from "../../../lib/findings/index.js";
import { plannedWrites, reconcileAccount } from "../../../lib/reconcile/index.js";
import { plural } from "../../../lib/plural.js";
import type { SimApiStats } from "../../../lib/sim/index.js";
import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { renderStatus, runAction, type Action, type OnCallStatus } from "../../../lib/actions/index.js";
import { onAlarmStateChange } from "../../../lib/breaker/index.js";
import type { WatchkeeperConfig } from "../../../lib/config/index.js";
import {
  SlackClient,
  SlackStandIn,
  changeFromAlarm,
  notifyAlarm,
  type SlackMessage,
} from "../../../lib/notify/index.js";
import { localConfig } from "../config-source.js";
import { colorsFor, type Colors, type Io } from "../io.js";
import type { CommandContext } from "../main.js";
import { renderApply, renderPlan } from "../render-plan.js";
import { type Session } from "../session.js";
import { renderFindings } from "./findings.js";
import { discover, renderInventory } from "./inventory.js";
import { globalOptions } from "./shared.js";

const DEMO_DIR = "dist/demo";

function heading(io: Io, c: Colors, step: number, title: string): void {
  io.out(`\n${c.bold(c.cyan(`── ${step}. ${title} `.padEnd(78, "─")))}\n\n`);
}

/** The whole agent on the simulated sample account, one capability after another. */
export function registerDemo(program: Command, context: CommandContext): void {
  program
    .command("demo")
    .description("run Watchkeeper against the simulated sample account and show what it does")
    .action(async (_flags, command: Command) => {
      const { io } = context;
      const c = colorsFor(io);
      // The local config file, when there is one, is checked and used as every real command would.
      const { config } = localConfig(globalOptions(command));
      const session = await context.openSession({ demo: true });
      const sim = session.sim!;
      io.out("Watchkeeper demo: a simulated AWS account in memory; nothing leaves this machine.\n");

      heading(io, c, 1, "Inventory: discover every serverless resource");
      const inventory = await discover(io, session);
      io.out(renderInventory(inventory, io));

      heading(io, c, 2, "Findings: configuration mistakes, before they page anyone");
      const findings = runChecks(inventory);
      io.out(renderFindings(findings, c, 6));
      if (findings.length > 6)
        io.out(c.dim(`... ${findings.length - 6} more: watchkeeper findings --demo\n`));

      heading(io, c, 3, "Plan: alarms, log retention and the dashboard (watchkeeper plan)");
      const planned = await reconcileAccount(session.aws, inventory, config, { dryRun: true });
      io.out(renderPlan(planned, c, { limit: 8 }));

      heading(io, c, 4, "Apply, paced below the CloudWatch and Logs quotas (watchkeeper apply --yes)");
      const started = sim.clock.now();
      const applied = await reconcileAccount(session.aws, inventory, config);
      io.out(renderApply(applied, c));
      const managed = sim.alarms.size;
      io.out(
        `The account now holds ${plural(managed, "alarm")}; writing them took ${((sim.clock.now() - started) / 1000).toFixed(1)} s ` +
          `of simulated time at the PutMetricAlarm quota, with ${plural(throttles(sim.stats()), "throttling error")}.\n`,
      );

      heading(io, c, 5, "Run again: level-triggered, so nothing left to do");
      const again = await reconcileAccount(session.aws, await discover(io, session), config, {
        dryRun: true,
      });
      io.out(`Second plan: ${plural(plannedWrites(again).length, "change")}.
`);

      heading(io, c, 6, "Dashboard body, for review (watchkeeper dashboard --out FILE)");
      mkdirSync(DEMO_DIR, { recursive: true });
      const file = join(DEMO_DIR, "dashboard.json");
      const specs =
        applied.dashboards?.plan.changes.flatMap((change) => (change.desired ? [change.desired] : [])) ?? [];
      writeFileSync(file, reviewJson(specs));
      io.out(`Wrote ${resolve(file)}\n`);

      await onCall(io, c, session, config);
    });
}

/** What on-call does with it: the breaker on an anomaly, a Slack message, a redrive, a silence, status. */
async function onCall(io: Io, c: Colors, session: Session, config: WatchkeeperConfig): Promise<void> {
  const { aws } = session;
  const sim = session.sim!;
  const cloudwatch = aws.client(CloudWatchClient);
  const act = (action: Action) => runAction(aws, action, { actor: "user:demo", config });

  heading(io, c, 7, "Circuit breaker: an anomaly trips payments-consumer, then a reset");
  // Every invocation fails for three minutes; evaluating the alarms as CloudWatch does puts the trip alarm in ALARM.
  for (let minute = 0; minute < 3; minute++) {
    for (const metricName of ["Invocations", "Errors"]) {
      sim.emitMetric({
        namespace: "AWS/Lambda",
        metricName,
        dimensions: { FunctionName: "payments-consumer" },
        values: [120],
      });
    }
    sim.advanceTime(60_000);
  }
  sim.evaluateAlarms();
  const tripAlarm = sim.alarms.get(`${config.prefix}breaker-error-rate-payments-consumer`)!;
  io.out(`${tripAlarm.name} → ${tripAlarm.state} (${tripAlarm.stateReason})\n`);
  const tripped = await onAlarmStateChange(
    aws,
    {
      alarmName: tripAlarm.name,
      state: tripAlarm.state,
      stateTimestamp: new Date(tripAlarm.stateUpdatedAt),
      alarmArn: tripAlarm.arn,
      account: sim.accountId,
      region: sim.region,
    },
    { policy: config.breaker },
  );
  // The sentences carry who and why in full; the demo shows what happened.
  io.out(`the breaker function hears it: ${tripped.sentence.replace(/ \(by [^]*\)$/, "")}\n`);
  const mapping = [...sim.eventSourceMappings.values()].find((m) => m.functionName === "payments-consumer");
  io.out(c.dim(`  its SQS mapping is ${mapping?.state}: messages wait in the payments queue\n`));
  // Tripped, it gets no invocations: three minutes on, the alarm's range holds no failures.
  sim.advanceTime(3 * 60_000);
  sim.evaluateAlarms();
  io.out(c.dim(`  three minutes later ${tripAlarm.name} is ${tripAlarm.state}\n`));
  const reset = await act({ action: "breaker-reset", function: "payments-consumer", reason: "fixed" });
  io.out(
    `watchkeeper breaker reset payments-consumer --yes: ` +
      (reset.ok ? `reset; its mapping is ${mapping?.state} again\n` : `${reset.text}\n`),
  );

  heading(io, c, 8, "Slack: the DLQ alarm fires, posted to a local webhook receiver");
  const dlqAlarm = `${config.prefix}sqs-dlq-messages-visible-payments-dlq`;
  // SQS reports the DLQ's depth for a minute; the alarm's evaluation sees it.
  sim.emitMetric({
    namespace: "AWS/SQS",
    metricName: "ApproximateNumberOfMessagesVisible",
    dimensions: { QueueName: "payments-dlq" },
    values: [sim.queue("payments-dlq")!.messages.length],
  });
  sim.advanceTime(60_000);
  sim.evaluateAlarms();
  const standIn = await SlackStandIn.start();
  try {
    const answer = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [dlqAlarm] }));
    const change = changeFromAlarm(answer.MetricAlarms![0]!);
    await notifyAlarm(change, {
      aws,
      slack: new SlackClient({ webhookUrl: standIn.webhookUrl() }),
      settings: { prefix: config.prefix, runbookBaseUrl: config.runbookBaseUrl, interactive: true },
    });
    for (const { path, body } of standIn.delivered()) {
      io.out(`The receiver got POST ${path}:\n`);
      io.out(renderSlackMessage(body as unknown as SlackMessage, c));
    }
  } finally {
    await standIn.close();
  }

  heading(io, c, 9, "DLQ redrive: payments-dlq back to its queue (watchkeeper dlq redrive)");
  io.out(`${(await act({ action: "dlq-redrive", queue: "payments-dlq" })).text}\n`);
  sim.advanceTime(5_000);
  io.out(`${(await act({ action: "dlq-status", queue: "payments-dlq" })).text}\n`);

  heading(io, c, 10, "On call: silence the alarm, then one screen (watchkeeper status)");
  io.out(`${(await act({ action: "alarm-silence", alarm: dlqAlarm, minutes: 60 })).text}\n`);
  const status = await act({ action: "status" });
  io.out(
    renderStatus(status.details as OnCallStatus, {
      heading: (t) => c.bold(t),
      bad: (t) => c.red(t),
      dim: (t) => c.dim(t),
    }),
  );
}

/** What Slack would show, in a few lines: the header, the text sections, the buttons. */
function renderSlackMessage(message: SlackMessage, c: Colors): string {
  const lines: string[] = [];
  for (const block of message.blocks as unknown as readonly Record<string, unknown>[]) {
    const text = (block.text as { text?: string } | undefined)?.text;
    if (block.type === "header" && text) lines.push(c.bold(text));
    else if (block.type === "section" && text) lines.push(text.split("\n")[0] ?? "");
    else if (block.type === "actions") {
      const labels = (block.elements as { text?: { text?: string } }[]).map((e) => `[${e.text?.text ?? ""}]`);
      lines.push(labels.join(" "));
    }
  }
  return lines.map((line) => `  ${line}\n`).join("");
}

function throttles(stats: readonly SimApiStats[]): number {
  return stats.reduce((sum, api) => sum + api.throttled, 0);
}
