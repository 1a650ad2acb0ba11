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

/** One line a person can act on, for the CLI and logs. */
export function describeAwsError(error: unknown): string {
  const e = shape(error);
  const code = e.code ?? e.name ?? "";
  if (e.name === "CredentialsProviderError" || /Could not load credentials/i.test(e.message ?? "")) {
    return "no AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or pass --profile";
  }
  if (e.name === "TimeoutError" && /requestTimeout/.test(e.message ?? "")) {
    return "the AWS endpoint accepted the request but did not answer in time (each attempt is cut off and retried)";
  }
  if (e.name === "CutoffReached") return e.message ?? "the run's time limit was reached";
  if (isUnreadableAnswer(error)) {
    return `the endpoint answered HTTP ${httpStatusOf(error) ?? "?"} with something that is not an AWS response (a proxy, load balancer or emulator page)`;
  }
  if (
    NETWORK.has(code) ||
    e.name === "TimeoutError" ||
    /ECONNREFUSED|ENOTFOUND|EAI_AGAIN/.test(e.message ?? "")
  ) {
    return `cannot reach the AWS endpoint (${code || e.message}): check --endpoint, the network, or the region`;
  }
  if (
    ["UnrecognizedClientException", "InvalidClientTokenId", "ExpiredToken", "ExpiredTokenException"].includes(
      code,
    )
  ) {
    return `AWS rejected the credentials (${code}): refresh them or choose another --profile`;
  }
  // One line: some endpoints answer an HTML page, which the SDK quotes in a multi-line message.
  return `${code || "error"}: ${(e.message ?? String(error)).replace(/\s*\n\s*/g, " ")}`;
}
