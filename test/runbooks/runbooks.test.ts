/**
 * The runbooks under runbooks/ against the code they describe: one runbook per catalog slug and none
 * orphaned, the same sections in the same order, working relative links and anchors, https-only outside
 * links, placeholders only inside code and all documented, and only `watchkeeper` commands and flags
 * the CLI documents. When the catalog or the CLI changes, these tests name the runbook to update.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CATALOG } from "../../lib/alarms/catalog/index.js";
import { BREAKER_RUNBOOK } from "../../lib/breaker/alarms.js";
import { COMMANDS, GLOBAL_FLAGS } from "./commands.js";
import { githubSlug, invocationsIn, parseMarkdown, placeholdersIn, type ParsedMarkdown } from "./markdown.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const RUNBOOKS = join(ROOT, "runbooks");
const INDEX = join(RUNBOOKS, "README.md");

/** The sections every alarm runbook has, as H2 headings, in this order and no others. */
const ALARM_SECTIONS = [
  "What it means",
  "First five minutes",
  "Diagnose",
  "Likely causes in serverless systems",
  "Act",
  "Don't yet",
  "Escalate when",
  "Related",
] as const;

/** One runbook per on-call action, under runbooks/actions/. */
const ACTION_RUNBOOKS = ["redrive-dlq", "breaker", "silence", "retention", "reconcile"] as const;

/** Alarms outside the catalog that link to a runbook of their own: the circuit breaker's trip alarms. */
const EXTRA_ALARM_RUNBOOKS = [BREAKER_RUNBOOK];

const COMMAND_GROUPS = new Set(
  Object.keys(COMMANDS).flatMap((key) => (key.includes(" ") ? [key.split(" ")[0]] : [])),
);

interface Doc {
  /** Path relative to the repository root, with `/`. */
  readonly path: string;
  readonly abs: string;
  readonly text: string;
  readonly md: ParsedMarkdown;
}

function markdownFiles(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const abs = join(dir, name);
      if (statSync(abs).isDirectory()) return markdownFiles(abs);
      return name.endsWith(".md") ? [abs] : [];
    })
    .sort();
}

function load(abs: string): Doc {
  const text = readFileSync(abs, "utf8");
  return { path: relative(ROOT, abs).split(sep).join("/"), abs, text, md: parseMarkdown(text) };
}

const DOCS = markdownFiles(RUNBOOKS).map(load);
const DOC_BY_ABS = new Map(DOCS.map((doc) => [doc.abs, doc]));
const CATALOG_SLUGS = [...new Set(CATALOG.map((entry) => entry.runbook))].sort();
const ALARM_SLUGS = [...new Set([...CATALOG_SLUGS, ...EXTRA_ALARM_RUNBOOKS])].sort();
const alarmDoc = (slug: string) => DOC_BY_ABS.get(join(RUNBOOKS, `${slug}.md`));

/** Placeholders the index documents, from its Placeholders table. */
function documentedPlaceholders(): Set<string> {
  const index = DOC_BY_ABS.get(INDEX);
  const start = index?.md.headings.find((h) => h.text === "Placeholders");
  if (!index || !start) return new Set();
  const rows = index.text.split("\n").slice(start.line);
  const found = new Set<string>();
  for (const row of rows) {
    if (/^#{1,6}\s/.test(row)) break;
    const cell = /^\|\s*`(<[^`]+>)`\s*\|/.exec(row);
    if (cell?.[1]) found.add(cell[1]);
  }
  return found;
}

/** A relative link's problem, or undefined when it resolves to a file (and heading) in the repository. */
function relativeLinkProblem(doc: Doc, target: string): string | undefined {
  const [pathPart = "", anchor] = target.split("#", 2);
  const file = pathPart === "" ? doc.abs : resolve(dirname(doc.abs), decodeURIComponent(pathPart));
  if (!file.startsWith(ROOT + sep)) return `${target} leaves the repository`;
  if (!existsSync(file)) return `${target}: ${relative(ROOT, file)} does not exist`;
  if (statSync(file).isDirectory()) return `${target} is a directory; link to a file`;
  if (anchor === undefined) return undefined;
  if (!file.endsWith(".md")) return `${target}: anchors are only checked in Markdown files`;
  const headings = (DOC_BY_ABS.get(file) ?? load(file)).md.headings;
  if (headings.some((h) => h.slug === anchor)) return undefined;
  return `${target}: no heading with anchor #${anchor} in ${relative(ROOT, file)} (anchors: ${headings.map((h) => h.slug).join(", ")})`;
}

