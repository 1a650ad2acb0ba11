/**
 * `retention set` at the trust boundary, on lib/sim through the CLI (`main()` in-process) and the
 * runbook-action handler: a group the retention policy leaves alone (excludePrefixes, an exclude rule,
 * watchkeeper:ignore on the group or on a function writing to it) is refused, naming the rule, unless
 * forced; a DELIVERY group is refused even then (CloudWatch Logs fixes its retention); a group whose
 * tags, or whose writers' tags, could not be read is refused naming the failed call. Each case asserts
 * the group's retention afterwards. A forced set still asks before it shortens.
 */
import { describe, expect, it } from "vitest";
import { createRunbookActionHandler, type RunbookActionResponse } from "../../functions/runbook-action.js";
import type { ActionResult } from "../../lib/actions/index.js";
import { parseConfig } from "../../lib/config/schema.js";
import { ACTION_NAMES as SLACK_ACTIONS } from "../../lib/notify/actions.js";
import { TAGS } from "../../lib/policy/tags.js";
import { sampleAccount, simulatedAws, type SimAccount } from "../../lib/sim/index.js";
import { runMain } from "../cli/capture.js";
import { deployAgent } from "../support/deployed.js";
import { capturingLogger } from "../support/logs.js";

const RETENTION = {
  excludePrefixes: ["/app/"],
  rules: [{ prefix: "/partner/", exclude: true }],
};

/** The sample account, the agent deployed with RETENTION, and groups each protected another way. */
function account(): SimAccount {
  const sim = sampleAccount();
  deployAgent(sim, { retention: RETENTION });
  sim.addLogGroup({
    name: "/aws/lambda/keep-forever",
    retentionInDays: 3653,
    tags: { [TAGS.ignore]: "true" },
  });
  sim.addFunction({ name: "billing-export", logGroup: "/billing/export", tags: { [TAGS.ignore]: "yes" } });
  sim.addLogGroup({ name: "/billing/export", retentionInDays: 90 });
  sim.addLogGroup({ name: "/partner/feed", retentionInDays: 60 });
  sim.addLogGroup({ name: "/aws/vendedlogs/delivery", logGroupClass: "DELIVERY" });
  return sim;
}

const retentionOf = (sim: SimAccount, name: string) => sim.logGroups.get(name)?.retentionInDays;
const set = (sim: SimAccount, group: string, days: number, ...flags: string[]) =>
  runMain(["retention", "set", group, "--days", String(days), "--demo", ...flags], { sim });

