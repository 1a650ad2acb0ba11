import { fromNodeProviderChain } from "@aws-sdk/credential-providers";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, Pluggable } from "@smithy/types";
import { systemClock, type Clock } from "./clock.js";
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

export interface AwsOptions extends AwsTarget {
  readonly clock?: Clock;
  /** Shared when several runs must respect one quota budget. */
  readonly pacer?: Pacer;
  /** Extra middleware per client; `lib/sim` plugs its in-memory account in here. */
  readonly plugin?: (service: AwsService) => Pluggable<object, object>;
  readonly maxAttempts?: number;
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
  "Secrets Manager": "secretsmanager",
};

/**
 * The one place SDK clients are made. Callers name the client class they need (so each Lambda bundle
 * holds only its own clients); every client shares the region, credentials, endpoint, adaptive retries
 * and a pacer that keeps each API below its quota.
 */
export class Aws {
  readonly region: string;
  readonly pacer: Pacer;
  private readonly clients = new Map<ClientClass<unknown>, SdkClient>();
  private readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;

  constructor(private readonly options: AwsOptions) {
    this.region = validateRegion(options.region);
    if (options.endpoint !== undefined) validateEndpoint(options.endpoint);
    this.pacer = options.pacer ?? new Pacer(options.clock ?? systemClock);
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
      maxAttempts: this.options.maxAttempts ?? 3,
      // HTTP/1.1 with short connect timeouts: local emulators speak nothing else, and an unreachable
      // endpoint should fail in seconds, not minutes.
      requestHandler: new NodeHttpHandler({ connectionTimeout: 3000, requestTimeout: 30_000 }),
    }) as C & SdkClient;
    const service = serviceOf(client);
    client.middlewareStack.use(pacingPlugin(this.pacer, service));
    if (this.options.plugin) client.middlewareStack.use(this.options.plugin(service));
    this.clients.set(Client as ClientClass<unknown>, client);
    return client;
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

function pacingPlugin(pacer: Pacer, service: AwsService): Pluggable<object, object> {
  return {
    applyToStack(stack) {
      stack.add(
        (next, context) => async (args) => {
          await pacer.take(service, apiName(context.commandName));
          return next(args);
        },
        { step: "initialize", name: "watchkeeperPacing", priority: "high" },
      );
    },
  };
}
