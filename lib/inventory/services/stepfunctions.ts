/** Step Functions state machines: their type (STANDARD or EXPRESS) and their definition's TimeoutSeconds. */
import { DescribeStateMachineCommand, SFNClient, paginateListStateMachines } from "@aws-sdk/client-sfn";
import {
  attempt,
  collect,
  detailEach,
  factsCall,
  listCall,
  warningOf,
  type DiscoveryContext,
} from "../context.js";
import type { StateMachine } from "../types.js";
import { definitionTimeout } from "./asl.js";

/** A definition that answered but is not one Step Functions accepts: reported like a failed read. */
function unreadableDefinition(reason: string): Error {
  return Object.assign(new Error(reason), { name: "UnreadableDefinition" });
}

export async function discoverStateMachines(ctx: DiscoveryContext): Promise<StateMachine[]> {
  const client = ctx.aws.client(SFNClient);
  const listed = await attempt(ctx, listCall("sfn", "ListStateMachines", "state-machine"), () =>
    collect(
      // 1,000 a page, the maximum (the default is 100).
      paginateListStateMachines({ client, stopOnSameToken: true }, { maxResults: 1000 }),
      (page) => page.stateMachines,
    ),
  );
  if (!listed.ok) return [];

  return detailEach(ctx, "state-machine", listed.value, async (item) => {
    const arn = item.stateMachineArn;
    if (!arn || !item.name) return undefined;
    // Every machine, at both levels of detail: the execution-time alarm's threshold follows TimeoutSeconds.
    const call = factsCall("sfn", "DescribeStateMachine", "state-machine", arn);
    const described = await attempt(ctx, call, () =>
      // ALL_DATA (the default), never METADATA_ONLY, which answers the definition "{}". A definition under a
      // customer managed key the caller cannot decrypt fails with KmsAccessDeniedException: a failed read.
      client.send(new DescribeStateMachineCommand({ stateMachineArn: arn, includedData: "ALL_DATA" })),
    );
    if (!described.ok && described.reason === "missing") return undefined;
    let timeoutSeconds: number | undefined;
    if (described.ok) {
      const read = definitionTimeout(described.value.definition);
      if (read.ok) timeoutSeconds = read.timeoutSeconds;
      else ctx.warn(warningOf(call, unreadableDefinition(read.reason)));
    }
    // AWS returns the type in the listing; some emulators (moto) only in DescribeStateMachine.
    const type = item.type ?? (described.ok ? described.value.type : undefined);
    return {
      kind: "state-machine",
      arn,
      name: item.name,
      region: ctx.region,
      accountId: ctx.accountId,
      tags: {},
      type: type === "EXPRESS" ? "EXPRESS" : "STANDARD",
      ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
    } satisfies StateMachine;
  });
}
