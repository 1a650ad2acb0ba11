/**
 * One source of truth for configuration: where the agent is deployed, `plan`, `apply` and `reconcile`
 * use the configuration it stores (the reconcile function's environment, written as the stack writes
 * it), so a local run never undoes the agent's, above all never strips its alarms' actions. A local file
 * that differs is refused, naming each field; `--config-source` chooses; a stored config that cannot be
 * used, or cannot be read, is refused with the reason and nothing is written.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readDeployedConfig } from "../../lib/config/deployed.js";
import { discoverAndReconcile, plannedWrites } from "../../lib/reconcile/index.js";
import { sampleAccount, simulatedAws, type SimAccount } from "../../lib/sim/index.js";
import { deployAgent, setStoredVariables } from "../support/deployed.js";
import { simulatedAwsDenying } from "../support/sim.js";
import { runMain } from "./capture.js";

const PREFIX = "watchkeeper-";

interface PlanJson {
  configuration: { source: string; file?: string; deployedFunction?: string; keptTopic?: string };
  alarms: { changes: { action: string }[] };
  retention: { changes: { action: string }[] };
  dashboards?: { changes: { action: string }[] };
}

/** The sample account with the agent deployed and converged by its own reconcile (its stored config). */
async function deployedAndConverged(thresholds: Record<string, number> = {}) {
  const sim = sampleAccount();
  const topic = deployAgent(sim, { alarms: { thresholds } });
  const aws = simulatedAws(sim);
  const deployed = await readDeployedConfig(aws, PREFIX);
  if (!deployed.deployed) throw new Error("the agent was not deployed");
  const run = await discoverAndReconcile(aws, deployed.config);
  expect(plannedWrites(run).length).toBeGreaterThan(0);
  return { sim, topic, aws };
}

function managedAlarms(sim: SimAccount) {
  return [...sim.alarms.values()].filter((alarm) => alarm.tags["watchkeeper:managed"] === "true");
}

/** Everything a run could write, to show that a refused run wrote nothing. */
function writable(sim: SimAccount): string {
  return JSON.stringify({
    alarms: [...sim.alarms.values()].map((alarm) => [alarm.name, alarm.config, alarm.tags]),
    retention: [...sim.logGroups.values()].map((group) => [group.name, group.retentionInDays]),
    dashboards: [...sim.dashboards.values()].map((dashboard) => [dashboard.name, dashboard.body]),
  });
}

function configFile(content: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), "wk-deployed-")), "watchkeeper.config.json");
  writeFileSync(file, JSON.stringify(content));
  return file;
}

const writes = (plan: PlanJson) =>
  [...plan.alarms.changes, ...plan.retention.changes, ...(plan.dashboards?.changes ?? [])].filter(
    (change) => change.action !== "noop",
  );

