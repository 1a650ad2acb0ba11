/**
 * The hub's flows (docs/examples/organization.json has `organization.hub`), read from the synthesized
 * templates: each member forwarding Watchkeeper's events to the hub's bus (lib/infra/hub-access.ts: the
 * role EventBridge assumes, the bus policy that admits the organization only, the DLQ); the member role
 * `<prefix>hub-access` (who may assume it, what it may do in any region); and the hub's functions
 * (lib/infra/hub.ts: the rules on the bus that invoke them, what their roles may do). Every hub function
 * whose role may assume hub-access gets the trust flows by itself; one without an entry in HUB_CALLS
 * fails the tier.
 */
import { hubAccessRoleName, hubBusName, hubFunctionName } from "../../lib/org/hub.js";
import { orgReaderRoleName } from "../../lib/org/role.js";
import { CUSTOMER, OTHER_ACCOUNT, PLACE, at } from "./account.js";
import { resolveTemplate, resolveValue, type Place, type Resource } from "./cfn.js";
import { permissionStatement, type PolicyDocument } from "./deployed.js";
import type { Context, Policies } from "./evaluate.js";
import {
  HUB,
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
  type DeployedRole,
  type Session,
  type Template,
} from "./example.js";
import type { Flow } from "./flows.js";

const HUB_PLACE: Place = { partition: "aws", ...HUB };
const busArn = (account: string, region: string, name: string) =>
  `arn:aws:events:${region}:${account}:event-bus/${name}`;
const HUB_BUS = busArn(HUB.account, HUB.region, hubBusName(PREFIX));
const HUB_ACCESS = hubAccessRoleName(PREFIX);
const RUNBOOK = `${PREFIX}runbook-action`;
const MANAGED_ALARM = `${PREFIX}lambda-orders-consumer-errors`;

/** A member template and where it is deployed: the StackSet's in every region, a target's in its own. */
interface Member {
  readonly label: string;
  readonly template: Template;
  readonly places: readonly Place[];
}

/** A hub function as deployed: its role, its session, the policy Lambda writes from its permissions. */
interface HubFunction {
  /** Without the prefix: `hub-notifier`. */
  readonly name: string;
  readonly arn: string;
  readonly role: DeployedRole;
  readonly session: Session;
  readonly resourcePolicy: PolicyDocument;
}

/** One request: who, what, on which resource of which account, and the policies that decide it. */
interface Call {
  readonly name: string;
  readonly who: Session;
  readonly action: string;
  readonly resource: string;
  readonly account: string;
  readonly policies: Policies;
  readonly expected: Flow["expected"];
  readonly why: string;
  readonly context?: Context;
}

const flow = (call: Call): Flow => ({
  name: call.name,
  request: {
    principal: call.who.principal,
    action: call.action,
    resource: call.resource,
    resourceAccount: call.account,
    context: { ...call.who.context, ...call.context },
  },
  policies: call.policies,
  expected: call.expected,
  why: call.why,
});

/** `who` assumes `role` at `place`: the role's trust decides, with the caller's own IAM. */
const assumeFlow = (
  a: Pick<Call, "name" | "who" | "expected" | "why" | "context"> & {
    readonly role: DeployedRole;
    readonly place: Place;
    readonly identity: readonly PolicyDocument[];
  },
): Flow =>
  flow({
    ...a,
    action: "sts:AssumeRole",
    resource: a.role.arn,
    account: a.place.account,
    policies: { identity: a.identity, resource: a.role.trust },
  });

/** EventBridge acting for a rule of `account`. */
const eventBridge = (account: string, ruleArn: string): Session => ({
  principal: "events.amazonaws.com",
  context: {
    ...TLS,
    "aws:SourceAccount": account,
    "aws:SourceArn": ruleArn,
    "aws:PrincipalServiceName": "events.amazonaws.com",
  },
});

/** A bus that admits the organization as the hub's does: only the caller's own IAM can stop a put. */
const openToOrganization = (arn: string) =>
  policy([
    {
      Effect: "Allow",
      Principal: { AWS: "*" },
      Action: "events:PutEvents",
      Resource: arn,
      Condition: { StringEquals: { "aws:PrincipalOrgID": ORG_ID } },
    },
  ]);