describe("runbooks cover the alarm catalog", () => {
  it("has a runbook for every catalog entry's slug", () => {
    const missing = CATALOG.filter((entry) => !existsSync(join(RUNBOOKS, `${entry.runbook}.md`))).map(
      (entry) => `${entry.id} → runbooks/${entry.runbook}.md`,
    );
    expect(missing).toEqual([]);
  });

  it("has no orphan: every alarm runbook is used by a catalog entry or the breaker's trip alarms", () => {
    const top = readdirSync(RUNBOOKS).filter((name) => name.endsWith(".md") && name !== "README.md");
    const orphans = top.filter((name) => !ALARM_SLUGS.includes(name.slice(0, -3)));
    expect(orphans).toEqual([]);
  });

  it("has exactly the action runbooks under actions/", () => {
    const actions = readdirSync(join(RUNBOOKS, "actions")).sort();
    expect(actions).toEqual(ACTION_RUNBOOKS.map((name) => `${name}.md`).sort());
  });

  it("names every catalog id in its runbook, and links the AWS page the entry's defaults come from", () => {
    const problems: string[] = [];
    for (const entry of CATALOG) {
      const doc = alarmDoc(entry.runbook);
      if (!doc) continue;
      if (!doc.md.code.some((chunk) => chunk.text === entry.id)) {
        problems.push(`runbooks/${entry.runbook}.md does not name catalog id \`${entry.id}\``);
      }
      const related = doc.md.headings.find((h) => h.text === "Related");
      const linked = doc.md.links.filter((link) => related && link.line > related.line).map((l) => l.target);
      for (const url of entry.source.match(/https:\/\/[^\s;)]+/g) ?? []) {
        if (!linked.includes(url)) {
          problems.push(`runbooks/${entry.runbook}.md: Related does not link ${entry.id}'s source ${url}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("lists every alarm runbook, catalog id and action runbook in the index", () => {
    const index = DOC_BY_ABS.get(INDEX);
    expect(index, "runbooks/README.md").toBeDefined();
    const targets = new Set(index!.md.links.map((link) => link.target.split("#")[0]));
    const spans = new Set(index!.md.code.map((chunk) => chunk.text));
    const problems = [
      ...ALARM_SLUGS.filter((slug) => !targets.has(`${slug}.md`)).map((slug) => `no link to ${slug}.md`),
      ...ACTION_RUNBOOKS.filter((name) => !targets.has(`actions/${name}.md`)).map(
        (name) => `no link to actions/${name}.md`,
      ),
      ...CATALOG.filter((entry) => !spans.has(entry.id)).map(
        (entry) => `catalog id \`${entry.id}\` not listed`,
      ),
    ];
    expect(problems).toEqual([]);
  });
});

describe("runbook structure", () => {
  it.each(ALARM_SLUGS)("%s has the alarm sections in order", (slug) => {
    const doc = alarmDoc(slug);
    expect(doc, `runbooks/${slug}.md`).toBeDefined();
    const h1 = doc!.md.headings.filter((h) => h.level === 1);
    expect(h1.length, "one H1 title").toBe(1);
    expect(h1[0]?.line, "the title comes first").toBe(1);
    const sections = doc!.md.headings.filter((h) => h.level === 2).map((h) => h.text);
    expect(sections).toEqual([...ALARM_SECTIONS]);
  });

  it("gives every alarm runbook commands in its first five minutes", () => {
    const without = ALARM_SLUGS.filter((slug) => {
      const doc = alarmDoc(slug)!;
      const start = doc.md.headings.find((h) => h.text === "First five minutes")!.line;
      const end = doc.md.headings.find((h) => h.text === "Diagnose")!.line;
      return !doc.md.code.some(
        (chunk) => chunk.line > start && chunk.line < end && /watchkeeper\s/.test(chunk.text),
      );
    });
    expect(without).toEqual([]);
  });

  it("links every runbook back to the index", () => {
    const unlinked = DOCS.filter((doc) => doc.abs !== INDEX)
      .filter(
        (doc) =>
          !doc.md.links.some(
            (link) =>
              !/^[a-z]+:/i.test(link.target) &&
              resolve(dirname(doc.abs), link.target.split("#")[0] ?? "") === INDEX,
          ),
      )
      .map((doc) => doc.path);
    expect(unlinked).toEqual([]);
  });
});

describe("runbook links", () => {
  it("finds runbooks to check", () => {
    expect(DOCS.length).toBe(1 + ALARM_SLUGS.length + ACTION_RUNBOOKS.length);
  });

  it.each(DOCS.map((doc) => [doc.path, doc] as const))(
    "%s: relative links and anchors resolve",
    (_path, doc) => {
      const problems = doc.md.links
        .filter((link) => !/^[a-z][a-z0-9+.-]*:/i.test(link.target))
        .flatMap((link) => {
          if (link.target === "") return [`line ${link.line}: empty link target`];
          const problem = relativeLinkProblem(doc, link.target);
          return problem ? [`line ${link.line}: ${problem}`] : [];
        });
      const references = doc.md.undefinedReferences.map(
        (ref) => `line ${ref.line}: reference [${ref.label}] is not defined`,
      );
      expect([...problems, ...references]).toEqual([]);
    },
  );

  it.each(DOCS.map((doc) => [doc.path, doc] as const))(
    "%s: outside links are complete https URLs; placeholders only inside code",
    (_path, doc) => {
      const problems: string[] = [];
      for (const link of doc.md.links.filter((l) => /^[a-z][a-z0-9+.-]*:/i.test(l.target))) {
        if (!link.target.startsWith("https://"))
          problems.push(`line ${link.line}: ${link.target} is not https`);
        else if (/[<>{}\s]/.test(link.target))
          problems.push(`line ${link.line}: ${link.target} has a placeholder`);
      }
      doc.md.prose.forEach((line, index) => {
        for (const placeholder of placeholdersIn(line)) {
          problems.push(
            `line ${index + 1}: placeholder ${placeholder} outside code (GitHub hides it as HTML)`,
          );
        }
      });
      for (const chunk of doc.md.code) {
        for (const match of chunk.text.matchAll(/\b[a-z][a-z0-9+.-]*:\/\/\S*/gi)) {
          if (!match[0].startsWith("https://"))
            problems.push(`line ${chunk.line}: ${match[0]} in code is not https`);
        }
      }
      expect(problems).toEqual([]);
    },
  );

  it("uses only placeholders the index documents, and the index documents only used ones", () => {
    const documented = documentedPlaceholders();
    expect(documented.size).toBeGreaterThan(0);
    const used = new Map<string, string>();
    for (const doc of DOCS) {
      for (const chunk of doc.md.code) {
        for (const placeholder of placeholdersIn(chunk.text)) {
          if (!used.has(placeholder)) used.set(placeholder, `${doc.path}:${chunk.line}`);
        }
      }
    }
    const undocumented = [...used].filter(([p]) => !documented.has(p)).map(([p, where]) => `${p} (${where})`);
    const unused = [...documented].filter((p) => !used.has(p));
    expect({ undocumented, unused }).toEqual({ undocumented: [], unused: [] });
  });
});

describe("runbook commands", () => {
  it.each(DOCS.map((doc) => [doc.path, doc] as const))(
    "%s: names only documented watchkeeper commands and flags",
    (path, doc) => {
      const problems: string[] = [];
      for (const chunk of doc.md.code) {
        for (const call of invocationsIn(chunk.text)) {
          const where = `${path}:${chunk.line + call.offset}`;
          const [first = "", second] = call.words;
          const key = COMMAND_GROUPS.has(first) ? `${first} ${second ?? ""}`.trim() : first;
          const flags = COMMANDS[key];
          if (!flags) {
            problems.push(
              `${where}: "watchkeeper ${key}" is not a documented command (update the runbook, or COMMANDS in test/runbooks/commands.ts)`,
            );
            continue;
          }
          for (const flag of call.flags) {
            if (!flags.includes(flag) && !GLOBAL_FLAGS.includes(flag)) {
              problems.push(`${where}: "watchkeeper ${key}" takes no ${flag} (in: ${call.text})`);
            }
          }
        }
      }
      expect(problems).toEqual([]);
    },
  );
});

describe("the runbook checker itself", () => {
  it("makes GitHub's anchors", () => {
    expect(githubSlug("Don't yet")).toBe("dont-yet");
    expect(githubSlug("Likely causes in serverless systems")).toBe("likely-causes-in-serverless-systems");
    expect(githubSlug("Lambda errors (`lambda-errors`)")).toBe("lambda-errors-lambda-errors");
    expect(githubSlug("Redrive a [DLQ](x.md): step_1")).toBe("redrive-a-dlq-step_1");
  });

  it("numbers repeated headings and ignores headings inside code", () => {
    const md = parseMarkdown(["# Title", "## Act", "```sh", "# not a heading", "```", "## Act"].join("\n"));
    expect(md.headings.map((h) => h.slug)).toEqual(["title", "act", "act-1"]);
  });

  it("finds inline, reference, autolink and bare links, and none inside code", () => {
    const md = parseMarkdown(
      [
        "See [a](a.md#x) and [b][ref], <https://example.com/auto>, https://example.com/bare.",
        "`[not](a-link.md)` and",
        "```",
        "[also not](code.md) https://example.com/in-code",
        "```",
        "[ref]: https://example.com/ref",
        "[broken][nowhere]",
      ].join("\n"),
    );
    expect(md.links.map((l) => `${l.kind} ${l.target}`).sort()).toEqual(
      [
        "autolink https://example.com/auto",
        "bare https://example.com/bare",
        "inline a.md#x",
        "reference https://example.com/ref",
      ].sort(),
    );
    expect(md.undefinedReferences.map((r) => r.label)).toEqual(["nowhere"]);
    expect(md.code.map((c) => c.text)).toContain("[not](a-link.md)");
  });

  it("reads watchkeeper invocations with their flags", () => {
    const calls = invocationsIn(
      "watchkeeper dlq redrive <dlq> --rate 5 --yes # not --this\nnpx watchkeeper status && watchkeeper top x --json",
    );
    expect(calls.map((c) => [c.words.join(" "), c.flags.join(" ")])).toEqual([
      ["dlq redrive", "--rate --yes"],
      ["status", ""],
      ["top x", "--json"],
    ]);
  });

  it("spots placeholders", () => {
    expect(placeholdersIn("https://x?region=<region>#alarmsV2:alarm/<alarm-name> a < b > c")).toEqual([
      "<region>",
      "<alarm-name>",
    ]);
  });
});