describe("where the agent is deployed", () => {
  it("a local plan with no config file plans nothing, and apply --yes keeps every alarm's actions", async () => {
    const { sim, topic, aws } = await deployedAndConverged();
    const alarms = managedAlarms(sim);
    expect(alarms.length).toBeGreaterThan(10);
    for (const alarm of alarms) {
      expect(alarm.config.AlarmActions, alarm.name).toEqual([topic]);
      expect(alarm.config.OKActions, alarm.name).toEqual([topic]);
    }

    const plan = await runMain(["plan", "--demo", "--json"], { sim });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stderr).toContain("Configuration: the deployed agent's, from watchkeeper-reconcile\n");
    const json = JSON.parse(plan.stdout) as PlanJson;
    expect(json.configuration).toMatchObject({
      source: "deployed",
      deployedFunction: "watchkeeper-reconcile",
    });
    expect(writes(json)).toEqual([]);

    const before = writable(sim);
    const apply = await runMain(["apply", "--demo", "--yes"], { sim });
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toMatch(/^Alarms: 0 to create, 0 to update, 0 to delete/m);
    expect(apply.stdout).toContain("Nothing to change.\n");
    expect(writable(sim)).toBe(before);
    for (const alarm of managedAlarms(sim)) expect(alarm.config.AlarmActions, alarm.name).toEqual([topic]);

    // And the agent's next run has nothing to put back: the two writers agree.
    const deployed = await readDeployedConfig(aws, PREFIX);
    if (!deployed.deployed) throw new Error("the agent was not deployed");
    expect(plannedWrites(await discoverAndReconcile(aws, deployed.config, { dryRun: true }))).toEqual([]);
  });

  it("reconcile uses the deployed configuration too, and says so in --json", async () => {
    const { sim } = await deployedAndConverged();
    const run = await runMain(["reconcile", "--demo", "--dry-run"], { sim });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^dry run over \d+ resources: 0 changes to make$/m);
    const json = await runMain(["reconcile", "--demo", "--dry-run", "--json"], { sim });
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: true,
      configuration: { source: "deployed", deployedFunction: "watchkeeper-reconcile" },
    });
  });

  it("refuses a local config that differs (exit 2), naming each field and how to choose; writes nothing", async () => {
    const { sim } = await deployedAndConverged({ "lambda-errors": 5 });
    const file = configFile({
      alarms: { thresholds: { "lambda-errors": 10 } },
      retention: { defaultDays: 14 },
    });
    const before = writable(sim);
    for (const command of [["plan"], ["apply", "--yes"], ["reconcile"]]) {
      const run = await runMain([...command, "--demo", "--config", file], { sim });
      expect(run.code, command.join(" ")).toBe(2);
      expect(run.stderr).toContain(
        `watchkeeper: ${file} differs from the configuration of the agent deployed in simulated account, ` +
          "us-east-1 (watchkeeper-reconcile), deployed → local:\n" +
          '  alarms.notificationTopicArn: "arn:aws:sns:us-east-1:123456789012:watchkeeper-alarms" → not set\n' +
          "  alarms.thresholds.lambda-errors: 5 → 10\n" +
          "  retention.defaultDays: 30 → 14\n" +
          "Pass --config-source deployed to use the deployed configuration, or --config-source local",
      );
      expect(run.stdout).toBe("");
    }
    expect(writable(sim)).toBe(before);
  });

  it("accepts a local config that says the same as the deployed one", async () => {
    const { sim, topic } = await deployedAndConverged({ "lambda-errors": 5 });
    const file = configFile({
      prefix: PREFIX,
      alarms: { notificationTopicArn: topic, thresholds: { "lambda-errors": 5 } },
      retention: { defaultDays: 30 },
    });
    const plan = await runMain(["plan", "--demo", "--json", "--config", file], { sim });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stderr).toContain(
      `Configuration: the deployed agent's, from watchkeeper-reconcile, which ${file} matches`,
    );
    expect(writes(JSON.parse(plan.stdout) as PlanJson)).toEqual([]);
  });

  it("--config-source deployed uses the deployed configuration over a differing file", async () => {
    const { sim } = await deployedAndConverged();
    const file = configFile({ retention: { defaultDays: 14 } });
    const plan = await runMain(
      ["plan", "--demo", "--json", "--config", file, "--config-source", "deployed"],
      {
        sim,
      },
    );
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stderr).toContain(`; ${file} not used (--config-source deployed)`);
    expect(writes(JSON.parse(plan.stdout) as PlanJson)).toEqual([]);
  });

  it("--config-source local applies the file, keeping the deployed alarm topic when the file names none", async () => {
    const { sim, topic } = await deployedAndConverged();
    const file = configFile({ alarms: { thresholds: { "lambda-errors": 7 } } });
    const apply = await runMain(
      ["apply", "--demo", "--yes", "--json", "--config", file, "--config-source", "local"],
      {
        sim,
      },
    );
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stderr).toContain(
      `Configuration: ${file} (--config-source local), with the deployed agent's alarm topic ${topic}, ` +
        `since ${file} names none: alarms keep notifying\n`,
    );
    expect((JSON.parse(apply.stdout) as PlanJson).configuration).toMatchObject({
      source: "local",
      file,
      deployedFunction: "watchkeeper-reconcile",
      keptTopic: topic,
    });
    expect(sim.alarms.get("watchkeeper-lambda-errors")?.config.Threshold).toBe(7);
    for (const alarm of managedAlarms(sim)) {
      expect(alarm.config.AlarmActions, alarm.name).toEqual([topic]);
      expect(alarm.config.OKActions, alarm.name).toEqual([topic]);
    }
  });

  it.each([
    ["a stored config that is not JSON", { WATCHKEEPER_CONFIG: "{not json" }, /it is not valid JSON \(/],
    [
      "a stored config with a bad field",
      { WATCHKEEPER_CONFIG: JSON.stringify({ retention: { defaultDays: 45 } }) },
      /it is not valid:\n {2}retention\.defaultDays: retention 45 is not valid.*\n {2}redeploy the agent/s,
    ],
    [
      "a stored config newer than the CLI",
      { WATCHKEEPER_CONFIG_VERSION: "2" },
      /it is version 2 and this CLI reads up to version 1; upgrade the CLI/,
    ],
    [
      "a version stamp that is no number",
      { WATCHKEEPER_CONFIG_VERSION: "v1" },
      /"v1" is not a version number/,
    ],
  ])("refuses %s with the reason, writing nothing", async (_what, variables, reason) => {
    // Not converged: an apply would have much to write.
    const sim = sampleAccount();
    deployAgent(sim);
    setStoredVariables(sim, PREFIX, variables);
    const before = writable(sim);
    for (const command of [
      ["apply", "--yes"],
      ["reconcile"],
      ["apply", "--yes", "--config-source", "local"],
    ]) {
      const run = await runMain([...command, "--demo"], { sim });
      expect(run.code, command.join(" ")).toBe(2);
      expect(run.stderr).toMatch(
        /^watchkeeper: the deployed agent's configuration \(WATCHKEEPER_CONFIG of watchkeeper-reconcile\) cannot be used: /,
      );
      expect(run.stderr).toMatch(reason);
    }
    expect(writable(sim)).toBe(before);
  });

  it("fails naming the call when the deployed configuration cannot be read, writing nothing", async () => {
    const sim = sampleAccount();
    deployAgent(sim);
    const before = writable(sim);
    const aws = simulatedAwsDenying(sim, "lambda");
    const run = await runMain(["apply", "--demo", "--yes"], { sim, aws });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^watchkeeper: cannot read the deployed agent's configuration: lambda:GetFunctionConfiguration on watchkeeper-reconcile failed \(AccessDeniedException: .*not authorized to perform: lambda:GetFunctionConfiguration.*\)\n$/,
    );
    expect(writable(sim)).toBe(before);
  });
});

