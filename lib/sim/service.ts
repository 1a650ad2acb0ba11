import type { SimAccount } from "./account.js";

/** A command's output as a handler returns it: the dispatcher adds `$metadata`. */
export type Out<T> = Omit<T, "$metadata">;

/** One simulated service: a handler per API (named as in `ListFunctionsCommand` → `ListFunctions`). */
export interface SimService {
  /** The error this service raises when a caller goes over an API's rate quota. */
  throttled(api: string): Error;
  readonly apis: Readonly<Record<string, (input: never, sim: SimAccount) => object>>;
}
