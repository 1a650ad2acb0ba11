/**
 * The metric math the repo's alarms use, evaluated per timestamp: numbers, query ids, + - * /, comparisons,
 * IF(condition, then, else) (lib/breaker/alarms.ts: `IF(invocations >= 10, 100 * errors / invocations, 0)`)
 * DIFF(series) (the catalog's dead-letter arrivals) and FILL(series, number) (rates over sparse metrics).
 * Any other function is refused. As in CloudWatch metric math, a series operation only yields a value at
 * timestamps where every series operand has one; division by zero yields no value (AWS drops it).
 */
import { EvaluatorError, type Datapoints } from "./types.js";

/** A scalar or a time series. */
export type MathValue = number | Datapoints;

type Node =
  | { readonly kind: "number"; readonly value: number }
  | { readonly kind: "id"; readonly id: string }
  | { readonly kind: "binary"; readonly op: string; readonly left: Node; readonly right: Node }
  | { readonly kind: "negate"; readonly operand: Node }
  | { readonly kind: "if"; readonly condition: Node; readonly then: Node; readonly otherwise: Node }
  | { readonly kind: "diff"; readonly operand: Node }
  | { readonly kind: "fill"; readonly operand: Node; readonly value: number };

const TOKEN = /\s*(\d+(?:\.\d+)?|[A-Za-z_][A-Za-z0-9_]*|>=|<=|==|!=|[-+*/(),<>])/y;
const PRECEDENCE: Readonly<Record<string, number>> = {
  ">": 1,
  ">=": 1,
  "<": 1,
  "<=": 1,
  "==": 1,
  "!=": 1,
  "+": 2,
  "-": 2,
  "*": 3,
  "/": 3,
};

export const unsupported = (expression: string) =>
  new EvaluatorError(`not supported by the evaluator: ${expression}`);

/** Splits an expression with a sticky `pattern` whose first group is a token; anything else is unsupported. */
export function tokenize(expression: string, pattern: RegExp = TOKEN): string[] {
  const tokens: string[] = [];
  pattern.lastIndex = 0;
  while (pattern.lastIndex < expression.trimEnd().length) {
    const match = pattern.exec(expression);
    if (!match) throw unsupported(expression);
    tokens.push(match[1] as string);
  }
  return tokens;
}

/** Parses the supported subset; anything else throws "not supported by the evaluator: <expr>". */
export function parseMath(expression: string): Node {
  const tokens = tokenize(expression);
  let i = 0;
  const peek = () => tokens[i];
  const expect = (token: string) => {
    if (tokens[i++] !== token) throw unsupported(expression);
  };
  const primary = (): Node => {
    const token = tokens[i++];
    if (token === undefined) throw unsupported(expression);
    if (token === "(") {
      const inner = binary(0);
      expect(")");
      return inner;
    }
    if (token === "-") return { kind: "negate", operand: primary() };
    if (/^\d/.test(token)) return { kind: "number", value: Number(token) };
    if (!/^[A-Za-z_]/.test(token)) throw unsupported(expression);
    if (peek() !== "(") return { kind: "id", id: token };
    if (token === "FILL") {
      expect("(");
      const operand = binary(0);
      expect(",");
      const value = primary();
      expect(")");
      if (value.kind !== "number") throw unsupported(expression);
      return { kind: "fill", operand, value: value.value };
    }
    if (token === "DIFF") {
      expect("(");
      const operand = binary(0);
      expect(")");
      return { kind: "diff", operand };
    }
    if (token !== "IF") throw unsupported(expression);
    expect("(");
    const condition = binary(0);
    expect(",");
    const then = binary(0);
    expect(",");
    const otherwise = binary(0);
    expect(")");
    return { kind: "if", condition, then, otherwise };
  };
  const binary = (min: number): Node => {
    let left = primary();
    for (;;) {
      const op = peek();
      const precedence = op === undefined ? undefined : PRECEDENCE[op];
      if (op === undefined || precedence === undefined || precedence < min) break;
      i++;
      left = { kind: "binary", op, left, right: binary(precedence + 1) };
    }
    return left;
  };
  const tree = binary(0);
  if (i !== tokens.length) throw unsupported(expression);
  return tree;
}

