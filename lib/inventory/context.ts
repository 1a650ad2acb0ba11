/** What every service module of discovery shares: the clients, the account, warnings and progress. */
import {
  awsErrorReason,
  errorCode,
  isAccessDenied,
  isNotFound,
  isUnsupported,
  type Aws,
  type AwsService,
} from "../aws/index.js";
import type { DiscoveryWarning, ReadScope, ResourceKind } from "./types.js";

/** Detail calls in flight per service; the pacer spaces them below each API's quota. */
export const DETAIL_CONCURRENCY = 8;

export interface DiscoveryProgress {
  readonly phase: string;
  readonly done: number;
  readonly total?: number;
}

export interface DiscoveryContext {
  readonly aws: Aws;
  readonly accountId: string;
  readonly region: string;
  warn(warning: DiscoveryWarning): void;
  progress(progress: DiscoveryProgress): void;
  /** Operations the endpoint showed it does not offer: not called again in this run. */
  readonly unsupported: Set<string>;
  /** See `DiscoverOptions.detail`; absent: "full". */
  readonly detail?: DiscoveryDetail;
}

/**
 * "full": every fact the `Inventory` type holds. "reconcile": what the reconcile capabilities (alarms,
 * retention, dashboards, findings) use, skipping per-resource reads that only other capabilities need
 * (see `LambdaFunction.notRead`, `KinesisStream.consumers` and docs/performance.md).
 */
export type DiscoveryDetail = "full" | "reconcile";

export interface Call {
  readonly service: AwsService;
  readonly operation: string;
  /** The resource a detail call is about; absent for list calls. */
  readonly resource?: string;
  /** What the snapshot does not know when this call fails. */
  readonly covers: ReadScope;
}

/** A listing: when it fails, any resource of the kind may be missing from the snapshot. */
export function listCall(service: AwsService, operation: string, kind: ResourceKind): Call {
  return { service, operation, covers: { kind, what: "resources" } };
}

/** A read of one resource's facts: when it fails, those facts are unknown and the resource stays. */
export function factsCall(
  service: AwsService,
  operation: string,
  kind: ResourceKind,
  resource: string,
): Call {
  return { service, operation, resource, covers: { kind, what: "facts", resource } };
}

export type Outcome<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: "denied" | "failed" | "unsupported" | "missing" };

/** Credentials that are missing or rejected fail every call: discovery stops with that one message. */
const CREDENTIAL_ERRORS = new Set([
  "CredentialsProviderError",
  "UnrecognizedClientException",
  "InvalidClientTokenId",
  "ExpiredToken",
  "ExpiredTokenException",
]);

/**
 * Runs one call (or one whole paginated listing) and turns its failure into a warning that says what
 * the snapshot therefore does not know (`call.covers`): AccessDenied, any other 4xx or 5xx, an answer
 * that is not AWS's, a timeout, throttling past the retries, a page that failed — all the same to plans,
 * which leave alone what a failed read covers. A resource deleted since it was listed (a modeled
 * not-found) is skipped quietly; an API an emulator lacks is reported once and not called again.
 * Only missing or rejected credentials propagate: then nothing at all can be read.
 */
export async function attempt<T>(
  ctx: DiscoveryContext,
  call: Call,
  run: () => Promise<T>,
): Promise<Outcome<T>> {
  const key = `${call.service}:${call.operation}`;
  if (ctx.unsupported.has(key)) return { ok: false, reason: "unsupported" };
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    if (CREDENTIAL_ERRORS.has(errorCode(error))) throw error;
    if (isUnsupported(error, ctx.aws)) {
      // Unsupported is a property of the endpoint, not of the resource: warn once, stop calling it.
      if (!ctx.unsupported.has(key)) {
        ctx.warn({ ...warningOf(call, error), code: unsupportedCode(error), unsupported: true });
      }
      ctx.unsupported.add(key);
      return { ok: false, reason: "unsupported" };
    }
    if (call.resource !== undefined && isNotFound(error)) return { ok: false, reason: "missing" };
    ctx.warn(warningOf(call, error));
    return { ok: false, reason: isAccessDenied(error) ? "denied" : "failed" };
  }
}

/** The warning for a failed call: what failed, AWS's words on one line, and what it leaves unknown. */
export function warningOf(call: Call, error: unknown): DiscoveryWarning {
  return {
    service: call.service,
    operation: call.operation,
    code: errorCode(error),
    message: awsErrorReason(error),
    ...(call.resource !== undefined ? { resource: call.resource } : {}),
    covers: call.covers,
  };
}

/** A parse failure's name (TypeError, SyntaxError) says nothing to an operator; name what it means. */
function unsupportedCode(error: unknown): string {
  const code = errorCode(error);
  return code === "TypeError" || code === "SyntaxError" || code === "Error" ? "UnsupportedByEndpoint" : code;
}

/** Collects a paginated listing into one array. */
export async function collect<Page, Item>(
  pages: AsyncIterable<Page>,
  items: (page: Page) => readonly Item[] | undefined,
): Promise<Item[]> {
  const all: Item[] = [];
  for await (const page of pages) all.push(...(items(page) ?? []));
  return all;
}

/** Maps with at most `limit` calls in flight; the first failure stops new work and is rethrown. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  map: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await map(items[index] as T, index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Runs a per-resource detail step over a listing with bounded concurrency, reporting progress. */
export async function detailEach<T, R>(
  ctx: DiscoveryContext,
  phase: string,
  items: readonly T[],
  detail: (item: T) => Promise<R | undefined>,
): Promise<R[]> {
  let done = 0;
  ctx.progress({ phase, done, total: items.length });
  const results = await mapLimit(items, DETAIL_CONCURRENCY, async (item) => {
    const result = await detail(item);
    ctx.progress({ phase, done: ++done, total: items.length });
    return result;
  });
  return results.filter((r): r is R => r !== undefined);
}
