import pc from "picocolors";

/** Where the CLI writes; tests pass their own to capture output. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** stderr is a terminal: progress may be drawn there. */
  readonly interactive: boolean;
  /** Colour only on a terminal, and never when NO_COLOR is set. */
  readonly color: boolean;
}

export function processIo(): Io {
  const interactive = Boolean(process.stderr.isTTY);
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    interactive,
    color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && pc.isColorSupported,
  };
}

export type Colors = ReturnType<typeof pc.createColors>;

export function colorsFor(io: Io): Colors {
  return pc.createColors(io.color);
}
