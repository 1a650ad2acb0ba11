import { STSClient } from "@aws-sdk/client-sts";

/**
 * The region the SDK would pick without one given (AWS_REGION, then the profile's config), or
 * undefined. Kept apart from clients.ts so only the CLI bundles it.
 */
export async function defaultRegion(profile?: string): Promise<string | undefined> {
  const client = new STSClient(profile ? { profile } : {});
  try {
    return await client.config.region();
  } catch {
    return undefined;
  } finally {
    client.destroy();
  }
}
