/**
 * Failures as bytes on the wire, the way AWS endpoints and the load balancers in front of them send them,
 * so a real SDK client's deserializer turns them into the same errors it raises against AWS. Shared by
 * lib/sim's fault injection and the test fault proxy in front of moto.
 */
import type { AwsService } from "../aws/quotas.js";

/** How a request was serialized: the error answer must use the same protocol. */
type WireProtocol =
  | { readonly kind: "json"; readonly version: "1.0" | "1.1"; readonly queryCompatible: boolean }
  | { readonly kind: "query" }
  | { readonly kind: "restJson" };

export interface WireResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** One modelled error: its HTTP status, its JSON `__type` (or REST `x-amzn-ErrorType`) and its query-protocol code. */
interface WireError {
  readonly status: number;
  readonly type: string;
  readonly queryCode: string;
}

interface ServiceWire {
  /** The SigV4 signing name (the credential scope's service). */
  readonly signingName: string;
  /** The IAM action prefix, as in `lambda:ListFunctions`. */
  readonly iamPrefix: string;
  readonly denied: WireError;
  readonly throttle: WireError;
}

// Coral-based JSON services answer IAM denials and rate limits with HTTP 400 and these namespaced types.
const DENIED_JSON: WireError = {
  status: 400,
  type: "com.amazon.coral.service#AccessDeniedException",
  queryCode: "AccessDenied",
};
const THROTTLED_JSON: WireError = {
  status: 400,
  type: "com.amazon.coral.availability#ThrottlingException",
  queryCode: "Throttling",
};
const DENIED_REST: WireError = { status: 403, type: "AccessDeniedException", queryCode: "AccessDenied" };
const THROTTLED_REST: WireError = {
  status: 429,
  type: "TooManyRequestsException",
  queryCode: "TooManyRequestsException",
};
const THROTTLED_TAGGING: WireError = { status: 400, type: "ThrottledException", queryCode: "Throttled" };

const SERVICE_WIRE: Readonly<Record<AwsService, ServiceWire>> = {
  lambda: { signingName: "lambda", iamPrefix: "lambda", denied: DENIED_REST, throttle: THROTTLED_REST },
  apigateway: {
    signingName: "apigateway",
    iamPrefix: "apigateway",
    denied: DENIED_REST,
    throttle: THROTTLED_REST,
  },
  apigatewayv2: {
    signingName: "apigateway",
    iamPrefix: "apigateway",
    denied: DENIED_REST,
    throttle: THROTTLED_REST,
  },
  // SQS and CloudWatch speak JSON in query-compatible mode: the query code travels in x-amzn-query-error.
  sqs: {
    signingName: "sqs",
    iamPrefix: "sqs",
    denied: { ...DENIED_JSON, status: 403 },
    throttle: { status: 403, type: "com.amazonaws.sqs#RequestThrottled", queryCode: "RequestThrottled" },
  },
  cloudwatch: {
    signingName: "monitoring",
    iamPrefix: "cloudwatch",
    denied: { ...DENIED_JSON, status: 403 },
    throttle: THROTTLED_JSON,
  },
  kinesis: {
    signingName: "kinesis",
    iamPrefix: "kinesis",
    denied: DENIED_JSON,
    throttle: { status: 400, type: "LimitExceededException", queryCode: "LimitExceeded" },
  },
  dynamodb: { signingName: "dynamodb", iamPrefix: "dynamodb", denied: DENIED_JSON, throttle: THROTTLED_JSON },
  sfn: { signingName: "states", iamPrefix: "states", denied: DENIED_JSON, throttle: THROTTLED_JSON },
  eventbridge: { signingName: "events", iamPrefix: "events", denied: DENIED_JSON, throttle: THROTTLED_JSON },
  logs: { signingName: "logs", iamPrefix: "logs", denied: DENIED_JSON, throttle: THROTTLED_JSON },
  tagging: { signingName: "tagging", iamPrefix: "tag", denied: DENIED_JSON, throttle: THROTTLED_TAGGING },
  secretsmanager: {
    signingName: "secretsmanager",
    iamPrefix: "secretsmanager",
    denied: DENIED_JSON,
    throttle: THROTTLED_JSON,
  },
  sns: {
    signingName: "sns",
    iamPrefix: "sns",
    denied: { status: 403, type: "AuthorizationErrorException", queryCode: "AuthorizationError" },
    throttle: { status: 429, type: "ThrottledException", queryCode: "Throttled" },
  },
  iam: {
    signingName: "iam",
    iamPrefix: "iam",
    denied: DENIED_REST,
    throttle: { ...THROTTLED_JSON, type: "Throttling" },
  },
  organizations: {
    signingName: "organizations",
    iamPrefix: "organizations",
    denied: DENIED_JSON,
    throttle: { status: 400, type: "TooManyRequestsException", queryCode: "TooManyRequestsException" },
  },
  sts: {
    signingName: "sts",
    iamPrefix: "sts",
    denied: DENIED_REST,
    throttle: { ...THROTTLED_JSON, type: "Throttling" },
  },
};

