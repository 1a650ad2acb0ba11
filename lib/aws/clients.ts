import { fromNodeProviderChain } from "@aws-sdk/credential-providers";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type {
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
  Pluggable,
  RetryStrategyV2,
} from "@smithy/types";
import { systemClock, type Clock } from "./clock.js";
import { recordFailedCall } from "./errors.js";
import { Pacer } from "./pacer.js";
import type { AwsService } from "./quotas.js";
import { validateEndpoint, validateRegion } from "./target.js";

/** Where and as whom to call AWS. */
export interface AwsTarget {
  readonly region: string;
  /** A named profile from the shared config files. */
  readonly profile?: string;
  /** Overrides every service endpoint (an AWS-compatible emulator). Without it the SDK honours AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>. */
  readonly endpoint?: string;
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
}

/** Where and as whom one client calls: what a plugin standing in for AWS answers by (lib/sim's organization). */
export interface ClientCaller {
  readonly region: string;
  /** The client's credentials, resolved (undefined: none configured). */
  credentials(): Promise<AwsCredentialIdentity | undefined>;
}

export interface AwsOptions extends AwsTarget {
  readonly clock?: Clock;
  /** Shared when several runs must respect one quota budget. */
  readonly pacer?: Pacer;
  /** Extra middleware per client; `lib/sim` plugs its in-memory account (or organization) in here. */
  readonly plugin?: (service: AwsService, caller: ClientCaller) => Pluggable<object, object>;
  readonly maxAttempts?: number;
  /** One attempt's whole-request limit (default REQUEST_TIMEOUT_MS): longer for a call that waits on work, like a synchronous Invoke. */
  readonly requestTimeoutMs?: number;
  /** Replaces the adaptive retries with a strategy made per client for the same attempts (lib/sim's waits no wall time). */
  readonly retryStrategy?: (maxAttempts: number) => RetryStrategyV2;
  /**
   * Epoch ms (on the clock) after which no call starts and calls in flight are abandoned: a run that
   * must end with its report (a Lambda invocation) cannot wait on a hung endpoint past it.
   */
  readonly cutoff?: number;
}

/** Whole-request limit of one attempt; the request is aborted (not just logged) and then retried. */
export const REQUEST_TIMEOUT_MS = 15_000;
export const CONNECTION_TIMEOUT_MS = 3_000;
export const MAX_ATTEMPTS = 3;
/**
 * The longest one call can take when every attempt times out: each attempt's timeout plus the adaptive
 * retry's backoff between them (at most 1 s, then 2 s, for throttling) and room for its rate limiter.
 */
export const WORST_CASE_CALL_MS = MAX_ATTEMPTS * REQUEST_TIMEOUT_MS + 5_000;

/** Thrown for a call that would start, or is still waiting, past the run's cutoff. */
export class CutoffReached extends Error {
  override readonly name = "CutoffReached";
  constructor(readonly api: string) {
    super(`${api} was not completed: the run's time limit was reached`);
  }
}

/** Any SDK v3 client class. */
export type ClientClass<C> = new (config: Record<string, unknown>) => C;

interface SdkClient {
  readonly config: { readonly serviceId?: string };
  readonly middlewareStack: { use(pluggable: Pluggable<object, object>): void };
  destroy(): void;
}

const SERVICE_IDS: Readonly<Record<string, AwsService>> = {
  Lambda: "lambda",
  SQS: "sqs",
  Kinesis: "kinesis",
  DynamoDB: "dynamodb",
  "API Gateway": "apigateway",
  ApiGatewayV2: "apigatewayv2",
  SFN: "sfn",
  EventBridge: "eventbridge",
  SNS: "sns",
  "CloudWatch Logs": "logs",
  CloudWatch: "cloudwatch",
  "Resource Groups Tagging API": "tagging",
  STS: "sts",
  IAM: "iam",
  "Secrets Manager": "secretsmanager",
  Organizations: "organizations",
};

/**
 * The one place SDK clients are made. Callers name the client class they need (so each Lambda bundle
 * holds only its own clients); every client shares the region, credentials, endpoint, adaptive retries
 * and a pacer that keeps each API below its quota.
 */
export class Aws {
  readonly region: string;
  readonly pacer: Pacer;
  /**
   * The endpoint is not AWS's own (`--endpoint` or AWS_ENDPOINT_URL*): only then may an unreadable
   * answer mean "this emulator lacks the API" (see `isUnsupported`).
   */
  readonly emulator: boolean;
  private readonly clients = new Map<ClientClass<unknown>, SdkClient>();
  private readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;

  constructor(private readonly options: AwsOptions) {
    this.region = validateRegion(options.region);
    if (options.endpoint !== undefined) validateEndpoint(options.endpoint);
    this.pacer = options.pacer ?? new Pacer(options.clock ?? systemClock);
    this.emulator =
      options.endpoint !== undefined ||
      Object.keys(process.env).some(
        (name) => name === "AWS_ENDPOINT_URL" || name.startsWith("AWS_ENDPOINT_URL_"),
      );
    this.credentials =
      options.credentials ??
      (options.plugin
        ? undefined
        : fromNodeProviderChain(options.profile ? { profile: options.profile } : {}));
  }