/** A role of another account that may assume any role by its own IAM: the trust policy alone decides. */
const MAY_ASSUME_ANY = policy([{ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" }]);
/** A trust policy admitting the hub account outright: the hub function's own IAM alone decides. */
const TRUSTS_HUB = policy([
  { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${HUB.account}:root` }, Action: "sts:AssumeRole" },
]);

const entriesOf = (resources: Readonly<Record<string, Resource>>, type: string) =>
  Object.entries(resources).filter(([, r]) => r.Type === type);
const arnOf = (template: Template, id: string, place: Place) =>
  String(resolveValue({ "Fn::GetAtt": [id, "Arn"] }, template.Resources, place));

/** The statements of the queue policies on the queue `arn`. */
function queuePolicy(resources: Readonly<Record<string, Resource>>, arn: string): PolicyDocument {
  const [, , , region, account, name] = arn.split(":");
  const url = `https://sqs.${region}.amazonaws.com/${account}/${name}`;
  return policy(
    entriesOf(resources, "AWS::SQS::QueuePolicy")
      .filter(([, p]) => [p.Properties.Queues].flat().includes(url))
      .flatMap(([, p]) => (p.Properties.PolicyDocument as PolicyDocument).Statement),
  );
}

/** EventBridge's forwarding from a member in one region: the role's trust, the put, the DLQ. */
function forwardingFlows(member: Member, place: Place, busPolicy: PolicyDocument): Flow[] {
  const resources = resolveTemplate(member.template, place);
  const label = `forward (${member.label}, ${place.region})`;
  const rules = entriesOf(resources, "AWS::Events::Rule").flatMap(([id, rule]) =>
    (rule.Properties.Targets as { Arn: string; RoleArn?: string; DeadLetterConfig?: { Arn: string } }[])
      .filter((target) => target.Arn === HUB_BUS)
      .map((target) => ({
        name: String(rule.Properties.Name),
        arn: arnOf(member.template, id, place),
        role: roleIn(member.template, place, String(target.RoleArn).split("/").pop()!),
        dlq: target.DeadLetterConfig?.Arn,
      })),
  );
  if (rules.length === 0) throw new Error(`${member.label}: no rule forwards to ${HUB_BUS}`);
  const roles = [...new Map(rules.map((rule) => [rule.role.name, rule.role])).values()];
  if (roles.length !== 1)
    throw new Error(`${member.label}: one role forwards to the hub, not ${roles.length}`);
  const role = roles[0]!;
  const dlqs = [...new Set(rules.map((rule) => rule.dlq))];
  if (dlqs.length !== 1 || !dlqs[0]) throw new Error(`${member.label}: one DLQ for what the hub refuses`);
  const dlq = dlqs[0];
  const strangerRule = at(CUSTOMER.rule, { account: OTHER_ACCOUNT, region: place.region });

  const assume = (name: string, who: Session, expected: Flow["expected"], why: string) =>
    assumeFlow({ name: `${label}: ${name}`, role, place, who, identity: [], expected, why });
  const deadLetter = (name: string, who: Session, expected: Flow["expected"], why: string) =>
    flow({
      name: `${label}: ${name}`,
      who,
      action: "sqs:SendMessage",
      resource: dlq,
      account: place.account,
      policies: { identity: [], resource: queuePolicy(resources, dlq) },
      expected,
      why,
    });
  const put = (
    name: string,
    account: string,
    orgId: string | undefined,
    bus: string,
    busPolicy: PolicyDocument | undefined,
    expected: Flow["expected"],
    why: string,
  ) => {
    // The same template in `account`: its role has the same policies there.
    const where = { ...place, account };
    const { identity } = account === place.account ? role : roleIn(member.template, where, role.name);
    return flow({
      name: `${label}: ${name}`,
      who: session(account, role.name, orgId),
      action: "events:PutEvents",
      resource: bus,
      account: bus.split(":")[4]!,
      policies: { identity, ...(busPolicy ? { resource: busPolicy } : {}) },
      expected,
      why,
    });
  };
  const otherMemberBus = busArn(OTHER_ACCOUNT, place.region, "default");
  return [
    ...rules.flatMap((rule) => [
      assume(
        `EventBridge assumes the forwarding role for ${rule.name}`,
        eventBridge(place.account, rule.arn),
        "allowed",
        "the trust admits EventBridge for this account's rules (aws:SourceAccount)",
      ),
      deadLetter(
        `${rule.name} → the to-hub DLQ`,
        eventBridge(place.account, rule.arn),
        "allowed",
        "the queue policy allows EventBridge from this rule (aws:SourceArn)",
      ),
    ]),
    assume(
      "negative: another account's rule assumes the forwarding role",
      eventBridge(OTHER_ACCOUNT, strangerRule),
      "denied",
      "aws:SourceAccount must be the role's own account",
    ),
    assume(
      "negative: another rule of this account assumes the forwarding role",
      eventBridge(place.account, at(CUSTOMER.rule, place)),
      "denied",
      "aws:SourceArn must be one of the two forwarding rules",
    ),
    flow({
      name: `${label}: negative: another principal of the member, allowed PutEvents on anything, puts on the hub's bus`,
      who: session(place.account, "team-admin", ORG_ID),
      action: "events:PutEvents",
      resource: HUB_BUS,
      account: HUB.account,
      policies: {
        identity: [policy([{ Effect: "Allow", Action: "events:PutEvents", Resource: "*" }])],
        resource: busPolicy,
      },
      expected: "denied",
      why: "the bus admits the members' forwarding roles only (aws:PrincipalArn): no forged audit lines",
    }),
    deadLetter(
      "negative: another rule → the to-hub DLQ",
      eventBridge(place.account, at(CUSTOMER.rule, place)),
      "denied",
      "only the forwarding rules may dead-letter there",
    ),
    put(
      "the forwarding role puts on the hub's bus",
      place.account,
      ORG_ID,
      HUB_BUS,
      busPolicy,
      "allowed",
      "its policy names the hub's bus; the bus admits the organization (aws:PrincipalOrgID)",
    ),
    put(
      "negative: the forwarding role puts on this account's default bus",
      place.account,
      ORG_ID,
      busArn(place.account, place.region, "default"),
      undefined,
      "denied",
      "the role's policy names the hub's bus only",
    ),
    put(
      "negative: the forwarding role puts on another member's bus open to the organization",
      place.account,
      ORG_ID,
      otherMemberBus,
      openToOrganization(otherMemberBus),
      "denied",
      "the role's policy names the hub's bus only",
    ),
    put(
      "negative: the same role in an account outside the organization",
      STRANGER,
      undefined,
      HUB_BUS,
      busPolicy,
      "denied",
      "the bus admits the organization's principals only",
    ),
    put(
      "negative: the same role in another organization",
      STRANGER,
      OTHER_ORG,
      HUB_BUS,
      busPolicy,
      "denied",
      "aws:PrincipalOrgID must be the organization's",
    ),
  ];
}

/** A resource each of hub-access's actions acts on, in `region` of the member at `place`. */
function accessResource(action: string, place: Place, region: string): string {
  const { account } = place;
  const alarm = `arn:aws:cloudwatch:${region}:${account}:alarm:${MANAGED_ALARM}`;
  const resources: Record<string, string> = {
    // The notifier reads the alarm that changed, by name.
    "cloudwatch:DescribeAlarms": alarm,
    "cloudwatch:GetMetricData": "*",
    "cloudwatch:GetMetricWidgetImage": "*",
    "iam:ListAccountAliases": "*",
    "tag:GetResources": "*",
    "cloudwatch:ListTagsForResource": alarm,
    // The Slack thread's timestamp, kept on the alarm.
    "cloudwatch:TagResource": alarm,
    "lambda:InvokeFunction": `arn:aws:lambda:${region}:${account}:function:${RUNBOOK}`,
  };
  const resource = resources[action];
  if (!resource) throw new Error(`hub-access allows ${action}: say what it acts on in test/policy/hub.ts`);
  return resource;
}

/** What the hub must never do in a member through hub-access. */
function forbidden(place: Place): readonly (readonly [string, string, string])[] {
  const { account, region } = place;
  const alarm = (name: string) => `arn:aws:cloudwatch:${region}:${account}:alarm:${name}`;
  return [
    ["tag another team's alarm", "cloudwatch:TagResource", alarm("orders-errors")],
    ["read another team's alarm's tags", "cloudwatch:ListTagsForResource", alarm("orders-errors")],
    ["invoke a customer's function", "lambda:InvokeFunction", at(CUSTOMER.function, place)],
    [
      "invoke the reconcile",
      "lambda:InvokeFunction",
      `arn:aws:lambda:${region}:${account}:function:${PREFIX}reconcile`,
    ],
    ["trip a function", "lambda:PutFunctionConcurrency", at(CUSTOMER.function, place)],
    ["change a managed alarm", "cloudwatch:PutMetricAlarm", alarm(MANAGED_ALARM)],
    ["silence an alarm", "cloudwatch:DisableAlarmActions", alarm(MANAGED_ALARM)],
    ["redrive a DLQ", "sqs:StartMessageMoveTask", at(CUSTOMER.dlq.plain, place)],
    ["read the member's Slack secret", "secretsmanager:GetSecretValue", at(CUSTOMER.slackSecret, place)],
    ["read a secret", "secretsmanager:GetSecretValue", at(CUSTOMER.otherSecret, place)],
  ];
}

/** Whether the function's role may assume hub-access in the members. */
const assumesHubAccess = (fn: HubFunction) =>
  fn.role.identity.some((document) =>
    document.Statement.some(
      (s) =>
        [s.Action].flat().includes("sts:AssumeRole") &&
        [s.Resource].flat().some((r) => String(r).endsWith(`:role/${HUB_ACCESS}`)),
    ),
  );

/** `<prefix>hub-access` in a member: who may assume it, and what it may do in any region. */
function hubAccessFlows(member: Member, functions: readonly HubFunction[]): Flow[] {
  const place = member.places[0]!;
  const role = roleIn(member.template, place, HUB_ACCESS);
  const label = `hub-access (${member.label})`;
  const assume = (
    name: string,
    who: Session,
    identity: readonly PolicyDocument[],
    expected: Flow["expected"],
    why: string,
  ) =>
    assumeFlow({
      name: `${label}: ${name}`,
      role,
      place,
      who,
      identity,
      expected,
      why,
      context: { "aws:ResourceOrgID": ORG_ID },
    });
  const hubAccount = (fn: HubFunction, orgId: string) => ({
    ...fn.session,
    context: { ...fn.session.context, "aws:PrincipalOrgID": orgId },
  });
  const trust = functions
    .filter(assumesHubAccess)
    .flatMap((fn) => [
      assume(
        `assumed by the hub's ${fn.name}`,
        fn.session,
        fn.role.identity,
        "allowed",
        "the trust names the hub account, in the organization; the function may assume it in the organization",
      ),
      assume(
        `negative: assumed by the hub's ${fn.name} once the hub account left the organization`,
        hubAccount(fn, OTHER_ORG),
        fn.role.identity,
        "denied",
        "aws:PrincipalOrgID must be the organization's",
      ),
    ]);
  const self = session(place.account, role.name, ORG_ID);
  const call = (name: string, action: string, resource: string, expected: Flow["expected"], why: string) =>
    flow({
      name: `${label}: ${name}`,
      who: self,
      action,
      resource,
      account: place.account,
      policies: { identity: role.identity },
      expected,
      why,
    });
  const actions = [
    ...new Set(
      role.identity.flatMap((d) => d.Statement.flatMap((s) => [s.Action as string | string[]].flat())),
    ),
  ].sort();
  // The role is global: each action in the stack's region and in another of the organization's.
  const allowed = REGIONS.flatMap((region) =>
    actions.map((action) =>
      call(
        `${action} in ${region}`,
        action,
        accessResource(action, place, region),
        "allowed",
        "the hub notifies from the member's alarms and runs its runbook actions",
      ),
    ),
  );
  const denied = forbidden(place).map(([name, action, resource]) =>
    call(
      `negative: ${name}`,
      action,
      resource,
      "denied",
      "the notifier's reads, the thread tag, the runbook-action function: nothing else",
    ),
  );
  return [
    ...trust,
    assume(
      "negative: assumed from another account of the organization",
      session(OTHER_ACCOUNT, "oncall", ORG_ID),
      [MAY_ASSUME_ANY],
      "denied",
      "only the hub account",
    ),
    assume(
      "negative: assumed from outside the organization",
      session(STRANGER, "admin", undefined),
      [MAY_ASSUME_ANY],
      "denied",
      "only the hub account",
    ),
    ...allowed,
    ...denied,
  ];
}

/** The hub's functions, read from its template. */
function hubFunctions(hub: Template): HubFunction[] {
  const resources = resolveTemplate(hub, HUB_PLACE);
  const permissions = entriesOf(resources, "AWS::Lambda::Permission");
  return entriesOf(resources, "AWS::Lambda::Function").map(([id, fn]) => {
    const functionName = String(fn.Properties.FunctionName);
    const arn = arnOf(hub, id, HUB_PLACE);
    const roleName = String(fn.Properties.Role).split("/").pop()!;
    const role = roleIn(hub, HUB_PLACE, roleName);
    return {
      name: functionName.slice(PREFIX.length),
      arn,
      role,
      session: {
        principal: `arn:aws:sts::${HUB.account}:assumed-role/${roleName}/${functionName}`,
        context: {
          ...TLS,
          "aws:PrincipalArn": role.arn,
          "aws:PrincipalAccount": HUB.account,
          "aws:PrincipalOrgID": ORG_ID,
        },
      },
      resourcePolicy: policy(
        permissions
          .filter(([, p]) => p.Properties.FunctionName === arn)
          .map(([pid, p]) => permissionStatement(pid, p.Properties, HUB_PLACE)),
      ),
    };
  });
}

/** What a hub function does with its own role, in the hub account; an entry for every hub function. */
const HUB_CALLS: Readonly<Record<string, readonly (readonly [string, string, string])[]>> = {
  "hub-notifier": [["read the Slack secret", "secretsmanager:GetSecretValue", at(CUSTOMER.slackSecret, HUB)]],
  "hub-actions": [["read the Slack secret", "secretsmanager:GetSecretValue", at(CUSTOMER.slackSecret, HUB)]],
  "hub-interactions": [
    ["read the Slack secret", "secretsmanager:GetSecretValue", at(CUSTOMER.slackSecret, HUB)],
    [
      "hand a checked click to hub-actions",
      "lambda:InvokeFunction",
      `arn:aws:lambda:${HUB.region}:${HUB.account}:function:${hubFunctionName(PREFIX, "actions")}`,
    ],
  ],
};

/** The rules on the hub's bus invoking the hub's functions, and each function's own role. */
function hubFunctionFlows(hub: Template, functions: readonly HubFunction[]): Flow[] {
  const resources = resolveTemplate(hub, HUB_PLACE);
  const byArn = new Map(functions.map((fn) => [fn.arn, fn]));
  const invoke = (name: string, who: Session, fn: HubFunction, expected: Flow["expected"], why: string) =>
    flow({
      name,
      who,
      action: "lambda:InvokeFunction",
      resource: fn.arn,
      account: HUB.account,
      policies: { identity: [], resource: fn.resourcePolicy },
      expected,
      why,
    });
  const rules = entriesOf(resources, "AWS::Events::Rule").flatMap(([id, rule]) =>
    (rule.Properties.Targets as { Arn: string }[]).map((target) => {
      const fn = byArn.get(target.Arn);
      if (!fn) throw new Error(`the hub's rule ${String(rule.Properties.Name)} targets ${target.Arn}`);
      return invoke(
        `hub rule ${String(rule.Properties.Name)} → ${fn.name}`,
        eventBridge(HUB.account, arnOf(hub, id, HUB_PLACE)),
        fn,
        "allowed",
        "the function's policy allows EventBridge from this rule (aws:SourceArn)",
      );
    }),
  );
  const memberRule = `arn:aws:events:${HUB.region}:${PLACE.account}:rule/${PREFIX}alarms-to-hub`;
  const own = functions.flatMap((fn) => {
    const calls = HUB_CALLS[fn.name];
    if (!calls) throw new Error(`hub function ${fn.name}: say what it calls in test/policy/hub.ts`);
    const call = (
      name: string,
      action: string,
      resource: string,
      expected: Flow["expected"],
      why: string,
      trust?: PolicyDocument,
      context?: Context,
    ) =>
      flow({
        name: `${fn.name}: ${name}`,
        who: fn.session,
        action,
        resource,
        account: resource.split(":")[4] || HUB.account,
        policies: { identity: fn.role.identity, ...(trust ? { resource: trust } : {}) },
        expected,
        why,
        ...(context ? { context } : {}),
      });
    const inOrganization = { "aws:ResourceOrgID": ORG_ID };
    return [
      ...calls.map(([name, action, resource]) =>
        call(name, action, resource, "allowed", "its handler makes this call"),
      ),
      invoke(
        `${fn.name}: negative: a member's rule invokes it`,
        eventBridge(PLACE.account, memberRule),
        fn,
        "denied",
        "members put events on the bus; only the hub's rules invoke its functions",
      ),
      call(
        `negative: assume ${orgReaderRoleName(PREFIX)} in a member trusting the hub account`,
        "sts:AssumeRole",
        `arn:aws:iam::${PLACE.account}:role/${orgReaderRoleName(PREFIX)}`,
        "denied",
        "the hub reaches into members through hub-access only (as when it is the administrator account)",
        TRUSTS_HUB,
        inOrganization,
      ),
      call(
        "negative: assume an arbitrary role in a member trusting the hub account",
        "sts:AssumeRole",
        `arn:aws:iam::${PLACE.account}:role/OrganizationAccountAccessRole`,
        "denied",
        "the hub reaches into members through hub-access only",
        TRUSTS_HUB,
        inOrganization,
      ),
      call(
        `negative: assume ${HUB_ACCESS} in another organization's account trusting the hub account`,
        "sts:AssumeRole",
        `arn:aws:iam::${STRANGER}:role/${HUB_ACCESS}`,
        "denied",
        "aws:ResourceOrgID must be the organization's",
        TRUSTS_HUB,
        { "aws:ResourceOrgID": OTHER_ORG },
      ),
      call(
        "negative: another secret",
        "secretsmanager:GetSecretValue",
        at(CUSTOMER.otherSecret, HUB),
        "denied",
        "only the secret named in config",
      ),
    ];
  });
  return [...rules, ...own];
}

/** Every hub flow of the example: each kind of member (the StackSet's, a target's), then the hub. */
export function hubFlows({ member, targets, hub } = synthesized()): Flow[] {
  const members: Member[] = [
    {
      label: "member",
      template: member,
      places: REGIONS.map((region) => ({ ...PLACE, region })),
    },
    ...targets.map(({ template, place }) => ({
      label: `target ${place.account}`,
      template,
      places: [place],
    })),
  ];
  const busPolicy = policy(
    entriesOf(resolveTemplate(hub, HUB_PLACE), "AWS::Events::EventBusPolicy")
      .filter(([, p]) => p.Properties.EventBusName === hubBusName(PREFIX))
      .flatMap(([, p]) => [p.Properties.Statement as Record<string, unknown>]),
  );
  const functions = hubFunctions(hub);
  return [
    ...members.flatMap((m) => [
      ...m.places.flatMap((place) => forwardingFlows(m, place, busPolicy)),
      ...hubAccessFlows(m, functions),
    ]),
    ...hubFunctionFlows(hub, functions),
  ];
}
