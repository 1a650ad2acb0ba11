/**
 * What one synthesized stack deploys, as the policy tier needs it: each function's role and its
 * identity policies, the resource policies of the topic, the queues and the functions (Lambda writes an
 * AWS::Lambda::Permission into the function's policy as below), and the alarms, rules, subscriptions
 * and function URLs that make the flows.
 */
import { parseConfig } from "../../lib/config/schema.js";
import { FUNCTIONS } from "../../lib/infra/functions.js";
import { templateOf } from "../infra/synth.js";
import { resolveTemplate, type Place, type Resource } from "./cfn.js";

export interface PolicyDocument {
  readonly Version: string;
  readonly Statement: readonly Record<string, unknown>[];
}

export interface DeployedFunction {
  /** The entry's name in lib/infra/functions.ts. */
  readonly name: string;
  readonly arn: string;
  readonly roleArn: string;
  /** What the function's calls are signed as. */
  readonly sessionArn: string;
  readonly identityPolicies: readonly PolicyDocument[];
  readonly resourcePolicy: PolicyDocument;
}

export interface Deployed {
  readonly place: Place;
  readonly prefix: string;
  readonly functions: ReadonlyMap<string, DeployedFunction>;
  readonly alarms: readonly {
    readonly name: string;
    readonly arn: string;
    readonly actions: readonly string[];
  }[];
  readonly rules: readonly {
    readonly name: string;
    readonly arn: string;
    readonly targets: readonly string[];
  }[];
  readonly subscriptions: readonly { readonly topicArn: string; readonly endpoint: string }[];
  readonly functionUrls: readonly { readonly functionArn: string; readonly authType: string }[];
  readonly mappings: readonly { readonly functionArn: string; readonly sourceArn: string }[];
  readonly topicPolicies: ReadonlyMap<string, PolicyDocument>;
  readonly queuePolicies: ReadonlyMap<string, PolicyDocument>;
}

const strings = (value: unknown): string[] => (value === undefined ? [] : [value].flat().map(String));

/** The statement Lambda's AddPermission writes for an AWS::Lambda::Permission. */
export function permissionStatement(
  id: string,
  p: Record<string, unknown>,
  place: Place,
): Record<string, unknown> {
  const principal = String(p.Principal);
  const condition: Record<string, Record<string, string>> = {};
  if (p.SourceArn) condition.ArnLike = { "AWS:SourceArn": String(p.SourceArn) };
  if (p.SourceAccount) condition.StringEquals = { "AWS:SourceAccount": String(p.SourceAccount) };
  if (p.FunctionUrlAuthType) {
    condition.StringEquals = {
      ...condition.StringEquals,
      "lambda:FunctionUrlAuthType": String(p.FunctionUrlAuthType),
    };
  }
  if (p.InvokedViaFunctionUrl) condition.Bool = { "lambda:InvokedViaFunctionUrl": "true" };
  return {
    Sid: id,
    Effect: "Allow",
    Principal:
      principal === "*"
        ? "*"
        : /^\d{12}$/.test(principal)
          ? { AWS: `arn:${place.partition}:iam::${principal}:root` }
          : { Service: principal },
    Action: p.Action,
    Resource: p.FunctionName,
    ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
  };
}

const policy = (statements: readonly Record<string, unknown>[]): PolicyDocument => ({
  Version: "2012-10-17",
  Statement: statements,
});

