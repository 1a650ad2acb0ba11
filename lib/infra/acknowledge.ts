/**
 * cdk-nag findings acknowledged with their reason, through CDK's own `Validations.of().acknowledge()`
 * (cdk-nag 3 reads it), so the app itself does not depend on cdk-nag: the tests run the checks.
 */
import { Stack, Validations } from "aws-cdk-lib";
import type { PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { IConstruct } from "constructs";

/** A rule that does not apply here, and why. */
export function acknowledge(scope: IConstruct, rule: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions-${rule}`, reason });
}

/**
 * Acknowledges cdk-nag's IAM5 finding for each wildcard resource of the statements, with `why`; a
 * wildcard without a reason is a programming error and fails synthesis.
 */
export function acknowledgeWildcards(
  scope: IConstruct,
  statements: readonly PolicyStatement[],
  why: string | undefined,
): void {
  const stack = Stack.of(scope);
  for (const statement of statements) {
    for (const resource of statement.resources) {
      const flat = flatten(stack.resolve(resource));
      if (!flat.includes("*")) continue;
      if (!why)
        throw new Error(`${statement.sid ?? "a statement"} has the wildcard resource ${flat} and no reason`);
      acknowledge(scope, `IAM5[Resource::${flat}]`, why);
    }
  }
}

/** A resolved CloudFormation value as cdk-nag prints it: `{ Ref: X }` → `<X>`, joins concatenated. */
function flatten(value: unknown): string {
  if (typeof value === "string") return value.replace(/\$\{/g, "<").replace(/}/g, ">");
  if (typeof value === "object" && value !== null) {
    const node = value as Record<string, unknown>;
    if (Array.isArray(node["Fn::Join"])) {
      const [delimiter, parts] = node["Fn::Join"] as [string, unknown[]];
      return parts.map(flatten).join(delimiter);
    }
    if ("Ref" in node) return `<${flatten(node.Ref)}>`;
    if (Array.isArray(node["Fn::GetAtt"])) {
      const [resource, attribute] = node["Fn::GetAtt"] as [unknown, unknown];
      return `<${flatten(resource)}.${flatten(attribute)}>`;
    }
  }
  return JSON.stringify(value);
}
