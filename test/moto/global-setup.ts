/**
 * Starts one moto server (`python3 -m moto.server`) on a free loopback port for the whole test run,
 * hands its URL to the test files as `inject("motoEndpoint")`, and stops it afterwards.
 * Test files share the server: see `test/moto/moto.ts` for how they stay out of each other's way.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  interface ProvidedContext {
    /** Base URL of the moto server, e.g. http://127.0.0.1:41234 */
    motoEndpoint: string;
  }
}

const INSTALL_HINT = "install with: pip install 'moto[server]'";

/**
 * `python3 -m moto.server`, plus a thread that exits when stdin closes: stdin is a pipe from this
 * process, so moto goes away even when the test runner is killed before its teardown runs.
 */
const MOTO_SERVER = [
  "import os, runpy, sys, threading",
  "def exit_with_parent():",
  "    sys.stdin.buffer.read()",
  "    os._exit(0)",
  "threading.Thread(target=exit_with_parent, daemon=True).start()",
  "sys.argv = ['moto.server', *sys.argv[1:]]",
  "runpy.run_module('moto.server', run_name='__main__', alter_sys=True)",
].join("\n");
const START_TIMEOUT_MS = 30_000;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  useFakeAwsEnvironment();
  const moto = await startMoto();
  process.env.AWS_ENDPOINT_URL = moto.url;
  project.provide("motoEndpoint", moto.url);
  return () => stopMoto(moto.process);
}

/** Whatever the developer's shell holds, nothing in the test run may reach real AWS. */
function useFakeAwsEnvironment(): void {
  for (const name of ["AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ROLE_ARN"]) {
    delete process.env[name];
  }
  process.env.AWS_ACCESS_KEY_ID = "test";
  process.env.AWS_SECRET_ACCESS_KEY = "test";
  process.env.AWS_REGION = "us-east-1";
  process.env.AWS_DEFAULT_REGION = "us-east-1";
  process.env.AWS_EC2_METADATA_DISABLED = "true";
  process.env.AWS_CONFIG_FILE = "/dev/null";
  process.env.AWS_SHARED_CREDENTIALS_FILE = "/dev/null";
}

export interface RunningMoto {
  readonly url: string;
  readonly process: ChildProcess;
}

export async function startMoto(): Promise<RunningMoto> {
  // A port found free can be taken before moto binds it: try a few.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freeLoopbackPort();
    try {
      return await spawnMoto(port);
    } catch (error) {
      lastError = error;
      if (error instanceof MotoMissingError) throw error;
    }
  }
  throw lastError;
}

class MotoMissingError extends Error {}

function spawnMoto(port: number): Promise<RunningMoto> {
  const url = `http://127.0.0.1:${port}`;
  const child = spawn("python3", ["-c", MOTO_SERVER, "-H", "127.0.0.1", "-p", String(port)], {
    stdio: ["pipe", "ignore", "pipe"],
    env: { ...process.env, PYTHONUNBUFFERED: "1" },
  });
  let stderr = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    // Keep only the tail: moto logs every request here.
    stderr = (stderr + chunk).slice(-4000);
  });

  return new Promise<RunningMoto>((resolve, reject) => {
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      child.kill("SIGKILL");
      reject(error);
    };
    child.once("error", (error: NodeJS.ErrnoException) => {
      const why = error.code === "ENOENT" ? "python3 is not on PATH" : error.message;
      fail(
        new MotoMissingError(`moto is not available: python3 -m moto.server failed: ${why}; ${INSTALL_HINT}`),
      );
    });
    child.once("exit", (code, signal) => {
      const output = stderr.trim();
      if (/No module named moto|ModuleNotFoundError/.test(output)) {
        fail(
          new MotoMissingError(
            `moto is not installed: python3 -m moto.server failed: ${importError(output)}; ${INSTALL_HINT}`,
          ),
        );
      } else {
        fail(
          new Error(
            `python3 -m moto.server exited (${signal ?? `code ${code}`}) before answering on ${url}: ${output || "no output"}`,
          ),
        );
      }
    });
    const deadline = setTimeout(
      () => fail(new Error(`moto server did not answer on ${url} within ${START_TIMEOUT_MS} ms: ${stderr}`)),
      START_TIMEOUT_MS,
    );

    void (async () => {
      while (!settled) {
        try {
          await fetch(`${url}/moto-api/`, { signal: AbortSignal.timeout(1000) });
          settled = true;
          clearTimeout(deadline);
          child.removeAllListeners("exit");
          resolve({ url, process: child });
          return;
        } catch {
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    })();
  });
}

function importError(text: string): string {
  return /ModuleNotFoundError[^\n]*/.exec(text)?.[0] ?? text.split("\n").filter(Boolean).at(-1) ?? text;
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error("could not find a free loopback port"))));
    });
  });
}

export function stopMoto(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
