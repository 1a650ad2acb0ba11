/** The flow table: one Markdown row per evaluated flow, as docs/policy.md shows it. */
import type { Flow } from "./flows.js";

export interface Evaluated {
  readonly flow: Flow;
  readonly result: string;
}

/** A role session shows as its function; everything else as itself. */
function principalOf(flow: Flow): string {
  const session = /assumed-role\/[^/]+\/(.+)$/.exec(flow.request.principal);
  return session ? `role of ${session[1]}` : flow.request.principal;
}

const cell = (text: string) => text.replaceAll("|", "\\|");

export function flowTable(rows: readonly Evaluated[]): string {
  return [
    "| flow | principal | action | resource | decision | why |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows.map(
      ({ flow, result }) =>
        `| ${[flow.name, principalOf(flow), flow.request.action, flow.request.resource, result, flow.why]
          .map(cell)
          .join(" | ")} |`,
    ),
  ].join("\n");
}
