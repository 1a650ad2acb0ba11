/**
 * What a snapshot does not know, as plans need it: a controller with an unsynced cache waits, and so do
 * Watchkeeper's plans. A failed read (see `DiscoveryWarning.covers`) leaves something unknown; a plan
 * changes or deletes only what the snapshot knows completely, and treats a resource whose tags are
 * unknown as ignored for writes (its `watchkeeper:ignore` may be there). APIs an emulator lacks are
 * known absences, not gaps.
 */
import {
  KIND_LABELS,
  type DiscoveryWarning,
  type Inventory,
  type ReadScope,
  type Resource,
  type ResourceKind,
} from "./types.js";

/** What a failed read can leave unknown of a kind: its resources, facts (any resource's), tags. */
export type KindPart = "resources" | "facts" | "tags";

/**
 * What else decides what plans do for a resource of each kind, besides its own kind's listing: a queue
 * is a DLQ because a function, a rule target or a subscription says so; a log group's retention follows
 * the tags of the functions writing to it (each writer's own facts are checked where it is used).
 */
export const SHAPED_BY: Readonly<
  Record<ResourceKind, readonly (readonly [ResourceKind, readonly KindPart[]])[]>
> = {
  "lambda-function": [],
  "sqs-queue": [
    ["lambda-function", ["resources", "facts"]],
    ["eventbridge-rule", ["resources", "facts"]],
    ["sns-topic", ["resources", "facts"]],
  ],
  // A stream a Lambda mapping polls treats its vanished metric as "not read" (the catalog's kinesis-iterator-age).
  "kinesis-stream": [["lambda-function", ["resources", "facts"]]],
  "dynamodb-table": [],
  "rest-api": [],
  "http-api": [],
  "websocket-api": [],
  "state-machine": [],
  "eventbridge-rule": [],
  "sns-topic": [],
  "log-group": [["lambda-function", ["resources", "tags"]]],
};

export interface ReadGaps {
  /** Reads that failed, with what each leaves unknown. */
  readonly failures: readonly DiscoveryWarning[];
  /** APIs the endpoint does not offer (an emulator): shown, not failures. */
  readonly unsupported: readonly DiscoveryWarning[];
  /** No read failed. */
  readonly complete: boolean;
  /**
   * Every resource of the kind is in the snapshot, and so is everything that decides what plans do for
   * the kind (see `SHAPED_BY`): deleting what the kind no longer needs is safe.
   */
  settled(kind: ResourceKind): boolean;
  /** Tags and facts of this resource are known and its kind is settled: plans may write for it. */
  known(resource: Resource): boolean;
  /**
   * The first failure touching the kind at all: its listing, its tags, any of its resources' facts, or
   * what shapes it. What covers every resource of a kind (an aggregate alarm) waits for none.
   */
  whole(kind: ResourceKind): DiscoveryWarning | undefined;
  /** Why plans leave the kind, or one resource of it, alone (the first failure that covers it), if they do. */
  why(kind: ResourceKind, resource?: Resource): DiscoveryWarning | undefined;
}

export function readGaps(inventory: Pick<Inventory, "warnings">): ReadGaps {
  const failures = inventory.warnings.filter((w) => w.covers !== undefined && !w.unsupported);
  const unsupported = inventory.warnings.filter((w) => w.unsupported);
  // The first failure of each kind and part, and of each resource.
  const byKind = new Map<string, DiscoveryWarning>();
  const byResource = new Map<string, DiscoveryWarning>();
  const first = (map: Map<string, DiscoveryWarning>, key: string, failure: DiscoveryWarning) => {
    if (!map.has(key)) map.set(key, failure);
  };
  for (const failure of failures) {
    const scope = failure.covers as ReadScope;
    // A resource's unknown facts are also "some facts of its kind" for the kinds that kind shapes.
    first(byKind, `${scope.kind}:${scope.what}`, failure);
    first(byKind, `${scope.kind}:any`, failure);
    if (scope.what !== "facts") continue;
    if (scope.resource !== undefined) first(byResource, scope.resource, failure);
    else first(byKind, `${scope.kind}:every-resource-facts`, failure);
  }
  const unsettled = (kind: ResourceKind): DiscoveryWarning | undefined => {
    const own = byKind.get(`${kind}:resources`);
    if (own) return own;
    for (const [other, parts] of SHAPED_BY[kind]) {
      for (const part of parts) {
        const found = byKind.get(`${other}:${part}`);
        if (found) return found;
      }
    }
    return undefined;
  };
  const why = (kind: ResourceKind, resource?: Resource) =>
    unsettled(kind) ??
    (resource
      ? (byKind.get(`${kind}:tags`) ??
        byKind.get(`${kind}:every-resource-facts`) ??
        byResource.get(resource.arn) ??
        byResource.get(resource.name))
      : undefined);
  return {
    failures,
    unsupported,
    complete: failures.length === 0,
    settled: (kind) => unsettled(kind) === undefined,
    whole: (kind) => unsettled(kind) ?? byKind.get(`${kind}:any`),
    known: (resource) => why(resource.kind, resource) === undefined,
    why,
  };
}

/** "lambda ListFunctions: AccessDeniedException (…)": a failure in one line, for reasons and reports. */
export function describeFailure(failure: DiscoveryWarning): string {
  const call = `${failure.service} ${failure.operation}${failure.resource ? ` (${failure.resource})` : ""}`;
  return `${call} failed: ${failure.message}`;
}

const UNKNOWN: Readonly<Record<ReadScope["what"], string>> = {
  resources: "which exist",
  tags: "their tags",
  facts: "some of their settings",
};

/**
 * One line per failed call (the same API failing for many resources is one line, with a count): what
 * failed, what AWS said, and what is therefore unknown and left alone. For the top of every report.
 */
export function describeGaps(warnings: readonly DiscoveryWarning[]): string[] {
  const groups = new Map<string, { first: DiscoveryWarning; resources: number; unknown: Set<string> }>();
  for (const warning of warnings) {
    if (!warning.covers || warning.unsupported) continue;
    const key = `${warning.service} ${warning.operation} ${warning.code}`;
    const group = groups.get(key) ?? { first: warning, resources: 0, unknown: new Set<string>() };
    if (warning.resource !== undefined) group.resources += 1;
    group.unknown.add(`${KIND_LABELS[warning.covers.kind]}s: ${UNKNOWN[warning.covers.what]}`);
    groups.set(key, group);
  }
  return [...groups.values()].map(({ first, resources, unknown }) => {
    const where =
      resources > 1 ? ` for ${resources} resources` : first.resource ? ` (${first.resource})` : "";
    return `${first.service} ${first.operation} failed${where}: ${first.message} — unknown, so left alone: ${[...unknown].join("; ")}`;
  });
}

/** APIs the endpoint (an emulator) does not offer, one line each. */
export function describeUnsupported(warnings: readonly DiscoveryWarning[]): string[] {
  return warnings
    .filter((warning) => warning.unsupported)
    .map((warning) => `${warning.service} ${warning.operation} is not offered by this endpoint`);
}
