/** Small builders for retention tests: inventories with log groups and the functions writing to them. */
import type {
  Inventory,
  LambdaFunction,
  LogGroup,
  Relation,
  Resource,
  Tags,
} from "../../lib/inventory/types.js";

export const ACCOUNT = "123456789012";
export const REGION = "eu-west-1";

export function logGroup(
  name: string,
  options: { retentionInDays?: number; tags?: Tags; storedBytes?: number; logGroupClass?: string } = {},
): LogGroup {
  return {
    kind: "log-group",
    arn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${name}`,
    name,
    region: REGION,
    accountId: ACCOUNT,
    tags: options.tags ?? {},
    ...(options.retentionInDays !== undefined ? { retentionInDays: options.retentionInDays } : {}),
    ...(options.storedBytes !== undefined ? { storedBytes: options.storedBytes } : {}),
    ...(options.logGroupClass !== undefined ? { logGroupClass: options.logGroupClass } : {}),
  };
}

export function lambdaFunction(
  name: string,
  options: { tags?: Tags; logGroupName?: string } = {},
): LambdaFunction {
  return {
    kind: "lambda-function",
    arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`,
    name,
    region: REGION,
    accountId: ACCOUNT,
    tags: options.tags ?? {},
    runtime: "nodejs20.x",
    packageType: "Zip",
    timeoutSeconds: 3,
    memoryMb: 128,
    reservedConcurrency: "unset",
    eventSources: [],
    logGroupName: options.logGroupName ?? `/aws/lambda/${name}`,
    logFormat: options.logGroupName ? "JSON" : "Text",
  };
}

export function inventory(resources: readonly Resource[], relations: readonly Relation[] = []): Inventory {
  return {
    accountId: ACCOUNT,
    region: REGION,
    discoveredAt: "2025-01-01T00:00:00.000Z",
    resources,
    relations,
    warnings: [],
  };
}
