/**
 * The account Watchkeeper is deployed in, with what other teams own there: the resources the flows
 * act on, and the KMS key policies a customer brings.
 */
import { BREAKER_TAG } from "../../lib/infra/permissions.js";
import type { Place } from "./cfn.js";
import type { PolicyDocument } from "./deployed.js";

export const PLACE: Place = { partition: "aws", account: "123456789012", region: "eu-west-1" };
export const OTHER_ACCOUNT = "210987654321";

const { partition: p, account: a, region: r } = PLACE;
const arn = (service: string, tail: string) => `arn:${p}:${service}:${r}:${a}:${tail}`;

/** The same resource in another account or region: a CUSTOMER ARN as it would be at `place`. */
export function at(arn: string, place: Pick<Place, "account" | "region">): string {
  return arn.replace(`:${r}:${a}:`, `:${place.region}:${place.account}:`);
}

export const SLACK_SECRET_NAME = "ops/slack";

/** Other teams' resources. Keys: "plain" (SSE-SQS or AWS managed) and "cmk" (customer managed). */
export const CUSTOMER = {
  /** Opted into the breaker by tag. */
  function: arn("lambda", "function:orders-consumer"),
  /** Not opted in; with a prefix "ops" the breaker's Deny on `function:ops*` would have matched it. */
  otherFunction: arn("lambda", "function:opsgenie-forwarder"),
  mapping: arn("lambda", "event-source-mapping:0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"),
  queue: { plain: arn("sqs", "orders"), cmk: arn("sqs", "payments") },
  dlq: { plain: arn("sqs", "orders-dlq"), cmk: arn("sqs", "payments-dlq") },
  key: arn("kms", "key/1234abcd-12ab-34cd-56ef-1234567890ab"),
  table: arn("dynamodb", "table/orders"),
  stream: arn("kinesis", "stream/orders"),
  stateMachine: arn("states", "stateMachine:checkout"),
  logGroup: arn("logs", "log-group:/aws/lambda/orders-consumer"),
  rule: arn("events", "rule/orders-nightly"),
  topic: arn("sns", "orders-events"),
  restApi: `arn:${p}:apigateway:${r}::/restapis/a1b2c3d4e5`,
  restApiStages: `arn:${p}:apigateway:${r}::/restapis/a1b2c3d4e5/stages`,
  otherTopic: arn("sns", "someone-elses-topic"),
  slackSecret: arn("secretsmanager", `secret:${SLACK_SECRET_NAME}-AbCdEf`),
  otherSecret: arn("secretsmanager", "secret:prod/db-password-XyZ123"),
} as const;

/** The tag context of a function opted into the breaker. */
export const OPTED_IN = { [`aws:ResourceTag/${BREAKER_TAG}`]: "on" } as const;

/** The default key policy: the key's account delegates to IAM, so the role's own policy decides. */
export const DELEGATING_KEY_POLICY: PolicyDocument = {
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "EnableIAMUserPermissions",
      Effect: "Allow",
      Principal: { AWS: `arn:${p}:iam::${a}:root` },
      Action: "kms:*",
      Resource: "*",
    },
  ],
};

const keyAdmins = {
  Sid: "KeyAdministrators",
  Effect: "Allow",
  Principal: { AWS: `arn:${p}:iam::${a}:role/payments-admin` },
  Action: "kms:*",
  Resource: "*",
};

/** A key policy that does not delegate to IAM and never heard of Watchkeeper. */
export const CLOSED_KEY_POLICY: PolicyDocument = { Version: "2012-10-17", Statement: [keyAdmins] };

/**
 * A key policy that does not delegate to IAM but grants Watchkeeper's roles what docs/policy.md says to
 * add: Decrypt and GenerateDataKey through SQS, Secrets Manager and Step Functions only.
 */
export function grantingKeyPolicy(roleArns: readonly string[]): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      keyAdmins,
      {
        Sid: "WatchkeeperThroughSqsSecretsManagerAndStepFunctions",
        Effect: "Allow",
        Principal: { AWS: [...roleArns] },
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: "*",
        Condition: {
          StringEquals: {
            "kms:ViaService": [
              `sqs.${r}.amazonaws.com`,
              `secretsmanager.${r}.amazonaws.com`,
              `states.${r}.amazonaws.com`,
            ],
          },
        },
      },
    ],
  };
}
