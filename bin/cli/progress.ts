import { createSpinner } from "nanospinner";
import type { Io } from "./io.js";

export interface Progress {
  readonly phase: string;
  readonly done: number;
  readonly total?: number;
}

/** Runs long work with a spinner on stderr when it is a terminal; silent otherwise (pipes, CI, --json). */
export async function withProgress<T>(
  io: Io,
  label: string,
  work: (report: (progress: Progress) => void) => Promise<T>,
): Promise<T> {
  if (!io.interactive) return work(() => {});
  const spinner = createSpinner(label, { stream: process.stderr }).start();
  try {
    const result = await work(({ phase, done, total }) =>
      spinner.update({ text: `${label}: ${phase} ${total ? `${done}/${total}` : done}` }),
    );
    spinner.success({ text: label });
    return result;
  } catch (error) {
    spinner.error({ text: label });
    throw error;
  }
}
