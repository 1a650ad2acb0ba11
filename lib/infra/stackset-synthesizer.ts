/**
 * Synthesis of a stack that a StackSet deploys to many accounts: CloudFormation in each member account
 * deploys its template, so it may name nothing that only exists where CDK bootstrapped (no
 * BootstrapVersion parameter, no cdk-hnb659fds bucket or role). Its file assets (the functions' code)
 * go to one bucket per region in the administrator account, which the template names with
 * `${AWS::Region}`; `cdk deploy` of the stack holding the StackSet publishes them there, one destination
 * per region, and the template itself as that stack's own asset (the StackSet's TemplateURL).
 */
import { extname } from "node:path";
import {
  AssetManifestBuilder,
  Aws,
  DefaultStackSynthesizer,
  FileAssetPackaging,
  Lazy,
  StackSynthesizer,
  type DefaultStackSynthesizerProps,
  type DockerImageAssetLocation,
  type DockerImageAssetSource,
  type FileAssetLocation,
  type FileAssetSource,
  type ISynthesisSession,
  type Stack,
  type SynthesizeStackArtifactOptions,
} from "aws-cdk-lib";

/** Where a member's assets are published in one region, and as whom. */
export interface RegionalAssetBucket {
  readonly region: string;
  readonly bucketName: string;
  /** The role `cdk deploy` assumes to upload there (the administrator account's bootstrap publishing role). */
  readonly publishingRoleArn: string;
}

export interface StackSetMemberSynthesizerProps {
  /**
   * The stack that holds the StackSet, synthesized by a StackSetHolderSynthesizer: the template becomes its
   * file asset, and its deployment publishes the code.
   */
  readonly holder: Stack;
  /** One bucket per region the StackSet deploys to. */
  readonly buckets: readonly RegionalAssetBucket[];
  /** The bucket as the template names it, resolved by CloudFormation in each member (`${AWS::Region}` in it). */
  readonly bucketName: string;
}

/** The synthesizer of the StackSet's template. The stack is not a cloud assembly stack: `cdk deploy` never deploys it. */
export class StackSetMemberSynthesizer extends StackSynthesizer {
  private readonly assets = new AssetManifestBuilder();
  private templateUrl?: string;
  private manifestId?: string;
  private synthesized = false;

  private readonly holder: StackSetHolderSynthesizer;

  constructor(private readonly props: StackSetMemberSynthesizerProps) {
    super();
    // The stack's own bound synthesizer (a default synthesizer is copied for each stack it is bound to).
    const holder = props.holder.synthesizer;
    if (!(holder instanceof StackSetHolderSynthesizer))
      throw new Error(`${props.holder.node.path} must be synthesized by a StackSetHolderSynthesizer`);
    holder.holds(this);
    this.holder = holder;
  }

  override addFileAsset(asset: FileAssetSource): FileAssetLocation {
    if (!asset.fileName || asset.executable)
      throw new Error("a StackSet member's file assets must be files or directories, not built by a command");
    // DefaultStackSynthesizer's key: the same asset keeps its key whoever publishes it.
    const objectKey =
      asset.sourceHash +
      (asset.packaging === FileAssetPackaging.ZIP_DIRECTORY ? ".zip" : extname(asset.fileName));
    for (const bucket of this.props.buckets) {
      this.assets.addFileAsset(
        this.boundStack,
        asset.sourceHash,
        { path: asset.fileName, packaging: asset.packaging },
        {
          bucketName: bucket.bucketName,
          objectKey,
          region: bucket.region,
          assumeRoleArn: bucket.publishingRoleArn,
        },
      );
    }
    const bucketName = this.props.bucketName;
    return {
      bucketName,
      objectKey,
      httpUrl: `https://s3.${Aws.REGION}.${Aws.URL_SUFFIX}/${bucketName}/${objectKey}`,
      s3ObjectUrl: `s3://${bucketName}/${objectKey}`,
    };
  }

  override addDockerImageAsset(_asset: DockerImageAssetSource): DockerImageAssetLocation {
    throw new Error(
      "a StackSet member cannot have container image assets: no registry is shared with the members",
    );
  }

  /** The template and the asset manifest; no stack artifact, so `cdk deploy --all` leaves it alone. */
  override synthesize(session: ISynthesisSession): void {
    const template = this.synthesizeTemplate(session);
    this.templateUrl = this.holder.addFileAsset(template).httpUrl;
    if (this.assets.hasAssets) this.manifestId = this.assets.emitManifest(this.boundStack, session);
    this.synthesized = true;
  }

  /**
   * The template's S3 URL, for the StackSet's TemplateURL. Uncached: CDK resolves every token once before
   * synthesis (to find references), when there is no URL yet; the holder's artifact checks it came.
   */
  templateUrlToken(): string {
    return Lazy.uncachedString({ produce: () => this.templateUrl });
  }

  /** The id of the asset manifest that uploads the code to every regional bucket (none without assets). */
  assetManifestId(): string | undefined {
    this.assertSynthesized();
    return this.manifestId;
  }

  /** CDK synthesizes children first: the member stack must be inside the stack that holds its StackSet. */
  private assertSynthesized(): void {
    if (!this.synthesized)
      throw new Error(
        `${this.boundStack.node.path} must be synthesized before the stack holding its StackSet`,
      );
  }
}

/**
 * The default synthesizer for the stack that holds StackSets, which also makes that stack depend on each
 * member's asset manifest: `cdk deploy` then uploads the members' code to every regional bucket before
 * it deploys the StackSet (and after the stacks this one depends on, such as the buckets' own).
 */
export class StackSetHolderSynthesizer extends DefaultStackSynthesizer {
  private members: readonly StackSetMemberSynthesizer[] = [];

  constructor(props: DefaultStackSynthesizerProps = {}) {
    super(props);
  }

  /** Called by each member's synthesizer, on the holder stack's own (bound) synthesizer. */
  holds(member: StackSetMemberSynthesizer): void {
    this.members = [...this.members, member];
  }

  protected override emitArtifact(
    session: ISynthesisSession,
    options: SynthesizeStackArtifactOptions = {},
  ): void {
    const manifests = this.members.map((member) => member.assetManifestId());
    super.emitArtifact(session, {
      ...options,
      additionalDependencies: [
        ...(options.additionalDependencies ?? []),
        ...manifests.filter((id): id is string => id !== undefined),
      ],
    });
  }
}
