/**
 * Progress on stderr while long work runs: a spinner redrawn in place when `io.interactive` (a terminal
 * with a known width), nothing otherwise (pipes, CI logs, a terminal of 0 columns).
 *
 * Hand-written rather than nanospinner 1.2.2: nanospinner counts the lines to clear as
 * ceil(length / stream.columns), which is Infinity when a terminal reports 0 columns (`script` with no
 * terminal of its own), so its clear() loop writes escape codes forever at full CPU; it decides it is on
 * a terminal from stdout, not the stream it draws on; and it exits the process on the first SIGINT,
 * which would cut short apply's report of what a Ctrl-C left undone.
 */
import { colorsFor, type Io } from "./io.js";

export interface Progress {
  readonly phase: string;
  readonly done: number;
  readonly total?: number;
}

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const FRAME_MS = 80;
/** Back to the line's start and clear it: the spinner's line is redrawn, never added to. */
const REDRAW = "\r\x1b[2K";

export async function withProgress<T>(
  io: Io,
  label: string,
  work: (report: (progress: Progress) => void) => Promise<T>,
): Promise<T> {
  if (!io.interactive) return work(() => {});
  const c = colorsFor(io);
  const spinner = startSpinner(io, label);
  try {
    const result = await work(({ phase, done, total }) =>
      spinner.update(`${label}: ${phase} ${total ? `${done}/${total}` : done}`),
    );
    spinner.stop(`${c.green("✔")} ${label}`);
    return result;
  } catch (error) {
    spinner.stop(`${c.red("✖")} ${label}`);
    throw error;
  }
}

function startSpinner(io: Io, text: string) {
  let frame = 0;
  // Drawn on a timer, not on each report: one line per frame however often the work reports.
  const draw = () => {
    const width = io.errColumns?.() ?? 0;
    // A terminal resized to no width has nowhere to draw: skip the frame.
    if (width <= 0) return;
    io.err(REDRAW + `${FRAMES[frame++ % FRAMES.length]} ${text}`.slice(0, width - 1));
  };
  draw();
  const timer = setInterval(draw, FRAME_MS);
  return {
    update(next: string) {
      text = next;
    },
    stop(line: string) {
      clearInterval(timer);
      io.err(`${REDRAW}${line}\n`);
    },
  };
}
