/**
 * The organization rollout, all in the administrator account (the management account or a delegated
 * administrator for StackSets), the only account CDK must bootstrap:
 *
 * - one asset-bucket stack per region: `<prefix>assets-<admin account>-<region>`, the functions' code,
 *   written only by CDK's publishing role, readable only by the organization's principals;
 * - the org stack in the home region: a service-managed StackSet whose template is the Watchkeeper stack
 *   (lib/infra/stack.ts) synthesized for StackSets (./stackset-synthesizer.ts), deployed to every account
 *   of the OUs in every configured region, and to accounts that join the OUs later.
 *
 * `cdk deploy --all` deploys the buckets, uploads the code to each, uploads the template, then creates or
 * updates the StackSet. docs/organization.md says why each setting is what it is.
 */
import {
  Aws,
  DefaultStackSynthesizer,
  Duration,
  Fn,
  RemovalPolicy,
  Stack,
  type StackProps,
} from "aws-cdk-lib";
import { CfnStackSet } from "aws-cdk-lib/aws-cloudformation";
import { ArnPrincipal, OrganizationPrincipal, PolicyStatement } from "aws-cdk-lib/aws-iam";
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from "aws-cdk-lib/aws-s3";
import type { Construct } from "constructs";
import type { OrganizationSettings, WatchkeeperConfig } from "../config/schema.js";
import type { FunctionConfig } from "../config/stored.js";
import { acknowledge } from "./acknowledge.js";
import { WatchkeeperStack } from "./stack.js";
import {
  StackSetHolderSynthesizer,
  StackSetMemberSynthesizer,
  type RegionalAssetBucket,
} from "./stackset-synthesizer.js";

/** S3 bucket names: 3-63 lowercase letters, digits and hyphens (no dots: TLS to a dotted name fails). */
export const BUCKET_NAME_LIMIT = 63;

/** The bucket holding the functions' code for the members' stacks in `region`. */
export function assetBucketName(prefix: string, adminAccount: string, region: string): string {
  return `${prefix}assets-${adminAccount}-${region}`;
}

/** The context key DefaultStackSynthesizer reads a custom bootstrap qualifier from (not exported by aws-cdk-lib). */
const BOOTSTRAP_QUALIFIER_CONTEXT = "@aws-cdk/core:bootstrapQualifier";

/**
 * The role `cdk bootstrap` made in the administrator account for uploading assets in `region`, as cdk-assets
 * and CloudFormation both read it: `${AWS::Partition}` is left for them to fill in.
 */
export function publishingRoleArn(scope: Construct, adminAccount: string, region: string): string {
  const qualifier =
    (scope.node.tryGetContext(BOOTSTRAP_QUALIFIER_CONTEXT) as string | undefined) ??
    DefaultStackSynthesizer.DEFAULT_QUALIFIER;
  return DefaultStackSynthesizer.DEFAULT_FILE_ASSET_PUBLISHING_ROLE_ARN.replaceAll("${Qualifier}", qualifier)
    .replaceAll("${AWS::AccountId}", adminAccount)
    .replaceAll("${AWS::Region}", region);
}

/**
 * CDK names code objects by their content and never overwrites one: a noncurrent version is left by a
 * mistake (an object overwritten or deleted by hand), and is kept this long to restore it.
 */
const NONCURRENT_CODE_DAYS = 30;

export interface AssetBucketStackProps extends StackProps {
  readonly prefix: string;
  readonly organization: OrganizationSettings;
}

/** One region's bucket for the members' function code, in the administrator account. */
export class AssetBucketStack extends Stack {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: AssetBucketStackProps) {
    super(scope, id, props);
    const { adminAccount, organizationId } = props.organization;
    const region = this.region;
    this.bucket = new Bucket(this, "Assets", {
      bucketName: assetBucketName(props.prefix, adminAccount, region),
      // SSE-S3, not KMS: the members' CloudFormation reads the code with no key grant to manage.
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // A policy that grants only to aws:PrincipalOrgID is not public, so blocking it all still lets members read.
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Member stacks name these objects: one overwritten or deleted by mistake can be restored.
      versioned: true,
      lifecycleRules: [
        {
          noncurrentVersionExpiration: Duration.days(NONCURRENT_CODE_DAYS),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      // Member stacks name its objects: deleting the org stacks must not take the code from under them.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: "OrganizationReadsCode",
        principals: [new OrganizationPrincipal(organizationId)],
        actions: ["s3:GetObject"],
        resources: [this.bucket.arnForObjects("*")],
      }),
    );
    // What cdk-assets calls to upload: the bucket's location and encryption, a listing, the upload.
    const publisher = new ArnPrincipal(Fn.sub(publishingRoleArn(this, adminAccount, region)));
    this.bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: "CdkPublishesCode",
        principals: [publisher],
        actions: ["s3:PutObject", "s3:AbortMultipartUpload"],
        resources: [this.bucket.arnForObjects("*")],
      }),
    );
    this.bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: "CdkChecksTheBucket",
        principals: [publisher],
        actions: ["s3:GetBucketLocation", "s3:GetEncryptionConfiguration", "s3:ListBucket"],
        resources: [this.bucket.bucketArn],
      }),
    );
    acknowledge(
      this.bucket,
      "S1",
      "The bucket holds Watchkeeper's function code, which every account of the organization may read by " +
        "design, written only by CDK's publishing role during cdk deploy. Access logs would need a second " +
        "bucket per region; CloudTrail data events on this bucket serve an audit that needs the reads.",
    );
  }
}

