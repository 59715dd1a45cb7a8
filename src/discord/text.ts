/**
 * Text chores every Discord reply needs: escaping markdown so quoted article text shows exactly
 * as written (and cannot format, link or mention), and shortening at a word boundary.
 */

/**
 * Discord's autolink rule: a URL runs to whitespace or `<` and does not end in punctuation.
 * Markdown inside it is not interpreted, so it is not escaped; it is sent as `<URL>`, which
 * Discord shows as the bare link, so that an escape right after it cannot join the link.
 */
export const URL_PATTERN = /(https?:\/\/[^\s<]+[^<.,:;"')\]\s])/g;

function escapeInline(text: string): string {
  return text.replace(/[\\*_~`|[\]<@]/g, '\\$&');
}

/**
 * Escapes Discord markdown so text shows exactly as written. Inline: \ * _ ~ ` | [ ] (bold,
 * italics, underline, strike, code, spoilers, masked links), < (user/role/channel mentions,
 * timestamps, custom emoji) and @ (@everyone / @here). At a line start: headings, block quotes,
 * subtext and lists. URLs stay clickable (see URL_PATTERN). `unescapeMarkdown` inverts it.
 */
export function escapeMarkdown(text: string): string {
  const inline = text
    .split(URL_PATTERN)
    .map((part, i) => (i % 2 === 0 ? escapeInline(part) : part.includes('>') ? escapeInline(part) : `<${part}>`))
    .join('');
  return inline.replace(/^([ \t]*)([#>+-])/gm, '$1\\$2').replace(/^([ \t]*)(\d+)\./gm, '$1$2\\.');
}

/** What a reader sees of `escapeMarkdown` output, as plain text. */
export function unescapeMarkdown(escaped: string): string {
  let out = '';
  for (let i = 0; i < escaped.length; ) {
    const c = escaped[i]!;
    const next = escaped[i + 1];
    if (c === '\\' && next !== undefined && /[^\sA-Za-z0-9]/.test(next)) {
      out += next;
      i += 2;
      continue;
    }
    // Every other `<` was escaped, so an unescaped one opens a <URL>.
    if (c === '<') {
      const close = escaped.indexOf('>', i);
      if (close !== -1) {
        out += escaped.slice(i + 1, close);
        i = close + 1;
        continue;
      }
    }
    out += c;
    i++;
  }
  return out;
}

export const ELLIPSIS = '…';

/**
 * `text` if it fits in `max` characters, else a prefix ending at a word boundary followed by an
 * ellipsis, at most `max` characters in all. A single word longer than half the room is cut
 * inside the word rather than dropping most of the text. Never splits a surrogate pair.
 */
export function truncateAtWord(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < ELLIPSIS.length) return '';
  const room = max - ELLIPSIS.length;
  let end = room;
  // Whitespace right after the cut means the cut already is a word boundary.
  if (!/\s/.test(text.charAt(room))) {
    const lastSpace = text.slice(0, room + 1).search(/\s\S*$/);
    if (lastSpace > room / 2) end = lastSpace;
  }
  if (end > 0 && isHighSurrogate(text.charCodeAt(end - 1))) end--;
  const head = text.slice(0, end).replace(/[\s,;:–—-]+$/u, '');
  return head + ELLIPSIS;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * The longest word-boundary prefix of `raw` whose rendering fits in `max` characters, rendered.
 * `render` turns raw text into what is sent (escaping, quote markers), so the budget is spent on
 * what Discord counts. Returns undefined when not even an ellipsis fits.
 */
export function fitRendered(raw: string, max: number, render: (text: string) => string): string | undefined {
  const whole = render(raw);
  if (whole.length <= max) return whole;
  let lo = ELLIPSIS.length;
  let hi = raw.length - 1;
  let best: string | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const candidate = render(truncateAtWord(raw, mid));
    if (candidate.length <= max) {
      best = candidate;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return best;
}

/** Escaped and shortened to `max` characters (for titles, names, short lines). */
export function fitEscaped(raw: string, max: number): string {
  return fitRendered(raw, max, escapeMarkdown) ?? '';
}
