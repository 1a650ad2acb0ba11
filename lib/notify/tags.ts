/** The tags a notification reads: the alarm's (CloudWatch) and its resource's (Resource Groups Tagging API). */
import { CloudWatchClient, ListTagsForResourceCommand } from "@aws-sdk/client-cloudwatch";
import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
} from "@aws-sdk/client-resource-groups-tagging-api";
import type { Aws } from "../aws/clients.js";
import type { Tags } from "../inventory/types.js";

export async function alarmTags(aws: Aws, alarmArn: string): Promise<Tags> {
  const answer = await aws
    .client(CloudWatchClient)
    .send(new ListTagsForResourceCommand({ ResourceARN: alarmArn }));
  return Object.fromEntries((answer.Tags ?? []).map((tag) => [tag.Key ?? "", tag.Value ?? ""]));
}

/** Tags of one resource by ARN; empty when the Tagging API does not know it (untagged resources are not listed). */
export async function resourceTags(aws: Aws, arn: string): Promise<Tags> {
  const answer = await aws
    .client(ResourceGroupsTaggingAPIClient)
    .send(new GetResourcesCommand({ ResourceARNList: [arn] }));
  const found = answer.ResourceTagMappingList?.find((mapping) => mapping.ResourceARN === arn);
  return Object.fromEntries((found?.Tags ?? []).map((tag) => [tag.Key ?? "", tag.Value ?? ""]));
}
