/**
 * The organization's flows (docs/examples/organization.json): the administrator account reading a
 * member account through `<prefix>org-reader` (the role's trust policy and its reads), and the code
 * buckets (the organization reads the code, CDK's publishing role writes it). Each is one request with
 * the context AWS adds, and the policies that decide it, read from the synthesized templates.
 */
import { orgReaderRoleName } from "../../lib/org/role.js";
import { CUSTOMER, OTHER_ACCOUNT, PLACE } from "./account.js";
import { resolveValue } from "./cfn.js";
import type { PolicyDocument } from "./deployed.js";
import type { Context, Policies } from "./evaluate.js";
import {
  ADMIN,
  ORG_ID,
  OTHER_ORG,
  PREFIX,
  REGIONS,
  STRANGER,
  TLS,
  policy,
  roleIn,
  session,
  synthesized,
  type Template,
} from "./example.js";
import type { Flow } from "./flows.js";

/** What the administrator account's on-call role is allowed by its own IAM to assume. */
const MAY_ASSUME_READERS = policy([
  {
    Effect: "Allow",
    Action: "sts:AssumeRole",
    Resource: `arn:aws:iam::*:role/${orgReaderRoleName(PREFIX)}`,
  },
]);
/** A role that may do anything by its own IAM (CloudFormation's StackSet execution role in a member). */
const ADMINISTRATOR = policy([{ Effect: "Allow", Action: "*", Resource: "*" }]);

/** A resource each of status's reads acts on, in `region` of the member account ("*": a listing). */
function readResource(action: string, region: string): string {
  const here = (arn: string) => arn.replace(`:${PLACE.region}:`, `:${region}:`);
  const resources: Record<string, string> = {
    "cloudwatch:DescribeAlarms": "*",
    "cloudwatch:ListTagsForResource": `arn:aws:cloudwatch:${region}:${PLACE.account}:alarm:${PREFIX}lambda-orders-consumer-errors`,
    "events:ListEventBuses": "*",
    "events:ListRules": "*",
    "events:ListTargetsByRule": here(CUSTOMER.rule),
    "lambda:GetAccountSettings": "*",
    "lambda:ListEventSourceMappings": "*",
    "lambda:ListFunctions": "*",
    "lambda:GetFunction": here(CUSTOMER.function),
    "lambda:GetFunctionConcurrency": here(CUSTOMER.function),
    "lambda:ListFunctionEventInvokeConfigs": here(CUSTOMER.function),
    "sns:ListSubscriptions": "*",
    "sns:ListTopics": "*",
    // Authorized on the subscription's topic.
    "sns:GetSubscriptionAttributes": here(CUSTOMER.topic),
    "sqs:ListQueues": "*",
    "sqs:GetQueueAttributes": here(CUSTOMER.dlq.plain),
    "sqs:ListMessageMoveTasks": here(CUSTOMER.dlq.plain),
    "tag:GetResources": "*",
  };
  const resource = resources[action];
  if (!resource)
    throw new Error(`the org-reader allows ${action}: say what it reads in test/policy/organization.ts`);
  return resource;
}

/** Writes (and a read status does not make) the org-reader must never be allowed. */
function forbidden(region: string): readonly (readonly [string, string, string, Context?])[] {
  const alarm = `arn:aws:cloudwatch:${region}:${PLACE.account}:alarm:${PREFIX}lambda-orders-consumer-errors`;
  return [
    ["change a managed alarm", "cloudwatch:PutMetricAlarm", alarm],
    ["silence an alarm", "cloudwatch:DisableAlarmActions", alarm],
    ["tag an alarm", "cloudwatch:TagResource", alarm],
    [
      "read another team's alarm's tags",
      "cloudwatch:ListTagsForResource",
      `arn:aws:cloudwatch:${region}:${PLACE.account}:alarm:orders-errors`,
    ],
    ["trip a function", "lambda:PutFunctionConcurrency", CUSTOMER.function],
    [
      "disable a mapping",
      "lambda:UpdateEventSourceMapping",
      CUSTOMER.mapping,
      { "lambda:FunctionArn": CUSTOMER.function },
    ],
    ["invoke a function", "lambda:InvokeFunction", CUSTOMER.function],
    ["redrive a DLQ", "sqs:StartMessageMoveTask", CUSTOMER.dlq.plain],
    ["read a DLQ's messages", "sqs:ReceiveMessage", CUSTOMER.dlq.plain],
    ["set a log group's retention", "logs:PutRetentionPolicy", CUSTOMER.logGroup],
    ["read a secret", "secretsmanager:GetSecretValue", CUSTOMER.otherSecret],
  ];
}

