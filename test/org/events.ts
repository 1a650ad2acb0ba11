/**
 * EventBridge across an organization, as far as the hub needs it: the rules, targets, roles and bus
 * policies of synthesized templates (resolved per account and region by test/policy/cfn.ts), an event
 * matched by each rule's own pattern, and a put on another account's bus decided by the policy evaluator
 * (the target role's identity policy, the bus's resource policy), as AWS decides it. A Lambda target is
 * a handler the test registers by function ARN. Anything the templates use that this does not know
 * throws, so a new kind of rule or target is noticed rather than skipped.
 */
import { evaluate, type Context } from "../policy/evaluate.js";
import type { PolicyDocument } from "../policy/deployed.js";
import { resolveTemplate, type Place, type Resource } from "../policy/cfn.js";

export interface BusEvent {
  readonly id: string;
  readonly source: string;
  readonly "detail-type": string;
  readonly account: string;
  readonly region: string;
  readonly time: string;
  readonly resources: readonly string[];
  readonly detail: Record<string, unknown>;
}

interface RuleTarget {
  readonly arn: string;
  readonly roleArn?: string;
}

interface Rule {
  readonly busArn: string;
  readonly name: string;
  readonly pattern: Record<string, unknown>;
  readonly targets: readonly RuleTarget[];
}

export type LambdaHandler = (event: BusEvent, functionArn: string) => Promise<unknown>;

/** What happened to one put: where it went, and what was refused on the way. */
export interface Delivery {
  readonly invoked: { readonly functionArn: string; readonly event: BusEvent }[];
  readonly refused: { readonly busArn: string; readonly by: string }[];
}

export class EventRouter {
  private readonly rules: Rule[] = [];
  private readonly busPolicies = new Map<string, PolicyDocument>();
  private readonly roles = new Map<string, { account: string; policies: PolicyDocument[] }>();
  private readonly handlers = new Map<string, LambdaHandler>();

  constructor(private readonly orgIdOf: (account: string) => string | undefined) {}

  /** Every rule, bus policy and role of a template deployed at `place`. */
  deploy(template: { Resources: Record<string, Resource> }, place: Place): void {
    const resources = resolveTemplate(template, place);
    const busArn = (name: unknown) =>
      `arn:${place.partition}:events:${place.region}:${place.account}:event-bus/${String(name ?? "default")}`;
    for (const resource of Object.values(resources)) {
      const p = resource.Properties;
      if (resource.Type === "AWS::Events::Rule" && p.EventPattern) {
        this.rules.push({
          busArn: busArn(p.EventBusName),
          name: String(p.Name),
          pattern: p.EventPattern as Record<string, unknown>,
          targets: (p.Targets as { Arn: string; RoleArn?: string }[]).map((t) => ({
            arn: t.Arn,
            ...(t.RoleArn ? { roleArn: t.RoleArn } : {}),
          })),
        });
      } else if (resource.Type === "AWS::Events::EventBusPolicy") {
        const arn = busArn(p.EventBusName);
        const statement = p.Statement as Record<string, unknown>;
        const policy = this.busPolicies.get(arn) ?? { Version: "2012-10-17", Statement: [] };
        (policy.Statement as unknown[]).push(statement);
        this.busPolicies.set(arn, policy);
      }
    }
    // A role's policies: its inline ones and the AWS::IAM::Policy resources attached to it by name.
    for (const [id, resource] of Object.entries(resources)) {
      if (resource.Type !== "AWS::IAM::Role") continue;
      const name = String(resource.Properties.RoleName ?? id);
      const inline = ((resource.Properties.Policies ?? []) as { PolicyDocument: PolicyDocument }[]).map(
        (x) => x.PolicyDocument,
      );
      const attached = Object.values(resources)
        .filter((r) => r.Type === "AWS::IAM::Policy" && (r.Properties.Roles as string[]).includes(name))
        .map((r) => r.Properties.PolicyDocument as PolicyDocument);
      this.roles.set(`arn:${place.partition}:iam::${place.account}:role/${name}`, {
        account: place.account,
        policies: [...inline, ...attached],
      });
    }
  }

  onInvoke(functionArn: string, handler: LambdaHandler): void {
    this.handlers.set(functionArn, handler);
  }

