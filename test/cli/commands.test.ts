import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runMain } from "./capture.js";

describe("watchkeeper commands on the simulated sample account", () => {
  it("inventory --json prints the whole inventory", async () => {
    const { code, stdout } = await runMain(["inventory", "--demo", "--json"]);
    expect(code).toBe(0);
    const inventory = JSON.parse(stdout) as { accountId: string; resources: { kind: string }[] };
    expect(inventory.accountId).toBe("123456789012");
    // Every kind: the sample account holds one or more of each.
    expect(new Set(inventory.resources.map((r) => r.kind)).size).toBe(11);
  });

  it("inventory prints counts per kind and what needs attention", async () => {
    const { code, stdout } = await runMain(["inventory", "--demo"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/lambda-function\s+\d+/);
    expect(stdout).toMatch(/log groups never expire: /);
  });

  it("plan lists alarms to create and the unowned alarm it leaves alone", async () => {
    const { code, stdout } = await runMain(["plan", "--demo"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Alarms: \d+ to create, 0 to update, 0 to delete/m);
    expect(stdout).toMatch(/\+ watchkeeper-lambda-errors/);
    expect(stdout).toMatch(/watchkeeper-legacy-orders-errors {2}not owned/);
    expect(stdout).toMatch(/monthly cost of managed alarms: \$0\.00 now → \$\d+\.\d\d after/);
    expect(stdout).toMatch(/~ \/aws\/lambda\/\S+ {2}retentionInDays: never → 30/);
  });

  it("plan --json gives changes per capability", async () => {
    const { stdout } = await runMain(["plan", "--demo", "--json"]);
    const plan = JSON.parse(stdout) as { alarms: { changes: { action: string }[] }; outcomes: unknown[] };
    expect(plan.alarms.changes.some((c) => c.action === "create")).toBe(true);
    expect(plan.outcomes).toEqual([]);
  });

  it("apply refuses to write without --yes when nobody can be asked", async () => {
    const { code, stderr } = await runMain(["apply", "--demo"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/refusing without confirmation; pass --yes/);
  });

  it("apply --yes writes and reports", async () => {
    const { code, stdout } = await runMain(["apply", "--demo", "--yes"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Applied \d+ changes$/m);
  });

  it("apply --dry-run stops after the plan", async () => {
    const { code, stdout } = await runMain(["apply", "--demo", "--dry-run"]);
    expect(code).toBe(0);
    expect(stdout).not.toMatch(/Applied/);
  });

  it("findings --severity filters, and a bad severity is a usage error", async () => {
    const high = await runMain(["findings", "--demo", "--severity", "high", "--json"]);
    const findings = JSON.parse(high.stdout) as { severity: string }[];
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => f.severity === "high" || f.severity === "critical")).toBe(true);
    const bad = await runMain(["findings", "--demo", "--severity", "urgent"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/severity "urgent" is not valid/);
  });

  it("retention shows each group now and after apply", async () => {
    const { stdout } = await runMain(["retention", "--demo"]);
    expect(stdout).toMatch(/\/aws\/lambda\/orders-list\s+never\s+30 d\s+will-change/);
  });

  it("dashboard --out writes the body JSON", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "wk-dash-")), "dashboard.json");
    const { code, stdout } = await runMain(["dashboard", "--demo", "--out", file]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Wrote 1 dashboard body/);
    const body = JSON.parse(readFileSync(file, "utf8")) as { widgets: unknown[] };
    expect(body.widgets.length).toBeGreaterThan(5);
  });

  it("a bad config file fails with the field named", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wk-config-"));
    const file = join(dir, "bad.json");
    writeFileSync(file, JSON.stringify({ retention: { defaultDays: 45 } }));
    const { code, stderr } = await runMain(["plan", "--demo", "--config", file]);
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /^watchkeeper: .*bad\.json is not valid:\n {2}retention\.defaultDays: retention 45 is not valid/,
    );
  });
});
