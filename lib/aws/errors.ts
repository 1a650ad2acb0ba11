/** Classification of SDK errors, so callers decide by meaning (throttled, denied, unreachable), not by name lists. */

interface SdkErrorShape {
  readonly name?: string;
  readonly code?: string;
  readonly message?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

function shape(error: unknown): SdkErrorShape {
  return typeof error === "object" && error !== null ? (error as SdkErrorShape) : {};
}

export function errorCode(error: unknown): string {
  const e = shape(error);
  return e.name ?? e.code ?? "Error";
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const THROTTLING = new Set([
  "ThrottlingException",
  "Throttling",
  "ThrottledException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "LimitExceededException",
]);

export function isThrottling(error: unknown): boolean {
  return THROTTLING.has(errorCode(error)) || shape(error).$metadata?.httpStatusCode === 429;
}

const ACCESS_DENIED = new Set([
  "AccessDenied",
  "AccessDeniedException",
  "AuthorizationError",
  "AuthorizationErrorException",
  "UnauthorizedOperation",
  "UnauthorizedException",
]);

export function isAccessDenied(error: unknown): boolean {
  return ACCESS_DENIED.has(errorCode(error));
}

const NOT_FOUND = new Set([
  "ResourceNotFoundException",
  "NotFoundException",
  "NotFound",
  "QueueDoesNotExist",
  "AWS.SimpleQueueService.NonExistentQueue",
  "StateMachineDoesNotExist",
]);

/** A modeled "no such resource" answer; a 404 page from something in between is not one. */
export function isNotFound(error: unknown): boolean {
  return NOT_FOUND.has(errorCode(error)) && !isUnreadableAnswer(error);
}

interface ResponseShape {
  readonly $response?: { readonly statusCode?: number };
  readonly $fault?: string;
}

/** The HTTP status of the answer, when there was one. */
export function httpStatusOf(error: unknown): number | undefined {
  const e = shape(error) as SdkErrorShape & ResponseShape;
  return e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
}

/**
 * The endpoint answered with something that is not an AWS error (an HTML page from a proxy, a load
 * balancer or an emulator): the SDK attaches the raw `$response` and could not read a modeled error
 * from it — a parse error (no `$fault`), or a query-protocol "Unknown".
 */
export function isUnreadableAnswer(error: unknown): boolean {
  if (typeof error !== "object" || error === null || !("$response" in error)) return false;
  const e = error as SdkErrorShape & ResponseShape;
  return (
    !("$fault" in error) ||
    e.name === "Unknown" ||
    e.name === "UnknownError" ||
    e.message === "Unknown" ||
    e.message === "UnknownError"
  );
}

const UNSUPPORTED = new Set([
  "NotImplemented",
  "NotImplementedException",
  "UnknownOperationException",
  "UnsupportedOperation",
  "UnsupportedOperationException",
  "InvalidAction",
]);

/**
 * The endpoint does not offer this API. AWS says so with a code (or HTTP 501); an emulator such as moto
 * answers an API it lacks with an HTML 500 or 404 page, or with a 200 whose body breaks the API's
 * shape (an API it only half implements). Only where the endpoint is an emulator
 * (`Aws.emulator`) is such a page read as "not offered"; from AWS's own endpoints, and with any other
 * status (a proxy's 502, 503, 504), an unreadable answer is a failure like any other.
 */
export function isUnsupported(error: unknown, endpoint: { readonly emulator: boolean }): boolean {
  if (UNSUPPORTED.has(errorCode(error)) || httpStatusOf(error) === 501) return true;
  const status = httpStatusOf(error);
  const lacking = status === 500 || status === 404 || (status !== undefined && status >= 200 && status < 300);
  return endpoint.emulator && isUnreadableAnswer(error) && lacking;
}

const NETWORK = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
]);

const REJECTED_CREDENTIALS = new Set([
  "UnrecognizedClientException",
  "InvalidClientTokenId",
  "ExpiredToken",
  "ExpiredTokenException",
]);

/** The call an error came from: its service (as in `quotas.ts`, "cloudwatch") and API ("GetDashboard"). */
export interface AwsCall {
  readonly service: string;
  readonly api: string;
}

/** Set by `Aws`'s outermost middleware, which every error of every call passes through. */
const callOfError = new WeakMap<object, AwsCall>();

/** Records the call an error came from; the first (innermost) call to record it wins. */
export function recordFailedCall(error: unknown, call: AwsCall): void {
  if (typeof error === "object" && error !== null && !callOfError.has(error)) callOfError.set(error, call);
}

