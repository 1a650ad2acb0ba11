/** IAM: the account's alias, which the hub names member accounts by. IAM is global: every region answers alike. */
import type { ListAccountAliasesCommandOutput, ListAccountAliasesRequest } from "@aws-sdk/client-iam";
import { IAMServiceException } from "@aws-sdk/client-iam";
import { awsCodeError } from "../errors.js";
import type { SimPrincipal } from "../iam.js";
import type { Out, SimService } from "../service.js";
import { validator } from "../validate.js";

const check = validator((message) => awsCodeError(IAMServiceException, "ValidationError", 400, message));

export const iam: SimService = {
  throttled: () => awsCodeError(IAMServiceException, "Throttling", 400, "Rate exceeded"),
  apis: {
    /** At most one alias, so never more than one page. */
    ListAccountAliases(
      input: ListAccountAliasesRequest,
      sim,
      _caller: SimPrincipal = sim.principal,
    ): Out<ListAccountAliasesCommandOutput> {
      if (input.MaxItems !== undefined) check.range(input.MaxItems, "maxItems", 1, 1000);
      const alias = sim.iam.alias;
      return { AccountAliases: alias ? [alias] : [], IsTruncated: false };
    },
  },
};