  client<C>(Client: ClientClass<C>): C {
    const existing = this.clients.get(Client as ClientClass<unknown>);
    if (existing) return existing as C;
    const client = new Client({
      region: this.region,
      ...(this.credentials ? { credentials: this.credentials } : {}),
      ...(this.options.endpoint ? { endpoint: this.options.endpoint } : {}),
      retryMode: "adaptive",
      maxAttempts: this.options.maxAttempts ?? MAX_ATTEMPTS,
      ...(this.options.retryStrategy
        ? { retryStrategy: this.options.retryStrategy(this.options.maxAttempts ?? MAX_ATTEMPTS) }
        : {}),
      // HTTP/1.1 with short connect timeouts: local emulators speak nothing else, and an unreachable
      // endpoint should fail in seconds, not minutes. Without throwOnRequestTimeout this SDK version
      // only logs a warning when requestTimeout passes and keeps waiting on a server that never answers.
      requestHandler: new NodeHttpHandler({
        connectionTimeout: CONNECTION_TIMEOUT_MS,
        requestTimeout: this.options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
        throwOnRequestTimeout: true,
      }),
    }) as C & SdkClient;
    const service = serviceOf(client);
    client.middlewareStack.use(pacingPlugin(this.pacer, service, this.options.cutoff));
    if (this.options.plugin) client.middlewareStack.use(this.options.plugin(service, this.caller()));
    this.clients.set(Client as ClientClass<unknown>, client);
    return client;
  }

  /** The same target, pacer and clock, whose calls stop at `cutoff` (see `AwsOptions.cutoff`). */
  until(cutoff: number): Aws {
    // The same credentials provider too, so its cache carries over instead of resolving them again.
    const credentials = this.credentials ? { credentials: this.credentials } : {};
    return new Aws({ ...this.options, ...credentials, pacer: this.pacer, cutoff });
  }

  /**
   * The same endpoint, plugin, clock, retries and cutoff, in another region and (with `credentials`, e.g.
   * an organization member's role) as someone else: a pacer of its own, since AWS's quotas are per
   * account and region. `attempts` replaces the attempts and the request timeout of each, for a call that
   * must not be sent twice (a synchronous Invoke runs the function again).
   */
  retarget(target: {
    readonly region: string;
    readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
    readonly attempts?: { readonly max: number; readonly requestTimeoutMs: number };
  }): Aws {
    const { pacer: _own, profile: _resolved, ...options } = this.options;
    const credentials = target.credentials ?? this.credentials;
    const attempts = target.attempts
      ? { maxAttempts: target.attempts.max, requestTimeoutMs: target.attempts.requestTimeoutMs }
      : {};
    return new Aws({
      ...options,
      ...attempts,
      region: target.region,
      ...(credentials ? { credentials } : {}),
    });
  }

  private caller(): ClientCaller {
    const credentials = this.credentials;
    return {
      region: this.region,
      credentials: async () => (typeof credentials === "function" ? credentials() : credentials),
    };
  }

  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }
}

function serviceOf(client: SdkClient): AwsService {
  const service = SERVICE_IDS[client.config.serviceId ?? ""];
  if (!service) throw new Error(`no quota table entry for AWS service "${client.config.serviceId}"`);
  return service;
}

/** "ListFunctionsCommand" → "ListFunctions" */
export function apiName(commandName: string | undefined): string {
  return (commandName ?? "Unknown").replace(/Command$/, "");
}

function pacingPlugin(pacer: Pacer, service: AwsService, cutoff?: number): Pluggable<object, object> {
  return {
    applyToStack(stack) {
      stack.add(
        (next, context) => async (args) => {
          const api = apiName(context.commandName);
          try {
            return await paced(pacer, service, api, cutoff, () => next(args));
          } catch (error) {
            // The outermost middleware: every error of the call passes here, whichever layer threw it.
            recordFailedCall(error, { service, api });
            throw error;
          }
        },
        { step: "initialize", name: "watchkeeperPacing", priority: "high" },
      );
    },
  };
}

/** Waits for the call's pacer slot, then sends it; with a cutoff, starts and waits for nothing past it. */
async function paced<Output>(
  pacer: Pacer,
  service: AwsService,
  api: string,
  cutoff: number | undefined,
  send: () => Promise<Output>,
): Promise<Output> {
  if (cutoff === undefined) {
    await pacer.take(service, api);
    return send();
  }
  const clock = pacer.clock;
  if (clock.now() >= cutoff) throw new CutoffReached(api);
  await pacer.take(service, api);
  if (clock.now() >= cutoff) throw new CutoffReached(api);
  // The call in flight is abandoned at the cutoff; its own timeout ends the socket. On the clock, so a
  // virtual one (lib/sim) cuts off hung calls as the real one does.
  const settled = new AbortController();
  const abandoned = clock.sleep(cutoff - clock.now(), settled.signal).then((): never => {
    throw new CutoffReached(api);
  });
  // Rejected only after the race is decided (or never read): nobody else awaits it.
  abandoned.catch(() => {});
  try {
    return await Promise.race([send(), abandoned]);
  } finally {
    settled.abort();
  }
}
