/**
 * lib/sim's PutEvents, through the real EventBridge client: AWS's request limits (1 to 10 entries, under
 * 256 KB), its per-entry answers (200 with FailedEntryCount), and the events the account then holds, in
 * the shape EventBridge delivers them.
 */
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import { describe, expect, it } from "vitest";
import { SimAccount, simulatedAws } from "../../lib/sim/index.js";

function setup() {
  const sim = new SimAccount({ region: "eu-west-1" });
  const put = (entries: PutEventsRequestEntry[]) =>
    simulatedAws(sim)
      .client(EventBridgeClient)
      .send(new PutEventsCommand({ Entries: entries }));
  return { sim, put };
}

const entry = (fields: Partial<PutEventsRequestEntry> = {}): PutEventsRequestEntry => ({
  Source: "watchkeeper",
  DetailType: "Watchkeeper Action",
  Detail: JSON.stringify({ action: "breaker-trip" }),
  ...fields,
});

describe("PutEvents on lib/sim", () => {
  it("puts an entry on the default bus as EventBridge delivers it", async () => {
    const { sim, put } = setup();
    const answer = await put([entry({ Resources: ["arn:aws:lambda:eu-west-1:123456789012:function:f"] })]);
    expect(answer.FailedEntryCount).toBe(0);
    expect(sim.eventsOn("default")).toEqual([
      {
        version: "0",
        id: answer.Entries![0]!.EventId,
        "detail-type": "Watchkeeper Action",
        source: "watchkeeper",
        account: "123456789012",
        time: "2025-01-01T00:00:00Z",
        region: "eu-west-1",
        resources: ["arn:aws:lambda:eu-west-1:123456789012:function:f"],
        detail: { action: "breaker-trip" },
      },
    ]);
  });

  it("answers each entry on its own: a bad one fails with AWS's code, the others are put", async () => {
    const { sim, put } = setup();
    const answer = await put([
      entry({ Source: "aws.lambda" }),
      entry({ Detail: "[1, 2]" }),
      entry({ Detail: "{not json" }),
      entry({ Source: undefined }),
      entry({ DetailType: undefined }),
      entry({ Detail: undefined }),
      entry(),
    ]);
    expect(answer.FailedEntryCount).toBe(6);
    expect(answer.Entries!.map((e) => e.ErrorCode ?? "put")).toEqual([
      "NotAuthorizedForSourceException",
      "MalformedDetail",
      "MalformedDetail",
      "InvalidArgument",
      "InvalidArgument",
      "InvalidArgument",
      "put",
    ]);
    expect(answer.Entries![3]!.ErrorMessage).toBe(
      "Parameter Source is not valid. Reason: Source is a required argument.",
    );
    expect(sim.eventsOn("default")).toHaveLength(1);
  });

  it("refuses a request of no entries, of more than 10, or of 256 KB and more, putting nothing", async () => {
    const { sim, put } = setup();
    await expect(put([])).rejects.toMatchObject({ name: "ValidationException" });
    await expect(put(Array.from({ length: 11 }, () => entry()))).rejects.toMatchObject({
      name: "ValidationException",
      message: expect.stringMatching(/less than or equal to 10$/),
    });
    const big = JSON.stringify({ text: "x".repeat(130 * 1024) });
    await expect(put([entry({ Detail: big }), entry({ Detail: big })])).rejects.toMatchObject({
      name: "ValidationException",
      message: "Total size of the entries in the request is over the limit.",
    });
    expect((await put([entry({ Detail: big })])).FailedEntryCount).toBe(0);
    expect(sim.eventsOn("default")).toHaveLength(1);
  });

  it("puts on another bus by name or ARN; a bus that does not exist gets an EventId and nothing", async () => {
    const { sim, put } = setup();
    sim.addEventBus({ name: "orders" });
    const answer = await put([
      entry({ EventBusName: "orders" }),
      entry({ EventBusName: sim.arns.of("events", "event-bus/orders") }),
      entry({ EventBusName: "nowhere" }),
    ]);
    expect(answer.FailedEntryCount).toBe(0);
    expect(answer.Entries!.every((e) => e.EventId)).toBe(true);
    expect(sim.eventsOn("orders")).toHaveLength(2);
    expect(sim.eventsOn("default")).toEqual([]);
    expect(sim.busEvents).toHaveLength(2);
  });

  it("takes fault injection like every other call", async () => {
    const sim = new SimAccount();
    const aws = simulatedAws(sim, {
      faults: { rules: [{ service: "eventbridge", api: "PutEvents", fault: "denied" }] },
    });
    await expect(
      aws.client(EventBridgeClient).send(new PutEventsCommand({ Entries: [entry()] })),
    ).rejects.toMatchObject({ name: "AccessDeniedException" });
    expect(sim.busEvents).toEqual([]);
    expect(sim.stats()).toEqual([expect.objectContaining({ api: "PutEvents", faults: 1 })]);
  });
});
