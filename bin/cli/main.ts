import { Command, CommanderError, Help, Option } from "commander";
import { describeAwsError } from "../../lib/aws/errors.js";
import { ConfigError } from "../../lib/config/schema.js";
import { CommandFailed, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from "./errors.js";
import { processInterrupts, type Interrupts } from "./interrupt.js";
import type { Io } from "./io.js";
import { registerCommands } from "./commands/index.js";
import { openSession, type Session } from "./session.js";

export const VERSION = "0.1.0";

/** Options every command accepts: where to look and how to print. */
export interface GlobalOptions {
  readonly region?: string;
  readonly profile?: string;
  readonly endpoint?: string;
  readonly json?: boolean;
  readonly demo?: boolean;
  readonly config?: string;
  /**
   * Not a flag: `status --org` sets it. With --demo, the session is the demo organization's management
   * account, whose members hold this role.
   */
  readonly orgReaderRole?: string;
}

/** What a command needs from the CLI around it. */
export interface CommandContext {
  readonly io: Io;
  /** The account the command works on, from the global options (tests hand in their own). */
  readonly openSession: (options: GlobalOptions) => Promise<Session>;
  /** Where Ctrl-C comes from while a command writes (tests raise their own). */
  readonly interrupts: Interrupts;
  /** A command that finished but must report failure (e.g. some changes failed) sets this. */
  exitCode: number;
}

export interface MainDependencies {
  /** Default: AWS, an endpoint, or (--demo) a fresh simulated sample account. */
  readonly openSession?: (options: GlobalOptions) => Promise<Session>;
  /** Default: the process's SIGINT and SIGTERM, and process.exit. */
  readonly interrupts?: Interrupts;
}

export function buildProgram(context: CommandContext): Command {
  const { io } = context;
  const program = new Command("watchkeeper")
    .description("Observability and operations agent for AWS serverless accounts")
    .version(VERSION)
    .addOption(new Option("--region <region>", "AWS region (default: AWS_REGION or the profile's region)"))
    .addOption(new Option("--profile <name>", "named profile from the AWS config files"))
    .addOption(new Option("--endpoint <url>", "AWS-compatible endpoint, e.g. a local emulator"))
    .addOption(new Option("--json", "print machine-readable JSON"))
    .addOption(new Option("--demo", "run against the simulated sample account instead of AWS"))
    .addOption(
      new Option("--config <file>", "configuration file (default: ./watchkeeper.config.json if present)"),
    )
    .showSuggestionAfterError()
    // Every command's --help lists --region, --endpoint, ... and marks the options it cannot run without.
    .configureHelp({
      showGlobalOptions: true,
      optionDescription(option) {
        const text = Help.prototype.optionDescription.call(this, option);
        return option.mandatory ? `${text} (required)` : text;
      },
    })
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.out(text),
      writeErr: (text) => io.err(text),
      // One line per error: commander puts its suggestion on a line of its own.
      outputError: (text, write) => write(`watchkeeper: ${text.trim().replace(/\s*\n\s*/g, " ")}\n`),
    });
  registerCommands(program, context);
  return program;
}

/**
 * Runs the CLI and returns the exit code: 0 ok, 1 the work failed, 2 the command line was wrong, 130
 * writes stopped by Ctrl-C.
 */
export async function main(argv: readonly string[], io: Io, deps: MainDependencies = {}): Promise<number> {
  const open = deps.openSession ?? openSession;
  const context: CommandContext = {
    io,
    openSession: async (options) => {
      const session = await open(options);
      if (session.notice !== undefined) io.err(`watchkeeper: note: ${session.notice}\n`);
      return session;
    },
    interrupts: deps.interrupts ?? processInterrupts,
    exitCode: EXIT_OK,
  };
  const program = buildProgram(context);
  if (argv.length === 0) {
    program.outputHelp();
    return EXIT_USAGE;
  }
  try {
    // Commander answers `nosuch --help` with the top-level help; parsed without it, it names the command.
    const parsed = unknownCommandAsked(program, argv) ? argv.filter((arg) => !isHelpFlag(arg)) : argv;
    await program.parseAsync([...parsed], { from: "user" });
    return context.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed its message (unknown flag, missing argument, --help).
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (error instanceof UsageError || error instanceof ConfigError) {
      io.err(`watchkeeper: ${error.message}\n`);
      return EXIT_USAGE;
    }
    io.err(`watchkeeper: ${error instanceof CommandFailed ? error.message : describeAwsError(error)}\n`);
    return EXIT_FAILURE;
  }
}

const isHelpFlag = (arg: string) => arg === "--help" || arg === "-h";

/** Asks for help (`--help`, `-h`) with a first word that is no command: a typo, not a request for help. */
function unknownCommandAsked(program: Command, argv: readonly string[]): boolean {
  if (!argv.some(isHelpFlag)) return false;
  const takesValue = (arg: string) =>
    program.options.some((option) => option.long === arg && (option.required || option.optional));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg.startsWith("-")) {
      if (takesValue(arg)) i++;
      continue;
    }
    const known = program.commands.some(
      (command) => command.name() === arg || command.aliases().includes(arg),
    );
    return !known && arg !== "help";
  }
  return false;
}
