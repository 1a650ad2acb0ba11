/** Step Functions state machines and their type (STANDARD or EXPRESS). */
import { DescribeStateMachineCommand, SFNClient, paginateListStateMachines } from "@aws-sdk/client-sfn";
import { attempt, listCall, factsCall, collect, detailEach, type DiscoveryContext } from "../context.js";
import type { StateMachine } from "../types.js";

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
    let type = item.type;
    // AWS returns the type in the listing; some emulators (moto) only in DescribeStateMachine.
    if (!type) {
      const described = await attempt(
        ctx,
        factsCall("sfn", "DescribeStateMachine", "state-machine", arn),
        () => client.send(new DescribeStateMachineCommand({ stateMachineArn: arn })),
      );
      if (!described.ok && described.reason === "missing") return undefined;
      type = described.ok ? described.value.type : undefined;
    }
    return {
      kind: "state-machine",
      arn,
      name: item.name,
      region: ctx.region,
      accountId: ctx.accountId,
      tags: {},
      type: type === "EXPRESS" ? "EXPRESS" : "STANDARD",
    } satisfies StateMachine;
  });
}
