import type { Command } from "commander";
import type { Io } from "../io.js";
import type { GlobalOptions } from "../main.js";

export function globalOptions(command: Command): GlobalOptions {
  return command.optsWithGlobals<GlobalOptions>();
}

export function printJson(io: Io, value: unknown): void {
  io.out(JSON.stringify(value, null, 2) + "\n");
}
