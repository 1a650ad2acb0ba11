import type { Aws } from "../../lib/aws/clients.js";
import type { AwsService } from "../../lib/aws/quotas.js";
import { simulatedAws, type SimAccount } from "../../lib/sim/index.js";

/** The simulated account behind an Aws whose `service` answers AccessDenied, as for a role without its permissions. */
export function simulatedAwsDenying(account: SimAccount, service: AwsService): Aws {
  return simulatedAws(account, { faults: { rules: [{ service, fault: "denied" }] } });
}
