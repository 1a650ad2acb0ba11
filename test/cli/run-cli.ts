/** Builds the real CLI bundle once per test file and runs it as a user would: a process, argv, env, exit code. */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Built inside the project so the bundle resolves its external packages from node_modules. */
export async function buildCli(): Promise<{ bundle: string; remove(): void }> {
  const cache = join("node_modules", ".cache");
  mkdirSync(cache, { recursive: true });
  const outdir = mkdtempSync(join(cache, "watchkeeper-cli-"));
  await run(process.execPath, ["scripts/build.mjs", outdir]);
  return {
    bundle: join(outdir, "watchkeeper.mjs"),
    remove: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

/** An environment with no AWS credentials or config at all, so nothing can reach real AWS by accident. */
export function bareEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const home = mkdtempSync(join(tmpdir(), "watchkeeper-home-"));
  return {
    PATH: process.env.PATH,
    HOME: home,
    AWS_CONFIG_FILE: join(home, "no-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(home, "no-credentials"),
    AWS_EC2_METADATA_DISABLED: "true",
    NO_COLOR: "1",
    ...extra,
  };
}

export async function runCli(
  bundle: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bundle, ...args], { env, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof e.code !== "number") throw error;
    return { code: e.code, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}