/** Synthesizes `config` for one account and region and reads what it deploys. */
export function deployed(config: Readonly<Record<string, unknown>>, place: Place): Deployed {
  const { template } = templateOf(config, { defaults: { account: place.account, region: place.region } });
  const resources = resolveTemplate(template.toJSON() as { Resources: Record<string, Resource> }, place);
  const all = Object.entries(resources);
  const ofType = (type: string) => all.filter(([, r]) => r.Type === type);
  const { prefix } = parseConfig(config, "watchkeeper.config.json");

  const functions = new Map<string, DeployedFunction>();
  for (const [, fn] of ofType("AWS::Lambda::Function")) {
    const fnName = String(fn.Properties.FunctionName);
    const spec = FUNCTIONS.find((s) => `${prefix}${s.name}` === fnName);
    if (!spec) throw new Error(`function ${fnName} is not in lib/infra/functions.ts`);
    const arn = `arn:${place.partition}:lambda:${place.region}:${place.account}:function:${fnName}`;
    const roleArn = String(fn.Properties.Role);
    const roleName = roleArn.split("/").pop()!;
    const identityPolicies = ofType("AWS::IAM::Policy")
      .filter(([, p]) => strings(p.Properties.Roles).includes(roleName))
      .map(([, p]) => p.Properties.PolicyDocument as PolicyDocument);
    const permissions = ofType("AWS::Lambda::Permission")
      .filter(([, p]) => p.Properties.FunctionName === arn || p.Properties.FunctionName === fnName)
      .map(([id, p]) => permissionStatement(id, { ...p.Properties, FunctionName: arn }, place));
    functions.set(spec.name, {
      name: spec.name,
      arn,
      roleArn,
      sessionArn: `arn:${place.partition}:sts::${place.account}:assumed-role/${roleName}/${fnName}`,
      identityPolicies,
      resourcePolicy: policy(permissions),
    });
  }

  const policiesOn = (type: string, key: string, arnOf: (ref: string) => string) => {
    const map = new Map<string, PolicyDocument>();
    for (const [, p] of ofType(type)) {
      for (const target of strings(p.Properties[key])) {
        const arn = arnOf(target);
        const statements = [
          ...(map.get(arn)?.Statement ?? []),
          ...(p.Properties.PolicyDocument as PolicyDocument).Statement,
        ];
        map.set(arn, policy(statements));
      }
    }
    return map;
  };
  const queueArn = (url: string) => {
    const [, , , account, name] = url.split("/");
    return `arn:${place.partition}:sqs:${place.region}:${account}:${name}`;
  };

  return {
    place,
    prefix,
    functions,
    alarms: ofType("AWS::CloudWatch::Alarm").map(([, a]) => {
      const name = String(a.Properties.AlarmName);
      return {
        name,
        arn: `arn:${place.partition}:cloudwatch:${place.region}:${place.account}:alarm:${name}`,
        actions: [
          ...new Set([
            ...strings(a.Properties.AlarmActions),
            ...strings(a.Properties.OKActions),
            ...strings(a.Properties.InsufficientDataActions),
          ]),
        ],
      };
    }),
    rules: ofType("AWS::Events::Rule").map(([, r]) => {
      const name = String(r.Properties.Name);
      return {
        name,
        arn: `arn:${place.partition}:events:${place.region}:${place.account}:rule/${name}`,
        targets: (r.Properties.Targets as { Arn: string }[]).map((t) => t.Arn),
      };
    }),
    subscriptions: ofType("AWS::SNS::Subscription").map(([, s]) => ({
      topicArn: String(s.Properties.TopicArn),
      endpoint: String(s.Properties.Endpoint),
    })),
    functionUrls: ofType("AWS::Lambda::Url").map(([, u]) => ({
      functionArn: String(u.Properties.TargetFunctionArn),
      authType: String(u.Properties.AuthType),
    })),
    mappings: ofType("AWS::Lambda::EventSourceMapping").map(([, m]) => {
      const fn = String(m.Properties.FunctionName);
      return {
        functionArn: fn.startsWith("arn:")
          ? fn
          : `arn:${place.partition}:lambda:${place.region}:${place.account}:function:${fn}`,
        sourceArn: String(m.Properties.EventSourceArn),
      };
    }),
    topicPolicies: policiesOn("AWS::SNS::TopicPolicy", "Topics", (arn) => arn),
    queuePolicies: policiesOn("AWS::SQS::QueuePolicy", "Queues", queueArn),
  };
}
