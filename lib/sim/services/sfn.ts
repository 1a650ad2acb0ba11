import {
  InvalidArn,
  InvalidToken,
  KmsAccessDeniedException,
  ResourceNotFound,
  SFNServiceException,
  StateMachineDoesNotExist,
  type DescribeStateMachineCommandInput,
  type DescribeStateMachineCommandOutput,
  type ListStateMachinesCommandInput,
  type ListStateMachinesCommandOutput,
  type ListTagsForResourceCommandInput,
  type ListTagsForResourceCommandOutput,
} from "@aws-sdk/client-sfn";
import type { SimAccount } from "../account.js";
import { awsCodeError, awsError } from "../errors.js";
import { pageToken } from "../registry.js";
import type { Out, SimService } from "../service.js";
import type { SimStateMachine } from "../state.js";
import { validator } from "../validate.js";

const check = validator((message) => awsCodeError(SFNServiceException, "ValidationException", 400, message));

function machineOf(
  sim: SimAccount,
  arn: string | undefined,
  notFound: (arn: string) => Error,
): SimStateMachine {
  check.required(arn, "stateMachineArn");
  const resource = sim.arns.resourceOf("states", arn!);
  if (resource === undefined || !/^stateMachine:[^:]+$/.test(resource))
    throw awsError(InvalidArn, 400, `Invalid Arn: '${arn}'`);
  const machine = sim.stateMachines.get(resource.slice("stateMachine:".length));
  if (!machine) throw notFound(arn!);
  return machine;
}

export const sfn: SimService = {
  throttled: () => awsCodeError(SFNServiceException, "ThrottlingException", 400, "Rate exceeded"),
  apis: {
    ListStateMachines(input: ListStateMachinesCommandInput, sim): Out<ListStateMachinesCommandOutput> {
      check.range(input.maxResults, "maxResults", 0, 1000);
      let after: string | undefined;
      if (input.nextToken !== undefined) {
        after = pageToken.decode(input.nextToken);
        if (after === undefined) throw awsError(InvalidToken, 400, `Invalid Token: '${input.nextToken}'`);
      }
      // maxResults 0 means "the default", 100.
      const page = sim.stateMachines.page({ after, limit: input.maxResults || 100 });
      return {
        stateMachines: page.items.map((m) => ({
          stateMachineArn: m.arn,
          name: m.name,
          type: m.type,
          creationDate: new Date(m.createdAt),
        })),
        ...(page.nextAfter !== undefined ? { nextToken: pageToken.encode(page.nextAfter) } : {}),
      };
    },

    DescribeStateMachine(
      input: DescribeStateMachineCommandInput,
      sim,
    ): Out<DescribeStateMachineCommandOutput> {
      const m = machineOf(sim, input.stateMachineArn, (arn) =>
        awsError(StateMachineDoesNotExist, 400, `State Machine Does Not Exist: '${arn}'`),
      );
      if (input.includedData !== undefined)
        check.pattern(input.includedData, "includedData", /^(ALL_DATA|METADATA_ONLY)$/);
      // AWS: METADATA_ONLY answers the definition "{}"; otherwise an encrypted definition needs kms:Decrypt.
      const metadataOnly = input.includedData === "METADATA_ONLY";
      if (m.customerKey && !m.customerKey.callerCanDecrypt && !metadataOnly)
        throw awsError(
          KmsAccessDeniedException,
          400,
          `User is not authorized to perform: kms:Decrypt on resource: ${m.customerKey.keyId}`,
        );
      return {
        stateMachineArn: m.arn,
        name: m.name,
        status: "ACTIVE",
        definition: metadataOnly ? "{}" : m.definition,
        roleArn: m.roleArn,
        type: m.type,
        creationDate: new Date(m.createdAt),
        loggingConfiguration: { level: m.logLevel, includeExecutionData: false },
        tracingConfiguration: { enabled: m.tracing },
        ...(m.customerKey
          ? {
              encryptionConfiguration: {
                type: "CUSTOMER_MANAGED_KMS_KEY",
                kmsKeyId: m.customerKey.keyId,
                kmsDataKeyReusePeriodSeconds: 300,
              },
            }
          : {}),
      };
    },

    ListTagsForResource(input: ListTagsForResourceCommandInput, sim): Out<ListTagsForResourceCommandOutput> {
      const m = machineOf(sim, input.resourceArn, (arn) =>
        awsError(ResourceNotFound, 400, `Resource not found: '${arn}'`),
      );
      return {
        tags: Object.keys(m.tags)
          .sort()
          .map((key) => ({ key, value: m.tags[key]! })),
      };
    },
  },
};
