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

export function isNotFound(error: unknown): boolean {
  return NOT_FOUND.has(errorCode(error));
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
 * The endpoint does not offer this API: it says so, or it answered with something the SDK cannot
 * read (an emulator's HTML 404/500 page, or a response that breaks the API's shape). Real AWS only
 * gets here for APIs a region lacks; emulators such as moto get here for what they do not implement.
 */
export function isUnsupported(error: unknown): boolean {
  if (UNSUPPORTED.has(errorCode(error))) return true;
  // The SDK's deserializer attaches the raw `$response` to what it throws; modeled service errors
  // also carry `$fault`, so a `$response` without `$fault` is a body the SDK could not parse.
  return typeof error === "object" && error !== null && "$response" in error && !("$fault" in error);
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
