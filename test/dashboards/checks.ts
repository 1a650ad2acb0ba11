/**
 * Independent checks of a generated body against CloudWatch's documented rules and the inventory. They
 * read the JSON as CloudWatch would, without the generator's own helpers.
 */
import type { Inventory } from "../../lib/inventory/types.js";
import { parseInsightsQuery } from "../../lib/sim/metrics.js";

export interface CheckLimits {
  readonly widgets: number;
  readonly metricsPerWidget: number;
  readonly metricsPerDashboard: number;
  readonly alarmsPerWidget: number;
  readonly bytes: number;
}

/** CloudWatch's published limits and Watchkeeper's body budget. */
export const CLOUDWATCH: CheckLimits = {
  widgets: 500,
  metricsPerWidget: 500,
  metricsPerDashboard: 2500,
  alarmsPerWidget: 100,
  bytes: 100_000,
};

interface Json {
  [key: string]: unknown;
}

/** Does an explicit metric name a resource the inventory holds? Account-wide Lambda metrics have no dimensions. */
export function metricRefersToInventory(
  inventory: Inventory,
  namespace: string,
  dims: Record<string, string>,
): boolean {
  const keys = Object.keys(dims).sort().join(",");
  const has = (kind: string, match: (r: Record<string, unknown>) => boolean) =>
    inventory.resources.some((r) => r.kind === kind && match(r as unknown as Record<string, unknown>));
  switch (`${namespace}|${keys}`) {
    case "AWS/Lambda|":
      return true;
    case "AWS/Lambda|FunctionName":
      return has("lambda-function", (r) => r.name === dims.FunctionName);
    case "AWS/SQS|QueueName":
      return has("sqs-queue", (r) => r.name === dims.QueueName);
    case "AWS/Kinesis|StreamName":
      return has("kinesis-stream", (r) => r.name === dims.StreamName);
    case "AWS/DynamoDB|TableName":
      return has("dynamodb-table", (r) => r.name === dims.TableName);
    case "AWS/ApiGateway|ApiName":
      return has("rest-api", (r) => r.name === dims.ApiName);
    case "AWS/ApiGateway|ApiId":
      return has("http-api", (r) => r.id === dims.ApiId) || has("websocket-api", (r) => r.id === dims.ApiId);
    case "AWS/States|StateMachineArn":
      return has("state-machine", (r) => r.arn === dims.StateMachineArn);
    case "AWS/Events|RuleName":
      return has("eventbridge-rule", (r) => r.name === dims.RuleName && r.eventBusName === "default");
    case "AWS/Events|EventBusName,RuleName":
      return has("eventbridge-rule", (r) => r.name === dims.RuleName && r.eventBusName === dims.EventBusName);
    default:
      return false;
  }
}

/** An alarm of the inventory's account and region, written as CloudWatch writes alarm ARNs. */
export function isAlarmArnOf(inventory: Inventory, arn: unknown): boolean {
  const prefix = `:cloudwatch:${inventory.region}:${inventory.accountId}:alarm:`;
  return (
    typeof arn === "string" && /^arn:aws[a-z-]*:/.test(arn) && arn.includes(prefix) && !arn.endsWith(":")
  );
}

/**
 * Problems of a metric widget whose annotations name an alarm (Annotation Properties: one alarm at most,
 * and then no `metrics` array and no horizontal or vertical annotations).
 */
function alarmGraphProblems(i: number, props: Json, inventory: Inventory): string[] {
  const annotations = props.annotations as Json;
  const alarms = annotations.alarms as unknown[];
  const problems: string[] = [];
  if (!Array.isArray(alarms) || alarms.length !== 1 || !isAlarmArnOf(inventory, alarms[0]))
    problems.push(`widget ${i}: alarm annotation ${JSON.stringify(alarms)}`);
  if (props.metrics !== undefined) problems.push(`widget ${i}: an alarm annotation beside a metrics array`);
  if (annotations.horizontal !== undefined || annotations.vertical !== undefined)
    problems.push(`widget ${i}: an alarm annotation beside horizontal or vertical annotations`);
  return problems;
}

