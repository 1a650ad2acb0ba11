/** A mistake in how the CLI was called: exit code 2, like other Unix tools. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
/** Some reads failed: the report is partial, and nothing those reads cover was changed. */
export const EXIT_PARTIAL = 3;
/** 128 + SIGINT: what a shell reports for a command Ctrl-C ended, here after it reported what it did. */
export const EXIT_INTERRUPTED = 130;

/** The work could not be done, for a reason the message says in full: exit code 1. */
export class CommandFailed extends Error {
  override readonly name = "CommandFailed";
}
