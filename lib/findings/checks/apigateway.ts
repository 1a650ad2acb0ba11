/** API Gateway: a function behind an integration must finish before the API stops waiting for it. */
import type { HttpApi, RestApi } from "../../inventory/types.js";
import type { Check, FindingDraft } from "../types.js";

const REST_QUOTAS = "https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html";

/** Endpoint types whose integration timeout can be raised above 29 s by a quota increase (June 2024). */
const RAISABLE = new Set(["REGIONAL", "PRIVATE"]);

function limitOf(api: RestApi | HttpApi, rest: number, http: number) {
  if (api.kind === "http-api") return { seconds: http, label: `HTTP API ${api.name}`, raisable: false };
  const types = api.endpointTypes.length > 0 ? api.endpointTypes : ["EDGE"];
  return {
    seconds: rest,
    label: `REST API ${api.name} (${types.join(", ")})`,
    raisable: types.every((type) => RAISABLE.has(type)),
  };
}

export const apiFunctionTimeout: Check = {
  id: "api-function-timeout",
  title: "Function timeout above its API Gateway integration timeout",
  severity: "high",
  description:
    "API Gateway stops waiting for an integration after 29 s on REST APIs (by default) and 30 s on HTTP " +
    "APIs; the client gets a 504 while the function runs on. Since June 2024 Regional and private REST " +
    "APIs can raise the integration timeout beyond 29 s through a quota increase; the inventory does not " +
    "read integration timeouts, so for those APIs the finding is medium and says so.",
  source: REST_QUOTAS,
  run({ index, thresholds }) {
    const drafts: FindingDraft[] = [];
    const apis = [...index.ofKind("rest-api"), ...index.ofKind("http-api")];
    for (const api of apis) {
      const limit = limitOf(
        api,
        thresholds.restApiIntegrationTimeoutSeconds,
        thresholds.httpApiIntegrationTimeoutSeconds,
      );
      const seen = new Set<string>();
      for (const relation of index.relationsFrom(api.arn, "api-integration")) {
        const fn = index.resource(relation.to);
        if (fn?.kind !== "lambda-function" || seen.has(fn.arn)) continue;
        seen.add(fn.arn);
        if (fn.timeoutSeconds <= limit.seconds) continue;
        const unless = limit.raisable
          ? " (unless its integration timeout was raised by a quota increase)"
          : "";
        drafts.push({
          resourceArn: fn.arn,
          resourceName: fn.name,
          resourceKind: fn.kind,
          severity: limit.raisable ? "medium" : undefined,
          message: `timeout ${fn.timeoutSeconds} s is above the ${limit.seconds} s integration timeout of ${limit.label}${unless}: clients get a 504 while the function runs on`,
          fix: limit.raisable
            ? `Lower ${fn.name}'s timeout to at most ${limit.seconds} s or move the slow work behind a queue; if the API's timeout was raised, accept this finding.`
            : `Lower ${fn.name}'s timeout to at most ${limit.seconds} s, or move the slow work behind a queue and return 202.`,
        });
      }
    }
    return drafts;
  },
};

export const APIGATEWAY_CHECKS: readonly Check[] = [apiFunctionTimeout];
