import type { Io } from "../../bin/cli/io.js";
import { main } from "../../bin/cli/main.js";

/** Runs the CLI in-process with captured output, as a non-interactive shell would. */
export async function runMain(
  args: readonly string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io: Io = {
    out: (text) => void (stdout += text),
    err: (text) => void (stderr += text),
    interactive: false,
    color: false,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}
