/**
 * Slack Block Kit: the message shape Watchkeeper sends, the documented limits, a validator that lists
 * every violation, and the text helpers that keep a message within them. Limits from Slack's Block Kit
 * reference (docs.slack.dev/reference/block-kit: blocks, block elements, composition objects) and the
 * chat.postMessage reference (`text`).
 */
import type { KnownBlock } from "@slack/types";

export interface SlackMessage {
  /** Fallback text: notifications, screen readers, clients without blocks. */
  readonly text: string;
  readonly blocks: readonly KnownBlock[];
}

export const BLOCK_KIT_LIMITS = {
  /** A message holds at most 50 blocks. */
  blocksPerMessage: 50,
  /** chat.postMessage truncates `text` longer than 40,000 characters. */
  messageText: 40_000,
  blockId: 255,
  headerText: 150,
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  contextElements: 10,
  /** A text object holds at most 3,000 characters. */
  contextText: 3000,
  actionsElements: 25,
  buttonText: 75,
  actionId: 255,
  buttonValue: 2000,
  buttonUrl: 3000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  imageUrl: 3000,
  imageAltText: 2000,
} as const;

export interface BlockKitViolation {
  /** Where, e.g. "blocks[3].elements[1].text.text". */
  readonly path: string;
  readonly problem: string;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Every way `message` breaks Slack's documented Block Kit limits, empty when it is valid. Covers the
 * blocks Watchkeeper sends (header, section, context, actions with buttons, divider, image); any other
 * block type is reported as unsupported here rather than passed unchecked.
 */
export function validateBlockKit(message: unknown): BlockKitViolation[] {
  const out: BlockKitViolation[] = [];
  const fail = (path: string, problem: string) => out.push({ path, problem });
  if (!isObject(message)) {
    fail("message", "must be an object with text and blocks");
    return out;
  }
  const L = BLOCK_KIT_LIMITS;
  if (typeof message.text !== "string" || message.text.trim() === "") {
    fail("text", "fallback text is missing: Slack shows it in notifications and to screen readers");
  } else {
    maxLength(message.text, L.messageText, "text", fail);
  }
  const blocks = message.blocks;
  if (!Array.isArray(blocks)) {
    fail("blocks", "must be an array");
    return out;
  }
  if (blocks.length > L.blocksPerMessage)
    fail("blocks", `${blocks.length} blocks; at most ${L.blocksPerMessage}`);
  const blockIds = new Set<string>();
  blocks.forEach((block: unknown, i) => {
    const at = `blocks[${i}]`;
    if (!isObject(block)) return fail(at, "must be an object");
    if (block.block_id !== undefined) {
      if (typeof block.block_id !== "string") fail(`${at}.block_id`, "must be a string");
      else {
        maxLength(block.block_id, L.blockId, `${at}.block_id`, fail);
        if (blockIds.has(block.block_id)) fail(`${at}.block_id`, `"${block.block_id}" is used twice`);
        blockIds.add(block.block_id);
      }
    }
    switch (block.type) {
      case "header":
        textObject(block.text, `${at}.text`, L.headerText, fail, "plain_text");
        break;
      case "section": {
        if (block.text === undefined && block.fields === undefined) fail(at, "needs text or fields");
        if (block.text !== undefined) textObject(block.text, `${at}.text`, L.sectionText, fail);
        if (block.fields !== undefined) {
          if (!Array.isArray(block.fields) || block.fields.length === 0)
            fail(`${at}.fields`, "must be a non-empty array");
          else {
            if (block.fields.length > L.sectionFields) {
              fail(`${at}.fields`, `${block.fields.length} fields; at most ${L.sectionFields}`);
            }
            block.fields.forEach((field: unknown, j) =>
              textObject(field, `${at}.fields[${j}]`, L.sectionFieldText, fail),
            );
          }
        }
        if (block.accessory !== undefined) element(block.accessory, `${at}.accessory`, fail);
        break;
      }
      case "context": {
        const elements = block.elements;
        if (!Array.isArray(elements) || elements.length === 0) {
          fail(`${at}.elements`, "must be a non-empty array");
          break;
        }
        if (elements.length > L.contextElements) {
          fail(`${at}.elements`, `${elements.length} elements; at most ${L.contextElements}`);
        }
        elements.forEach((e: unknown, j) => {
          const path = `${at}.elements[${j}]`;
          if (isObject(e) && e.type === "image") image(e, path, fail);
          else textObject(e, path, L.contextText, fail);
        });
        break;
      }
      case "actions": {
        const elements = block.elements;
        if (!Array.isArray(elements) || elements.length === 0) {
          fail(`${at}.elements`, "must be a non-empty array");
          break;
        }
        if (elements.length > L.actionsElements) {
          fail(`${at}.elements`, `${elements.length} elements; at most ${L.actionsElements}`);
        }
        const actionIds = new Set<string>();
        elements.forEach((e: unknown, j) => {
          element(e, `${at}.elements[${j}]`, fail);
          if (isObject(e) && typeof e.action_id === "string") {
            if (actionIds.has(e.action_id))
              fail(`${at}.elements[${j}].action_id`, `"${e.action_id}" is used twice in the block`);
            actionIds.add(e.action_id);
          }
        });
        break;
      }
      case "divider":
        break;
      case "image":
        image(block, at, fail);
        break;
      default:
        fail(`${at}.type`, `block type ${JSON.stringify(block.type)} is not one this validator checks`);
    }
  });
  return out;
}

type Fail = (path: string, problem: string) => void;

function maxLength(text: string, max: number, path: string, fail: Fail): void {
  if (text.length > max) fail(path, `${text.length} characters; at most ${max}`);
}

function textObject(value: unknown, path: string, max: number, fail: Fail, only?: "plain_text"): void {
  if (!isObject(value)) return fail(path, "must be a text object");
  if (value.type !== "plain_text" && value.type !== "mrkdwn") {
    return fail(`${path}.type`, `must be plain_text or mrkdwn, not ${JSON.stringify(value.type)}`);
  }
  if (only && value.type !== only) fail(`${path}.type`, `must be ${only}`);
  if (typeof value.text !== "string" || value.text.length === 0)
    return fail(`${path}.text`, "must be non-empty text");
  maxLength(value.text, max, `${path}.text`, fail);
}

function element(value: unknown, path: string, fail: Fail): void {
  if (!isObject(value)) return fail(path, "must be an object");
  if (value.type !== "button")
    return fail(
      `${path}.type`,
      `element type ${JSON.stringify(value.type)} is not one this validator checks`,
    );
  const L = BLOCK_KIT_LIMITS;
  textObject(value.text, `${path}.text`, L.buttonText, fail, "plain_text");
  if (value.action_id !== undefined) {
    if (typeof value.action_id !== "string") fail(`${path}.action_id`, "must be a string");
    else maxLength(value.action_id, L.actionId, `${path}.action_id`, fail);
  }
  if (value.value !== undefined) {
    if (typeof value.value !== "string") fail(`${path}.value`, "must be a string");
    else maxLength(value.value, L.buttonValue, `${path}.value`, fail);
  }
  if (value.url !== undefined) {
    if (typeof value.url !== "string") fail(`${path}.url`, "must be a string");
    else maxLength(value.url, L.buttonUrl, `${path}.url`, fail);
  }
  if (value.style !== undefined && value.style !== "primary" && value.style !== "danger") {
    fail(`${path}.style`, "must be primary or danger");
  }
  if (value.confirm !== undefined) {
    const confirm = value.confirm;
    if (!isObject(confirm)) return fail(`${path}.confirm`, "must be a confirmation dialog object");
    textObject(confirm.title, `${path}.confirm.title`, L.confirmTitle, fail, "plain_text");
    textObject(confirm.text, `${path}.confirm.text`, L.confirmText, fail);
    textObject(confirm.confirm, `${path}.confirm.confirm`, L.confirmButton, fail, "plain_text");
    textObject(confirm.deny, `${path}.confirm.deny`, L.confirmButton, fail, "plain_text");
  }
}

function image(value: Json, path: string, fail: Fail): void {
  if (typeof value.image_url !== "string") fail(`${path}.image_url`, "must be a URL");
  else maxLength(value.image_url, BLOCK_KIT_LIMITS.imageUrl, `${path}.image_url`, fail);
  if (typeof value.alt_text !== "string" || value.alt_text === "")
    fail(`${path}.alt_text`, "must be non-empty text");
  else maxLength(value.alt_text, BLOCK_KIT_LIMITS.imageAltText, `${path}.alt_text`, fail);
}

// ── Text that fits ─────────────────────────────────────────────────────────────────────────────────

/** At most `max` characters, ending with "…" when cut; never splits a UTF-16 surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return `${text.slice(0, cut)}…`;
}

/** Slack mrkdwn treats &, < and > as control characters (links, mentions): escape them in data. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Escaped, then cut to `max` without leaving half an entity ("&am…"). */
export function mrkdwnWithin(text: string, max: number): string {
  const escaped = escapeMrkdwn(text);
  if (escaped.length <= max) return escaped;
  const cut = truncate(escaped, max);
  return cut.replace(/&[a-z]{0,3}…$/, "…");
}

/** `<url|label>`; the label is escaped and a `|` in it would end the link, so it is replaced. */
export function mrkdwnLink(url: string, label: string): string {
  return `<${url}|${escapeMrkdwn(label).replace(/\|/g, "¦")}>`;
}
