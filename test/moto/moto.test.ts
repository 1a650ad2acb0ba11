import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, describe, expect, it } from "vitest";
import { MOTO_ACCOUNT_ID, motoAws, motoEndpoint, motoLambdaRole } from "./moto.js";

const aws = motoAws("ap-southeast-2");
afterAll(() => aws.destroy());

describe("moto harness", () => {
  it("serves on a loopback port", async () => {
    expect(motoEndpoint()).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${motoEndpoint()}/moto-api/`);
    expect(response.ok).toBe(true);
  });

  it("answers real SDK clients made by Aws", async () => {
    const identity = await aws.client(STSClient).send(new GetCallerIdentityCommand({}));
    expect(identity.Account).toBe(MOTO_ACCOUNT_ID);
    expect(aws.pacer.calls()).toEqual([{ service: "sts", api: "GetCallerIdentity", calls: 1 }]);
  });

  it("keeps test workers away from real AWS", () => {
    expect(process.env.AWS_ACCESS_KEY_ID).toBe("test");
    expect(process.env.AWS_PROFILE).toBeUndefined();
    expect(process.env.AWS_ENDPOINT_URL).toBe(motoEndpoint());
  });

  it("creates the Lambda role idempotently", async () => {
    const first = await motoLambdaRole();
    expect(await motoLambdaRole()).toBe(first);
    expect(first).toBe(`arn:aws:iam::${MOTO_ACCOUNT_ID}:role/watchkeeper-test-lambda`);
  });
});
