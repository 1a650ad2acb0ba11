/**
 * `watchkeeper dashboard --out` previews what apply writes: the same generator with the same alarms, the
 * catalog's and the breaker's trip alarms, planned as the reconcile plans them.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { comparableBody } from "../../dashboards/index.js";
import { sampleAccount } from "../../lib/sim/index.js";
import { runMain } from "./capture.js";

const outFile = () => join(mkdtempSync(join(tmpdir(), "wk-dash-")), "dashboard.json");

describe("watchkeeper dashboard --out", () => {
  it("writes the body apply wrote to the same account, its alarms (the breaker's among them) included", async () => {
    const sim = sampleAccount();
    const applied = await runMain(["apply", "--demo", "--yes"], { sim });
    expect(applied.code, applied.stderr).toBe(0);
    const written = [...sim.dashboards.values()];
    expect(written.map((dashboard) => dashboard.name)).toEqual(["watchkeeper-dashboard-us-east-1"]);

    const file = outFile();
    const preview = await runMain(["dashboard", "--demo", "--out", file], { sim });
    expect(preview.code, preview.stderr).toBe(0);
    const body = readFileSync(file, "utf8");
    // The same body but for when it was generated (each run discovers anew).
    expect(comparableBody(body)).toBe(comparableBody(written[0]!.body));
    expect(body).toContain(":alarm:watchkeeper-breaker-");
    expect(body).toContain('"title": "Watchkeeper alarms: account-wide');
  });
});
