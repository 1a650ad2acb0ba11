/**
 * What the soak runs against: a lib/sim account whose faulty runs share one seeded fault schedule, or a
 * moto account whose faulty runs go through the fault proxy. Free of vitest (the bench uses them too).
 */
import { Aws } from "../../lib/aws/clients.js";
import type { WatchkeeperConfig } from "../../lib/config/schema.js";
import { VirtualClock } from "../../lib/sim/clock.js";
import { FaultSchedule, type FaultKind } from "../../lib/sim/faults.js";
import { simulatedAws } from "../../lib/sim/plugin.js";
import type { SimAccount } from "../../lib/sim/account.js";
import type { FaultProxy, ProxyFault } from "../support/fault-proxy.js";
import { simFaultRules } from "./mixed-faults.js";
import type { SoakTarget } from "./soak.js";

/** The mix: a fifth of all calls fail, evenly split between the kinds. */
export const SOAK_RATE = 0.2;
export const SIM_WEIGHTS: Readonly<Record<FaultKind, number>> = {
  denied: 1,
  "html-502": 1,
  hang: 1,
  throttle: 1,
};

/** The proxy's kinds, a connection reset among them, evenly split. */
export const PROXY_WEIGHTS: Readonly<Record<ProxyFault, number>> = {
  "html-502": 1,
  denied: 1,
  throttle: 1,
  hang: 1,
  reset: 1,
};
/** The proxy drops a hung request after this long, so a hang costs this instead of the client's 15 s timeout. */
export const PROXY_HANG_LIMIT_MS = 500;

export function simSoakTarget(
  sim: SimAccount,
  config: WatchkeeperConfig,
  seed: number | string,
  rate = SOAK_RATE,
): SoakTarget {
  const schedule = new FaultSchedule({ seed, rules: simFaultRules(rate, SIM_WEIGHTS) });
  return {
    config,
    clean: simulatedAws(sim),
    faulty: () => simulatedAws(sim, { faults: schedule }),
    injected: () => schedule.injected,
  };
}

export interface MotoSoakOptions {
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** The moto server, for fault-free calls. */
  readonly endpoint: string;
  /** The fault proxy in front of it, for the faulty runs. */
  readonly proxy: FaultProxy;
}

/** Pacing runs on a virtual clock (quotas are lib/sim's subject); the SDK's retries wait real time. */
export function motoSoakTarget(config: WatchkeeperConfig, options: MotoSoakOptions): SoakTarget {
  const clock = new VirtualClock(Date.now());
  const at = (endpoint: string) =>
    new Aws({ region: options.region, credentials: options.credentials, endpoint, clock });
  return {
    config,
    clean: at(options.endpoint),
    faulty: () => at(options.proxy.url),
    injected: () => options.proxy.injected,
  };
}
