/** `dlq show` for a person: the preview's sentence, its warnings, and the sampled bodies it promises. */
import {
  DEFAULT_BODY_CHARS,
  formatAge,
  type RedrivePreview,
  type SampledMessage,
} from "../../lib/dlq/index.js";
import { plural } from "../../lib/plural.js";
import type { Colors } from "./io.js";

export function renderDlqPreview(preview: RedrivePreview, c: Colors): string {
  const lines = [preview.sentence, ...preview.warnings.map((warning) => c.yellow(`warning: ${warning}`))];
  if (preview.sample.length === 0) {
    if (preview.sampleSkipped !== undefined) lines.push(c.dim(`no sample: ${preview.sampleSkipped}`));
    return lines.join("\n");
  }
  const cut = preview.sample.some((m) => m.truncated)
    ? `, bodies cut at ${DEFAULT_BODY_CHARS} characters`
    : "";
  lines.push(`sample of ${preview.sample.length} (left in the queue${cut}):`);
  for (const message of preview.sample)
    lines.push(`  ${c.dim(about(message))}`, `    ${oneLine(message.body)}`);
  return lines.join("\n");
}

/** "3f45…, 2h old, received 2 times, 512 bytes" */
function about(message: SampledMessage): string {
  return [
    message.messageId,
    message.ageSeconds !== undefined ? `${formatAge(message.ageSeconds)} old` : undefined,
    message.receiveCount !== undefined ? `received ${plural(message.receiveCount, "time")}` : undefined,
    plural(message.bytes, "byte"),
    message.groupId !== undefined ? `group ${message.groupId}` : undefined,
  ]
    .filter((part) => part !== undefined)
    .join(", ");
}

/** A body on one line: newlines and other control characters (a terminal's escapes too), with the indentation around them, become one space. */
function oneLine(body: string): string {
  // eslint-disable-next-line no-control-regex
  return body.replace(/\s*[\u0000-\u001f\u007f]+\s*/g, " ").trim() || "(empty body)";
}
