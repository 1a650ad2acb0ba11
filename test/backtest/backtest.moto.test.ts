/**
 * `watchkeeper backtest` against moto (issue 21), as a user runs it: the built CLI, a process, --endpoint.
 * moto holds two SQS queues (orders, and orders-dlq its dead-letter queue through RedrivePolicy) and two
 * Lambda functions; three hours of per-minute history are sent to the AWS/SQS and AWS/Lambda series the
 * catalog's alarms read, with two incidents: the orders consumer stalls (its oldest message ages past the
 * 1-hour threshold) and poison messages reach the DLQ, in two bursts. The backtest must page for those at
 * the minutes the alarms' evaluations say, stay quiet elsewhere (a two-minute error blip under a 3-of-3
 * alarm included), and read with the GetMetricData calls its packing plans.
 *
 * moto 5.2.1 takes "AWS/" namespaces in PutMetricData; AWS reserves them for its services (its reference:
 * "you should not specify a namespace that begins with AWS/", formerly "You cannot"), so on AWS this history
 * would be the services' own. Where moto is kinder than AWS (the lib/sim tests hold AWS's rules:
 * test/sim, test/backtest/backtest.sim.test.ts):
 * - GetMetricData ignores MaxDatapoints and never answers PartialData or a NextToken: the calls counted
 *   are exactly the packed calls, never continuations. It does not round StartTime, and keeps no retention
 *   per period (it would answer 1-minute datapoints of any age: only the CLI's own check refuses a window
 *   past CloudWatch's 15 days, and that check is what is tested here).
 * - ListMetrics ignores RecentlyActive and the two-week limit (and pages 500 at a time, each token once).
 * - Its Metrics Insights ignores the query; the backtest never sends one (it lists and reads each series).
 * And where moto falls short, so the history avoids it:
 * - GetMetricData answers a percentile statistic (p90, the duration alarm's) with an HTML 500 that fails
 *   the whole call: no Duration series is sent.
 * - GetMetricData costs moto periods × datapoints held: a one-day window of nine series takes it seconds,
 *   and a 15-day window takes longer than the CLI's 15-second request timeout (every alarm not evaluated).
 * - PutMetricData fails (an HTML 500) when the SDK gzips the body, as it does past 10 KiB: this file's
 *   client sends uncompressed (disableRequestCompression), 150 datapoints a call.
 */
import { CloudWatchClient, PutMetricDataCommand, type MetricDatum } from "@aws-sdk/client-cloudwatch";
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { beforeAll, describe, expect, it } from "vitest";
import { formatUtc } from "../../lib/alarms/silence.js";
import type { BacktestReport } from "../../lib/backtest/index.js";
import { fewestCalls, packCalls, type SeriesRequest } from "../../lib/metrics/retrieve.js";
import { plural } from "../../lib/plural.js";
import { bareEnvironment, buildCli, runCli, type CliResult } from "../cli/run-cli.js";
import { createMotoFunction, MOTO_CREDENTIALS, motoAws, motoEndpoint, motoLambdaRole } from "../moto/moto.js";
import { startFaultProxy, type FaultProxy } from "../support/fault-proxy.js";

