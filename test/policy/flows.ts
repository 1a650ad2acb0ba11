/**
 * Every flow of the deployed system as one request each — who calls, what, on which resource, with the
 * context AWS adds — and the policies that decide it, read from the synthesized template. Intended
 * flows must be allowed; the negative ones (what a scope exists to stop) must be denied.
 */
import { AUDIT_EVENT } from "../../lib/actions/audit.js";
import { FUNCTIONS } from "../../lib/infra/functions.js";
import { bundleCalls } from "../infra/bundle-calls.js";
import {
  CLOSED_KEY_POLICY,
  CUSTOMER,
  DELEGATING_KEY_POLICY,
  OPTED_IN,
  OTHER_ACCOUNT,
  grantingKeyPolicy,
} from "./account.js";
import { CALLS, owned } from "./calls.js";
import type { Deployed, DeployedFunction, PolicyDocument } from "./deployed.js";
import type { Context, Policies, Request } from "./evaluate.js";

export interface Flow {
  readonly name: string;
  readonly request: Request;
  readonly policies: Policies;
  readonly expected: "allowed" | "denied";
  readonly why: string;
}

/** Every AWS call is signed and over TLS; the queue and topic policies deny anything else. */
const TLS = { "aws:SecureTransport": "true" } as const;

function fromService(
  deployed: Deployed,
  principal: string,
  sourceArn: string,
  account = deployed.place.account,
): Context {
  return {
    ...TLS,
    "aws:SourceAccount": account,
    "aws:SourceArn": sourceArn,
    "aws:PrincipalServiceName": principal,
  };
}

function service(
  deployed: Deployed,
  name: string,
  principal: string,
  action: string,
  resource: string,
  context: Context,
  resourcePolicy: PolicyDocument | undefined,
  expected: Flow["expected"],
  why: string,
): Flow {
  return {
    name,
    request: { principal, action, resource, resourceAccount: deployed.place.account, context },
    policies: { identity: [], ...(resourcePolicy ? { resource: resourcePolicy } : {}) },
    expected,
    why,
  };
}

function fn(deployed: Deployed, name: string): DeployedFunction {
  const found = deployed.functions.get(name);
  if (!found) throw new Error(`${name} is not deployed`);
  return found;
}

/** A call made by a function's role; the resource's own policy too when Watchkeeper owns one. */
function byRole(
  deployed: Deployed,
  caller: string,
  name: string,
  action: string,
  resource: string,
  context: Context,
  expected: Flow["expected"],
  why: string,
  resourcePolicy?: PolicyDocument,
): Flow {
  const role = fn(deployed, caller);
  const ownPolicy =
    resourcePolicy ??
    deployed.queuePolicies.get(resource) ??
    [...deployed.functions.values()].find((f) => f.arn === resource)?.resourcePolicy;
  return {
    name: `${caller}: ${name}`,
    request: {
      principal: role.sessionArn,
      action,
      resource,
      resourceAccount: resource.split(":")[4] || deployed.place.account,
      context: {
        ...TLS,
        "aws:PrincipalArn": role.roleArn,
        "aws:PrincipalAccount": deployed.place.account,
        ...context,
      },
    },
    policies: { identity: role.identityPolicies, ...(ownPolicy ? { resource: ownPolicy } : {}) },
    expected,
    why,
  };
}

/** CloudWatch alarm → SNS topic, for each of Watchkeeper's alarms and each action it names. */
function alarmNotifications(deployed: Deployed): Flow[] {
  const topic = owned(deployed).topic;
  const { partition: p, region: r, account: a } = deployed.place;
  const publish = (
    name: string,
    alarmArn: string,
    account: string,
    expected: Flow["expected"],
    why: string,
  ) =>
    service(
      deployed,
      name,
      "cloudwatch.amazonaws.com",
      "sns:Publish",
      topic,
      fromService(deployed, "cloudwatch.amazonaws.com", alarmArn, account),
      deployed.topicPolicies.get(topic),
      expected,
      why,
    );
  return [
    ...deployed.alarms.flatMap((alarm) =>
      alarm.actions.map((action) =>
        service(
          deployed,
          `alarm ${alarm.name} → topic`,
          "cloudwatch.amazonaws.com",
          "sns:Publish",
          action,
          fromService(deployed, "cloudwatch.amazonaws.com", alarm.arn),
          deployed.topicPolicies.get(action),
          "allowed",
          "the topic policy allows CloudWatch for the account's alarms named with the prefix",
        ),
      ),
    ),
    publish(
      "negative: an alarm outside the prefix → topic",
      `arn:${p}:cloudwatch:${r}:${a}:alarm:orders-errors`,
      a,
      "denied",
      "aws:SourceArn must be an alarm named with the prefix",
    ),
    publish(
      "negative: another account's alarm → topic",
      `arn:${p}:cloudwatch:${r}:${OTHER_ACCOUNT}:alarm:${deployed.prefix}x`,
      OTHER_ACCOUNT,
      "denied",
      "aws:SourceAccount must be this account",
    ),
  ];
}

