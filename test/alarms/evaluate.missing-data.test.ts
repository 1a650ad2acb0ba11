/**
 * The CloudWatch user guide's tables of how an alarm evaluates a partly missing evaluation range, pinned row
 * by row ("Configuring how CloudWatch alarms treat missing data" → "How alarm state is evaluated when data
 * is missing"). In a pattern, oldest first: 0 is a non-breaching datapoint, X a breaching one, - missing.
 */
import { describe, expect, it } from "vitest";
import type { TreatMissingData } from "../../lib/alarms/catalog/types.js";
import { evaluateWindow, type AlarmState, type DatapointClass } from "../../lib/alarms/evaluate/index.js";

const SECTION = "How alarm state is evaluated when data is missing";
const CLASS: Readonly<Record<string, DatapointClass>> = {
  "0": "notBreaching",
  X: "breaching",
  "-": "missing",
};
const range = (pattern: string) => pattern.split(" ").map((p) => CLASS[p] as DatapointClass);
const RETAIN = "retain";

type Row = readonly [
  pattern: string,
  missing: AlarmState,
  ignore: AlarmState | typeof RETAIN,
  breaching: AlarmState,
  notBreaching: AlarmState,
];

function pin(table: string, m: number, n: number, rows: readonly Row[]) {
  describe(`${SECTION}: ${table} (DatapointsToAlarm ${m}, EvaluationPeriods ${n}, 5 datapoints retrieved)`, () => {
    for (const [pattern, ...outcomes] of rows) {
      const modes: readonly TreatMissingData[] = ["missing", "ignore", "breaching", "notBreaching"];
      modes.forEach((mode, index) => {
        const expected = outcomes[index] as AlarmState | typeof RETAIN;
        it(`${pattern} with ${mode} → ${expected}`, () => {
          const rule = { datapointsToAlarm: m, evaluationPeriods: n, treatMissingData: mode };
          for (const current of ["OK", "ALARM", "INSUFFICIENT_DATA"] as const) {
            expect(evaluateWindow(range(pattern), rule, current)).toBe(
              expected === RETAIN ? current : expected,
            );
          }
        });
      });
    }
  });
}

pin("first table", 3, 3, [
  ["0 - X - X", "OK", "OK", "OK", "OK"],
  ["0 - - - -", "OK", "OK", "OK", "OK"],
  ["- - - - -", "INSUFFICIENT_DATA", RETAIN, "ALARM", "OK"],
  ["0 X X - X", "ALARM", "ALARM", "ALARM", "ALARM"],
  ["- - - - X", "INSUFFICIENT_DATA", RETAIN, "ALARM", "OK"],
  ["X - - - -", "ALARM", RETAIN, "ALARM", "OK"],
]);

pin("second table, an M out of N alarm", 2, 3, [
  ["0 - X - X", "ALARM", "ALARM", "ALARM", "ALARM"],
  ["0 0 X 0 X", "ALARM", "ALARM", "ALARM", "ALARM"],
  ["0 - X - -", "OK", "OK", "ALARM", "OK"],
  ["- - - - 0", "OK", "OK", "ALARM", "OK"],
  ["- - - - X", "INSUFFICIENT_DATA", RETAIN, "ALARM", "OK"],
]);

describe(SECTION, () => {
  it("with at least EvaluationPeriods datapoints present, the most recent present ones decide and the setting is not used", () => {
    for (const mode of ["missing", "ignore", "breaching", "notBreaching"] as const) {
      const rule = { datapointsToAlarm: 3, evaluationPeriods: 3, treatMissingData: mode };
      expect(evaluateWindow(range("0 X - X X"), rule, "OK")).toBe("ALARM");
      expect(evaluateWindow(range("X X - 0 X"), rule, "ALARM")).toBe("OK");
    }
  });
});
