import { createInterface } from "node:readline/promises";
import { UsageError } from "./errors.js";
import type { Io } from "./io.js";

/**
 * Destructive commands need `--yes`, or a "y" typed at a terminal. Without a terminal (CI, pipes)
 * and without `--yes`, nothing happens and the user is told how to confirm.
 */
export async function confirmed(io: Io, question: string, yes: boolean | undefined): Promise<boolean> {
  if (yes) return true;
  if (!io.interactive || !process.stdin.isTTY) {
    throw new UsageError(`${question.replace(/\?$/, "")}: refusing without confirmation; pass --yes`);
  }
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}