/** SNS → the notifier; EventBridge rules → functions and the hints queue. */
function triggers(deployed: Deployed): Flow[] {
  const functionByArn = (arn: string) => [...deployed.functions.values()].find((f) => f.arn === arn);
  const subscriptions = deployed.subscriptions.map((s) =>
    service(
      deployed,
      `topic → ${functionByArn(s.endpoint)?.name ?? s.endpoint}`,
      "sns.amazonaws.com",
      "lambda:InvokeFunction",
      s.endpoint,
      fromService(deployed, "sns.amazonaws.com", s.topicArn),
      functionByArn(s.endpoint)?.resourcePolicy,
      "allowed",
      "the function's policy allows SNS from this topic (aws:SourceArn)",
    ),
  );
  const rules = deployed.rules.flatMap((rule) =>
    rule.targets.map((target) => {
      const context = fromService(deployed, "events.amazonaws.com", rule.arn);
      const queue = deployed.queuePolicies.get(target);
      return queue
        ? service(
            deployed,
            `rule ${rule.name} → hints queue`,
            "events.amazonaws.com",
            "sqs:SendMessage",
            target,
            context,
            queue,
            "allowed",
            "the queue policy allows EventBridge from this rule (aws:SourceArn)",
          )
        : service(
            deployed,
            `rule ${rule.name} → ${functionByArn(target)?.name ?? target}`,
            "events.amazonaws.com",
            "lambda:InvokeFunction",
            target,
            context,
            functionByArn(target)?.resourcePolicy,
            "allowed",
            "the function's policy allows EventBridge from this rule (aws:SourceArn)",
          );
    }),
  );
  const hints = owned(deployed).hints;
  const reconcile = fn(deployed, "reconcile");
  const strangerRule = `arn:${deployed.place.partition}:events:${deployed.place.region}:${deployed.place.account}:rule/someone-elses-rule`;
  return [
    ...subscriptions,
    ...rules,
    service(
      deployed,
      "negative: another rule → hints queue",
      "events.amazonaws.com",
      "sqs:SendMessage",
      hints,
      fromService(deployed, "events.amazonaws.com", strangerRule),
      deployed.queuePolicies.get(hints),
      "denied",
      "only Watchkeeper's rules may send hints",
    ),
    service(
      deployed,
      "negative: another rule → reconcile",
      "events.amazonaws.com",
      "lambda:InvokeFunction",
      reconcile.arn,
      fromService(deployed, "events.amazonaws.com", strangerRule),
      reconcile.resourcePolicy,
      "denied",
      "only Watchkeeper's rules may invoke its functions",
    ),
  ];
}

/** Slack → the Function URL: unsigned requests, allowed by the URL's auth type NONE. */
function functionUrls(deployed: Deployed): Flow[] {
  return deployed.functionUrls.flatMap((url) => {
    const target = [...deployed.functions.values()].find((f) => f.arn === url.functionArn)!;
    return [
      service(
        deployed,
        `Slack → ${target.name} URL`,
        "anonymous",
        "lambda:InvokeFunctionUrl",
        url.functionArn,
        { ...TLS, "lambda:FunctionUrlAuthType": url.authType },
        target.resourcePolicy,
        "allowed",
        "auth type NONE: the handler checks Slack's signature, allow-lists users and channels",
      ),
      service(
        deployed,
        `Slack → ${target.name} (invoke via URL)`,
        "anonymous",
        "lambda:InvokeFunction",
        url.functionArn,
        { ...TLS, "lambda:InvokedViaFunctionUrl": "true" },
        target.resourcePolicy,
        "allowed",
        "Lambda also requires lambda:InvokeFunction for calls through the URL",
      ),
      service(
        deployed,
        `negative: anyone → ${target.name} (direct invoke)`,
        "anonymous",
        "lambda:InvokeFunction",
        url.functionArn,
        TLS,
        target.resourcePolicy,
        "denied",
        "only through the URL",
      ),
    ];
  });
}

/** Each role → every API its bundle can call, on the resources it calls them on. */
async function roleCalls(deployed: Deployed): Promise<Flow[]> {
  const flows: Flow[] = [];
  for (const spec of FUNCTIONS) {
    if (!deployed.functions.has(spec.name)) continue;
    for (const action of (await bundleCalls(spec)).sort()) {
      const calls = CALLS[action];
      if (!calls)
        throw new Error(`${spec.name} calls ${action}: add what it acts on to test/policy/calls.ts`);
      for (const call of calls(deployed, spec.name)) {
        flows.push(
          byRole(
            deployed,
            spec.name,
            `${action} ${call.what}`,
            action,
            call.resource,
            call.context ?? {},
            "allowed",
            "its bundle makes this call",
          ),
        );
      }
    }
  }
  return flows;
}

