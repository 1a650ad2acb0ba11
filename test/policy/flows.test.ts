/**
 * The policy tier: every flow of the deployed system (test/policy/flows.ts) evaluated against the
 * synthesized template by a real IAM policy evaluator. An intended flow that is denied fails naming the
 * flow; so does a negative flow that is allowed. WATCHKEEPER_PRINT_FLOWS=1 prints the flow table.
 */
import { PLACE, SLACK_SECRET_NAME } from "./account.js";
import { deployed } from "./deployed.js";
import { flowsOf } from "./flows.js";
import { flowSuite } from "./suite.js";

const CONFIG = {
  breaker: { functions: ["payments-consumer"] },
  redrive: { auto: true },
  slack: {
    secretName: SLACK_SECRET_NAME,
    interactive: true,
    allowedUsers: ["U0123ABCD"],
    allowedChannels: ["C0123ABCD"],
  },
};

flowSuite("deployed flows under IAM and resource policies", await flowsOf(deployed(CONFIG, PLACE)), [
  /^alarm .* → topic$/,
  /^topic → notifier$/,
  /^rule .* → hints queue$/,
  /^Slack → /,
  /^breaker: /,
  /^breaker: sqs:SendMessage hint a reconcile run/,
  /kms:/,
]);
