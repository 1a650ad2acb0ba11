/**
 * The policy tier for the hub (test/policy/hub.ts): the members' events reach the hub's bus through the
 * forwarding role, from the organization only and to that bus only; the hub's functions reach into a
 * member through `<prefix>hub-access` alone, which does the notifier's reads and the runbook actions and
 * nothing else. WATCHKEEPER_PRINT_FLOWS=1 prints the flow table.
 */
import { hubFlows } from "./hub.js";
import { flowSuite } from "./suite.js";

flowSuite("hub flows under IAM, trust, bus, queue and function policies", hubFlows(), [
  /^forward \(member, eu-west-1\): EventBridge assumes the forwarding role for watchkeeper-alarms-to-hub$/,
  /^forward \(member, us-east-1\): the forwarding role puts on the hub's bus$/,
  /^forward \(target 999999999999, eu-west-1\): negative: the same role in an account outside/,
  /^forward \(member, eu-west-1\): watchkeeper-actions-to-hub → the to-hub DLQ$/,
  /^hub-access \(member\): assumed by the hub's hub-notifier$/,
  /^hub-access \(member\): negative: assumed from another account of the organization$/,
  /^hub-access \(target 999999999999\): lambda:InvokeFunction in us-east-1$/,
  /^hub-access \(member\): negative: invoke the reconcile$/,
  /^hub rule watchkeeper-hub-alarm-states → hub-notifier$/,
  /^hub-notifier: read the Slack secret$/,
  /^hub-notifier: negative: assume watchkeeper-org-reader/,
]);