/** What SQS, Secrets Manager and Step Functions ask KMS for on the caller's behalf, under each kind of key policy. */
function keyUse(deployed: Deployed): Flow[] {
  const { region } = deployed.place;
  const sqs = `sqs.${region}.amazonaws.com`;
  const secrets = `secretsmanager.${region}.amazonaws.com`;
  const states = `states.${region}.amazonaws.com`;
  const uses = [
    ["runbook-action", "kms:Decrypt", sqs, "receive from a DLQ under a customer key"],
    ["runbook-action", "kms:GenerateDataKey", sqs, "redrive into a source queue under a customer key"],
    ["notifier", "kms:Decrypt", secrets, "read the Slack secret under a customer key"],
    ["slack-interactions", "kms:Decrypt", secrets, "read the Slack secret under a customer key"],
    ["reconcile", "kms:Decrypt", states, "read a state machine's definition under a customer key"],
    ["runbook-action", "kms:Decrypt", states, "read a state machine's definition under a customer key"],
  ] as const;
  const roles = [
    ...new Set(
      uses
        .filter(([caller]) => deployed.functions.has(caller))
        .map(([caller]) => fn(deployed, caller).roleArn),
    ),
  ];
  return uses
    .filter(([caller]) => deployed.functions.has(caller))
    .flatMap(([caller, action, via, what]) => {
      const context = { "kms:ViaService": via, "kms:CallerAccount": deployed.place.account };
      const flow = (policy: string, keyPolicy: PolicyDocument, expected: Flow["expected"], why: string) =>
        byRole(
          deployed,
          caller,
          `${action} ${what}, ${policy}`,
          action,
          CUSTOMER.key,
          context,
          expected,
          why,
          keyPolicy,
        );
      return [
        flow(
          "key policy delegating to IAM",
          DELEGATING_KEY_POLICY,
          "allowed",
          "the role allows it through this service only",
        ),
        flow(
          "key policy granting Watchkeeper",
          grantingKeyPolicy(roles),
          "allowed",
          "the statement docs/policy.md asks key owners to add",
        ),
        flow(
          "key policy not naming Watchkeeper",
          CLOSED_KEY_POLICY,
          "denied",
          "a key policy that neither delegates nor grants decides alone",
        ),
        byRole(
          deployed,
          caller,
          `negative: ${action} through another service`,
          action,
          CUSTOMER.key,
          { ...context, "kms:ViaService": `s3.${region}.amazonaws.com` },
          "denied",
          "kms:ViaService limits key use to SQS, Secrets Manager and Step Functions",
          DELEGATING_KEY_POLICY,
        ),
      ];
    });
}

