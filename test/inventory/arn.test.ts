import { describe, expect, it } from "vitest";
import {
  alarmArn,
  functionQualifier,
  logGroupArn,
  logGroupNameOfArn,
  unqualifiedFunctionArn,
} from "../../lib/inventory/arn.js";

describe("ARN helpers", () => {
  it("alarmArn writes an alarm's ARN as CloudWatch does, in the region's partition", () => {
    expect(alarmArn("eu-west-1", "123456789012", "watchkeeper-lambda-errors")).toBe(
      "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:watchkeeper-lambda-errors",
    );
    expect(alarmArn("cn-north-1", "123456789012", "a")).toBe(
      "arn:aws-cn:cloudwatch:cn-north-1:123456789012:alarm:a",
    );
    expect(alarmArn("us-gov-west-1", "123456789012", "a")).toBe(
      "arn:aws-us-gov:cloudwatch:us-gov-west-1:123456789012:alarm:a",
    );
  });

  it("log group and function ARNs round-trip through their readers", () => {
    const group = logGroupArn("us-east-1", "123456789012", "/aws/lambda/orders");
    expect(logGroupNameOfArn(`${group}:*`)).toBe("/aws/lambda/orders");
    const fn = "arn:aws:lambda:us-east-1:123456789012:function:orders";
    expect(unqualifiedFunctionArn(`${fn}:live`)).toBe(fn);
    expect(functionQualifier(`${fn}:42`)).toBe("42");
    expect(functionQualifier(fn)).toBeUndefined();
  });
});