/** The service a SigV4-signed request is for, from its credential scope (`Credential=AKID/date/region/service/aws4_request`). */
export function serviceOfAuthorization(authorization: string | undefined): AwsService | undefined {
  const signingName = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(authorization ?? "")?.[1];
  const entry = Object.entries(SERVICE_WIRE).find(([, wire]) => wire.signingName === signingName);
  return entry?.[0] as AwsService | undefined;
}

/** The protocol a request was serialized in, from its headers (names lower-case). */
function protocolOf(headers: Readonly<Record<string, string | undefined>>): WireProtocol {
  const contentType = headers["content-type"] ?? "";
  if (headers["x-amz-target"] !== undefined) {
    return {
      kind: "json",
      version: contentType.includes("json-1.0") ? "1.0" : "1.1",
      queryCompatible: headers["x-amzn-query-mode"] === "true",
    };
  }
  if (contentType.startsWith("application/x-www-form-urlencoded")) return { kind: "query" };
  return { kind: "restJson" };
}

/** The request a fault answers: its method and headers (names lower-case) tell the protocol and the IAM action. */
export interface WireRequest {
  readonly method: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
}

/**
 * An injected failure as `service` would send it for `api`: AccessDenied naming the IAM action `principalArn`
 * lacks, the throttling error, or a load balancer's 502 page.
 */
export function faultResponse(
  fault: "denied" | "throttle" | "html-502",
  service: AwsService,
  api: string,
  request: WireRequest,
  principalArn: string,
  requestId: string,
): WireResponse {
  if (fault === "html-502") return BAD_GATEWAY;
  const wire = SERVICE_WIRE[service];
  const protocol = protocolOf(request.headers);
  if (fault === "throttle") return errorResponse(protocol, wire.throttle, "Rate exceeded", requestId);
  // API Gateway's management API authorizes by HTTP verb (apigateway:GET), every other service by API.
  const action =
    wire.iamPrefix === "apigateway" ? `apigateway:${request.method}` : `${wire.iamPrefix}:${api}`;
  const message = `User: ${principalArn} is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`;
  return errorResponse(protocol, wire.denied, message, requestId);
}

/** A modelled error as the service sends it in `protocol`. */
function errorResponse(
  protocol: WireProtocol,
  error: WireError,
  message: string,
  requestId: string,
): WireResponse {
  switch (protocol.kind) {
    case "json":
      return {
        statusCode: error.status,
        headers: {
          "content-type": `application/x-amz-json-${protocol.version}`,
          "x-amzn-requestid": requestId,
          ...(protocol.queryCompatible ? { "x-amzn-query-error": `${error.queryCode};Sender` } : {}),
        },
        body: JSON.stringify({ __type: error.type, message }),
      };
    case "restJson":
      return {
        statusCode: error.status,
        headers: {
          "content-type": "application/json",
          "x-amzn-requestid": requestId,
          "x-amzn-errortype": error.type.split("#").pop()!,
        },
        body: JSON.stringify({ message }),
      };
    case "query":
      return {
        statusCode: error.status,
        headers: { "content-type": "text/xml", "x-amzn-requestid": requestId },
        body:
          `<ErrorResponse><Error><Type>Sender</Type><Code>${error.queryCode}</Code>` +
          `<Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      };
  }
}

/** What an Application Load Balancer answers when the target behind it fails. */
const BAD_GATEWAY: WireResponse = {
  statusCode: 502,
  headers: { "content-type": "text/html", server: "awselb/2.0" },
  body: [
    "<html>",
    "<head><title>502 Bad Gateway</title></head>",
    "<body>",
    "<center><h1>502 Bad Gateway</h1></center>",
    "</body>",
    "</html>",
    "",
  ].join("\r\n"),
};

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
