/** The AWS partition a region belongs to, for building ARNs that also hold in China and GovCloud. */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}
