/** The sample account's DLQs, as the CLI and the demo show them, and a redrive of each kind on it. */
import { describe, expect, it } from "vitest";
import { listDlqs, previewRedrive, redrive } from "../../lib/dlq/index.js";
import { advance, bodies, simSetup } from "./fixtures.js";

describe("the sample account", () => {
  it("lists its DLQs with depth, sources and the redrive each allows", async () => {
    const { inventory } = await simSetup();
    expect(listDlqs(inventory).map((r) => [r.queue.name, r.depth, r.redrive])).toEqual([
      ["alerts-archive-dlq", 0, "none"],
      ["clickstream-failures", 0, "none"],
      ["ledger-dlq.fifo", 2, "move-task"],
      ["notifications-dlq", 0, "reinvoke"],
      ["order-events-dlq", 0, "none"],
      ["orders-stream-failures", 0, "none"],
      ["payments-dlq", 3, "move-task"],
      ["report-failures", 0, "reinvoke"],
    ]);
    expect(listDlqs(inventory).find((r) => r.queue.name === "payments-dlq")?.sentence).toBe(
      "payments-dlq: 3 messages from queue payments; redrive with a message move task",
    );
  });

  it("redrives payments-dlq and ledger-dlq.fifo back to their sources, and notifications-dlq into its function", async () => {
    const { sim, aws, inventory } = await simSetup((sim) =>
      sim.addMessage("notifications-dlq", { body: '{"to":"oncall@example.com"}' }),
    );
    const preview = await previewRedrive(aws, inventory, "ledger-dlq.fifo");
    expect(preview.sample.map((m) => [m.body, m.groupId])).toEqual([['{"entry":"A-17"}', "account-17"]]);

    expect((await redrive(aws, inventory, "payments-dlq")).kind).toBe("move-task");
    expect((await redrive(aws, inventory, "ledger-dlq.fifo")).kind).toBe("move-task");
    expect((await redrive(aws, inventory, "notifications-dlq")).kind).toBe("reinvoke");
    advance(sim, 1_000);
    expect(bodies(sim, "payments")).toHaveLength(3);
    expect(bodies(sim, "ledger.fifo")).toEqual(['{"entry":"A-17"}', '{"entry":"A-18"}']);
    expect(sim.functions.get("notifications-sender")!.invocations.map((i) => i.payload)).toEqual([
      '{"to":"oncall@example.com"}',
    ]);
    for (const dlq of ["payments-dlq", "ledger-dlq.fifo", "notifications-dlq"])
      expect(bodies(sim, dlq)).toEqual([]);
  });
});
