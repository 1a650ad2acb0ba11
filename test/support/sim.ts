import { Aws } from "../../lib/aws/clients.js";
import type { AwsService } from "../../lib/aws/quotas.js";
import { simPlugin, type SimAccount } from "../../lib/sim/index.js";

/** The simulated account behind an Aws whose `service` answers AccessDenied, as for a role without its permissions. */
export function simulatedAwsDenying(account: SimAccount, service: AwsService, iamAction: string): Aws {
  const plugin = simPlugin(account);
  return new Aws({
    region: account.region,
    clock: account.clock,
    plugin: (s) =>
      s === service
        ? {
            applyToStack(stack) {
              stack.add(
                () => async () => {
                  throw Object.assign(new Error(`User is not authorized to perform: ${iamAction}`), {
                    name: "AccessDeniedException",
                    $metadata: { httpStatusCode: 400 },
                  });
                },
                { step: "initialize", name: "denyService", priority: "low" },
              );
            },
          }
        : plugin(s),
  });
}
