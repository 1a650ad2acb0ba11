/**
 * The randomized soak on moto: a small account, converged, then reconcile runs through the fault proxy
 * with a fifth of all requests failing (HTML 502, AccessDenied, throttling, connection resets, and hung
 * requests that the proxy drops after PROXY_HANG_LIMIT_MS, so a hang costs that instead of the client's 15 s
 * timeout). As many runs as fit in about a minute, at least 20. No run may write to the converged account;
 * once faults stop it plans nothing. Region ap-northeast-1 belongs to this file (see test/moto/moto.ts).
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { parseConfig } from "../../lib/config/index.js";
import { startFaultProxy, type FaultProxy } from "../support/fault-proxy.js";
import { MOTO_CREDENTIALS, motoAws, motoEndpoint, motoLambdaRole } from "../moto/moto.js";
import { proxyFaultRules } from "./mixed-faults.js";
import { soak, soakSummary } from "./soak.js";
import { seedSoakAccount } from "./soak-moto-account.js";
import { motoSoakTarget, PROXY_HANG_LIMIT_MS, PROXY_WEIGHTS, SOAK_RATE } from "./soak-targets.js";

const REGION = "ap-northeast-1";

let proxy: FaultProxy;

beforeAll(async () => {
  const direct = motoAws(REGION);
  await seedSoakAccount(direct, await motoLambdaRole());
  direct.destroy();
  proxy = await startFaultProxy({
    target: motoEndpoint(),
    rules: proxyFaultRules(SOAK_RATE, PROXY_WEIGHTS),
    seed: "soak-moto",
    hangLimitMs: PROXY_HANG_LIMIT_MS,
  });
}, 60_000);

afterAll(() => proxy?.close());

// The summary is an annotation: shown by `vitest --reporter=verbose` (and on failure), not in npm test.
it("runs at 20 % mixed faults write nothing to a converged account, which stays converged", async ({
  annotate,
}) => {
  const config = parseConfig({});
  const target = motoSoakTarget(config, {
    region: REGION,
    credentials: MOTO_CREDENTIALS,
    endpoint: motoEndpoint(),
    proxy,
  });
  const result = await soak(target, { minRuns: 20, maxRuns: 200, budgetMs: 60_000 });
  target.clean.destroy();
  const summary = soakSummary(result);
  await annotate(`moto soak: ${JSON.stringify(summary)}`, "summary");

  expect(result.spurious).toEqual([]);
  expect(result.recoveryRuns).toBe(1);
  expect(result.recoveryChanges).toEqual([]);
  expect(summary.runs).toBeGreaterThanOrEqual(20);
  expect(Object.values(result.injected).every((n) => n > 0)).toBe(true);
  expect(summary.partial).toBeGreaterThan(0);
}, 180_000);
