/**
 * The demo organization (`status --org --demo`): a management account and a few members in two regions,
 * each member holding the org-reader role for the management account, except one that lacks it (so it
 * cannot be read) and one that is suspended. The sample account's apps run in one member's first region.
 */
import { SimOrganization } from "./organization.js";
import { addSampleApps } from "./sample.js";

export const SAMPLE_ORGANIZATION_REGIONS = ["us-east-1", "eu-west-1"] as const;

export interface SampleOrganizationOptions {
  /** The role each member holds for the management account (`<prefix>org-reader`). */
  readonly orgReaderRole: string;
}

export function sampleOrganization({ orgReaderRole }: SampleOrganizationOptions): SimOrganization {
  const org = new SimOrganization({
    managementAccountId: "111111111111",
    regions: SAMPLE_ORGANIZATION_REGIONS,
    seed: "watchkeeper-sample-organization",
  });
  const workloads = org.addOrganizationalUnit({ name: "workloads" });
  const data = org.addOrganizationalUnit({ name: "data", parentId: workloads.id });
  const sandboxes = org.addOrganizationalUnit({ name: "sandboxes" });
  const members = [
    { id: "222222222222", name: "shop-prod", parentId: workloads.id },
    { id: "333333333333", name: "shop-staging", parentId: workloads.id },
    { id: "444444444444", name: "data-platform", parentId: data.id },
    // Never deployed to: no org-reader role, so status names it as unreadable.
    { id: "555555555555", name: "sandbox", parentId: sandboxes.id, role: false },
    { id: "666666666666", name: "legacy", state: "SUSPENDED" as const },
  ];
  for (const { role, ...spec } of members) {
    org.addAccount(spec);
    if (role !== false && spec.state === undefined)
      org.account(spec.id).addRole({ name: orgReaderRole, trustedAccounts: [org.managementAccountId] });
  }
  addSampleApps(org.account("222222222222", "us-east-1"));
  // The data platform's nightly export is failing in Europe.
  org.account("444444444444", "eu-west-1").addAlarm({
    AlarmName: "watchkeeper-lambda-errors-nightly-export",
    Namespace: "AWS/Lambda",
    MetricName: "Errors",
    Dimensions: [{ Name: "FunctionName", Value: "nightly-export" }],
    Statistic: "Sum",
    Period: 300,
    EvaluationPeriods: 1,
    Threshold: 0,
    ComparisonOperator: "GreaterThanThreshold",
    state: "ALARM",
  });
  return org;
}
