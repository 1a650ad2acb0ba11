/**
 * Just enough of GitHub Markdown to check runbooks: fenced code blocks, inline code spans, ATX headings
 * with GitHub's anchor slugs, and links (inline, reference-style, autolinks, bare URLs). Code is kept
 * apart from prose, because a link or a placeholder inside code is text, not a link.
 */

export interface CodeChunk {
  readonly text: string;
  /** 1-based line of the chunk's first line in the file. */
  readonly line: number;
}

export interface Heading {
  readonly level: number;
  readonly text: string;
  readonly slug: string;
  readonly line: number;
}

export interface Link {
  readonly target: string;
  readonly line: number;
  readonly kind: "inline" | "reference" | "autolink" | "bare";
}

export interface ParsedMarkdown {
  /** The file with code blocks blanked and code spans replaced by spaces, line for line. */
  readonly prose: readonly string[];
  /** Fenced code blocks (their content) and inline code spans. */
  readonly code: readonly CodeChunk[];
  readonly headings: readonly Heading[];
  readonly links: readonly Link[];
  /** Reference-style uses whose label has no definition. */
  readonly undefinedReferences: readonly { label: string; line: number }[];
}

const FENCE = /^\s*(`{3,}|~{3,})/;
const CODE_SPAN = /(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/g;

/**
 * GitHub's heading anchor: the heading's text without Markdown, lowercased, every character that is not
 * a letter, a number, a space, `-` or `_` dropped, spaces turned into `-`. Repeats get `-1`, `-2`, ...
 */
export function githubSlug(heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/<[^>]+>/g, "")
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
    .replace(/ /g, "-");
}

export function parseMarkdown(source: string): ParsedMarkdown {
  const lines = source.split("\n");
  const prose: string[] = [];
  const code: CodeChunk[] = [];
  let fence: { marker: string; start: number; body: string[] } | undefined;

  lines.forEach((line, index) => {
    const match = FENCE.exec(line);
    if (fence) {
      const closing = match?.[1];
      if (
        closing &&
        closing[0] === fence.marker[0] &&
        closing.length >= fence.marker.length &&
        line.trim() === closing
      ) {
        code.push({ text: fence.body.join("\n"), line: fence.start + 1 });
        fence = undefined;
      } else {
        fence.body.push(line);
      }
      prose.push("");
      return;
    }
    if (match?.[1]) {
      fence = { marker: match[1], start: index + 1, body: [] };
      prose.push("");
      return;
    }
    prose.push(line);
  });
  if (fence) code.push({ text: fence.body.join("\n"), line: fence.start + 1 });

  // Code spans: kept as code, blanked in the prose (same length, so columns stay put).
  const proseWithoutSpans = prose.map((line, index) =>
    line.replace(CODE_SPAN, (span: string, _ticks: string, content: string) => {
      code.push({ text: content, line: index + 1 });
      return " ".repeat(span.length);
    }),
  );

  const headings: Heading[] = [];
  const seen = new Map<string, number>();
  proseWithoutSpans.forEach((_line, index) => {
    // The heading's text comes from the original line (code spans included), outside fences only.
    const original = prose[index] ?? "";
    const match = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(original);
    if (!match?.[1] || match[2] === undefined) return;
    const base = githubSlug(match[2]);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    headings.push({
      level: match[1].length,
      text: match[2],
      slug: count === 0 ? base : `${base}-${count}`,
      line: index + 1,
    });
  });

  const links: Link[] = [];
  const definitions = new Set<string>();
  const references: { label: string; line: number }[] = [];
  proseWithoutSpans.forEach((line, index) => {
    const at = index + 1;
    const definition = /^ {0,3}\[([^\]]+)\]:\s*(\S+)/.exec(line);
    if (definition?.[1] && definition[2]) {
      definitions.add(definition[1].trim().toLowerCase());
      links.push({ target: stripAngles(definition[2]), line: at, kind: "reference" });
      return;
    }
    for (const match of line.matchAll(
      /!?\[((?:[^[\]]|\[[^\]]*\])*)\]\(\s*(<[^>]*>|[^\s)]*)(?:\s+"[^"]*")?\s*\)/g,
    )) {
      links.push({ target: stripAngles(match[2] ?? ""), line: at, kind: "inline" });
    }
    for (const match of line.matchAll(/\[((?:[^[\]]|\[[^\]]*\])+)\]\[([^\]]*)\]/g)) {
      const label = (match[2] || match[1] || "").trim().toLowerCase();
      references.push({ label, line: at });
    }
    for (const match of line.matchAll(/<((?:https?|ftp|mailto):[^>\s]*)>/g)) {
      links.push({ target: match[1] ?? "", line: at, kind: "autolink" });
    }
    // Bare URLs GitHub turns into links; those already inside an inline link's parentheses are skipped.
    const outsideLinks = line.replace(/\]\([^)]*\)/g, "]()").replace(/<[^>\s]*>/g, "");
    for (const match of outsideLinks.matchAll(/\b(?:https?|ftp):\/\/[^\s<>)\]]+/g)) {
      links.push({ target: match[0].replace(/[.,;:!?]+$/, ""), line: at, kind: "bare" });
    }
  });

  return {
    prose: proseWithoutSpans,
    code,
    headings,
    links,
    undefinedReferences: references.filter((ref) => !definitions.has(ref.label)),
  };
}

function stripAngles(target: string): string {
  return target.startsWith("<") && target.endsWith(">") ? target.slice(1, -1) : target;
}

/** `<region>`-style placeholders in a piece of text. */
export function placeholdersIn(text: string): string[] {
  return [...text.matchAll(/<([A-Za-z][\w-]*(?: [\w-]+)*)>/g)].map((match) => `<${match[1]}>`);
}

/**
 * `watchkeeper <command> [<subcommand>] ...` invocations in one piece of code, each with the flags on the
 * rest of its command (up to a comment, `;`, `&&` or `|`).
 */
export interface Invocation {
  readonly words: readonly string[];
  readonly flags: readonly string[];
  /** Line offset inside the code chunk (0-based). */
  readonly offset: number;
  readonly text: string;
}

export function invocationsIn(code: string): Invocation[] {
  const found: Invocation[] = [];
  code.split("\n").forEach((line, offset) => {
    for (const match of line.matchAll(/(?:^|[\s;&|(`'"])(?:npx\s+)?watchkeeper((?:\s+[a-z][\w-]*){1,2})/g)) {
      const start = (match.index ?? 0) + match[0].indexOf("watchkeeper");
      const rest = line.slice(start).split(/\s#|;|&&|\|/)[0] ?? "";
      const words = (match[1] ?? "").trim().split(/\s+/);
      const flags = [...rest.matchAll(/(?:^|\s)(--[a-z][\w-]*)/g)].map((flag) => flag[1] ?? "");
      found.push({ words, flags, offset, text: rest.trim() });
    }
  });
  return found;
}
