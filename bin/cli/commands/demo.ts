import type { Command } from "commander";
import type { CommandContext } from "../main.js";
import { openSession } from "../session.js";
import { discover, renderInventory } from "./inventory.js";

/** The whole agent on the simulated sample account, one capability after another. */
export function registerDemo(program: Command, context: CommandContext): void {
  program
    .command("demo")
    .description("run Watchkeeper against the simulated sample account and show what it does")
    .action(async () => {
      const { io } = context;
      const session = await openSession({ demo: true });
      io.out("Watchkeeper demo: a simulated account, nothing leaves this machine.\n\n");
      const inventory = await discover(io, session);
      io.out(renderInventory(inventory, io));
    });
}
