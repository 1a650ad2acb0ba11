/**
 * Fault rules that fail a share of every call, mixed between kinds, for lib/sim and for the fault proxy.
 * Both try their rules in order and stop at the first that fires, so each rule's chance is conditional on
 * the earlier ones not firing: together they fail `rate` of attempts, split by `weights`.
 */
import { QUOTAS, type AwsService } from "../../lib/aws/quotas.js";
import type { FaultKind, FaultRule } from "../../lib/sim/faults.js";
import type { ProxyFault, ProxyRule } from "../support/fault-proxy.js";

export interface FaultShare<K extends string> {
  readonly fault: K;
  /** Chance of firing when every earlier share did not. */
  readonly chance: number;
}

export function faultShares<K extends string>(
  rate: number,
  weights: Readonly<Record<K, number>>,
): FaultShare<K>[] {
  if (!(rate >= 0 && rate < 1)) throw new Error(`fault rate ${rate} is not in [0, 1)`);
  const entries = (Object.entries(weights) as [K, number][]).filter(([, weight]) => weight > 0);
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
  let taken = 0;
  return entries.map(([fault, weight]) => {
    const share = (rate * weight) / total;
    const chance = share / (1 - taken);
    taken += share;
    return { fault, chance };
  });
}

/** Every service lib/aws calls, each with every kind's share. */
export function simFaultRules(rate: number, weights: Readonly<Record<FaultKind, number>>): FaultRule[] {
  const services = Object.keys(QUOTAS) as AwsService[];
  return services.flatMap((service) =>
    faultShares(rate, weights).map(({ fault, chance }) => ({ service, fault, probability: chance })),
  );
}

/** Every request through the proxy, whatever its service. */
export function proxyFaultRules(rate: number, weights: Readonly<Record<ProxyFault, number>>): ProxyRule[] {
  return faultShares(rate, weights).map(({ fault, chance }) => ({ fault, rate: chance }));
}
