import type { SimAccount } from "./account.js";
import type { SimPrincipal } from "./iam.js";

/** A command's output as a handler returns it: the dispatcher adds `$metadata`. */
export type Out<T> = Omit<T, "$metadata">;

/**
 * One simulated service: a handler per API (named as in `ListFunctionsCommand` → `ListFunctions`), given
 * the account that answers and who calls (most handlers need only the account).
 */
export interface SimService {
  /** The error this service raises when a caller goes over an API's rate quota. */
  throttled(api: string): Error;
  readonly apis: Readonly<Record<string, (input: never, sim: SimAccount, caller: SimPrincipal) => object>>;
}
