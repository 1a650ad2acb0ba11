import pc from "picocolors";

/** Where the CLI writes; tests pass their own to capture output. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** stderr is a terminal with a known width: progress is drawn there and questions may be asked. */
  readonly interactive: boolean;
  /** stderr's width now (a terminal can be resized), so progress lines never wrap. */
  readonly errColumns?: () => number | undefined;
  /** Colour only on a terminal, and never when NO_COLOR is set. */
  readonly color: boolean;
}

/** What the CLI needs of an output stream: process.stdout and process.stderr, or stand-ins in tests. */
export interface OutputStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export function processIo(): Io {
  return streamIo(process.stdout, process.stderr, process.env);
}

export function streamIo(stdout: OutputStream, stderr: OutputStream, env: NodeJS.ProcessEnv): Io {
  return {
    out: (text) => void stdout.write(text),
    err: (text) => void stderr.write(text),
    // A terminal of 0 or unknown columns (`script` with no terminal of its own, some CI ptys) has
    // nobody at it, and no width to draw a spinner in.
    interactive: Boolean(stderr.isTTY) && (stderr.columns ?? 0) > 0,
    errColumns: () => stderr.columns,
    color: Boolean(stdout.isTTY) && !env.NO_COLOR && pc.isColorSupported,
  };
}

export type Colors = ReturnType<typeof pc.createColors>;

export function colorsFor(io: Io): Colors {
  return pc.createColors(io.color);
}
