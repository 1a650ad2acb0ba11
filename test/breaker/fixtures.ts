/** Builders for breaker tests: functions with every fact the rules read, records, and alarm events. */
import type { AlarmSignal, AlarmState, BreakerSubject } from "../../lib/breaker/decide.js";
import type { Invoker } from "../../lib/breaker/facts.js";
import {
  resolveBreakerPolicy,
  type BreakerPolicy,
  type BreakerPolicyInput,
} from "../../lib/breaker/policy.js";
import { alarmActor, recordTags, type BreakerRecord } from "../../lib/breaker/record.js";
import type { EventSourceMapping, LambdaFunction } from "../../lib/inventory/types.js";

export const ACCOUNT = "123456789012";
export const REGION = "eu-south-1";

export const arnOf = {
  fn: (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`,
  queue: (name: string) => `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`,
  stream: (name: string) => `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/${name}`,
  rule: (name: string) => `arn:aws:events:${REGION}:${ACCOUNT}:rule/${name}`,
  topic: (name: string) => `arn:aws:sns:${REGION}:${ACCOUNT}:${name}`,
  api: (id: string) => `arn:aws:apigateway:${REGION}::/restapis/${id}`,
};

export const UUIDS = [
  "11111111-1111-4111-8111-111111111111",
  "22222222-2222-4222-8222-222222222222",
  "33333333-3333-4333-8333-333333333333",
  "44444444-4444-4444-8444-444444444444",
  "55555555-5555-4555-8555-555555555555",
  "66666666-6666-4666-8666-666666666666",
  "77777777-7777-4777-8777-777777777777",
  "88888888-8888-4888-8888-888888888888",
] as const;

export function fn(name: string, facts: Partial<LambdaFunction> = {}): LambdaFunction {
  return {
    kind: "lambda-function",
    arn: arnOf.fn(name),
    name,
    region: REGION,
    accountId: ACCOUNT,
    tags: {},
    runtime: "nodejs20.x",
    packageType: "Zip",
    timeoutSeconds: 3,
    memoryMb: 128,
    reservedConcurrency: "unset",
    eventSources: [],
    logGroupName: `/aws/lambda/${name}`,
    logFormat: "Text",
    ...facts,
  };
}

export const ON = { "watchkeeper:breaker": "on" } as const;
export const SYNC = { "watchkeeper:breaker": "sync" } as const;

export function sqsMapping(uuid: string, queue: string, state = "Enabled"): EventSourceMapping {
  return { uuid, sourceArn: arnOf.queue(queue), sourceKind: "sqs", state, batchSize: 10 };
}

export function subject(f: LambdaFunction, invokers: Invoker[] = [], asyncConfigRead = true): BreakerSubject {
  return { fn: f, invokers, asyncConfigRead };
}

export function ruleInvoker(rule: string, target: string): Invoker {
  return { kind: "rule", arn: arnOf.rule(rule), target };
}

export function policy(input: BreakerPolicyInput = {}): BreakerPolicy {
  return resolveBreakerPolicy(input);
}

export const NOW = new Date("2025-06-01T12:00:00Z");

export function minutesAfter(time: Date, minutes: number): Date {
  return new Date(time.getTime() + minutes * 60_000);
}

export function openRecord(facts: Partial<BreakerRecord> = {}): BreakerRecord {
  return {
    state: "open",
    previous: 25,
    mappings: [],
    since: NOW,
    by: alarmActor("watchkeeper-breaker-error-rate-orders"),
    reason: "watchkeeper-breaker-error-rate-orders ALARM",
    applied: NOW,
    ...facts,
  };
}

/** A function carrying `record` in its tags. */
export function withRecord(f: LambdaFunction, record: BreakerRecord): LambdaFunction {
  return { ...f, tags: { ...f.tags, ...recordTags(record) } };
}

export function alarmState(name: string, state: AlarmState["state"], since: Date = NOW): AlarmState {
  return { name, state, since };
}

export function signal(
  alarmName: string,
  state: AlarmSignal["state"],
  stateTimestamp: Date,
  current: AlarmState | undefined,
  others: AlarmState[] = [],
): AlarmSignal {
  return {
    alarmName,
    state,
    stateTimestamp,
    ...(current ? { current } : {}),
    others,
    actor: alarmActor(alarmName),
  };
}

/** A CloudWatch Alarm State Change event as EventBridge delivers it (fields as AWS documents them). */
export function alarmEvent(
  alarmName: string,
  state: "ALARM" | "OK" | "INSUFFICIENT_DATA",
  timestamp: Date,
  options: { functionName?: string; region?: string; account?: string } = {},
) {
  const region = options.region ?? REGION;
  const account = options.account ?? ACCOUNT;
  const previous = state === "ALARM" ? "OK" : "ALARM";
  return {
    version: "0",
    id: "c4c1c1c9-6542-e61b-6ef0-8c4d36933a92",
    "detail-type": "CloudWatch Alarm State Change",
    source: "aws.cloudwatch",
    account,
    time: timestamp.toISOString().replace(/\.\d{3}Z$/, "Z"),
    region,
    resources: [`arn:aws:cloudwatch:${region}:${account}:alarm:${alarmName}`],
    detail: {
      alarmName,
      configuration: {
        description: "Circuit breaker trip alarm",
        metrics: [
          {
            id: "errors",
            metricStat: {
              metric: {
                dimensions: options.functionName ? { FunctionName: options.functionName } : {},
                name: "Errors",
                namespace: "AWS/Lambda",
              },
              period: 60,
              stat: "Sum",
            },
            returnData: false,
          },
          { id: "rate", expression: "100 * errors / invocations", returnData: true },
        ],
      },
      previousState: {
        reason: "Threshold Crossed",
        timestamp: new Date(timestamp.getTime() - 60_000).toISOString().replace("Z", "+0000"),
        value: previous,
      },
      state: {
        reason: "Threshold Crossed: 3 out of the last 3 datapoints were greater than the threshold (10.0).",
        timestamp: timestamp.toISOString().replace("Z", "+0000"),
        value: state,
      },
    },
  };
}