  /** An event on `busArn` (the default bus of the event's account and region unless named). */
  async put(event: BusEvent, busArn = defaultBus(event)): Promise<Delivery> {
    const delivery: Delivery = { invoked: [], refused: [] };
    await this.route(event, busArn, delivery, 0);
    return delivery;
  }

  private async route(event: BusEvent, busArn: string, delivery: Delivery, hops: number): Promise<void> {
    if (hops > 2) throw new Error(`event ${event.id} went through more than 2 buses: a loop`);
    for (const rule of this.rules.filter((r) => r.busArn === busArn && matches(r.pattern, event))) {
      for (const target of rule.targets) {
        if (target.arn.includes(":event-bus/")) {
          const refusal = await this.mayPut(busArn, target);
          if (refusal) delivery.refused.push({ busArn: target.arn, by: refusal });
          else await this.route(event, target.arn, delivery, hops + 1);
        } else if (target.arn.includes(":lambda:")) {
          const handler = this.handlers.get(target.arn);
          if (!handler) throw new Error(`rule ${rule.name} targets ${target.arn}, which no test registered`);
          delivery.invoked.push({ functionArn: target.arn, event });
          await handler(event, target.arn);
        } else if (!target.arn.includes(":sqs:")) {
          throw new Error(`rule ${rule.name}: target ${target.arn} is not a bus, a function or a queue`);
        }
      }
    }
  }

  /**
   * Why EventBridge would not put the event on the target bus, or undefined: across accounts it puts
   * with the target's role, whose policy must allow events:PutEvents on the bus, and the bus's policy
   * must allow that role's session.
   */
  private async mayPut(fromBus: string, target: RuleTarget): Promise<string | undefined> {
    const from = fromBus.split(":")[4]!;
    const to = target.arn.split(":")[4]!;
    if (!target.roleArn) return from === to ? undefined : "no role: a bus in another account needs one";
    const role = this.roles.get(target.roleArn);
    if (!role) throw new Error(`target role ${target.roleArn} is in no deployed template`);
    const roleName = target.roleArn.split("/").pop()!;
    const orgId = this.orgIdOf(role.account);
    const context: Context = {
      "aws:PrincipalArn": target.roleArn,
      "aws:PrincipalAccount": role.account,
      ...(orgId ? { "aws:PrincipalOrgID": orgId } : {}),
    };
    const principal = `arn:aws:sts::${role.account}:assumed-role/${roleName}/events`;
    const request = {
      principal,
      action: "events:PutEvents",
      resource: target.arn,
      resourceAccount: to,
      context,
    };
    const own = await evaluate({ ...request, resourceAccount: role.account }, { identity: role.policies });
    if (!own.allowed) return `the role ${target.roleArn}: ${own.result}`;
    if (from === to) return undefined;
    // Across accounts both must allow: the role's own policy, and the bus's.
    const policy = this.busPolicies.get(target.arn);
    if (!policy) return `the bus ${target.arn} has no policy`;
    const bus = await evaluate(request, { identity: role.policies, resource: policy });
    return bus.allowed ? undefined : `the bus policy of ${target.arn}: ${bus.result}`;
  }
}

function defaultBus(event: BusEvent): string {
  return `arn:aws:events:${event.region}:${event.account}:event-bus/default`;
}

/** EventBridge's matching for what Watchkeeper's patterns use: values, `prefix`, nested fields. */
export function matches(pattern: Record<string, unknown>, event: unknown): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    const actual = (event as Record<string, unknown> | undefined)?.[key];
    if (Array.isArray(expected)) {
      const values = Array.isArray(actual) ? actual : [actual];
      return expected.some((want) => values.some((value) => matchesValue(want, value)));
    }
    if (typeof expected === "object" && expected !== null)
      return (
        typeof actual === "object" && actual !== null && matches(expected as Record<string, unknown>, actual)
      );
    throw new Error(`pattern field ${key}: ${JSON.stringify(expected)} is neither a list nor an object`);
  });
}

function matchesValue(want: unknown, value: unknown): boolean {
  if (typeof want !== "object" || want === null) return want === value;
  const operator = want as Record<string, unknown>;
  if (typeof operator.prefix === "string")
    return typeof value === "string" && value.startsWith(operator.prefix);
  throw new Error(`pattern operator ${JSON.stringify(want)} is not simulated`);
}
