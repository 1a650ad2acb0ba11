/**
 * CloudWatch's SNS alarm messages name the region by its display name ("US East (N. Virginia)"), not
 * its code. The code is taken from the alarm ARN when there is one; this table maps the name otherwise.
 * Names as the AWS Regions table and the console show them.
 */
const REGION_NAMES: Readonly<Record<string, string>> = {
  "us-east-1": "US East (N. Virginia)",
  "us-east-2": "US East (Ohio)",
  "us-west-1": "US West (N. California)",
  "us-west-2": "US West (Oregon)",
  "af-south-1": "Africa (Cape Town)",
  "ap-east-1": "Asia Pacific (Hong Kong)",
  "ap-east-2": "Asia Pacific (Taipei)",
  "ap-south-1": "Asia Pacific (Mumbai)",
  "ap-south-2": "Asia Pacific (Hyderabad)",
  "ap-southeast-1": "Asia Pacific (Singapore)",
  "ap-southeast-2": "Asia Pacific (Sydney)",
  "ap-southeast-3": "Asia Pacific (Jakarta)",
  "ap-southeast-4": "Asia Pacific (Melbourne)",
  "ap-southeast-5": "Asia Pacific (Malaysia)",
  "ap-southeast-7": "Asia Pacific (Thailand)",
  "ap-northeast-1": "Asia Pacific (Tokyo)",
  "ap-northeast-2": "Asia Pacific (Seoul)",
  "ap-northeast-3": "Asia Pacific (Osaka)",
  "ca-central-1": "Canada (Central)",
  "ca-west-1": "Canada West (Calgary)",
  "eu-central-1": "Europe (Frankfurt)",
  "eu-central-2": "Europe (Zurich)",
  "eu-west-1": "Europe (Ireland)",
  "eu-west-2": "Europe (London)",
  "eu-west-3": "Europe (Paris)",
  "eu-south-1": "Europe (Milan)",
  "eu-south-2": "Europe (Spain)",
  "eu-north-1": "Europe (Stockholm)",
  "il-central-1": "Israel (Tel Aviv)",
  "me-south-1": "Middle East (Bahrain)",
  "me-central-1": "Middle East (UAE)",
  "mx-central-1": "Mexico (Central)",
  "sa-east-1": "South America (Sao Paulo)",
  "us-gov-east-1": "AWS GovCloud (US-East)",
  "us-gov-west-1": "AWS GovCloud (US-West)",
  "cn-north-1": "China (Beijing)",
  "cn-northwest-1": "China (Ningxia)",
};

const BY_NAME = new Map(Object.entries(REGION_NAMES).map(([code, name]) => [name.toLowerCase(), code]));

const REGION_CODE = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** "US East (N. Virginia)" → "us-east-1"; a code is returned as it is; undefined when unknown. */
export function regionCode(nameOrCode: string): string | undefined {
  const trimmed = nameOrCode.trim();
  if (REGION_CODE.test(trimmed)) return trimmed;
  return BY_NAME.get(trimmed.toLowerCase());
}

/** "us-east-1" → "US East (N. Virginia)", or undefined. */
export function regionName(code: string): string | undefined {
  return REGION_NAMES[code];
}
