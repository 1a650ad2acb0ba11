/**
 * The built CLI on a pseudo-terminal (util-linux `script`), as a person or a recorded session sees it:
 * a terminal of 0 columns gets no spinner (nanospinner, before, looped forever writing escape codes
 * there), and a real Ctrl-C during apply stops it after the write in flight with a report, exit 130.
 */
import { spawn, spawnSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { bareEnvironment, buildCli } from "./run-cli.js";

/** util-linux `script` gives the CLI a real pseudo-terminal; these machines (Debian) have it. */
function requireScript(): void {
  if (spawnSync("script", ["--version"]).status !== 0) {
    throw new Error("util-linux `script` is needed for the terminal tests: apt-get install bsdutils");
  }
}

/** Enough for any command's output here; far past it means a spinner gone wild. */
const OUTPUT_CAP = 1_000_000;

let cli: string;
beforeAll(async () => {
  requireScript();
  const built = await buildCli();
  cli = built.bundle;
  return built.remove;
});

interface TerminalRun {
  readonly code: number | null;
  readonly output: string;
}

/**
 * Runs the CLI inside `script`: stdin is a pipe, so the terminal has 0 columns unless `columns` sets
 * them; `onOutput` sees the output so far and may type on the terminal.
 */
function runOnTerminal(
  args: readonly string[],
  options: { columns?: number; onOutput?: (output: string, type: (keys: string) => void) => void } = {},
): Promise<TerminalRun> {
  const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, cli, ...args].map(quote).join(" ");
  const size = options.columns ? `stty cols ${options.columns} rows 24; ` : "";
  const child = spawn("script", ["-qec", `${size}exec ${command}`, "/dev/null"], {
    env: bareEnvironment(),
    stdio: ["pipe", "pipe", "inherit"],
  });
  let output = "";
  const type = (keys: string) => void child.stdin.write(keys);
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => {
    output += chunk;
    // Closing the terminal hangs up the CLI too, however busy it is.
    if (output.length > OUTPUT_CAP) child.kill("SIGKILL");
    options.onOutput?.(output, type);
  });
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, output })));
}

describe("the CLI on a terminal", () => {
  it("on a terminal of 0 columns finishes with bounded output and no spinner", async () => {
    const run = await runOnTerminal(["inventory", "--demo"]);
    expect(run.output.length).toBeLessThan(20_000);
    expect(run.code).toBe(0);
    expect(run.output).toMatch(/lambda-function\s+\d+/);
    expect(run.output).not.toContain("\x1b[");
  });

  it("Ctrl-C during apply finishes the write in flight, reports what was applied and left, exits 130", async () => {
    let typed = false;
    const run = await runOnTerminal(["apply", "--demo", "--yes"], {
      columns: 80,
      // The spinner's first frame: the writes have begun (and the Ctrl-C handler is in place).
      onOutput: (output, type) => {
        if (typed || !output.includes("Applying")) return;
        typed = true;
        type("\x03");
      },
    });
    expect(run.code).toBe(130);
    expect(run.output).toMatch(/watchkeeper: interrupted; finishing the write in flight, starting no more/);
    const report = /Applied (\d+) changes, (\d+) not applied \(interrupted\)/.exec(run.output);
    expect(report).not.toBeNull();
    const [, applied, left] = report!.map(Number);
    const planned = [...run.output.matchAll(/^\w[\w ]*: (\d+) to create, (\d+) to update, (\d+) to delete/gm)]
      .flatMap((m) => m.slice(1).map(Number))
      .reduce((sum, n) => sum + n, 0);
    expect(applied! + left!).toBe(planned);
    expect(left).toBeGreaterThan(0);
  });
});