const REGION = "us-west-1";
/** Claimed too: a region whose alarms have no history (first with no resource at all, then one queue). */
const EMPTY_REGION = "ap-northeast-2";
const CREDENTIALS = { AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" };
const MINUTE = 60_000;
const DAY = 1_440 * MINUTE;
/** Minutes of history sent, ending at the minute the file starts in. */
const HISTORY_MINUTES = 180;
/** Each CLI run against moto's GetMetricData takes it seconds (see above). */
const REPLAY_TIMEOUT_MS = 120_000;

/** The orders consumer stops at minute 40 and resumes at 120: its oldest message ages a minute a minute. */
const STALL = { from: 40, to: 120 };
/** Poison messages: 3 reach the empty DLQ at minute 130, 9 more at minute 150; none is redriven. */
const FIRST_DEAD_LETTERS = 130;
const MORE_DEAD_LETTERS = 150;
/** orders-worker fails twice a minute for two minutes: under the errors alarm's 3 of 3. */
const ERROR_BLIP = [60, 61];

/** The catalog's work-queue age threshold: half the retention (4 days by default), capped at 1 hour. */
const QUEUE_AGE_THRESHOLD_SECONDS = 3_600;

interface SentSeries {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimension: string;
  readonly value: string;
  /** The statistic the alarms read it at. */
  readonly stat: string;
  readonly at: (minute: number) => number;
}

const sqs = (metricName: string, queue: string, at: (minute: number) => number): SentSeries => ({
  namespace: "AWS/SQS",
  metricName,
  dimension: "QueueName",
  value: queue,
  stat: "Maximum",
  at,
});
const lambda = (metricName: string, fn: string, at: (minute: number) => number): SentSeries => ({
  namespace: "AWS/Lambda",
  metricName,
  dimension: "FunctionName",
  value: fn,
  stat: "Sum",
  at,
});

const ordersAge = (m: number) => (m >= STALL.from && m < STALL.to ? (m - STALL.from + 1) * 60 : 5);
const deadLetters = (m: number) => (m >= MORE_DEAD_LETTERS ? 12 : m >= FIRST_DEAD_LETTERS ? 3 : 0);

const HISTORY: readonly SentSeries[] = [
  sqs("ApproximateAgeOfOldestMessage", "orders", ordersAge),
  sqs("ApproximateNumberOfMessagesNotVisible", "orders", () => 10),
  sqs("ApproximateNumberOfMessagesVisible", "orders-dlq", deadLetters),
  sqs("ApproximateNumberOfMessagesNotVisible", "orders-dlq", () => 0),
  // Dead letters age from their arrival: far under the DLQ's threshold (half its 4-day retention).
  sqs("ApproximateAgeOfOldestMessage", "orders-dlq", (m) =>
    m >= FIRST_DEAD_LETTERS ? (m - FIRST_DEAD_LETTERS) * 60 : 0,
  ),
  lambda("Errors", "orders-worker", (m) => (ERROR_BLIP.includes(m) ? 2 : 0)),
  lambda("Errors", "billing", () => 0),
  lambda("Throttles", "orders-worker", () => 0),
  lambda("Throttles", "billing", () => 0),
];

/** Epoch ms of the history's first minute; minute m's datapoint is sent half-way through it. */
let historyStart = 0;
const minuteStart = (minute: number) => historyStart + minute * MINUTE;

let cli: string;

beforeAll(async () => {
  const built = await buildCli();
  cli = built.bundle;
  const aws = motoAws(REGION);
  try {
    const queues = aws.client(SQSClient);
    const dlq = await queues.send(new CreateQueueCommand({ QueueName: "orders-dlq" }));
    const dlqArn = (
      await queues.send(
        new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ["QueueArn"] }),
      )
    ).Attributes!.QueueArn!;
    await queues.send(
      new CreateQueueCommand({
        QueueName: "orders",
        Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 }) },
      }),
    );
    const role = await motoLambdaRole();
    for (const name of ["orders-worker", "billing"]) await createMotoFunction(aws, role, name);
    historyStart = Math.floor(Date.now() / MINUTE) * MINUTE - HISTORY_MINUTES * MINUTE;
    await sendHistory();
  } finally {
    aws.destroy();
  }
  return built.remove;
}, REPLAY_TIMEOUT_MS);

async function sendHistory(): Promise<void> {
  const client = new CloudWatchClient({
    region: REGION,
    endpoint: motoEndpoint(),
    credentials: MOTO_CREDENTIALS,
    disableRequestCompression: true,
  });
  try {
    for (const namespace of new Set(HISTORY.map((s) => s.namespace))) {
      const data: MetricDatum[] = HISTORY.filter((s) => s.namespace === namespace).flatMap((s) =>
        Array.from({ length: HISTORY_MINUTES }, (_, m) => ({
          MetricName: s.metricName,
          Dimensions: [{ Name: s.dimension, Value: s.value }],
          Timestamp: new Date(minuteStart(m) + 30_000),
          Value: s.at(m),
        })),
      );
      for (let i = 0; i < data.length; i += 150)
        await client.send(
          new PutMetricDataCommand({ Namespace: namespace, MetricData: data.slice(i, i + 150) }),
        );
    }
  } finally {
    client.destroy();
  }
}

const watchkeeper = (args: readonly string[]): Promise<CliResult> =>
  runCli(cli, args, bareEnvironment(CREDENTIALS));

