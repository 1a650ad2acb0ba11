/**
 * The backtest bench's judging (scripts/bench/backtest/judge.ts): which pages are an incident's (in its
 * window, naming its resource or one it touches) and which are false, and each incident's verdict. Pure.
 */
import { describe, expect, it } from "vitest";
import type { BacktestReport } from "../../lib/backtest/index.js";
import { judgePages, pagesOf, type Page } from "../../scripts/bench/backtest/judge.js";
import type { Incident } from "../../scripts/bench/history/index.js";

const MINUTE = 60_000;
const T0 = Date.UTC(2024, 11, 19);
const ARN = "arn:aws:sqs:us-east-1:123456789012";

/** A poison message: the DLQ is the incident's resource, its source queue and consumer are touched. */
const poison: Incident = {
  id: "poison-message-day1",
  kind: "poison-message",
  title: "a poison message",
  resourceKind: "queue",
  resourceName: "ledger-dlq.fifo",
  resourceArn: `${ARN}:ledger-dlq.fifo`,
  related: [
    { kind: "queue", name: "ledger.fifo", arn: `${ARN}:ledger.fifo` },
    {
      kind: "function",
      name: "ledger-writer",
      arn: "arn:aws:lambda:us-east-1:123456789012:function:ledger-writer",
    },
  ],
  start: T0,
  end: T0 + 120 * MINUTE,
};

const burst: Incident = {
  id: "api-5xx-burst-day3",
  kind: "api-5xx-burst",
  title: "5xx",
  resourceKind: "http-api",
  resourceName: "customer-portal",
  resourceArn: "arn:aws:apigateway:us-east-1::/apis/ne0d0ids7v",
  related: [],
  start: T0 + 2 * 1440 * MINUTE,
  end: T0 + 2 * 1440 * MINUTE + 10 * MINUTE,
};

const page = (
  minute: number,
  alarm: string,
  about: { resourceArn?: string; contributor?: string } = {},
): Page => ({
  alarm: `watchkeeper-${alarm}`,
  entryId: alarm,
  ...about,
  at: T0 + minute * MINUTE,
  minutes: 5,
  open: false,
});

describe("judgePages", () => {
  it("an incident's page names its resource or one it touches, inside its window; the first says how fast", () => {
    const { pages, incidents } = judgePages(
      [
        page(2, "sqs-dlq-messages-visible-ledger-dlq.fifo", { resourceArn: poison.resourceArn }),
        page(4, "lambda-errors", { contributor: "FunctionName=ledger-writer" }),
        // Inside the window, about another function: the account's noise, not the incident.
        page(5, "lambda-errors", { contributor: "FunctionName=orders-create" }),
      ],
      [poison],
    );
    expect(pages.map((p) => p.verdict)).toEqual([
      { kind: "incident", incident: poison.id, after: 2, names: true },
      { kind: "incident", incident: poison.id, after: 4, names: true },
      { kind: "false", inSpike: false },
    ]);
    expect(incidents).toEqual([
      expect.objectContaining({ id: poison.id, outcome: "detected", firstPageAfter: 2 }),
    ]);
    expect(incidents[0]?.pages).toHaveLength(2);
  });

  it("a page after the repair is late within the grace and false after it", () => {
    const dlq = { resourceArn: poison.resourceArn };
    const late = judgePages([page(130, "sqs-dlq", dlq)], [poison], [], 30);
    expect(late.incidents[0]).toMatchObject({ outcome: "late", firstPageAfter: 130 });
    const after = judgePages([page(151, "sqs-dlq", dlq)], [poison], [], 30);
    expect(after.pages[0]?.verdict).toEqual({ kind: "false", inSpike: false });
    expect(after.incidents[0]).toMatchObject({ outcome: "missed" });
    expect(after.incidents[0]?.firstPageAfter).toBeUndefined();
  });

  it("a contributor names a resource of its dimension's kind: by name, ARN, or an HTTP API's id", () => {
    const at = 2 * 1440 + 3;
    const { pages } = judgePages(
      [
        page(at, "apigateway-http-5xx", { contributor: "ApiId=ne0d0ids7v,Stage=$default" }),
        // A queue of the API's name is not the API.
        page(at, "sqs-age", { contributor: "QueueName=customer-portal" }),
      ],
      [poison, burst],
    );
    expect(pages.map((p) => p.verdict.kind)).toEqual(["incident", "false"]);
  });

  it("an alarm that names no resource counts for the incident it falls in, marked as naming nothing", () => {
    const { pages } = judgePages(
      [page(10, "lambda-concurrent-executions"), page(600, "lambda-concurrent-executions")],
      [poison],
    );
    expect(pages.map((p) => p.verdict)).toEqual([
      { kind: "incident", incident: poison.id, after: 10, names: false },
      { kind: "false", inSpike: false },
    ]);
  });

  it("a false page says whether it came in a traffic spike (or the grace after it)", () => {
    const spike = { start: T0 + 600 * MINUTE, end: T0 + 615 * MINUTE, factor: 3 };
    const { pages } = judgePages(
      [
        page(620, "breaker-invocations-anomaly-payments-consumer"),
        page(700, "breaker-invocations-anomaly-payments-consumer"),
      ],
      [poison],
      [spike],
    );
    expect(pages.map((p) => p.verdict)).toEqual([
      { kind: "false", inSpike: true },
      { kind: "false", inSpike: false },
    ]);
  });
});

describe("pagesOf", () => {
  it("every episode of every contributor is a page, in time order", () => {
    const episode = (minute: number, minutes: number, open = false) => ({
      start: T0 + minute * MINUTE,
      ...(open ? {} : { end: T0 + (minute + minutes) * MINUTE }),
      minutes,
    });
    const report = {
      alarms: [
        {
          name: "watchkeeper-lambda-errors",
          entryId: "lambda-errors",
          level: "aggregate",
          pages: 3,
          alarmMinutes: 9,
          pagesPerWeek: 1.5,
          noisy: false,
          contributors: [
            {
              contributor: "FunctionName=a",
              pages: 2,
              alarmMinutes: 6,
              worst: [],
              episodes: [episode(5, 3), episode(50, 3)],
            },
            {
              contributor: "FunctionName=b",
              pages: 1,
              alarmMinutes: 3,
              worst: [],
              episodes: [episode(20, 3, true)],
            },
          ],
        },
      ],
    } as unknown as BacktestReport;
    expect(pagesOf(report).map((p) => [p.contributor, (p.at - T0) / MINUTE, p.open])).toEqual([
      ["FunctionName=a", 5, false],
      ["FunctionName=b", 20, true],
      ["FunctionName=a", 50, false],
    ]);
  });
});
