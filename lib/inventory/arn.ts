/** ARN shapes the inventory builds or normalizes, so every module joins resources by the same string. */

import { partitionOf } from "../aws/arn.js";

// These run for every relation and resource of large inventories: they find colons rather than split.

/** Where the `n`th colon (from 1) of `text` is, or -1. */
function nthColon(text: string, n: number): number {
  let at = -1;
  for (let i = 0; i < n && (at = text.indexOf(":", at + 1)) >= 0; i++);
  return at;
}

/** Where a qualified function ARN's qualifier starts (after its 7th colon), or -1 for any other ARN. */
function qualifierStart(arn: string): number {
  const resourceType = nthColon(arn, 5);
  const name = resourceType < 0 ? -1 : arn.indexOf(":", resourceType + 1);
  if (name < 0 || arn.slice(resourceType + 1, name) !== "function") return -1;
  const qualifier = arn.indexOf(":", name + 1);
  return qualifier < 0 ? -1 : qualifier + 1;
}

/** `arn:aws:lambda:r:a:function:name:alias` (or `:42`, `:$LATEST`) → `arn:aws:lambda:r:a:function:name` */
export function unqualifiedFunctionArn(arn: string): string {
  const qualifier = qualifierStart(arn);
  return qualifier < 0 ? arn : arn.slice(0, qualifier - 1);
}

/** The qualifier of a function ARN (version number or alias), if any. */
export function functionQualifier(arn: string): string | undefined {
  const qualifier = qualifierStart(arn);
  return qualifier < 0 ? undefined : arn.slice(qualifier);
}

/** `arn:aws:dynamodb:r:a:table/t/stream/2024-...` → `arn:aws:dynamodb:r:a:table/t`; other ARNs unchanged. */
export function tableArnOfStream(arn: string): string {
  const at = arn.indexOf("/stream/");
  return at > 0 && serviceOfArn(arn) === "dynamodb" ? arn.slice(0, at) : arn;
}

/** DescribeLogGroups' `arn` ends in `:*` (it names the streams); tags and relations use the group's own ARN. */
export function normalizeLogGroupArn(arn: string): string {
  return arn.endsWith(":*") ? arn.slice(0, -2) : arn;
}

/** The group name in a log group ARN (`…:log-group:<name>`, with or without `:*`), or undefined. */
export function logGroupNameOfArn(arn: string): string | undefined {
  const at = arn.indexOf(":log-group:");
  return at < 0 ? undefined : normalizeLogGroupArn(arn).slice(at + ":log-group:".length);
}

export function logGroupArn(region: string, accountId: string, name: string): string {
  return `arn:${partitionOf(region)}:logs:${region}:${accountId}:log-group:${name}`;
}

export function restApiArn(region: string, id: string): string {
  return `arn:${partitionOf(region)}:apigateway:${region}::/restapis/${id}`;
}

/** An API Gateway v2 API: HTTP and WebSocket APIs share the form. */
export function v2ApiArn(region: string, id: string): string {
  return `arn:${partitionOf(region)}:apigateway:${region}::/apis/${id}`;
}

/** `arn:<partition>:cloudwatch:<region>:<account>:alarm:<name>`, as CloudWatch writes an alarm's ARN. */
export function alarmArn(region: string, accountId: string, name: string): string {
  return `arn:${partitionOf(region)}:cloudwatch:${region}:${accountId}:alarm:${name}`;
}

/** The last segment of an SNS or SQS ARN: the topic or queue name. */
export function nameOfArn(arn: string): string {
  return arn.split(":").at(-1) ?? arn;
}

/** The service segment of an ARN (`sqs`, `sns`, `lambda`, ...), or undefined for anything else. */
export function serviceOfArn(arn: string): string | undefined {
  if (!arn.startsWith("arn:")) return undefined;
  const service = nthColon(arn, 2);
  if (service < 0) return undefined;
  const end = arn.indexOf(":", service + 1);
  return arn.slice(service + 1, end < 0 ? undefined : end);
}
