import type { ResponseMetadata } from "@smithy/types";

/**
 * Errors the way the SDK raises them. Handlers throw the service's own exception classes (so
 * `instanceof ResourceNotFoundException` and `error.name` both work as against AWS); codes the SDK has
 * no class for are raised as the service's base exception with that name, as its deserializer does.
 */

let requests = 0;

export function responseMetadata(httpStatusCode: number): ResponseMetadata {
  requests += 1;
  const requestId = `00000000-5157-4000-8000-${requests.toString(16).padStart(12, "0")}`;
  return { httpStatusCode, requestId, attempts: 1, totalRetryDelay: 0 };
}

type ErrorOptions = { $metadata: ResponseMetadata; message?: string };

/** An instance of one of the SDK's modelled exception classes. */
export function awsError<O extends ErrorOptions, E>(
  ErrorClass: new (options: O) => E,
  status: number,
  message: string,
  fields?: Omit<O, keyof ErrorOptions>,
): E {
  return new ErrorClass({ ...fields, message, $metadata: responseMetadata(status) } as O);
}

type BaseOptions = {
  name: string;
  $fault: "client" | "server";
  $metadata: ResponseMetadata;
  message?: string;
};

/** A code the SDK has no class for (e.g. CloudWatch's "Throttling"), raised as the service's base exception. */
export function awsCodeError<E>(
  BaseClass: new (options: BaseOptions) => E,
  name: string,
  status: number,
  message: string,
): E {
  return new BaseClass({
    name,
    $fault: status >= 500 ? "server" : "client",
    message,
    $metadata: responseMetadata(status),
  });
}

/** A command lib/sim has no handler for: a gap in the simulator, never an AWS answer. */
export class SimNotImplementedError extends Error {
  override readonly name = "SimNotImplementedError";

  constructor(
    readonly service: string,
    readonly api: string,
  ) {
    super(`lib/sim does not implement ${service} ${api}; add a handler to lib/sim/services/${service}.ts`);
  }
}

/** A valid request that goes beyond what the simulator models (e.g. a metric math function). */
export class SimUnsupportedError extends Error {
  override readonly name = "SimUnsupportedError";
}
