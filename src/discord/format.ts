/**
 * Pure presentation: answers, sources, article lists and stats -> Discord message payloads
 * (raw API JSON), within Discord's limits. No I/O; everything here is unit-tested.
 */
import { ButtonStyle, ComponentType } from 'discord.js';
import type {
  APIActionRowComponent,
  APIButtonComponent,
  APIComponentInMessageActionRow,
  APIEmbed,
  APIEmbedField,
} from 'discord.js';
import type { CoverageStats, SourcePassage } from '../answer/coverage.ts';
import type { Answer, Citation } from '../answer/types.ts';
import type { ArticleSummary } from '../corpus/article.ts';
import { encodeButtonId } from './customIds.ts';
import { DISCORD_LIMITS } from './limits.ts';
import { escapeMarkdown, fitEscaped, fitRendered, truncateAtWord } from './text.ts';

/** A message as sent: mentions are never parsed, so quoted text cannot ping anyone. */
export interface ReplyPayload {
  content?: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIComponentInMessageActionRow>[];
  allowedMentions: { parse: []; repliedUser: false };
}

export const NO_MENTIONS = Object.freeze({ parse: [] as [], repliedUser: false as const });

const COLOR_ANSWER = 0x2b6cb0;
const COLOR_ABSTAIN = 0x718096;
const COLOR_INFO = 0x4a5568;

/** More quotes than this are left to the Sources view (each field holds one quote). */
const MAX_QUOTE_FIELDS = 10;

export const ANSWER_FOOTER = 'Answered only from the indexed coverage. Quotes are verbatim; Sources shows the full passages.';
export const ABSTAIN_FOOTER = 'Answered only from the indexed coverage.';

export function textMessage(content: string): ReplyPayload {
  return {
    content: truncateAtWord(content, DISCORD_LIMITS.content),
    embeds: [],
    components: [],
    allowedMentions: NO_MENTIONS,
  };
}

/** Characters Discord counts against the 6,000 per message budget. */
export function embedLength(embed: APIEmbed): number {
  const parts = [
    embed.title,
    embed.description,
    embed.footer?.text,
    embed.author?.name,
    ...(embed.fields ?? []).flatMap((field) => [field.name, field.value]),
  ];
  return parts.reduce((sum, part) => sum + (part?.length ?? 0), 0);
}

