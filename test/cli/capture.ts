import type { Interrupts } from "../../bin/cli/interrupt.js";
import type { Io } from "../../bin/cli/io.js";
import { main, type GlobalOptions } from "../../bin/cli/main.js";
import { openSession } from "../../bin/cli/session.js";
import type { Aws } from "../../lib/aws/clients.js";
import { simulatedAws, simulatedOrgAws, type SimAccount, type SimOrganization } from "../../lib/sim/index.js";

export interface RunOptions {
  /**
   * With `--demo`, work on this simulated account instead of a fresh sample, so that one test can run
   * several commands on the same account and assert on its state afterwards.
   */
  readonly sim?: SimAccount;
  /** With `--demo`, work from this organization's management account instead (`status --org`). */
  readonly org?: SimOrganization;
  /** With `sim` or `org`: reach it through this Aws instead (e.g. one denying a service). */
  readonly aws?: Aws;
  /** Where Ctrl-C comes from (tests raise their own). */
  readonly interrupts?: Interrupts;
}

/** Runs the CLI in-process with captured output, as a non-interactive shell would. */
export async function runMain(
  args: readonly string[],
  options: RunOptions = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io: Io = {
    out: (text) => void (stdout += text),
    err: (text) => void (stderr += text),
    interactive: false,
    color: false,
  };
  const { sim, org, aws, interrupts } = options;
  const code = await main(args, io, {
    openSession: async (global: GlobalOptions) =>
      sim && global.demo
        ? { aws: aws ?? simulatedAws(sim), sim, label: `simulated account, ${sim.region}` }
        : org && global.demo
          ? { aws: aws ?? simulatedOrgAws(org), label: `simulated organization ${org.id}` }
          : openSession(global),
    ...(interrupts ? { interrupts } : {}),
  });
  return { code, stdout, stderr };
}
