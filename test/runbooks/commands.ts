/**
 * Every `watchkeeper` command a runbook may name, with the flags it takes besides the global ones: the
 * contract between runbooks/ and the CLI. runbooks.test.ts checks the runbooks against it (a runbook
 * naming a command or flag not listed here fails, naming the runbook); test/cli/actions.test.ts checks
 * that the CLI has every command and flag listed here.
 */
export const GLOBAL_FLAGS = ["--region", "--profile", "--endpoint", "--config", "--json", "--demo", "--help"];
export const COMMANDS: Readonly<Record<string, readonly string[]>> = {
  inventory: [],
  plan: [],
  apply: ["--yes", "--dry-run"],
  retention: [],
  "retention set": ["--days", "--dry-run", "--yes"],
  findings: ["--severity"],
  dashboard: ["--out"],
  demo: [],
  reconcile: ["--dry-run"],
  status: [],
  top: [],
  silence: ["--for", "--dry-run"],
  unsilence: ["--dry-run"],
  "breaker status": [],
  "breaker trip": ["--reason", "--dry-run", "--yes"],
  "breaker reset": ["--reason", "--dry-run", "--yes"],
  "dlq list": [],
  "dlq show": [],
  "dlq redrive": ["--dry-run", "--yes", "--rate", "--max-messages", "--via", "--function"],
  "dlq status": [],
  "dlq cancel": ["--dry-run", "--yes"],
  "notify preview": ["--alarm", "--state"],
};
