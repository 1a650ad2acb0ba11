import {
  BadRequestException,
  NotFoundException,
  TooManyRequestsException,
  type GetRestApisCommandInput,
  type GetRestApisCommandOutput,
  type GetStagesCommandInput,
  type GetStagesCommandOutput,
  type GetTagsCommandInput,
  type GetTagsCommandOutput,
} from "@aws-sdk/client-api-gateway";
import type { SimAccount } from "../account.js";
import { awsError } from "../errors.js";
import { pageToken } from "../registry.js";
import type { Out, SimService } from "../service.js";
import type { SimRestApi } from "../state.js";
import { validator } from "../validate.js";

const invalid = (message: string) => awsError(BadRequestException, 400, message);
const check = validator(invalid);

function apiOf(sim: SimAccount, id: string | undefined): SimRestApi {
  check.required(id, "restApiId");
  const api = sim.restApis.get(id!);
  if (!api) throw awsError(NotFoundException, 404, `Invalid API identifier specified ${sim.accountId}:${id}`);
  return api;
}

function decodePosition(position: string | undefined): string | undefined {
  if (position === undefined) return undefined;
  const after = pageToken.decode(position);
  if (after === undefined) throw invalid(`Invalid position parameter: ${position}`);
  return after;
}

export const apigateway: SimService = {
  throttled: () => awsError(TooManyRequestsException, 429, "Too Many Requests", { retryAfterSeconds: "1" }),
  apis: {
    GetRestApis(input: GetRestApisCommandInput, sim): Out<GetRestApisCommandOutput> {
      check.range(input.limit, "limit", 1, 500);
      const page = sim.restApis.page({ after: decodePosition(input.position), limit: input.limit ?? 25 });
      return {
        items: page.items.map((api) => ({
          id: api.id,
          name: api.name,
          ...(api.description ? { description: api.description } : {}),
          createdDate: new Date(api.createdAt),
          apiKeySource: "HEADER",
          endpointConfiguration: { types: [...api.endpointTypes] },
          disableExecuteApiEndpoint: false,
          ...(Object.keys(api.tags).length > 0 ? { tags: { ...api.tags } } : {}),
        })),
        ...(page.nextAfter !== undefined ? { position: pageToken.encode(page.nextAfter) } : {}),
      };
    },

    GetStages(input: GetStagesCommandInput, sim): Out<GetStagesCommandOutput> {
      const api = apiOf(sim, input.restApiId);
      return {
        item: api.stages
          .filter((s) => input.deploymentId === undefined || s.deploymentId === input.deploymentId)
          .map((s) => ({
            stageName: s.name,
            deploymentId: s.deploymentId,
            createdDate: new Date(s.createdAt),
            lastUpdatedDate: new Date(s.createdAt),
            tracingEnabled: s.tracingEnabled,
            methodSettings: {},
            ...(Object.keys(s.tags).length > 0 ? { tags: { ...s.tags } } : {}),
          })),
      };
    },

    GetTags(input: GetTagsCommandInput, sim): Out<GetTagsCommandOutput> {
      const arn = check.required(input.resourceArn, "resourceArn");
      const path = sim.arns.resourceOf("apigateway", arn);
      const restApi = path?.match(/^\/restapis\/([^/]+)$/)?.[1];
      const stage = path?.match(/^\/restapis\/([^/]+)\/stages\/([^/]+)$/);
      if (restApi !== undefined) return { tags: { ...apiOf(sim, restApi).tags } };
      if (stage) {
        const found = apiOf(sim, stage[1]).stages.find((s) => s.name === stage[2]);
        if (found) return { tags: { ...found.tags } };
      }
      throw awsError(NotFoundException, 404, `Invalid resource identifier specified: ${arn}`);
    },
  },
};