/**
 * How the StackSet rolls a change out, per region: at most a quarter of the accounts at once, stopping a
 * region once more than a tenth of its accounts failed (rounded down: with fewer than ten accounts, the
 * first failure). A failed stack instance rolls back to what it had, so a bad change costs a batch's time,
 * not an account's agent. SOFT: failures do not lower the concurrency, as they would in STRICT mode
 * (there, concurrency never exceeds the failures allowed + 1). Regions in parallel: each region's stack
 * stands alone, and the first batch of each finds a broken template anyway. They do not apply to
 * automatic deployment to joining accounts (AWS runs those as they come).
 */
export const OPERATION_PREFERENCES: CfnStackSet.OperationPreferencesProperty = {
  concurrencyMode: "SOFT_FAILURE_TOLERANCE",
  maxConcurrentPercentage: 25,
  failureTolerancePercentage: 10,
  regionConcurrencyType: "PARALLEL",
};

/**
 * The Watchkeeper stack as the StackSet's template. Its functions are bundled whenever the stack holding
 * it is: `cdk deploy -e Watchkeeper-org` names only that one, and would otherwise publish unbundled
 * placeholders as every account's code.
 */
class MemberStack extends WatchkeeperStack {
  override get bundlingRequired(): boolean {
    return Stack.of(this.node.scope!).bundlingRequired;
  }
}

export interface OrganizationStackProps extends StackProps {
  readonly config: WatchkeeperConfig;
  readonly organization: OrganizationSettings;
  /** The config the members' functions read (lib/config/stored.ts). */
  readonly functionConfig: FunctionConfig;
  /** The StackSet's name, which its stack instances carry (`StackSet-<name>-<id>`). */
  readonly stackSetName: string;
  /** The stacks that make the regional buckets: deployed first, so the code has somewhere to go. */
  readonly assetStacks: readonly AssetBucketStack[];
}

/** The StackSet, and the member stack it deploys (synthesized as its template, never deployed by CDK). */
export class OrganizationStack extends Stack {
  readonly member: WatchkeeperStack;
  readonly stackSet: CfnStackSet;

  constructor(scope: Construct, id: string, props: OrganizationStackProps) {
    super(scope, id, { ...props, synthesizer: new StackSetHolderSynthesizer() });
    const { organization, config } = props;
    const memberSynthesizer = new StackSetMemberSynthesizer({
      holder: this,
      buckets: organization.regions.map((region): RegionalAssetBucket => ({
        region,
        bucketName: assetBucketName(config.prefix, organization.adminAccount, region),
        publishingRoleArn: publishingRoleArn(this, organization.adminAccount, region),
      })),
      // CloudFormation in each member account and region names the bucket of that region.
      bucketName: assetBucketName(config.prefix, organization.adminAccount, Aws.REGION),
    });
    // A child of this stack: CDK synthesizes it first, so its template and code are assets of this one.
    this.member = new MemberStack(this, "Member", {
      synthesizer: memberSynthesizer,
      description:
        "Watchkeeper: observability agent for this account's serverless resources (StackSet instance)",
      config,
      functionConfig: props.functionConfig,
      orgReader: {
        adminAccount: organization.adminAccount,
        organizationId: organization.organizationId,
        // IAM is global: the first region's stack instance makes the role.
        onlyInRegion: organization.regions[0]!,
      },
    });

    this.stackSet = new CfnStackSet(this, "StackSet", {
      stackSetName: props.stackSetName,
      description:
        "Watchkeeper in every account of the organization's OUs, in each configured region; accounts that join get it",
      permissionModel: "SERVICE_MANAGED",
      callAs: organization.callAs,
      // An account that leaves the OUs loses its stack: nobody would watch an agent left behind, and a
      // stack kept would collide with the one the account gets if it joins again.
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
      // StackSets queues conflicting operations instead of failing them (an update while an account joins).
      managedExecution: { Active: true },
      // The org-reader role is named.
      capabilities: ["CAPABILITY_NAMED_IAM"],
      operationPreferences: OPERATION_PREFERENCES,
      stackInstancesGroup: [
        {
          deploymentTargets: { organizationalUnitIds: [...organization.organizationalUnits] },
          regions: [...organization.regions],
        },
      ],
      // The template is over TemplateBody's 51,200 bytes; TemplateURL must be S3 (this stack's asset).
      templateUrl: memberSynthesizer.templateUrlToken(),
    });
    for (const assets of props.assetStacks)
      this.addStackDependency(assets, "the members' code is uploaded there");
  }
}