const backtest = (region: string, args: readonly string[], endpoint = motoEndpoint()) =>
  watchkeeper(["backtest", "--endpoint", endpoint, "--region", region, ...args]);

type Report = BacktestReport & { accountId: string; region: string };

/** The first minute of the history at which `series` meets `breaching`. */
function firstMinute(at: (minute: number) => number, breaching: (value: number) => boolean): number {
  const minute = Array.from({ length: HISTORY_MINUTES }, (_, m) => m).find((m) => breaching(at(m)));
  if (minute === undefined) throw new Error("the history never breaches");
  return minute;
}

/**
 * When each alarm pages: at the evaluation after the period that completes its "M of N". A 15-of-15 alarm
 * pages 15 minutes after its first breaching minute starts; a 1-of-N alarm, one minute after.
 */
const AGE_PAGE = firstMinute(ordersAge, (age) => age >= QUEUE_AGE_THRESHOLD_SECONDS) + 15;
const DEPTH_PAGE = firstMinute(deadLetters, (n) => n > 0) + 1;
const NEW_DEAD_LETTERS_PAGE = MORE_DEAD_LETTERS + 1;

/** The series the backtest must read: every series sent (each is what some alarm reads), a minute apart. */
const SENT_REQUESTS: SeriesRequest[] = HISTORY.map((s) => ({
  namespace: s.namespace,
  metricName: s.metricName,
  dimensions: [{ name: s.dimension, value: s.value }],
  stat: s.stat,
  periodSeconds: 60,
}));

function pagedAlarms(report: BacktestReport) {
  return Object.fromEntries(
    report.alarms
      .filter((a) => a.pages > 0)
      .map((a) => [
        a.entryId,
        a.contributors.map((c) => ({ contributor: c.contributor, pages: c.pages, worst: c.worst })),
      ]),
  );
}

