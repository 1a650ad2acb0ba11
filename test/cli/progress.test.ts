/**
 * The progress spinner on terminals that report no width. nanospinner, used before, counted the lines
 * to clear as ceil(length / columns): with 0 columns, Infinity, and it wrote escape codes forever.
 */
import { describe, expect, it } from "vitest";
import { streamIo, type OutputStream } from "../../bin/cli/io.js";
import { withProgress } from "../../bin/cli/progress.js";

/** A stream that counts what is written to it and reports the terminal as given (the width may change). */
function terminal(isTTY: boolean, width: () => number | undefined) {
  let written = "";
  const stream: OutputStream = {
    write: (text: string) => void (written += text),
    isTTY,
    get columns() {
      return width();
    },
  };
  return { stream, written: () => written };
}

/** A second of work that reports progress every millisecond. */
async function aSecondOfWork(report: (p: { phase: string; done: number; total: number }) => void) {
  const started = Date.now();
  for (let done = 1; Date.now() - started < 1000; done++) {
    report({ phase: "changes", done, total: 100_000 });
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return "done";
}

function ioOn(stderr: OutputStream) {
  return streamIo({ write: () => true }, stderr, {});
}

describe("withProgress", () => {
  it.each([
    ["0 columns", 0],
    ["unknown columns", undefined],
  ])("on a terminal of %s draws nothing and is not interactive", async (_name, columns) => {
    const tty = terminal(true, () => columns);
    const io = ioOn(tty.stream);
    expect(io.interactive).toBe(false);
    await expect(withProgress(io, "Applying", aSecondOfWork)).resolves.toBe("done");
    expect(tty.written()).toBe("");
  });

  it("draws nothing when stderr is not a terminal", async () => {
    const pipe = terminal(false, () => 80);
    const io = ioOn(pipe.stream);
    expect(io.interactive).toBe(false);
    await withProgress(io, "Applying", aSecondOfWork);
    expect(pipe.written()).toBe("");
  });

  it("on a terminal with a width redraws one line a frame, not one per report, cut to the width", async () => {
    const tty = terminal(true, () => 20);
    const io = ioOn(tty.stream);
    expect(io.interactive).toBe(true);
    await withProgress(io, "Applying", aSecondOfWork);
    const output = tty.written();
    expect(output.length).toBeLessThan(4096);
    const frames = output.split("\r\x1b[2K").filter(Boolean);
    expect(frames.length).toBeGreaterThan(2);
    expect(frames.slice(0, -1).every((frame) => [...frame].length <= 19)).toBe(true);
    expect(frames.at(-1)).toBe("✔ Applying\n");
  });

  it("stays bounded when the terminal's width drops to 0 while it spins", async () => {
    let width: number | undefined = 80;
    const tty = terminal(true, () => width);
    const io = ioOn(tty.stream);
    setTimeout(() => (width = 0), 200);
    await withProgress(io, "Applying", aSecondOfWork);
    expect(tty.written().length).toBeLessThan(4096);
    expect(tty.written()).toMatch(/✔ Applying\n$/);
  });

  it("marks a failure and passes the error on", async () => {
    const tty = terminal(true, () => 80);
    await expect(
      withProgress(ioOn(tty.stream), "Applying", () => Promise.reject(new Error("no"))),
    ).rejects.toThrow("no");
    expect(tty.written()).toMatch(/✖ Applying\n$/);
  });
});
