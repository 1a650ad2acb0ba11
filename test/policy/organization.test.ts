/**
 * The policy tier for the organization (test/policy/organization.ts): the administrator account reads a
 * member through `<prefix>org-reader` and nothing else, no one else may assume it, and only the
 * organization reads the code buckets. WATCHKEEPER_PRINT_FLOWS=1 prints the flow table.
 */
import { organizationFlows } from "./organization.js";
import { flowSuite } from "./suite.js";

flowSuite("organization flows under IAM, trust and bucket policies", organizationFlows(), [
  /^org-reader: assumed from the administrator account$/,
  /^org-reader: negative: assumed from another account/,
  /^org-reader: sqs:ListMessageMoveTasks in us-east-1$/,
  /^org-reader: negative: change a managed alarm$/,
  /^code bucket \(us-east-1\): a member's CloudFormation reads the code$/,
  /^code bucket \(eu-west-1\): negative: an account outside the organization/,
]);
