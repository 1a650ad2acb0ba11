/** API Gateway REST APIs (v1), and HTTP and WebSocket APIs (v2), with their stages. */
import { APIGatewayClient, GetStagesCommand, paginateGetRestApis } from "@aws-sdk/client-api-gateway";
import {
  ApiGatewayV2Client,
  GetApisCommand,
  GetStagesCommand as GetV2StagesCommand,
  type Api,
} from "@aws-sdk/client-apigatewayv2";
import { paginate } from "../../aws/index.js";
import { restApiArn, v2ApiArn } from "../arn.js";
import { attempt, listCall, factsCall, collect, detailEach, type DiscoveryContext } from "../context.js";
import type { ResourceOfKind, RestApi } from "../types.js";

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

/** The v2 protocols Watchkeeper discovers, by the kind each becomes. */
const V2_PROTOCOLS = { "http-api": "HTTP", "websocket-api": "WEBSOCKET" } as const;

export type V2Kind = keyof typeof V2_PROTOCOLS;

/** Every v2 API, HTTP and WebSocket alike (GetApis lists both), every page. */
export function listV2Apis(ctx: DiscoveryContext): Promise<Api[]> {
  const client = ctx.aws.client(ApiGatewayV2Client);
  return collect(
    paginate(
      (token) =>
        client.send(new GetApisCommand({ MaxResults: "500", ...(token ? { NextToken: token } : {}) })),
      (page) => page.NextToken,
    ),
    (page) => page.Items,
  );
}

/**
 * The v2 APIs of one protocol, with their stages, from a GetApis listing (`listV2Apis`) both protocols
 * share. A failed listing leaves this kind's resources unknown: each kind warns for itself.
 */
export async function discoverV2Apis<K extends V2Kind>(
  ctx: DiscoveryContext,
  kind: K,
  listing: Promise<Api[]>,
): Promise<ResourceOfKind<K>[]> {
  const client = ctx.aws.client(ApiGatewayV2Client);
  const listed = await attempt(ctx, listCall("apigatewayv2", "GetApis", kind), () => listing);
  if (!listed.ok) return [];
  const apis = listed.value.filter((api): api is Api & { ApiId: string } => {
    return api.ProtocolType === V2_PROTOCOLS[kind] && api.ApiId !== undefined;
  });

  return detailEach(ctx, kind, apis, async (api) => {
    const arn = v2ApiArn(ctx.region, api.ApiId);
    const stages = await attempt(ctx, factsCall("apigatewayv2", "GetStages", kind, arn), () =>
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
    // HttpApi and WebSocketApi differ only in `kind`, which is K's.
    return {
      kind,
      arn,
      name: api.Name ?? api.ApiId,
      region: ctx.region,
      accountId: ctx.accountId,
      tags: api.Tags ?? {},
      id: api.ApiId,
      stages: stageNames(stages.ok ? stages.value.map((s) => s.StageName) : []),
    } as ResourceOfKind<K>;
  });
}

function stageNames(names: readonly (string | undefined)[]): string[] {
  return names.filter((n): n is string => !!n).sort();
}
