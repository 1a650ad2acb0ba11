/** ARNs as AWS writes them, so the resources of a simulated account cross-reference like real ones. */

import { partitionOf } from "../aws/arn.js";

export interface ArnParts {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly accountId: string;
  readonly resource: string;
}

export function parseArn(arn: string): ArnParts | undefined {
  const parts = arn.split(":");
  if (parts.length < 6 || parts[0] !== "arn") return undefined;
  const [, partition, service, region, accountId] = parts as [string, string, string, string, string];
  return { partition, service, region, accountId, resource: parts.slice(5).join(":") };
}

/** Builds the ARNs of one account and region. */
export class ArnBuilder {
  readonly partition: string;

  constructor(
    readonly accountId: string,
    readonly region: string,
  ) {
    this.partition = partitionOf(region);
  }

  /** `arn:<partition>:<service>:<region>:<account>:<resource>` */
  of(service: string, resource: string): string {
    return `arn:${this.partition}:${service}:${this.region}:${this.accountId}:${resource}`;
  }

  /** API Gateway ARNs carry no account: `arn:aws:apigateway:<region>::/restapis/<id>`. */
  apiGateway(path: string): string {
    return `arn:${this.partition}:apigateway:${this.region}::${path}`;
  }

  /** The resource part of an ARN of this service in this account and region, or undefined. */
  resourceOf(service: string, arn: string): string | undefined {
    const parts = parseArn(arn);
    if (!parts || parts.service !== service || parts.region !== this.region) return undefined;
    if (parts.accountId !== this.accountId && service !== "apigateway") return undefined;
    return parts.resource;
  }
}
