/** The incident suite's verdicts and report (scripts/bench/alerts/judge.ts, report.ts): pure, no run needed. */
import { describe, expect, it } from "vitest";
import { entryOf, judge, type Page } from "../../scripts/bench/alerts/judge.js";
import { markdownTable, pagedBy, report, span, type SuiteRun } from "../../scripts/bench/alerts/report.js";
import type { ScenarioResult } from "../../scripts/bench/alerts/run.js";

const PREFIX = "watchkeeper-";
const page = (minute: number, alarm: string, contributor?: string): Page => ({
  minute,
  alarm: `${PREFIX}${alarm}`,
  ...(contributor ? { contributor } : {}),
});
const dlq = { page: true, by: ["sqs-dlq-messages-visible"], naming: "jobs-dlq" } as const;

describe("judge", () => {
  it("detects with the first expected page while the fault lasts, naming the resource", () => {
    const pages = [page(3, "lambda-errors"), page(4, "sqs-dlq-messages-visible-jobs-dlq")];
    expect(judge({ expect: dlq, minutes: 30 }, pages, PREFIX)).toEqual({ kind: "detected", minutes: 4 });
    expect(judge({ expect: dlq, minutes: 3 }, pages, PREFIX)).toEqual({ kind: "late", minutes: 4 });
    expect(judge({ expect: dlq, minutes: 30 }, pages.slice(0, 1), PREFIX)).toEqual({ kind: "missed" });
  });

  it("matches a Metrics Insights contributor by its resource", () => {
    const expect_ = { page: true, by: ["lambda-errors"], naming: "export" } as const;
    const pages = [
      page(5, "lambda-errors", "FunctionName=sync"),
      page(9, "lambda-errors", "FunctionName=export"),
    ];
    expect(judge({ expect: expect_, minutes: 60 }, pages, PREFIX)).toEqual({ kind: "detected", minutes: 9 });
  });

  it("counts every page where none is expected, per day of the scenario", () => {
    expect(judge({ expect: { page: false }, minutes: 1440 }, [], PREFIX)).toEqual({ kind: "quiet" });
    expect(
      judge(
        { expect: { page: false }, minutes: 720 },
        [page(1, "lambda-errors"), page(9, "lambda-errors")],
        PREFIX,
      ),
    ).toEqual({ kind: "paged", pages: 2, perDay: 4 });
  });

  it("reads the catalog entry off an alarm's name, the breaker's trip alarms included", () => {
    expect(entryOf("watchkeeper-lambda-errors", PREFIX)).toBe("lambda-errors");
    expect(entryOf("watchkeeper-lambda-duration-quote-engine", PREFIX)).toBe("lambda-duration");
    expect(entryOf("watchkeeper-breaker-error-rate-recommendations", PREFIX)).toBe("breaker-error-rate");
  });
});

describe("report", () => {
  it("writes spans and what paged as on-call reads them", () => {
    expect([span(3), span(60), span(195)]).toEqual(["3 min", "1 h", "3 h 15 min"]);
    const arn = "StateMachineArn=arn:aws:states:eu-west-1:210987654321:stateMachine:kyc";
    expect(
      pagedBy(
        [page(1, "x", arn), page(2, "x", arn), page(3, "lambda-errors"), page(4, "b"), page(5, "c")],
        PREFIX,
      ),
    ).toBe("x (kyc) ×2, b, c, 1 more");
  });

  it("pads markdown tables as prettier does, escaping pipes", () => {
    expect(
      markdownTable([
        ["a", "bc"],
        ["1|2", "3"],
      ]),
    ).toBe(["| a    | bc  |", "| ---- | --- |", "| 1\\|2 | 3   |"].join("\n"));
  });

  it("puts a run on the before side with the after side pending, or after an earlier run", () => {
    const result = (detectedIn: number): ScenarioResult => ({
      id: "poison-message",
      title: "A poison message",
      kind: "incident",
      expect: dlq,
      detectedMeans: "",
      minutes: 45,
      alarms: 9,
      unevaluated: [],
      warmupPages: [],
      pages: [page(detectedIn, "sqs-dlq-messages-visible-jobs-dlq")],
      oks: 1,
      verdict: { kind: "detected", minutes: detectedIn },
    });
    const run = (detectedIn: number): SuiteRun => ({
      generatedAt: "2026-12-07T12:00:00.000Z",
      catalog: "abc1234",
      node: "20",
      results: [result(detectedIn)],
    });
    const row = (text: string) => text.split("\n").find((line) => line.startsWith("| poison-message"));
    expect(row(report(run(3), PREFIX))).toMatch(/\| yes, in 3 min .*\| pending /);
    expect(row(report(run(1), PREFIX, run(3)))).toMatch(/\| yes, in 3 min .*\| yes, in 1 min /);
    // A scenario the earlier run did not have is new on the before side.
    const earlier: SuiteRun = { ...run(3), results: [] };
    expect(row(report(run(1), PREFIX, earlier))).toMatch(
      /^\| poison-message +\| [^|]+\| new +\|.*\| yes, in 1 min /,
    );
  });

  it("says a scenario the earlier run did not have is new, and keeps this run's order", () => {
    const result = (id: string, kind: ScenarioResult["kind"]): ScenarioResult => ({
      id,
      title: id,
      kind,
      expect: kind === "incident" ? dlq : { page: false },
      detectedMeans: "",
      minutes: kind === "incident" ? 45 : 1440,
      alarms: 9,
      unevaluated: [],
      warmupPages: [],
      pages: kind === "incident" ? [page(4, "sqs-dlq-messages-visible-jobs-dlq")] : [],
      oks: 0,
      verdict: kind === "incident" ? { kind: "detected", minutes: 4 } : { kind: "quiet" },
    });
    const suite = (...results: ScenarioResult[]): SuiteRun => ({
      generatedAt: "2026-12-07T12:00:00.000Z",
      catalog: "abc1234",
      node: "20",
      results,
    });
    const before = suite(result("old-incident", "incident"), result("old-baseline", "baseline"));
    const after = suite(
      result("new-incident", "incident"),
      result("old-incident", "incident"),
      result("new-baseline", "baseline"),
      result("old-baseline", "baseline"),
    );
    const rows = report(after, PREFIX, before)
      .split("\n")
      .filter((line) => /^\| (new|old)-/.test(line));
    expect(rows.map((line) => line.split("|").map((cell) => cell.trim())[1])).toEqual([
      "new-incident",
      "old-incident",
      "new-baseline",
      "old-baseline",
    ]);
    expect(rows[0]).toMatch(/^\| new-incident +\| [^|]+\| new +\| +\| +\| +\| yes, in 4 min /);
    expect(rows[2]).toMatch(/^\| new-baseline +\| new +\| +\| 0 \(OK: 0\) /);
    expect(rows[1]).toMatch(/^\| old-incident +\| [^|]+\| yes, in 4 min /);
  });
});
