import {
  BadRequestException,
  NotFoundException,
  TooManyRequestsException,
  type GetApisCommandInput,
  type GetApisCommandOutput,
  type GetStagesCommandInput,
  type GetStagesCommandOutput,
} from "@aws-sdk/client-apigatewayv2";
import type { SimAccount } from "../account.js";
import { awsError } from "../errors.js";
import { pageSorted, pageToken } from "../registry.js";
import type { Out, SimService } from "../service.js";
import type { SimHttpApi } from "../state.js";
import { validator } from "../validate.js";

const invalid = (message: string) => awsError(BadRequestException, 400, message);
const check = validator(invalid);

/** ApiGatewayV2 takes MaxResults as a string. */
function maxResults(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 500)
    throw invalid(`Invalid value for MaxResults: ${value}; use 1 to 500`);
  return n;
}

function decodeToken(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  const after = pageToken.decode(token);
  if (after === undefined) throw invalid(`Invalid NextToken: ${token}`);
  return after;
}

function apiOf(sim: SimAccount, id: string | undefined): SimHttpApi {
  check.required(id, "apiId");
  const api = sim.httpApis.get(id!);
  if (!api)
    throw awsError(NotFoundException, 404, `Invalid API identifier specified ${sim.accountId}:${id}`, {
      ResourceType: "Api",
    });
  return api;
}

export const apigatewayv2: SimService = {
  throttled: () => awsError(TooManyRequestsException, 429, "Too Many Requests", { LimitType: "Rate" }),
  apis: {
    GetApis(input: GetApisCommandInput, sim): Out<GetApisCommandOutput> {
      const page = sim.httpApis.page({
        after: decodeToken(input.NextToken),
        limit: maxResults(input.MaxResults) ?? 100,
      });
      return {
        Items: page.items.map((api) => ({
          ApiId: api.id,
          Name: api.name,
          ProtocolType: api.protocolType,
          ApiEndpoint: api.endpoint,
          CreatedDate: new Date(api.createdAt),
          RouteSelectionExpression:
            api.protocolType === "HTTP" ? "$request.method $request.path" : "$request.body.action",
          ApiKeySelectionExpression: "$request.header.x-api-key",
          DisableExecuteApiEndpoint: false,
          Tags: { ...api.tags },
        })),
        ...(page.nextAfter !== undefined ? { NextToken: pageToken.encode(page.nextAfter) } : {}),
      };
    },

    GetStages(input: GetStagesCommandInput, sim): Out<GetStagesCommandOutput> {
      const api = apiOf(sim, input.ApiId);
      const byName = new Map(api.stages.map((s) => [s.name, s]));
      const page = pageSorted([...byName.keys()].sort(), (name) => byName.get(name)!, {
        after: decodeToken(input.NextToken),
        limit: maxResults(input.MaxResults) ?? 100,
      });
      return {
        Items: page.items.map((s) => ({
          StageName: s.name,
          DeploymentId: s.deploymentId,
          AutoDeploy: s.autoDeploy ?? false,
          CreatedDate: new Date(s.createdAt),
          LastUpdatedDate: new Date(s.createdAt),
          DefaultRouteSettings: { DetailedMetricsEnabled: false },
          Tags: { ...s.tags },
        })),
        ...(page.nextAfter !== undefined ? { NextToken: pageToken.encode(page.nextAfter) } : {}),
      };
    },
  },
};