function orgReaderFlows(member: Template): Flow[] {
  const reader = roleIn(member, PLACE, orgReaderRoleName(PREFIX));
  const { principal: sessionArn } = session(PLACE.account, reader.name, undefined);
  const actions = [
    ...new Set(
      reader.identity.flatMap((d) => d.Statement.flatMap((s) => [s.Action as string | string[]].flat())),
    ),
  ].sort();
  const call = (
    name: string,
    action: string,
    resource: string,
    context: Context,
    expected: Flow["expected"],
    why: string,
  ): Flow => ({
    name: `org-reader: ${name}`,
    request: {
      principal: sessionArn,
      action,
      resource,
      resourceAccount: PLACE.account,
      context: {
        ...TLS,
        "aws:PrincipalArn": reader.arn,
        "aws:PrincipalAccount": PLACE.account,
        ...context,
      },
    },
    policies: { identity: reader.identity },
    expected,
    why,
  });
  // The role is global: every read in the stack's own region and in another of the organization's.
  const reads = REGIONS.flatMap((region) =>
    actions.map((action) =>
      call(
        `${action} in ${region}`,
        action,
        readResource(action, region),
        {},
        "allowed",
        "watchkeeper status reads it",
      ),
    ),
  );
  const writes = forbidden(PLACE.region).map(([name, action, resource, context]) =>
    call(
      `negative: ${name}`,
      action,
      resource,
      context ?? {},
      "denied",
      "read-only: what status reads, nothing else",
    ),
  );
  const assume = (
    name: string,
    account: string,
    orgId: string | undefined,
    expected: Flow["expected"],
    why: string,
  ): Flow => {
    const who = session(account, "oncall", orgId);
    return {
      name: `org-reader: ${name}`,
      request: {
        principal: who.principal,
        action: "sts:AssumeRole",
        resource: reader.arn,
        resourceAccount: PLACE.account,
        context: who.context,
      },
      policies: { identity: [MAY_ASSUME_READERS], resource: reader.trust },
      expected,
      why,
    };
  };
  return [
    assume(
      "assumed from the administrator account",
      ADMIN,
      ORG_ID,
      "allowed",
      "the trust policy names the administrator account",
    ),
    assume(
      "negative: assumed from another account of the organization",
      OTHER_ACCOUNT,
      ORG_ID,
      "denied",
      "only the administrator account",
    ),
    assume(
      "negative: assumed from the administrator account once it left the organization",
      ADMIN,
      OTHER_ORG,
      "denied",
      "aws:PrincipalOrgID must be the organization's",
    ),
    assume(
      "negative: assumed from outside the organization",
      STRANGER,
      undefined,
      "denied",
      "only the administrator account",
    ),
    ...reads,
    ...writes,
  ];
}

function bucketFlows(assets: Template, region: string): Flow[] {
  const place = { partition: "aws", account: ADMIN, region };
  const resources = assets.Resources;
  const [, bucketPolicy] = Object.entries(resources).find(([, r]) => r.Type === "AWS::S3::BucketPolicy")!;
  const bucketPolicyDocument = resolveValue(
    bucketPolicy.Properties.PolicyDocument,
    resources,
    place,
  ) as PolicyDocument;
  const [, bucket] = Object.entries(resources).find(([, r]) => r.Type === "AWS::S3::Bucket")!;
  const bucketArn = `arn:aws:s3:::${String(bucket.Properties.BucketName)}`;
  const code = `${bucketArn}/71c35f98e5e171abda912e6525db887061079b1a16ecfcb007642de5073690ea.zip`;
  const publisher = `cdk-hnb659fds-file-publishing-role-${ADMIN}-${region}`;
  const flow = (
    name: string,
    who: ReturnType<typeof session>,
    identity: PolicyDocument[],
    action: string,
    resource: string,
    expected: Flow["expected"],
    why: string,
    context: Context = {},
  ): Flow => ({
    name: `code bucket (${region}): ${name}`,
    request: {
      principal: who.principal,
      action,
      resource,
      resourceAccount: ADMIN,
      context: { ...who.context, ...context },
    },
    policies: { identity, resource: bucketPolicyDocument } satisfies Policies,
    expected,
    why,
  });
  const member = session(PLACE.account, "stacksets-exec-0123456789abcdef", ORG_ID);
  const stranger = session(STRANGER, "admin", OTHER_ORG);
  const cdk = session(ADMIN, publisher, ORG_ID);
  return [
    flow(
      "a member's CloudFormation reads the code",
      member,
      [ADMINISTRATOR],
      "s3:GetObject",
      code,
      "allowed",
      "aws:PrincipalOrgID is the organization's",
    ),
    flow(
      "CDK's publishing role uploads the code",
      cdk,
      [],
      "s3:PutObject",
      code,
      "allowed",
      "the bucket policy names the role (same account)",
    ),
    flow(
      "CDK's publishing role lists what is there",
      cdk,
      [],
      "s3:ListBucket",
      bucketArn,
      "allowed",
      "cdk-assets uploads only what is missing",
    ),
    flow(
      "negative: an account outside the organization reads the code",
      stranger,
      [ADMINISTRATOR],
      "s3:GetObject",
      code,
      "denied",
      "aws:PrincipalOrgID must be the organization's",
    ),
    flow(
      "negative: a member overwrites the code",
      member,
      [ADMINISTRATOR],
      "s3:PutObject",
      code,
      "denied",
      "only CDK's publishing role writes",
    ),
    flow(
      "negative: a member lists the bucket",
      member,
      [ADMINISTRATOR],
      "s3:ListBucket",
      bucketArn,
      "denied",
      "members read the objects their template names, nothing else",
    ),
    flow(
      "negative: a member reads the code without TLS",
      member,
      [ADMINISTRATOR],
      "s3:GetObject",
      code,
      "denied",
      "the bucket policy denies requests without TLS",
      { "aws:SecureTransport": "false" },
    ),
  ];
}

/** Every organization flow of the example. */
export function organizationFlows({ member, assets } = synthesized()): Flow[] {
  return [...orgReaderFlows(member), ...REGIONS.flatMap((region) => bucketFlows(assets(region), region))];
}
