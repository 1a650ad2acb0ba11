/** ARN shapes the inventory builds or normalizes, so every module joins resources by the same string. */

import { partitionOf } from "../aws/arn.js";

/** `arn:aws:lambda:r:a:function:name:alias` (or `:42`, `:$LATEST`) → `arn:aws:lambda:r:a:function:name` */
export function unqualifiedFunctionArn(arn: string): string {
  const parts = arn.split(":");
  return parts.length > 7 && parts[5] === "function" ? parts.slice(0, 7).join(":") : arn;
}

/** The qualifier of a function ARN (version number or alias), if any. */
export function functionQualifier(arn: string): string | undefined {
  const parts = arn.split(":");
  return parts.length > 7 && parts[5] === "function" ? parts.slice(7).join(":") : undefined;
}

/** `arn:aws:dynamodb:r:a:table/t/stream/2024-...` → `arn:aws:dynamodb:r:a:table/t`; other ARNs unchanged. */
export function tableArnOfStream(arn: string): string {
  const at = arn.indexOf("/stream/");
  return arn.startsWith("arn:") && arn.split(":")[2] === "dynamodb" && at > 0 ? arn.slice(0, at) : arn;
}

/** DescribeLogGroups' `arn` ends in `:*` (it names the streams); tags and relations use the group's own ARN. */
export function normalizeLogGroupArn(arn: string): string {
  return arn.endsWith(":*") ? arn.slice(0, -2) : arn;
}

export function logGroupArn(region: string, accountId: string, name: string): string {
  return `arn:${partitionOf(region)}:logs:${region}:${accountId}:log-group:${name}`;
}

export function restApiArn(region: string, id: string): string {
  return `arn:${partitionOf(region)}:apigateway:${region}::/restapis/${id}`;
}

export function httpApiArn(region: string, id: string): string {
  return `arn:${partitionOf(region)}:apigateway:${region}::/apis/${id}`;
}

/** The last segment of an SNS or SQS ARN: the topic or queue name. */
export function nameOfArn(arn: string): string {
  return arn.split(":").at(-1) ?? arn;
}

/** The service segment of an ARN (`sqs`, `sns`, `lambda`, ...), or undefined for anything else. */
export function serviceOfArn(arn: string): string | undefined {
  return arn.startsWith("arn:") ? arn.split(":")[2] : undefined;
}