describe("where the agent is not deployed", () => {
  it("plans with the local config or the defaults, as before, and says so", async () => {
    const plan = await runMain(["plan", "--demo", "--json"]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stderr).toContain(
      'Configuration: defaults: no config file, no agent deployed with prefix "watchkeeper-" here\n',
    );
    expect((JSON.parse(plan.stdout) as PlanJson).configuration).toMatchObject({ source: "defaults" });
    const file = configFile({ prefix: "ops-" });
    const local = await runMain(["plan", "--demo", "--json", "--config", file]);
    expect(local.stderr).toContain(`Configuration: ${file} (no agent deployed with prefix "ops-" here)\n`);
    expect((JSON.parse(local.stdout) as PlanJson).configuration).toMatchObject({ source: "local", file });
  });

  it("--config-source deployed is a usage error naming the function looked for", async () => {
    const run = await runMain(["plan", "--demo", "--config-source", "deployed"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^watchkeeper: --config-source deployed: no Watchkeeper agent with prefix "watchkeeper-" is deployed in .* \(no function watchkeeper-reconcile\)/,
    );
  });

  it("--config-source takes deployed or local only", async () => {
    const run = await runMain(["plan", "--demo", "--config-source", "file"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/argument 'file' is invalid\. Allowed choices are deployed, local/);
  });
});
