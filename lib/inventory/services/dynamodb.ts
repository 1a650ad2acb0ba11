/** DynamoDB tables with billing mode and their stream, which Lambda event sources point at. */
import { DescribeTableCommand, DynamoDBClient, paginateListTables } from "@aws-sdk/client-dynamodb";
import { attempt, listCall, collect, detailEach, type DiscoveryContext } from "../context.js";
import type { DynamoDbTable } from "../types.js";

export async function discoverDynamoDbTables(ctx: DiscoveryContext): Promise<DynamoDbTable[]> {
  const client = ctx.aws.client(DynamoDBClient);
  const listed = await attempt(ctx, listCall("dynamodb", "ListTables", "dynamodb-table"), () =>
    collect(paginateListTables({ client, stopOnSameToken: true }, {}), (page) => page.TableNames),
  );
  if (!listed.ok) return [];

  return detailEach(ctx, "dynamodb-table", listed.value, async (name) => {
    const described = await attempt(
      ctx,
      {
        service: "dynamodb",
        operation: "DescribeTable",
        resource: name,
        covers: { kind: "dynamodb-table", what: "resources" },
      },
      () => client.send(new DescribeTableCommand({ TableName: name })),
    );
    const table = described.ok ? described.value.Table : undefined;
    if (!table?.TableArn) return undefined;
    const stream = table.StreamSpecification?.StreamEnabled ? table.LatestStreamArn : undefined;
    return {
      kind: "dynamodb-table",
      arn: table.TableArn,
      name: table.TableName ?? name,
      region: ctx.region,
      accountId: ctx.accountId,
      tags: {},
      // Tables created before on-demand existed carry no BillingModeSummary: they are provisioned.
      billingMode:
        table.BillingModeSummary?.BillingMode === "PAY_PER_REQUEST" ? "PAY_PER_REQUEST" : "PROVISIONED",
      ...(stream ? { streamArn: stream } : {}),
      ...(stream && table.StreamSpecification?.StreamViewType
        ? { streamViewType: table.StreamSpecification.StreamViewType }
        : {}),
      status: table.TableStatus ?? "UNKNOWN",
    } satisfies DynamoDbTable;
  });
}