describe("watchkeeper retention set refuses what the policy leaves alone", () => {
  it("watchkeeper:ignore=true on the group: 3653 days stay, even with --yes (exit 1, the tag named)", async () => {
    const sim = account();
    const run = await set(sim, "/aws/lambda/keep-forever", 1, "--yes");
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      "watchkeeper: log group /aws/lambda/keep-forever is excluded by the tag watchkeeper:ignore=true on " +
        "the group: not changed; pass --force (an action's force: true) to set it anyway\n",
    );
    expect(retentionOf(sim, "/aws/lambda/keep-forever")).toBe(3653);
  });

  it("retention.excludePrefixes of the deployed agent: refused; --force still asks to shorten, then sets", async () => {
    const sim = account();
    const refused = await set(sim, "/app/audit", 30, "--yes");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'log group /app/audit is excluded by retention.excludePrefixes "/app/": not changed; pass --force',
    );
    expect(refused.stderr).toContain("Configuration: the deployed agent's");
    expect(retentionOf(sim, "/app/audit")).toBe(400);

    const unconfirmed = await set(sim, "/app/audit", 30, "--force");
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stdout).toMatch(/^would set \/app\/audit: 400 days → 30 days \(events older/);
    expect(retentionOf(sim, "/app/audit")).toBe(400);

    const forced = await set(sim, "/app/audit", 30, "--force", "--yes");
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toContain('forced past retention.excludePrefixes "/app/"');
    expect(retentionOf(sim, "/app/audit")).toBe(30);
  });

  it("watchkeeper:ignore on the function writing to a custom-named group: refused, the function named", async () => {
    const sim = account();
    const run = await set(sim, "/billing/export", 7, "--yes");
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      "is excluded by the tag watchkeeper:ignore=yes on function billing-export, which writes to it",
    );
    expect(retentionOf(sim, "/billing/export")).toBe(90);
  });

  it("a DELIVERY-class group is refused even with --force", async () => {
    const sim = account();
    const run = await set(sim, "/aws/vendedlogs/delivery", 7, "--force", "--yes");
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/DELIVERY-class log group: its retention is fixed by CloudWatch Logs/);
    expect(retentionOf(sim, "/aws/vendedlogs/delivery")).toBeUndefined();
  });

  it.each([
    [
      "logs",
      "ListTagsForResource",
      "/aws/lambda/orders-list",
      /logs:ListTagsForResource on arn:aws:logs:\S+ failed: /,
    ],
    [
      "lambda",
      "ListTags",
      "/aws/lambda/orders-list",
      /lambda:ListTags on arn:aws:lambda:\S+orders-list failed: /,
    ],
    [
      "lambda",
      "ListFunctions",
      "/billing/export",
      /lambda:ListFunctions on the account's functions failed: /,
    ],
  ] as const)(
    "%s %s denied: refused naming the call, even with --force",
    async (service, api, group, named) => {
      const sim = account();
      const before = retentionOf(sim, group);
      const aws = simulatedAws(sim, { faults: { rules: [{ service, api, fault: "denied" }] } });
      const run = await runMain(["retention", "set", group, "--days", "14", "--demo", "--force", "--yes"], {
        sim,
        aws,
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(new RegExp(`log group ${group} not changed: ${named.source}`));
      expect(run.stderr).toContain(
        `so whether an opt-out protects it is unknown (grant ${service}:${api}, or retry)`,
      );
      expect(retentionOf(sim, group)).toBe(before);
    },
  );
});

describe("the retention-set action through the runbook-action handler", () => {
  const answered = (response: RunbookActionResponse): ActionResult => {
    if (!("action" in response)) throw new Error(`rejected: ${response.error}`);
    return response;
  };

  it("an exclude rule refuses it; force: true sets it; a force that is not a boolean is rejected", async () => {
    const sim = account();
    const { logger } = capturingLogger();
    const handle = createRunbookActionHandler({
      aws: () => simulatedAws(sim),
      config: () => parseConfig({ retention: RETENTION }, "test config"),
      logger,
    });
    const refused = answered(await handle({ action: "retention-set", logGroup: "/partner/feed", days: 7 }));
    expect(refused).toMatchObject({ ok: false, outcome: "refused" });
    expect(refused.text).toMatch(
      /^log group \/partner\/feed is excluded by the retention\.rules exclude rule for prefix "\/partner\/": not changed/,
    );
    expect(retentionOf(sim, "/partner/feed")).toBe(60);

    expect(
      await handle({ action: "retention-set", logGroup: "/partner/feed", days: 7, force: "yes" }),
    ).toEqual({
      ok: false,
      error: "event.force: true or false",
    });
    expect(retentionOf(sim, "/partner/feed")).toBe(60);

    const ignored = answered(
      await handle({ action: "retention-set", logGroup: "/aws/lambda/keep-forever", days: 1 }),
    );
    expect(ignored).toMatchObject({ ok: false, outcome: "refused" });
    expect(retentionOf(sim, "/aws/lambda/keep-forever")).toBe(3653);

    const forced = answered(
      await handle({ action: "retention-set", logGroup: "/partner/feed", days: 7, force: true }),
    );
    expect(forced).toMatchObject({ ok: true, outcome: "done" });
    expect(retentionOf(sim, "/partner/feed")).toBe(7);
  });

  it("no Slack button can ask for retention-set, so a click never forces one", () => {
    expect(SLACK_ACTIONS).not.toContain("retention-set");
  });
});
