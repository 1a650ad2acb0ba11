/** API Gateway REST APIs (v1) and HTTP APIs (v2, WebSocket APIs left out), with their stages. */
import { APIGatewayClient, GetStagesCommand, paginateGetRestApis } from "@aws-sdk/client-api-gateway";
import {
  ApiGatewayV2Client,
  GetApisCommand,
  GetStagesCommand as GetV2StagesCommand,
  type Api,
} from "@aws-sdk/client-apigatewayv2";
import { paginate } from "../../aws/index.js";
import { httpApiArn, restApiArn } from "../arn.js";
import { attempt, listCall, factsCall, collect, detailEach, type DiscoveryContext } from "../context.js";
import type { HttpApi, RestApi } from "../types.js";

export async function discoverRestApis(ctx: DiscoveryContext): Promise<RestApi[]> {
  const client = ctx.aws.client(APIGatewayClient);
  const listed = await attempt(ctx, listCall("apigateway", "GetRestApis", "rest-api"), () =>
    collect(paginateGetRestApis({ client, stopOnSameToken: true }, { limit: 500 }), (page) => page.items),
  );
  if (!listed.ok) return [];

  return detailEach(ctx, "rest-api", listed.value, async (api) => {
    const id = api.id;
    if (!id) return undefined;
    const arn = restApiArn(ctx.region, id);
    const stages = await attempt(ctx, factsCall("apigateway", "GetStages", "rest-api", arn), () =>
      client.send(new GetStagesCommand({ restApiId: id })),
    );
    if (!stages.ok && stages.reason === "missing") return undefined;
    return {
      kind: "rest-api",
      arn,
      name: api.name ?? id,
      region: ctx.region,
      accountId: ctx.accountId,
      tags: api.tags ?? {},
      id,
      stages: stageNames(stages.ok ? (stages.value.item ?? []).map((s) => s.stageName) : []),
      endpointTypes: [...(api.endpointConfiguration?.types ?? [])].sort(),
    } satisfies RestApi;
  });
}

export async function discoverHttpApis(ctx: DiscoveryContext): Promise<HttpApi[]> {
  const client = ctx.aws.client(ApiGatewayV2Client);
  const listed = await attempt(ctx, listCall("apigatewayv2", "GetApis", "http-api"), () =>
    collect(
      paginate(
        (token) =>
          client.send(new GetApisCommand({ MaxResults: "500", ...(token ? { NextToken: token } : {}) })),
        (page) => page.NextToken,
      ),
      (page) => page.Items,
    ),
  );
  if (!listed.ok) return [];
  const httpApis = listed.value.filter((api): api is Api & { ApiId: string } => {
    return api.ProtocolType === "HTTP" && api.ApiId !== undefined;
  });

  return detailEach(ctx, "http-api", httpApis, async (api) => {
    const arn = httpApiArn(ctx.region, api.ApiId);
    const stages = await attempt(ctx, factsCall("apigatewayv2", "GetStages", "http-api", arn), () =>
      collect(
        paginate(
          (token) =>
            client.send(
              new GetV2StagesCommand({
                ApiId: api.ApiId,
                MaxResults: "500",
                ...(token ? { NextToken: token } : {}),
              }),
            ),
          (page) => page.NextToken,
        ),
        (page) => page.Items,
      ),
    );
    if (!stages.ok && stages.reason === "missing") return undefined;
    return {
      kind: "http-api",
      arn,
      name: api.Name ?? api.ApiId,
      region: ctx.region,
      accountId: ctx.accountId,
      tags: api.Tags ?? {},
      id: api.ApiId,
      stages: stageNames(stages.ok ? stages.value.map((s) => s.StageName) : []),
    } satisfies HttpApi;
  });
}

function stageNames(names: readonly (string | undefined)[]): string[] {
  return names.filter((n): n is string => !!n).sort();
}
