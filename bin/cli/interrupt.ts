/**
 * Ctrl-C (or SIGTERM) while the CLI writes: the first signal aborts `stop` — no new write starts, the
 * one in flight finishes and the command reports what was applied and what was left — and a second
 * quits at once. Installed only around the writes; elsewhere a signal ends the process as usual.
 */
import { EXIT_INTERRUPTED } from "./errors.js";
import type { Io } from "./io.js";

type StopSignal = "SIGINT" | "SIGTERM";
const STOP_SIGNALS: readonly StopSignal[] = ["SIGINT", "SIGTERM"];

/** `process`, or an EventEmitter in tests. */
export interface SignalSource {
  on(signal: StopSignal, listener: () => void): unknown;
  off(signal: StopSignal, listener: () => void): unknown;
}

export interface Interrupts {
  readonly signals: SignalSource;
  /** Quits on the second signal. */
  readonly exit: (code: number) => void;
}

export const processInterrupts: Interrupts = { signals: process, exit: (code) => process.exit(code) };

/** Runs `work` with a `stop` that the first signal aborts; `stopped` says whether one came. */
export async function withStopOnSignal<T>(
  io: Io,
  interrupts: Interrupts,
  work: (stop: AbortSignal) => Promise<T>,
): Promise<{ readonly result: T; readonly stopped: boolean }> {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) {
      io.err(
        "watchkeeper: quit at once; a write may have been in flight (`watchkeeper plan` shows what is left)\n",
      );
      interrupts.exit(EXIT_INTERRUPTED);
      return;
    }
    controller.abort();
    // On a terminal the spinner's line has no newline yet.
    io.err(
      `${io.interactive ? "\n" : ""}watchkeeper: interrupted; finishing the write in flight, starting no more (again to quit now)\n`,
    );
  };
  for (const signal of STOP_SIGNALS) interrupts.signals.on(signal, onSignal);
  try {
    const result = await work(controller.signal);
    return { result, stopped: controller.signal.aborted };
  } finally {
    for (const signal of STOP_SIGNALS) interrupts.signals.off(signal, onSignal);
  }
}