function apply(op: string, a: number, b: number): number | undefined {
  switch (op) {
    case "+":
      return a + b;
    case "-":
      return a - b;
    case "*":
      return a * b;
    case "/":
      return b === 0 ? undefined : a / b;
    case ">":
      return a > b ? 1 : 0;
    case ">=":
      return a >= b ? 1 : 0;
    case "<":
      return a < b ? 1 : 0;
    case "<=":
      return a <= b ? 1 : 0;
    case "==":
      return a === b ? 1 : 0;
    default:
      return a !== b ? 1 : 0;
  }
}

/** A value at each timestamp where every series operand has one; a scalar (NaN for x / 0) when none is a series. */
function combine(operands: readonly MathValue[], fn: (values: number[]) => number | undefined): MathValue {
  const series = operands.filter((o): o is Datapoints => typeof o !== "number");
  if (series.length === 0) return fn(operands as number[]) ?? NaN;
  const result = new Map<number, number>();
  for (const at of (series[0] as Datapoints).keys()) {
    const values = operands.map((o) => (typeof o === "number" ? o : o.get(at)));
    if (values.some((v) => v === undefined)) continue;
    const value = fn(values as number[]);
    if (value !== undefined) result.set(at, value);
  }
  return result;
}

/**
 * Evaluates a parsed expression; `lookup` gives the value of a query id, `periods` the start of every period
 * the alarm retrieves (what FILL fills).
 */
export function evaluateMath(
  node: Node,
  lookup: (id: string) => MathValue,
  periods: readonly number[],
): MathValue {
  const evaluate = (inner: Node) => evaluateMath(inner, lookup, periods);
  switch (node.kind) {
    case "number":
      return node.value;
    case "id":
      return lookup(node.id);
    case "negate":
      return combine([evaluate(node.operand)], ([a]) => -(a as number));
    case "binary":
      return combine([evaluate(node.left), evaluate(node.right)], ([a, b]) =>
        apply(node.op, a as number, b as number),
      );
    case "fill":
      return fill(evaluate(node.operand), node.value, periods);
    case "diff":
      return diff(evaluate(node.operand));
    case "if":
      // Only the chosen branch needs a value at a timestamp: IF(n >= 10, e / n, 0) is 0 where n is small.
      return pick(evaluate(node.condition), evaluate(node.then), evaluate(node.otherwise));
  }
}

/** Metric math FILL(m, value): "Fills missing values of a time series" with the value, in every retrieved period. */
function fill(value: MathValue, filler: number, periods: readonly number[]): MathValue {
  if (typeof value === "number") throw new EvaluatorError("FILL needs a time series, not a number");
  return new Map(periods.map((t) => [t, value.get(t) ?? filler]));
}

/**
 * Metric math DIFF: "the difference between each value in the time series and the preceding value from that
 * time series": the first datapoint, with none before it, has no value.
 */
function diff(value: MathValue): MathValue {
  if (typeof value === "number") throw new EvaluatorError("DIFF needs a time series, not a number");
  const result = new Map<number, number>();
  let previous: number | undefined;
  for (const t of [...value.keys()].sort((a, b) => a - b)) {
    const current = value.get(t) as number;
    if (previous !== undefined) result.set(t, current - previous);
    previous = current;
  }
  return result;
}

function pick(condition: MathValue, then: MathValue, otherwise: MathValue): MathValue {
  const at = (value: MathValue, t: number) => (typeof value === "number" ? value : value.get(t));
  if (typeof condition === "number") return condition !== 0 ? then : otherwise;
  const result = new Map<number, number>();
  for (const [t, c] of condition) {
    const value = at(c !== 0 ? then : otherwise, t);
    if (value !== undefined) result.set(t, value);
  }
  return result;
}