/** Every problem found in one body; empty when it is valid. */
export function bodyProblems(body: string, inventory: Inventory, limits: CheckLimits = CLOUDWATCH): string[] {
  const problems: string[] = [];
  let parsed: Json;
  try {
    parsed = JSON.parse(body) as Json;
  } catch (error) {
    return [`not JSON: ${String(error)}`];
  }
  const bytes = Buffer.byteLength(body, "utf8");
  if (bytes > limits.bytes) problems.push(`${bytes} bytes > ${limits.bytes}`);
  const widgets = parsed.widgets;
  if (!Array.isArray(widgets)) return [...problems, "no widgets array"];
  if (widgets.length > limits.widgets) problems.push(`${widgets.length} widgets > ${limits.widgets}`);
  let total = 0;
  const cells = new Set<string>();
  for (const [i, w] of (widgets as Json[]).entries()) {
    const { x, y, width, height, type } = w as {
      x: number;
      y: number;
      width: number;
      height: number;
      type: string;
    };
    const props = (w.properties ?? {}) as Json;
    if (![x, y, width, height].every(Number.isInteger)) problems.push(`widget ${i}: position not integers`);
    if (
      x < 0 ||
      x > 23 ||
      width < 1 ||
      width > 24 ||
      x + width > 24 ||
      y < 0 ||
      height < 1 ||
      height > 1000
    ) {
      problems.push(`widget ${i}: outside the grid (x ${x}, width ${width}, y ${y}, height ${height})`);
    }
    for (let cx = x; cx < x + width; cx++) {
      for (let cy = y; cy < y + height; cy++) {
        const cell = `${cx},${cy}`;
        if (cells.has(cell)) problems.push(`widget ${i} overlaps another at ${cell}`);
        cells.add(cell);
      }
    }
    if (type === "text") {
      if (typeof props.markdown !== "string") problems.push(`widget ${i}: text without markdown`);
    } else if (type === "alarm") {
      const alarms = props.alarms as unknown[];
      if (!Array.isArray(alarms) || alarms.length < 1 || alarms.length > limits.alarmsPerWidget) {
        problems.push(
          `widget ${i}: alarm widget with ${Array.isArray(alarms) ? alarms.length : "no"} alarms`,
        );
      } else if (!alarms.every((arn) => isAlarmArnOf(inventory, arn))) {
        problems.push(`widget ${i}: an alarm widget lists something else than this account's alarms`);
      }
    } else if (type === "metric" && (props.annotations as Json | undefined)?.alarms !== undefined) {
      if (props.region !== inventory.region) problems.push(`widget ${i}: region ${String(props.region)}`);
      problems.push(...alarmGraphProblems(i, props, inventory));
      // The alarm's one metric.
      total += 1;
    } else if (type === "metric") {
      if (props.region !== inventory.region) problems.push(`widget ${i}: region ${String(props.region)}`);
      const period = props.period as number;
      if (!Number.isInteger(period) || period < 60 || period % 60 !== 0)
        problems.push(`widget ${i}: period ${period}`);
      const metrics = props.metrics as unknown[][];
      let count = 0;
      let queries = 0;
      for (const item of metrics) {
        const first = item[0];
        if (typeof first === "string") {
          count += 1;
          const strings = item.filter((p): p is string => typeof p === "string");
          const dims: Record<string, string> = {};
          for (let k = 2; k + 1 < strings.length; k += 2) dims[strings[k]!] = strings[k + 1]!;
          if (!metricRefersToInventory(inventory, first, dims)) {
            problems.push(
              `widget ${i}: ${first} ${strings[1]} ${JSON.stringify(dims)} is not in the inventory`,
            );
          }
        } else {
          const expression = (first as { expression: string }).expression;
          queries += 1;
          const query = parseInsightsQuery(expression);
          count += query.limit;
        }
      }
      if (queries > 1) problems.push(`widget ${i}: ${queries} Metrics Insights queries`);
      const horizontal = ((props.annotations as Json | undefined)?.horizontal ?? []) as Json[];
      if (!horizontal.every((line) => typeof line.value === "number" && Number.isFinite(line.value)))
        problems.push(`widget ${i}: a horizontal annotation without a numeric value`);
      if (count > limits.metricsPerWidget)
        problems.push(`widget ${i}: ${count} metrics > ${limits.metricsPerWidget}`);
      total += count;
    } else {
      problems.push(`widget ${i}: unknown type ${type}`);
    }
  }
  if (total > limits.metricsPerDashboard) problems.push(`${total} metrics > ${limits.metricsPerDashboard}`);
  return problems;
}
