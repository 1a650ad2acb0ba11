/** Validation of where Watchkeeper points, so a typo fails with a message instead of a DNS error. */

export const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

export function validateRegion(region: string | undefined): string {
  if (!region) {
    throw new Error("no AWS region: pass --region, or set AWS_REGION or a region in your profile");
  }
  if (!REGION_NAME.test(region)) {
    throw new Error(`region "${region}" is not an AWS region name (expected something like us-east-1)`);
  }
  return region;
}

export function validateEndpoint(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(`endpoint "${endpoint}" is not a URL (expected something like http://127.0.0.1:5000)`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error(`endpoint "${endpoint}" must use http or https`);
  }
  return endpoint;
}