describe("watchkeeper backtest against moto", () => {
  it(
    "--json: pages where the incidents are, at the alarms' evaluations, and nowhere else (exit 0)",
    async () => {
      const { code, stdout, stderr } = await backtest(REGION, ["--days", "1", "--json"]);
      expect(code, stderr).toBe(0);
      const report = JSON.parse(stdout) as Report;
      expect(report.region).toBe(REGION);

      // A whole day ending at a whole minute, at or after the history's last minute.
      const window = { start: Date.parse(report.window.start), end: Date.parse(report.window.end) };
      expect(report.window.days).toBe(1);
      expect(window.end - window.start).toBe(DAY);
      expect(window.end % MINUTE).toBe(0);
      expect(window.end).toBeGreaterThanOrEqual(minuteStart(HISTORY_MINUTES));

      expect(pagedAlarms(report)).toEqual({
        // Aggregate Metrics Insights alarm: the stalled queue is its contributor. 15 of 15 at or over an hour.
        "sqs-age-of-oldest-message": [
          {
            contributor: "QueueName=orders",
            pages: 1,
            worst: [
              {
                start: minuteStart(AGE_PAGE),
                end: minuteStart(STALL.to + 1),
                minutes: STALL.to + 1 - AGE_PAGE,
              },
            ],
          },
        ],
        // More than 0 visible, 1 of 1: pages at the first dead letter, still in ALARM (nothing redriven).
        "sqs-dlq-messages-visible": [
          {
            contributor: undefined,
            pages: 1,
            worst: [
              { start: minuteStart(DEPTH_PAGE), minutes: (window.end - minuteStart(DEPTH_PAGE)) / MINUTE },
            ],
          },
        ],
        // 5 or more new while the DLQ already held some, 1 of 5: the second burst only (the first arrived
        // into an empty queue, the depth alarm's page); back to OK after five quiet minutes.
        "sqs-dlq-new-messages": [
          {
            contributor: undefined,
            pages: 1,
            worst: [
              {
                start: minuteStart(NEW_DEAD_LETTERS_PAGE),
                end: minuteStart(NEW_DEAD_LETTERS_PAGE + 5),
                minutes: 5,
              },
            ],
          },
        ],
      });
      // Every other alarm was replayed and stayed quiet: the errors blip (2 of 3 minutes), the DLQ's age
      // (under half its retention), in-flight (far under the quota), throttles, and those with no data.
      expect(report.totals).toEqual({
        alarms: report.alarms.length,
        evaluated: report.alarms.length,
        notEvaluated: 0,
        paging: 3,
        noisy: 0,
        pages: 3,
      });
      const quiet = report.alarms.filter((a) => a.pages === 0).map((a) => a.entryId);
      expect(quiet).toEqual(
        expect.arrayContaining([
          "lambda-errors",
          "lambda-throttles",
          "sqs-dlq-age",
          "sqs-messages-in-flight",
        ]),
      );
      // One page in one day is 7 a week: at the default --max-pages-per-week 7, not noisy.
      for (const alarm of report.alarms.filter((a) => a.pages > 0)) expect(alarm.pagesPerWeek).toBe(7);

      // Read: exactly the series sent, in the calls the packing plans (moto never continues a call).
      const calls = packCalls(SENT_REQUESTS, window).length;
      expect(report.cost.metricsRequested).toBe(SENT_REQUESTS.length);
      expect(report.calls.getMetricData).toBe(calls);
      expect(report.calls.fewest).toBe(fewestCalls(SENT_REQUESTS, window));
      expect(report.calls.listMetrics).toBeGreaterThanOrEqual(new Set(HISTORY.map((s) => s.metricName)).size);
      const datapoints = SENT_REQUESTS.length * (DAY / MINUTE);
      expect(stderr).toContain(
        `\nReading ${SENT_REQUESTS.length} series (${datapoints.toLocaleString("en-US")} datapoints) in ` +
          `${plural(calls, "GetMetricData call")}, under $0.01.\n`,
      );
    },
    REPLAY_TIMEOUT_MS,
  );

  it(
    "the text form: the paging alarms with their longest episodes, the quiet ones counted, the calls",
    async () => {
      const { code, stdout } = await backtest(REGION, ["--days", "1"]);
      expect(code).toBe(0);
      const endpoint = motoEndpoint().replace(/[.]/g, "\\.");
      expect(stdout).toMatch(
        new RegExp(
          `^Backtest of (\\d+) planned alarms over 1 day on ${REGION} at ${endpoint} \\(.+ UTC to .+ UTC\\)\n`,
        ),
      );
      expect(stdout).toMatch(/^ {2}Would have paged: 3 alarms, 3 pages \(3\.0 a day\)$/m);
      expect(stdout).not.toMatch(/Noisy/);
      // ALARM, PAGES, A WEEK, IN ALARM, LONGEST EPISODE: one page in the day, 7.0 a week.
      const row = (name: string, inAlarm: string, episode: string) =>
        new RegExp(`^ {2}${name} +1 +7\\.0 +${inAlarm} +${episode}$`, "m");
      const utc = (minute: number) => formatUtc(new Date(minuteStart(minute)));
      expect(stdout).toMatch(
        row(
          "watchkeeper-sqs-age-of-oldest-message",
          "7 min",
          `QueueName=orders ${utc(AGE_PAGE)} \\(7 min\\)`,
        ),
      );
      expect(stdout).toMatch(
        row(
          "watchkeeper-sqs-dlq-messages-visible-orders-dlq",
          "\\d+ min",
          `${utc(DEPTH_PAGE)} \\(\\d+ min, still in ALARM\\)`,
        ),
      );
      expect(stdout).toMatch(
        row(
          "watchkeeper-sqs-dlq-new-messages-orders-dlq",
          "5 min",
          `${utc(NEW_DEAD_LETTERS_PAGE)} \\(5 min\\)`,
        ),
      );
      const alarms = Number(/^Backtest of (\d+) planned alarms/.exec(stdout)?.[1]);
      expect(stdout).toContain(`\n  Quiet: ${plural(alarms - 3, "alarm")} never went to ALARM.\n`);
      expect(stdout).toMatch(
        /\n {2}Read with 1 GetMetricData call \(the fewest possible: 1\) and \d+ ListMetrics calls; under \$0\.01\.\n$/,
      );
      expect(stdout).not.toMatch(/Not evaluated/);
    },
    REPLAY_TIMEOUT_MS,
  );

  it(
    "--max-pages-per-week under a day's one page makes the paging alarms noisy (exit 1)",
    async () => {
      const { code, stdout } = await backtest(REGION, ["--days", "1", "--max-pages-per-week", "6", "--json"]);
      expect(code).toBe(1);
      const report = JSON.parse(stdout) as Report;
      expect(report.maxPagesPerWeek).toBe(6);
      expect(report.totals.noisy).toBe(3);
      expect(
        report.alarms
          .filter((a) => a.noisy)
          .map((a) => a.entryId)
          .sort(),
      ).toEqual(["sqs-age-of-oldest-message", "sqs-dlq-messages-visible", "sqs-dlq-new-messages"]);
    },
    REPLAY_TIMEOUT_MS,
  );

  describe("when GetMetricData is denied (a proxy in front of moto)", () => {
    let proxy: FaultProxy;
    beforeAll(async () => {
      proxy = await startFaultProxy({
        target: motoEndpoint(),
        rules: [{ service: "cloudwatch", operation: "GetMetricData", fault: "denied" }],
      });
      return () => proxy.close();
    });

    it("the alarms that read history are not evaluated, each with why, and none is called quiet (exit 3)", async () => {
      const { code, stdout } = await backtest(REGION, ["--days", "1"], proxy.url);
      expect(code).toBe(3);
      expect(stdout).not.toContain("No alarm would have gone to ALARM.");
      const notEvaluated = Number(/^ {2}Not evaluated \((\d+)\):$/m.exec(stdout)?.[1]);
      // Each alarm reading a series sent: the DLQ's three, the two queue-wide and the two Lambda ones.
      expect(notEvaluated).toBe(7);
      expect(stdout).toContain(
        `\n  No alarm that could be replayed would have gone to ALARM; ${notEvaluated} alarms could not be (below).\n`,
      );
      expect(stdout).toMatch(
        /^ {4}watchkeeper-sqs-dlq-messages-visible-orders-dlq: cloudwatch GetMetricData failed: AccessDenied\b/m,
      );
      expect(stdout).toMatch(
        /^ {4}watchkeeper-lambda-errors: cloudwatch GetMetricData failed: AccessDenied\b/m,
      );
    });
  });

  describe("bad inputs", () => {
    it("--days past CloudWatch's 15 days of 1-minute data is a usage error that says so (exit 2)", async () => {
      const { code, stdout, stderr } = await backtest(REGION, ["--days", "20"]);
      expect(code).toBe(2);
      expect(stdout).toBe("");
      expect(stderr).toMatch(
        /^watchkeeper: CloudWatch keeps 60-second datapoints for 15 days, and \d+ of the planned alarms read 60-second periods: a 20-day window would read as quiet where it has no data\. Use --days 15 or less\.$/m,
      );
    });

    it("--days 0 and --days x are usage errors naming the flag, before any AWS call (exit 2)", async () => {
      expect(await backtest(REGION, ["--days", "0"])).toEqual({
        code: 2,
        stdout: "",
        stderr: "watchkeeper: --days must be 1 or more, got 0\n",
      });
      expect(await backtest(REGION, ["--days", "x"])).toEqual({
        code: 2,
        stdout: "",
        stderr: 'watchkeeper: --days "x" is not a whole number\n',
      });
    });

    it("a region with nothing to replay is explained, not reported quiet (exit 1)", async () => {
      const hint = "nothing to replay. Is this the region your resources run in (--region)?";
      // Nothing there at all: no alarm is planned.
      const bare = await backtest(EMPTY_REGION, ["--days", "1"]);
      expect(bare.code).toBe(1);
      expect(bare.stdout).toBe("");
      expect(bare.stderr).toContain(`\nThe plan holds no alarm for ${EMPTY_REGION}: ${hint}\n`);
      // A queue there, so alarms are planned, but none of their metrics has a datapoint.
      const aws = motoAws(EMPTY_REGION);
      try {
        await aws.client(SQSClient).send(new CreateQueueCommand({ QueueName: "idle" }));
      } finally {
        aws.destroy();
      }
      const idle = await backtest(EMPTY_REGION, ["--days", "1", "--json"]);
      expect(idle.code).toBe(1);
      expect(idle.stdout).toBe("");
      expect(idle.stderr).toMatch(
        new RegExp(
          `\nNo metric the \\d+ planned alarms read has data in ${EMPTY_REGION} in the past two weeks ` +
            `\\(ListMetrics listed none\\): ${hint.replace(/[.?()]/g, "\\$&")}\n`,
        ),
      );
    });
  });
});
