import { Aws } from "../../lib/aws/clients.js";
import { missingProfile } from "../../lib/aws/profile.js";
import { defaultRegion, unknownRegion } from "../../lib/aws/region.js";
import { validateEndpoint, validateRegion } from "../../lib/aws/target.js";
import {
  sampleAccount,
  sampleOrganization,
  SAMPLE_ORGANIZATION_REGIONS,
  simulatedAws,
  simulatedOrgAws,
  type SimAccount,
} from "../../lib/sim/index.js";
import { UsageError } from "./errors.js";
import type { GlobalOptions } from "./main.js";

/** The account a command works on: real AWS, an AWS-compatible endpoint, or the simulated sample. */
export interface Session {
  readonly aws: Aws;
  /** Present with --demo: the in-memory account, so the demo can show what changed. */
  readonly sim?: SimAccount;
  /** For headings: "sample account (simulated)" or "us-east-1". */
  readonly label: string;
  /** Something the user should know about where the session points (stderr, before the command's output). */
  readonly notice?: string;
  /** The demo organization's regions: what `status --org --demo` reads unless told otherwise. */
  readonly regions?: readonly string[];
}

export async function openSession(options: GlobalOptions): Promise<Session> {
  if (options.demo) {
    if (options.endpoint || options.profile) {
      throw new UsageError("--demo runs against the simulated sample account; drop --endpoint and --profile");
    }
    if (options.orgReaderRole !== undefined) {
      const org = sampleOrganization({ orgReaderRole: options.orgReaderRole });
      const region = options.region ? checked(validateRegion, options.region) : org.regions[0]!;
      return {
        aws: simulatedOrgAws(org, { region }),
        label: `simulated sample organization, ${region}`,
        regions: SAMPLE_ORGANIZATION_REGIONS,
      };
    }
    const sim = sampleAccount(options.region ? { region: checked(validateRegion, options.region) } : {});
    return { aws: simulatedAws(sim), sim, label: `simulated sample account, ${sim.region}` };
  }
  const missing = options.profile === undefined ? undefined : await missingProfile(options.profile);
  if (missing !== undefined) throw new UsageError(missing);
  const region = checked(validateRegion, options.region ?? (await defaultRegion(options.profile)));
  if (options.endpoint !== undefined) checked(validateEndpoint, options.endpoint);
  const unknown = unknownRegion(region);
  // An emulator may answer for any region; AWS itself has only the regions it lists.
  if (unknown !== undefined && options.endpoint === undefined) {
    throw new UsageError(
      `${unknown}; check ${options.region ? "--region" : "AWS_REGION and the profile's region"}`,
    );
  }
  const aws = new Aws({
    region,
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  });
  return {
    aws,
    label: options.endpoint ? `${region} at ${options.endpoint}` : region,
    ...(unknown !== undefined
      ? { notice: `${unknown}; used anyway, as --endpoint may answer for any region` }
      : {}),
  };
}

/** Validation failures of what the user typed are usage errors (exit 2). */
function checked<T>(validate: (value: T) => string, value: T): string {
  try {
    return validate(value);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}