/** Every limit Discord enforces on what we send; returns the violations (empty when fine). */
export function limitViolations(payload: Pick<ReplyPayload, 'content' | 'embeds' | 'components'>): string[] {
  const problems: string[] = [];
  const L = DISCORD_LIMITS;
  if ((payload.content ?? '').length > L.content) problems.push(`content ${payload.content!.length} > ${L.content}`);
  if (payload.embeds.length > L.embedsPerMessage) problems.push(`${payload.embeds.length} embeds > ${L.embedsPerMessage}`);
  let total = 0;
  payload.embeds.forEach((embed, i) => {
    total += embedLength(embed);
    const check = (what: string, text: string | undefined, max: number) => {
      if (text !== undefined && text.length > max) problems.push(`embed ${i} ${what} ${text.length} > ${max}`);
    };
    check('title', embed.title, L.embedTitle);
    check('description', embed.description, L.embedDescription);
    check('footer', embed.footer?.text, L.embedFooter);
    const fields = embed.fields ?? [];
    if (fields.length > L.embedFields) problems.push(`embed ${i} has ${fields.length} fields > ${L.embedFields}`);
    fields.forEach((field, j) => {
      check(`field ${j} name`, field.name, L.embedFieldName);
      check(`field ${j} value`, field.value, L.embedFieldValue);
      if (!field.name || !field.value) problems.push(`embed ${i} field ${j} is empty`);
    });
  });
  if (total > L.embedTotal) problems.push(`embeds total ${total} > ${L.embedTotal}`);
  for (const row of payload.components) {
    if (row.components.length > L.buttonsPerRow) problems.push(`row with ${row.components.length} components`);
    for (const component of row.components) {
      if ('custom_id' in component && component.custom_id.length > L.customId) problems.push(`custom id ${component.custom_id}`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Answers

/** `> ` before every line, so a multi-line quote stays one block quote. */
function blockQuote(raw: string): string {
  return raw
    .split('\n')
    .map((line) => `> ${escapeMarkdown(line)}`)
    .join('\n');
}

/** The answer's words as offsets into the quote, when the reader marked them. */
function answerRange(c: Citation): [number, number] | undefined {
  if (c.answerStart === undefined || c.answerEnd === undefined) return undefined;
  const a = c.answerStart - c.start;
  const b = c.answerEnd - c.start;
  return a >= 0 && b > a && b <= c.quote.length ? [a, b] : undefined;
}

/** A block quote with the words that answer in bold (what of them a shortened quote still holds). */
function blockQuoteMarked(raw: string, range: [number, number] | undefined): string {
  if (!range || range[0] >= raw.length || raw.slice(range[0], range[1]).includes('\n')) return blockQuote(raw);
  const end = Math.min(range[1], raw.length);
  const marked = `${escapeMarkdown(raw.slice(0, range[0]))}**${escapeMarkdown(raw.slice(range[0], end))}**${escapeMarkdown(raw.slice(end))}`;
  return marked
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
}

/** A URL safe inside a masked link's parentheses. */
function linkTarget(url: string): string {
  return url.replace(/[()<>\s]/g, (c) => encodeURIComponent(c));
}

function citationMeta(c: Pick<Citation, 'date' | 'url'>): string {
  return [c.date, c.url ? `[Read the article](${linkTarget(c.url)})` : null].filter(Boolean).join(' · ');
}

/** One quote: the field name carries the citation number and title, the value the quote itself. */
export function citationFieldName(n: number, title: string): string {
  return `[${n}] ${fitEscaped(title, DISCORD_LIMITS.embedFieldName - `[${n}] `.length)}`;
}

function citationField(c: Citation, quoteBudget: number): APIEmbedField {
  const name = citationFieldName(c.n, c.title);
  const meta = citationMeta(c);
  const room = Math.min(quoteBudget, DISCORD_LIMITS.embedFieldValue - (meta ? meta.length + 1 : 0));
  const quote = fitRendered(c.quote, room, (raw) => blockQuoteMarked(raw, answerRange(c))) ?? blockQuote('…');
  return { name, value: meta ? `${quote}\n${meta}` : quote };
}

function answerDescription(answer: Answer, shownQuotes: number, budget: number): string | undefined {
  const extras: string[] = [];
  const hidden = answer.citations.length - shownQuotes;
  if (hidden > 0) extras.push(`${hidden} more quote${hidden === 1 ? '' : 's'}: see Sources.`);
  if (answer.note) extras.push(`*${fitEscaped(answer.note, 500)}*`);
  if (answer.droppedQuotes > 0) {
    const n = answer.droppedQuotes;
    extras.push(`*${n} quote${n === 1 ? '' : 's'} could not be verified against the articles and ${n === 1 ? 'is' : 'are'} not shown.*`);
  }
  // An extractive answer is its quotes, shown as fields. Written answers and abstentions have
  // text of their own, shortened (before escaping) to what the budget leaves.
  const hasText = answer.abstained || answer.mode !== 'extractive';
  if (!hasText) return extras.length > 0 ? extras.join('\n\n') : undefined;
  const extrasLength = extras.reduce((sum, e) => sum + e.length + 2, 0);
  const text = fitRendered(answer.answer, Math.max(100, budget - extrasLength), escapeMarkdown) ?? '…';
  return [text, ...extras].join('\n\n');
}

export function answerEmbed(answer: Answer): APIEmbed {
  const shown = answer.citations.slice(0, MAX_QUOTE_FIELDS);
  const title = fitEscaped(answer.question, DISCORD_LIMITS.embedTitle);
  const footer = answer.abstained ? ABSTAIN_FOOTER : ANSWER_FOOTER;

  let descriptionBudget: number = DISCORD_LIMITS.embedDescription;
  let quoteBudget: number = DISCORD_LIMITS.embedFieldValue;
  for (let attempt = 0; ; attempt++) {
    const embed: APIEmbed = {
      color: answer.abstained ? COLOR_ABSTAIN : COLOR_ANSWER,
      title,
      fields: shown.map((c) => citationField(c, quoteBudget)),
      footer: { text: footer },
    };
    const description = answerDescription(answer, shown.length, descriptionBudget);
    if (description) embed.description = description;
    const excess = embedLength(embed) - DISCORD_LIMITS.embedTotal;
    if (excess <= 0 || attempt > 30) return embed;
    // Shrink what is largest: a long written answer first, then every quote evenly.
    const descriptionLength = description?.length ?? 0;
    if (descriptionLength > 1000 && descriptionLength >= quoteBudget) {
      descriptionBudget = Math.max(1000, descriptionLength - excess);
    } else {
      quoteBudget = Math.max(60, quoteBudget - Math.ceil(excess / Math.max(1, shown.length)) - 8);
      if (quoteBudget === 60) descriptionBudget = Math.max(200, descriptionBudget - excess);
    }
  }
}

function button(customId: string, label: string, style: ButtonStyle, emoji?: string): APIButtonComponent {
  return {
    type: ComponentType.Button,
    custom_id: customId,
    label,
    style,
    ...(emoji ? { emoji: { name: emoji } } : {}),
  } as APIButtonComponent;
}

export const BUTTON_LABELS = { sources: 'Sources', helpful: 'Helpful', notHelpful: 'Not helpful', pin: 'Pin' } as const;

export function answerButtons(answer: Answer, answerId: string): APIActionRowComponent<APIComponentInMessageActionRow> {
  const buttons: APIButtonComponent[] = [];
  if (answer.citations.length > 0) {
    const passageIds = answer.citations.map((c) => c.passageId);
    buttons.push(button(encodeButtonId({ kind: 'sources', answerId, passageIds }), BUTTON_LABELS.sources, ButtonStyle.Primary));
  }
  buttons.push(
    button(encodeButtonId({ kind: 'vote', answerId, vote: 'helpful' }), BUTTON_LABELS.helpful, ButtonStyle.Secondary, '👍'),
    button(encodeButtonId({ kind: 'vote', answerId, vote: 'not_helpful' }), BUTTON_LABELS.notHelpful, ButtonStyle.Secondary, '👎'),
    button(encodeButtonId({ kind: 'pin', answerId }), BUTTON_LABELS.pin, ButtonStyle.Secondary, '📌'),
  );
  return { type: ComponentType.ActionRow, components: buttons };
}

/** The public reply to a question: one embed with the quotes, and the answer's buttons. */
export function answerMessage(answer: Answer, answerId: string): ReplyPayload {
  return {
    embeds: [answerEmbed(answer)],
    components: [answerButtons(answer, answerId)],
    allowedMentions: NO_MENTIONS,
  };
}

// ---------------------------------------------------------------------------------------------
// Sources

export interface SourceView {
  /** Citation numbers that quote this passage, e.g. [1] or [1, 3]. */
  numbers: number[];
  passage: SourcePassage;
  /** Quoted spans to highlight, in article offsets (as in Citation.start/end). */
  highlights: Array<{ start: number; end: number }>;
}

/** Passage text with the quoted spans in bold; `text` may be a shortened prefix of the passage. */
function renderPassage(text: string, passageStart: number, highlights: SourceView['highlights']): string {
  const spans = highlights
    .map((h) => ({ start: Math.max(0, h.start - passageStart), end: Math.min(text.length, h.end - passageStart) }))
    .filter((h) => h.end > h.start)
    .sort((a, b) => a.start - b.start)
    // Touching or overlapping quotes become one bold run ("**a****b**" would not render).
    .reduce<Array<{ start: number; end: number }>>((merged, h) => {
      const last = merged.at(-1);
      if (last && h.start <= last.end) last.end = Math.max(last.end, h.end);
      else merged.push({ ...h });
      return merged;
    }, []);
  let out = '';
  let at = 0;
  for (const span of spans) {
    if (span.end <= at) continue;
    const start = Math.max(at, span.start);
    out += escapeMarkdown(text.slice(at, start));
    // Bold per line: a bold run across a line break renders, but not across a block element.
    out += `**${escapeMarkdown(text.slice(start, span.end))}**`;
    at = span.end;
  }
  return out + escapeMarkdown(text.slice(at));
}

/** The full cited passages, one embed each (ephemeral "Sources" reply). */
export function sourcesMessage(views: SourceView[]): ReplyPayload {
  if (views.length === 0) return textMessage('This answer has no quotes, so there are no sources to show.');
  const shown = views.slice(0, DISCORD_LIMITS.embedsPerMessage);
  const embeds: APIEmbed[] = shown.map((view) => {
    const label = view.numbers.map((n) => `[${n}]`).join('');
    const p = view.passage;
    const footer = [p.date, p.articleId].filter(Boolean).join(' · ');
    return {
      color: COLOR_INFO,
      title: `${label} ${fitEscaped(p.title, DISCORD_LIMITS.embedTitle - label.length - 1)}`,
      ...(p.url ? { url: p.url } : {}),
      footer: { text: truncateAtWord(footer, DISCORD_LIMITS.embedFooter) },
    };
  });
  const fixed = embeds.reduce((sum, embed) => sum + embedLength(embed), 0);
  const budget = Math.min(DISCORD_LIMITS.embedDescription, Math.floor((DISCORD_LIMITS.embedTotal - fixed) / embeds.length));
  shown.forEach((view, i) => {
    const { passage } = view;
    embeds[i]!.description =
      fitRendered(passage.text, budget, (text) => renderPassage(text, passage.start, view.highlights)) ?? '…';
  });
  return { embeds, components: [], allowedMentions: NO_MENTIONS };
}

// ---------------------------------------------------------------------------------------------
// Article list (/sources) and stats (/about)

export const ARTICLES_PER_PAGE = 10;

/** Articles whose title or id contains every word of `search` (case-insensitive), newest first. */
export function filterArticles(articles: readonly ArticleSummary[], search: string): ArticleSummary[] {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  return articles
    .filter((a) => {
      const haystack = `${a.title} ${a.id}`.toLowerCase();
      return words.every((w) => haystack.includes(w));
    })
    .sort((a, b) => (b.date ?? '').localeCompare(a.date ?? '') || a.title.localeCompare(b.title));
}

function articleLine(a: ArticleSummary): string {
  const title = fitEscaped(a.title, 250);
  const shown = a.url ? `[${title}](${linkTarget(a.url)})` : title;
  return `• **${shown}**${a.date ? ` · ${a.date}` : ''}`;
}

export function articleListMessage(articles: readonly ArticleSummary[], requestedPage: number, search: string): ReplyPayload {
  const matching = filterArticles(articles, search);
  const pages = Math.max(1, Math.ceil(matching.length / ARTICLES_PER_PAGE));
  const page = Math.min(Math.max(0, requestedPage), pages - 1);
  const onPage = matching.slice(page * ARTICLES_PER_PAGE, (page + 1) * ARTICLES_PER_PAGE);
  const shownSearch = fitEscaped(search, 100);
  const title = search
    ? `Articles matching “${shownSearch}” (${matching.length})`
    : `Indexed articles (${matching.length})`;
  const description =
    onPage.length > 0
      ? onPage.map(articleLine).join('\n')
      : search
        ? `No indexed article matches “${shownSearch}”.`
        : 'No articles are indexed yet.';
  const embed: APIEmbed = {
    color: COLOR_INFO,
    title,
    description: truncateAtWord(description, DISCORD_LIMITS.embedDescription),
    footer: { text: `Page ${page + 1} of ${pages}` },
  };
  const components: ReplyPayload['components'] = [];
  if (pages > 1) {
    components.push({
      type: ComponentType.ActionRow,
      components: [
        { ...button(encodeButtonId({ kind: 'articles', page: Math.max(0, page - 1), search }), 'Previous', ButtonStyle.Secondary), disabled: page === 0 },
        { ...button(encodeButtonId({ kind: 'articles', page: Math.min(pages - 1, page + 1), search }), 'Next', ButtonStyle.Secondary), disabled: page === pages - 1 },
      ] as APIButtonComponent[],
    });
  }
  return { embeds: [embed], components, allowedMentions: NO_MENTIONS };
}

export function aboutMessage(stats: CoverageStats): ReplyPayload {
  const built = Date.parse(stats.builtAt);
  const builtText = Number.isNaN(built) ? stats.builtAt : `<t:${Math.floor(built / 1000)}:f> (${stats.builtAt})`;
  const embed: APIEmbed = {
    color: COLOR_INFO,
    title: 'About this bot',
    description:
      'I answer questions only from the indexed coverage, with verbatim quotes and their sources. ' +
      'When the articles do not answer a question, I say so.',
    fields: [
      { name: 'Articles', value: String(stats.articles), inline: true },
      { name: 'Passages', value: String(stats.passages), inline: true },
      { name: 'Embedding model', value: fitEscaped(`${stats.model} (${stats.dimension} dimensions)`, 1000), inline: false },
      { name: 'Index built', value: builtText, inline: false },
    ],
    footer: { text: 'Ask with /ask, or mention me with a question.' },
  };
  return { embeds: [embed], components: [], allowedMentions: NO_MENTIONS };
}
