import { STSServiceException, type GetCallerIdentityCommandOutput } from "@aws-sdk/client-sts";
import { awsCodeError } from "../errors.js";
import type { Out, SimService } from "../service.js";

export const sts: SimService = {
  throttled: () => awsCodeError(STSServiceException, "Throttling", 400, "Rate exceeded"),
  apis: {
    GetCallerIdentity(_input: object, sim): Out<GetCallerIdentityCommandOutput> {
      return {
        UserId: "AIDASIMULATEDWATCHKEEPER",
        Account: sim.accountId,
        Arn: `arn:${sim.arns.partition}:iam::${sim.accountId}:user/watchkeeper-sim`,
      };
    },
  },
};
