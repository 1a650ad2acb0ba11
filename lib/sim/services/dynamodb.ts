import {
  DynamoDBServiceException,
  ResourceNotFoundException,
  ThrottlingException,
  type DescribeTableCommandInput,
  type DescribeTableCommandOutput,
  type ListTablesCommandInput,
  type ListTablesCommandOutput,
  type ListTagsOfResourceCommandInput,
  type ListTagsOfResourceCommandOutput,
  type ScalarAttributeType,
} from "@aws-sdk/client-dynamodb";
import type { SimAccount } from "../account.js";
import { awsCodeError, awsError } from "../errors.js";
import { pageToken } from "../registry.js";
import type { Out, SimService } from "../service.js";
import type { SimTable } from "../state.js";
import { tagList } from "../tags.js";
import { validator } from "../validate.js";

const check = validator((message) =>
  awsCodeError(DynamoDBServiceException, "ValidationException", 400, message),
);
const TABLE_NAME = /^[a-zA-Z0-9_.-]{3,255}$/;

function tableOf(sim: SimAccount, ref: string | undefined): SimTable {
  check.required(ref, "tableName");
  const name = ref!.startsWith("arn:") ? sim.arns.resourceOf("dynamodb", ref!)?.replace(/^table\//, "") : ref;
  if (!ref!.startsWith("arn:")) check.pattern(ref, "tableName", TABLE_NAME);
  const table = name === undefined ? undefined : sim.tables.get(name);
  if (!table)
    throw awsError(ResourceNotFoundException, 400, `Requested resource not found: Table: ${ref} not found`);
  return table;
}

export const dynamodb: SimService = {
  throttled: (api) =>
    awsError(ThrottlingException, 400, `Rate of requests exceeds the allowed throughput for ${api}.`),
  apis: {
    ListTables(input: ListTablesCommandInput, sim): Out<ListTablesCommandOutput> {
      check.range(input.Limit, "limit", 1, 100);
      // DynamoDB's token is the last table name itself.
      const page = sim.tables.page({
        ...(input.ExclusiveStartTableName !== undefined ? { after: input.ExclusiveStartTableName } : {}),
        limit: input.Limit ?? 100,
      });
      return {
        TableNames: page.items.map((t) => t.name),
        ...(page.nextAfter !== undefined ? { LastEvaluatedTableName: page.nextAfter } : {}),
      };
    },

    DescribeTable(input: DescribeTableCommandInput, sim): Out<DescribeTableCommandOutput> {
      const t = tableOf(sim, input.TableName);
      const keys = [
        { name: t.partitionKey, type: "HASH" as const },
        ...(t.sortKey ? [{ name: t.sortKey, type: "RANGE" as const }] : []),
      ];
      return {
        Table: {
          TableName: t.name,
          TableArn: t.arn,
          TableId: t.id,
          TableStatus: t.status,
          CreationDateTime: new Date(t.createdAt),
          KeySchema: keys.map((k) => ({ AttributeName: k.name, KeyType: k.type })),
          AttributeDefinitions: keys.map((k) => ({
            AttributeName: k.name,
            AttributeType: "S" as ScalarAttributeType,
          })),
          BillingModeSummary: { BillingMode: t.billingMode },
          ProvisionedThroughput: {
            ReadCapacityUnits: t.readCapacity,
            WriteCapacityUnits: t.writeCapacity,
            NumberOfDecreasesToday: 0,
          },
          ItemCount: t.itemCount,
          TableSizeBytes: t.sizeBytes,
          DeletionProtectionEnabled: false,
          ...(t.stream
            ? {
                StreamSpecification: { StreamEnabled: true, StreamViewType: t.stream.viewType },
                LatestStreamArn: t.stream.arn,
                LatestStreamLabel: t.stream.label,
              }
            : {}),
        },
      };
    },

    ListTagsOfResource(input: ListTagsOfResourceCommandInput, sim): Out<ListTagsOfResourceCommandOutput> {
      const arn = check.required(input.ResourceArn, "resourceArn");
      const name = sim.arns.resourceOf("dynamodb", arn)?.match(/^table\/([^/]+)$/)?.[1];
      const table = name === undefined ? undefined : sim.tables.get(name);
      if (!table)
        throw awsError(
          ResourceNotFoundException,
          400,
          `Requested resource not found: ResourceArn: ${arn} not found`,
        );
      const all = tagList(table.tags);
      const after = input.NextToken === undefined ? undefined : pageToken.decode(input.NextToken);
      const rest = after === undefined ? all : all.filter((t) => t.Key > after);
      // DynamoDB pages tags 10 at a time.
      const page = rest.slice(0, 10);
      return {
        Tags: page,
        ...(rest.length > 10 ? { NextToken: pageToken.encode(page[page.length - 1]!.Key) } : {}),
      };
    },
  },
};
