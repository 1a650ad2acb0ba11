/** The checked-in organization example (docs/examples/organization.json), which tests synthesize and CI lints. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../lib/infra/paths.js";

export interface OrganizationExample {
  readonly organization: {
    readonly adminAccount: string;
    readonly homeRegion: string;
    readonly organizationId: string;
    readonly organizationalUnits: string[];
    readonly regions: string[];
    readonly hub: { readonly account: string; readonly region: string };
  };
  readonly slack: Record<string, unknown>;
  readonly targets: { readonly account: string; readonly regions: string[] }[];
}

export const ORGANIZATION_EXAMPLE = JSON.parse(
  readFileSync(join(PROJECT_ROOT, "docs", "examples", "organization.json"), "utf8"),
) as OrganizationExample;