/** What each scope exists to stop. */
function negatives(deployed: Deployed): Flow[] {
  const own = owned(deployed);
  const { partition: p, region: r, account: a } = deployed.place;
  const reconcile = fn(deployed, "reconcile");
  const flows: Flow[] = [
    byRole(
      deployed,
      "reconcile",
      "negative: an alarm outside the prefix",
      "cloudwatch:PutMetricAlarm",
      `arn:${p}:cloudwatch:${r}:${a}:alarm:orders-errors`,
      { "cloudwatch:AlarmActions": [own.topic] },
      "denied",
      "alarm writes are limited to alarms named with the prefix",
    ),
    byRole(
      deployed,
      "reconcile",
      "negative: an alarm notifying another topic",
      "cloudwatch:PutMetricAlarm",
      own.alarm,
      { "cloudwatch:AlarmActions": [own.topic, CUSTOMER.otherTopic] },
      "denied",
      "cloudwatch:AlarmActions may only name the alarm topic",
    ),
    byRole(
      deployed,
      "runbook-action",
      "negative: an alarm invoking a function",
      "cloudwatch:PutMetricAlarm",
      own.alarm,
      { "cloudwatch:AlarmActions": [CUSTOMER.function] },
      "denied",
      "cloudwatch:AlarmActions may only name the alarm topic",
    ),
    byRole(
      deployed,
      "breaker",
      "negative: concurrency of a function not opted in",
      "lambda:PutFunctionConcurrency",
      CUSTOMER.otherFunction,
      {},
      "denied",
      "needs the opt-in tag",
    ),
    byRole(
      deployed,
      "breaker",
      "negative: concurrency of Watchkeeper's own function, even tagged",
      "lambda:PutFunctionConcurrency",
      reconcile.arn,
      OPTED_IN,
      "denied",
      "Watchkeeper's own functions are denied outright",
    ),
    byRole(
      deployed,
      "breaker",
      "negative: removing a function's opt-in tag",
      "lambda:UntagResource",
      CUSTOMER.function,
      { ...OPTED_IN, "aws:TagKeys": ["watchkeeper:breaker"] },
      "denied",
      "tag writes are limited to the breaker's record keys",
    ),
    byRole(
      deployed,
      "breaker",
      "negative: Watchkeeper's own event source mapping",
      "lambda:UpdateEventSourceMapping",
      `arn:${p}:lambda:${r}:${a}:event-source-mapping:00000000-0000-0000-0000-000000000000`,
      { "lambda:FunctionArn": deployed.mappings[0]?.functionArn ?? reconcile.arn },
      "denied",
      "denied where lambda:FunctionArn is Watchkeeper's",
    ),
    byRole(
      deployed,
      "breaker",
      "negative: send to a customer queue",
      "sqs:SendMessage",
      CUSTOMER.queue.plain,
      {},
      "denied",
      "the breaker sends hints to the hints queue and nowhere else",
    ),
    byRole(
      deployed,
      "breaker",
      "negative: read the hints queue",
      "sqs:ReceiveMessage",
      own.hints,
      {},
      "denied",
      "the reconcile reads the hints; the breaker only sends them",
    ),
    byRole(
      deployed,
      "breaker",
      "negative: a mapping of another account's function",
      "lambda:UpdateEventSourceMapping",
      CUSTOMER.mapping,
      { "lambda:FunctionArn": `arn:${p}:lambda:${r}:${OTHER_ACCOUNT}:function:orders-consumer` },
      "denied",
      "lambda:FunctionArn must be a function of this account and region",
    ),
  ];
  for (const caller of ["runbook-action", "breaker"]) {
    const put = (name: string, resource: string, source: string, why: string) =>
      byRole(
        deployed,
        caller,
        `negative: ${name}`,
        "events:PutEvents",
        resource,
        { "events:source": source },
        "denied",
        why,
      );
    flows.push(
      put(
        "an event claiming another source",
        own.defaultBus,
        "aws.lambda",
        "events:source must be Watchkeeper's: audit events cannot pass for anyone else's",
      ),
      byRole(
        deployed,
        caller,
        "negative: an event without a source key",
        "events:PutEvents",
        own.defaultBus,
        {},
        "denied",
        "Null: events:source must be present, so ForAllValues cannot match an empty set",
      ),
      put(
        "an event on another bus",
        `arn:${p}:events:${r}:${a}:event-bus/orders`,
        AUDIT_EVENT.source,
        "only the default bus, which a hub's members forward",
      ),
      put(
        "an event straight onto another account's bus",
        `arn:${p}:events:${r}:${OTHER_ACCOUNT}:event-bus/default`,
        AUDIT_EVENT.source,
        "only this account's bus: the member's forwarding rule carries it further",
      ),
    );
  }
  for (const caller of ["notifier", "slack-interactions"]) {
    if (!deployed.functions.has(caller)) continue;
    flows.push(
      byRole(
        deployed,
        caller,
        "negative: another secret",
        "secretsmanager:GetSecretValue",
        CUSTOMER.otherSecret,
        {},
        "denied",
        "only the secret named in config",
      ),
    );
  }
  if (deployed.functions.has("slack-interactions")) {
    const direct = "the Slack function hands actions to runbook-action and touches nothing itself";
    const slack = (name: string, action: string, resource: string, context: Context) =>
      byRole(
        deployed,
        "slack-interactions",
        `negative: ${name}`,
        action,
        resource,
        context,
        "denied",
        direct,
      );
    flows.push(
      slack(
        "concurrency of a customer function",
        "lambda:PutFunctionConcurrency",
        CUSTOMER.function,
        OPTED_IN,
      ),
      slack("a managed alarm", "cloudwatch:PutMetricAlarm", own.alarm, {
        "cloudwatch:AlarmActions": [own.topic],
      }),
      slack("messages of a customer DLQ", "sqs:ReceiveMessage", CUSTOMER.dlq.plain, {}),
      slack("invoke a customer function", "lambda:InvokeFunction", CUSTOMER.function, {}),
    );
  }
  return flows;
}

export async function flowsOf(deployed: Deployed): Promise<Flow[]> {
  return [
    ...alarmNotifications(deployed),
    ...triggers(deployed),
    ...functionUrls(deployed),
    ...(await roleCalls(deployed)),
    ...keyUse(deployed),
    ...negatives(deployed),
  ];
}
