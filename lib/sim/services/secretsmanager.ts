/**
 * AWS Secrets Manager, as much as Watchkeeper uses: CreateSecret and GetSecretValue (the Slack secret of
 * lib/notify). Secrets live beside the account (keyed by it), not in its state, so the rest of the
 * simulator is unchanged.
 */
import {
  InvalidParameterException,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerServiceException,
  type CreateSecretCommandInput,
  type CreateSecretCommandOutput,
  type GetSecretValueCommandInput,
  type GetSecretValueCommandOutput,
} from "@aws-sdk/client-secrets-manager";
import type { SimAccount } from "../account.js";
import { awsCodeError, awsError } from "../errors.js";
import type { Out, SimService } from "../service.js";
import { validator } from "../validate.js";

interface SimSecret {
  readonly name: string;
  readonly arn: string;
  readonly versionId: string;
  readonly secretString: string;
  readonly createdAt: number;
}

const secretsOf = new WeakMap<SimAccount, Map<string, SimSecret>>();

function store(sim: SimAccount): Map<string, SimSecret> {
  let secrets = secretsOf.get(sim);
  if (!secrets) secretsOf.set(sim, (secrets = new Map()));
  return secrets;
}

const check = validator((message) => awsError(InvalidParameterException, 400, message));

/** By name or ARN, as GetSecretValue's SecretId takes it. */
function find(sim: SimAccount, id: string): SimSecret | undefined {
  const secrets = store(sim);
  return secrets.get(id) ?? [...secrets.values()].find((secret) => secret.arn === id);
}

export const secretsmanager: SimService = {
  throttled: () => awsCodeError(SecretsManagerServiceException, "ThrottlingException", 400, "Rate exceeded"),
  apis: {
    CreateSecret(input: CreateSecretCommandInput, sim): Out<CreateSecretCommandOutput> {
      const name = check.required(input.Name, "name");
      check.length(name, "name", 1, 512);
      const secretString = check.required(input.SecretString, "secretString");
      check.length(secretString, "secretString", 1, 65_536);
      if (store(sim).has(name)) {
        throw awsError(
          ResourceExistsException,
          400,
          `The operation failed because the secret ${name} already exists.`,
        );
      }
      const suffix = sim.random.chars(6, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
      const secret: SimSecret = {
        name,
        arn: `arn:${sim.arns.partition}:secretsmanager:${sim.region}:${sim.accountId}:secret:${name}-${suffix}`,
        versionId:
          input.ClientRequestToken ?? `00000000-0000-4000-8000-${sim.random.chars(12, "0123456789abcdef")}`,
        secretString,
        createdAt: sim.clock.now(),
      };
      store(sim).set(name, secret);
      return { ARN: secret.arn, Name: name, VersionId: secret.versionId };
    },

    GetSecretValue(input: GetSecretValueCommandInput, sim): Out<GetSecretValueCommandOutput> {
      const id = check.required(input.SecretId, "secretId");
      const secret = find(sim, id);
      if (!secret) {
        throw awsError(ResourceNotFoundException, 400, "Secrets Manager can't find the specified secret.");
      }
      return {
        ARN: secret.arn,
        Name: secret.name,
        VersionId: secret.versionId,
        SecretString: secret.secretString,
        VersionStages: ["AWSCURRENT"],
        CreatedDate: new Date(secret.createdAt),
      };
    },
  },
};
