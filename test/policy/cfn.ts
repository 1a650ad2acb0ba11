/**
 * A synthesized template with its intrinsics resolved to the names and ARNs CloudFormation would give
 * in one account and region: what the policy tier evaluates. Only what Watchkeeper's stack uses is
 * known; anything else throws, so a new kind of reference is noticed rather than guessed.
 */
export interface Place {
  readonly partition: string;
  readonly account: string;
  readonly region: string;
}

export interface Resource {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
}

type Resources = Readonly<Record<string, Resource>>;

/** The physical name of a resource from its name property (the stack names everything it can). */
function nameOf(resources: Resources, id: string, place: Place): string {
  const resource = resources[id]!;
  const property = {
    "AWS::SNS::Topic": "TopicName",
    "AWS::SQS::Queue": "QueueName",
    "AWS::Lambda::Function": "FunctionName",
    "AWS::Events::Rule": "Name",
    "AWS::CloudWatch::Alarm": "AlarmName",
    "AWS::Logs::LogGroup": "LogGroupName",
    "AWS::S3::Bucket": "BucketName",
    "AWS::IAM::Role": "RoleName",
    "AWS::Events::EventBus": "Name",
  }[resource.Type];
  // Unnamed (most roles): CloudFormation makes a name from the logical id.
  if (!property || resource.Properties[property] === undefined) return id;
  return String(resolveValue(resource.Properties[property], resources, place));
}

/** A rule on a bus other than the default one is `rule/<bus>/<name>`. */
function ruleOnBus(resources: Resources, id: string, place: Place): string {
  const bus = resources[id]!.Properties?.EventBusName;
  if (bus === undefined) return "";
  const name = String(resolveValue(bus, resources, place))
    .split("event-bus/")
    .pop()!;
  return name === "default" ? "" : `${name}/`;
}

function attribute(resources: Resources, id: string, name: string, place: Place): string {
  const { partition: p, account: a, region: r } = place;
  const resource = resources[id];
  if (!resource) throw new Error(`reference to unknown resource ${id}`);
  const n = nameOf(resources, id, place);
  const arns: Record<string, string> = {
    "AWS::SNS::Topic": `arn:${p}:sns:${r}:${a}:${n}`,
    "AWS::SQS::Queue": `arn:${p}:sqs:${r}:${a}:${n}`,
    "AWS::Lambda::Function": `arn:${p}:lambda:${r}:${a}:function:${n}`,
    "AWS::Events::Rule": `arn:${p}:events:${r}:${a}:rule/${ruleOnBus(resources, id, place)}${n}`,
    "AWS::CloudWatch::Alarm": `arn:${p}:cloudwatch:${r}:${a}:alarm:${n}`,
    "AWS::Logs::LogGroup": `arn:${p}:logs:${r}:${a}:log-group:${n}:*`,
    "AWS::IAM::Role": `arn:${p}:iam::${a}:role/${n}`,
    "AWS::S3::Bucket": `arn:${p}:s3:::${n}`,
    "AWS::Events::EventBus": `arn:${p}:events:${r}:${a}:event-bus/${n}`,
  };
  if (name === "Ref") {
    // Ref is the ARN for topics, the URL for queues, the name for the rest.
    if (resource.Type === "AWS::SNS::Topic") return arns[resource.Type]!;
    if (resource.Type === "AWS::SQS::Queue") return `https://sqs.${r}.amazonaws.com/${a}/${n}`;
    return n;
  }
  if (name === "Arn" || name === "TopicArn") {
    const arn = arns[resource.Type];
    if (arn) return arn;
  }
  if (name === "QueueName" || name === "TopicName") return n;
  throw new Error(`unknown attribute ${id}.${name} (${resource.Type})`);
}

const PSEUDO: Record<string, (place: Place) => string> = {
  "AWS::Partition": (place) => place.partition,
  "AWS::AccountId": (place) => place.account,
  "AWS::Region": (place) => place.region,
  "AWS::URLSuffix": () => "amazonaws.com",
};

/** Resolves every intrinsic in a value; plain values come back as they are. */
export function resolveValue(value: unknown, resources: Resources, place: Place): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveValue(item, resources, place));
  if (typeof value !== "object" || value === null) return value;
  const node = value as Record<string, unknown>;
  if ("Ref" in node) {
    const ref = String(node.Ref);
    return PSEUDO[ref]?.(place) ?? attribute(resources, ref, "Ref", place);
  }
  if ("Fn::GetAtt" in node) {
    const [id, name] = node["Fn::GetAtt"] as [string, string];
    return attribute(resources, id, name, place);
  }
  if ("Fn::Sub" in node && typeof node["Fn::Sub"] === "string") {
    // Pseudo parameters only: a reference to a resource is written with Ref or GetAtt in these templates.
    return node["Fn::Sub"].replace(/\$\{([^}]+)\}/g, (_, name: string) => {
      const pseudo = PSEUDO[name];
      if (!pseudo) throw new Error(`unsupported Fn::Sub variable ${name}`);
      return pseudo(place);
    });
  }
  if ("Fn::Join" in node) {
    const [delimiter, parts] = node["Fn::Join"] as [string, unknown[]];
    return parts.map((part) => resolveValue(part, resources, place)).join(delimiter);
  }
  const intrinsic = Object.keys(node).find((key) => key.startsWith("Fn::"));
  if (intrinsic) throw new Error(`unsupported intrinsic ${intrinsic}`);
  return Object.fromEntries(
    Object.entries(node).map(([key, item]) => [key, resolveValue(item, resources, place)]),
  );
}

/** Every resource of the template with its properties resolved, by logical id. */
export function resolveTemplate(template: { Resources: Resources }, place: Place): Resources {
  return Object.fromEntries(
    Object.entries(template.Resources).map(([id, resource]) => [
      id,
      {
        Type: resource.Type,
        Properties: resolveValue(resource.Properties ?? {}, template.Resources, place) as Record<
          string,
          unknown
        >,
      },
    ]),
  );
}
