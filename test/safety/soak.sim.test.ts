/**
 * The randomized soak on lib/sim: the sample account, converged, then 60 runs with a fifth of all calls
 * failing (AccessDenied, a load balancer's HTML 502, hung requests on the virtual clock, throttling, through
 * the SDK's real retries). No run may write to the converged account; once faults stop it plans nothing.
 */
import { afterAll, expect, it, vi } from "vitest";
import { parseConfig } from "../../lib/config/index.js";
import { sampleAccount } from "../../lib/sim/index.js";
import { soak, soakSummary } from "./soak.js";
import { simSoakTarget } from "./soak-targets.js";

// The simulated account stands for AWS's own endpoints, not the moto tests' emulator (with it, SQS warns
// on every faulted request that its queue URLs name another host), as in fault-matrix.sim.test.ts.
vi.stubEnv("AWS_ENDPOINT_URL", undefined);
afterAll(() => vi.unstubAllEnvs());

// The summary is an annotation: shown by `vitest --reporter=verbose` (and on failure), not in npm test.
it("60 runs at 20 % mixed faults write nothing to a converged account, which stays converged", async ({
  annotate,
}) => {
  const sim = sampleAccount();
  const config = parseConfig({ alarms: { notificationTopicArn: sim.topicArn("alerts") } });
  const result = await soak(simSoakTarget(sim, config, "soak-sim"), { minRuns: 60, maxRuns: 60 });
  const summary = soakSummary(result);
  await annotate(`lib/sim soak: ${JSON.stringify(summary)}`, "summary");

  expect(result.spurious).toEqual([]);
  expect(result.recoveryRuns).toBe(1);
  expect(result.recoveryChanges).toEqual([]);
  // The soak did what it says: every kind of fault, and runs that saw too little to change anything.
  expect(summary.runs).toBe(60);
  expect(Object.values(result.injected).every((n) => n > 0)).toBe(true);
  expect(summary.partial).toBeGreaterThan(0);
  expect(summary.heldMax).toBeGreaterThan(0);
}, 120_000);