/** "cloudwatch GetDashboard": the call an error thrown by an `Aws` client came from, when it did. */
export function failedCall(error: unknown): string | undefined {
  const call = typeof error === "object" && error !== null ? callOfError.get(error) : undefined;
  return call && `${call.service} ${call.api}`;
}

/**
 * The one line for an AWS failure, for the CLI, logs and reports: "<service> <API> failed: <what AWS
 * said>[; hint]". `call` names the call when the error did not come through an `Aws` client; with
 * neither, the line is what was said alone.
 */
export function describeAwsError(error: unknown, call?: string): string {
  const named = failedCall(error) ?? call;
  const reason = awsErrorReason(error);
  return named === undefined ? reason : `${named} failed: ${reason}`;
}

/** Longest quote of an answer kept in the line: an HTML page or a stack must not flood a terminal. */
const MAX_SAID_CHARS = 400;

/**
 * What AWS (or whatever answered) said, on one line, with a hint where one helps; without the call,
 * for callers that name it themselves (discovery warnings carry `service` and `operation` apart).
 */
export function awsErrorReason(error: unknown): string {
  const e = shape(error);
  const code = e.code ?? e.name ?? "";
  const message = e.message ?? String(error);
  if (e.name === "CredentialsProviderError" || /Could not load credentials/i.test(message)) {
    return "no AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or pass --profile";
  }
  if (e.name === "TimeoutError" && /requestTimeout/.test(message)) {
    return "the AWS endpoint accepted the request but did not answer in time (each attempt is cut off and retried)";
  }
  if (e.name === "CutoffReached") return "the run's time limit was reached before it completed";
  if (isUnreadableAnswer(error)) {
    return `the endpoint answered HTTP ${httpStatusOf(error) ?? "?"} with something that is not an AWS response (a proxy, load balancer or emulator page)`;
  }
  if (NETWORK.has(code) || e.name === "TimeoutError" || /ECONNREFUSED|ENOTFOUND|EAI_AGAIN/.test(message)) {
    return `cannot reach the AWS endpoint (${code || message}): check --endpoint, the network, or the region`;
  }
  if (REJECTED_CREDENTIALS.has(code)) {
    return `AWS rejected the credentials (${code}): refresh them or choose another --profile`;
  }
  // One line: some endpoints answer an HTML page, which the SDK quotes in a multi-line message.
  const said = clip(`${code || "error"}: ${message.replace(/\s*\n\s*/g, " ")}`);
  const hint = hintFor(error, said);
  return hint === undefined ? said : `${said}; ${hint}`;
}

function clip(text: string): string {
  return text.length > MAX_SAID_CHARS ? `${text.slice(0, MAX_SAID_CHARS - 1)}…` : text;
}

function hintFor(error: unknown, said: string): string | undefined {
  if (isThrottling(error)) return "AWS kept throttling it past the retries: run again in a minute";
  // Step Functions' answer for a definition under a customer managed key the caller may not use.
  if (errorCode(error) === "KmsAccessDeniedException") {
    return "the caller needs kms:Decrypt on the customer managed key that encrypts it (the key policy, or an IAM grant the key policy allows)";
  }
  if (!isAccessDenied(error)) return undefined;
  const call = typeof error === "object" && error !== null ? callOfError.get(error) : undefined;
  const action = call && iamAction(call);
  // AWS's own message usually names the action already ("not authorized to perform: sqs:ListQueues").
  return action === undefined || said.includes(action) ? undefined : `the caller needs ${action}`;
}

/** IAM's prefix for each service, where it differs from the quota table's name. */
const IAM_PREFIX: Readonly<Record<string, string>> = { sfn: "states", eventbridge: "events", tagging: "tag" };

/** API Gateway authorizes by HTTP method ("apigateway:GET"), not by API name. */
const APIGATEWAY_METHOD: readonly (readonly [RegExp, string])[] = [
  [/^(Get|List)/, "GET"],
  [/^Create/, "POST"],
  [/^Update/, "PATCH"],
  [/^Delete/, "DELETE"],
];

/** "lambda:ListFunctions": the IAM action a call needs. */
function iamAction(call: AwsCall): string | undefined {
  if (call.service === "apigateway" || call.service === "apigatewayv2") {
    const method = APIGATEWAY_METHOD.find(([pattern]) => pattern.test(call.api))?.[1];
    return method && `apigateway:${method}`;
  }
  return `${IAM_PREFIX[call.service] ?? call.service}:${call.api}`;
}
