/**
 * Pure presentation: answers, sources, article lists and stats -> Discord message payloads
 * (raw API JSON), within Discord's limits. No I/O; everything here is unit-tested.
 */
import { ButtonStyle, ComponentType, TextInputStyle } from 'discord.js';
import type {
  APIActionRowComponent,
  APIButtonComponent,
  APIComponentInMessageActionRow,
  APIEmbed,
  APIEmbedField,
  APIModalInteractionResponseCallbackData,
} from 'discord.js';
import type { CoverageStats, LatestArticle, SourcePassage } from '../answer/coverage.ts';
import type { Answer, Citation } from '../answer/types.ts';
import type { ArticleSummary } from '../corpus/article.ts';
import type { FeedStatus } from '../corpus/feeds/follower.ts';
import type { Insights } from '../insights/insights.ts';
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

export const FOLLOWING_PREFIX = 'Following: ';

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

/** Articles /latest lists, and how much of each first sentence it shows. */
const LATEST_FIELDS = 5;
const LATEST_SENTENCE_CHARS = 300;
const LATEST_FOOTER = 'Newest first, from the indexed coverage only. Ask with /ask for what they say.';

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
  // A quote from another day than the first one says so above it ("Earlier, on March 3:").
  const label = c.label ? `*${fitEscaped(c.label, 100)}:*\n` : '';
  const room = Math.min(quoteBudget, DISCORD_LIMITS.embedFieldValue - label.length - (meta ? meta.length + 1 : 0));
  const quote = fitRendered(c.quote, room, (raw) => blockQuoteMarked(raw, answerRange(c))) ?? blockQuote('…');
  return { name, value: `${label}${meta ? `${quote}\n${meta}` : quote}` };
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

export function answerEmbed(answer: Answer, following?: string): APIEmbed {
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
    // A follow-up says which question it followed; author names are plain text, like titles.
    if (following) embed.author = { name: truncateAtWord(`${FOLLOWING_PREFIX}${following}`, DISCORD_LIMITS.embedTitle) };
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

export const BUTTON_LABELS = { sources: 'Sources', helpful: 'Helpful', notHelpful: 'Not helpful', pin: 'Pin', followUp: 'Ask a follow-up' } as const;

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
    button(encodeButtonId({ kind: 'followUp', answerId }), BUTTON_LABELS.followUp, ButtonStyle.Secondary, '💬'),
  );
  return { type: ComponentType.ActionRow, components: buttons };
}

/**
 * The public reply to a question: one embed with the quotes, and the answer's buttons. A
 * follow-up's embed says above its title which question it followed (`following`, as that
 * answer showed it).
 */
export function answerMessage(answer: Answer, answerId: string, following?: string): ReplyPayload {
  return {
    embeds: [answerEmbed(answer, following)],
    components: [answerButtons(answer, answerId)],
    allowedMentions: NO_MENTIONS,
  };
}

// ---------------------------------------------------------------------------------------------
// Sources

/** One verified cited passage (sourceViews.ts); the Sources reply groups them by article. */
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

/** One cited article in the Sources view: every number it supports, and its cited text. */
interface ArticleSources {
  numbers: number[];
  passage: SourcePassage;
  /** The article's cited passages in article order, overlapping or touching ones joined into one. */
  segments: Array<{ start: number; text: string; highlights: SourceView['highlights'] }>;
}

/** Views grouped by article, articles in the order of their first citation number. */
function groupByArticle(views: readonly SourceView[]): ArticleSources[] {
  const byArticle = new Map<string, SourceView[]>();
  for (const view of views) {
    const list = byArticle.get(view.passage.articleId) ?? [];
    list.push(view);
    byArticle.set(view.passage.articleId, list);
  }
  const groups = [...byArticle.values()].map((list): ArticleSources => {
    const numbers = [...new Set(list.flatMap((v) => v.numbers))].sort((a, b) => a - b);
    const segments: ArticleSources['segments'] = [];
    let end = -1;
    for (const view of [...list].sort((a, b) => a.passage.start - b.passage.start)) {
      const p = view.passage;
      const last = segments.at(-1);
      if (last && p.start <= end) {
        // Passages overlap by a sentence: the text is the article's, so joining is exact.
        if (p.end > end) last.text += p.text.slice(end - p.start);
        last.highlights.push(...view.highlights);
      } else {
        segments.push({ start: p.start, text: p.text, highlights: [...view.highlights] });
      }
      end = Math.max(end, p.end);
    }
    return { numbers, passage: list[0]!.passage, segments };
  });
  return groups.sort((a, b) => a.numbers[0]! - b.numbers[0]!);
}

const SEGMENT_SEPARATOR = '\n\n…\n\n';

/**
 * The cited passages grouped by article (ephemeral "Sources" reply): one embed per article,
 * titled with every citation number it supports, linked to the article, dated in the footer;
 * its cited passages in article order, the quotes in bold.
 */
export function sourcesMessage(views: SourceView[]): ReplyPayload {
  if (views.length === 0) return textMessage('This answer has no quotes, so there are no sources to show.');
  const shown = groupByArticle(views).slice(0, DISCORD_LIMITS.embedsPerMessage);
  const embeds: APIEmbed[] = shown.map((article) => {
    const label = article.numbers.map((n) => `[${n}]`).join('');
    const p = article.passage;
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
  shown.forEach((article, i) => {
    const { segments } = article;
    const each = Math.floor((budget - SEGMENT_SEPARATOR.length * (segments.length - 1)) / segments.length);
    embeds[i]!.description = segments
      .map((segment) => fitRendered(segment.text, each, (text) => renderPassage(text, segment.start, segment.highlights)) ?? '…')
      .join(SEGMENT_SEPARATOR);
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

/** One line a feed: its address, articles, last successful poll, and whether it is failing now. */
function feedLines(feeds: FeedStatus[]): string {
  const lines = feeds.map((f) => {
    const at = f.lastSuccessAt ? Date.parse(f.lastSuccessAt) : NaN;
    const polled = Number.isNaN(at) ? 'not polled successfully yet' : `last polled <t:${Math.floor(at / 1000)}:R>`;
    const failing = f.failures > 0 ? ` — failing (${f.failures}×): ${escapeMarkdown(truncateAtWord(f.lastError ?? 'unknown', 120))}` : '';
    return `${escapeMarkdown(truncateAtWord(f.url, 300))}: ${f.articles} article${f.articles === 1 ? '' : 's'}, ${polled}${failing}`;
  });
  // The field's limit: as many whole lines as fit, then how many more.
  const shown: string[] = [];
  for (const [i, line] of lines.entries()) {
    const rest = lines.length - i - 1;
    const tail = rest > 0 ? `\n…and ${rest} more` : '';
    if ([...shown, line].join('\n').length + tail.length > DISCORD_LIMITS.embedFieldValue) {
      shown.push(`…and ${lines.length - i} more`);
      break;
    }
    shown.push(line);
  }
  return shown.join('\n');
}

export function aboutMessage(stats: CoverageStats, feeds?: FeedStatus[]): ReplyPayload {
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
  if (feeds && feeds.length > 0) embed.fields!.push({ name: `Followed feeds (${feeds.length})`, value: feedLines(feeds), inline: false });
  return { embeds: [embed], components: [], allowedMentions: NO_MENTIONS };
}

// ---------------------------------------------------------------------------------------------
// Follow-up modal

/**
 * "Ask a follow-up": a modal (interaction callback type 9) with one text input, in a Label
 * component, for the question that follows `question`.
 */
export function followUpModal(modalId: string, inputId: string, question: string, maxLength: number): APIModalInteractionResponseCallbackData {
  return {
    custom_id: modalId,
    title: 'Ask a follow-up',
    components: [
      {
        type: ComponentType.Label,
        label: 'Your follow-up question',
        description: truncateAtWord(`Following: ${question}`, 100),
        component: {
          type: ComponentType.TextInput,
          custom_id: inputId,
          style: TextInputStyle.Paragraph,
          min_length: 1,
          max_length: maxLength,
          required: true,
          placeholder: truncateAtWord('e.g. "when was that?" or "and what did Zelensky say?"', 100),
        },
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Insights (/insights)

/** What readers asked (src/insights/insights.ts), as one embed: counts, then the unanswered list. */
export function insightsMessage(report: Insights): ReplyPayload {
  const pct = Math.round(report.answeredShare * 100);
  const lines = report.unanswered.map((g, i) => {
    const also = g.variants.length > 0 ? ` (+${g.variants.length} similar)` : '';
    return `${i + 1}. ${fitEscaped(g.question, 300)} — **${g.count}×**${also}`;
  });
  const description =
    report.questions === 0
      ? 'No questions were asked in this period.'
      : lines.length === 0
        ? 'Every question was answered.'
        : `**Most asked questions the coverage did not answer**\n${lines.join('\n')}`;
  const embed: APIEmbed = {
    color: COLOR_INFO,
    title: `Questions in the last ${report.days} day${report.days === 1 ? '' : 's'}`,
    description: truncateAtWord(description, DISCORD_LIMITS.embedDescription),
    fields: [
      { name: 'Questions', value: String(report.questions), inline: true },
      { name: 'Answered', value: `${report.answered} (${pct}%)`, inline: true },
      { name: 'Not answered', value: String(report.declined), inline: true },
      { name: 'Helpful', value: String(report.feedback.helpful), inline: true },
      { name: 'Not helpful', value: String(report.feedback.notHelpful), inline: true },
    ],
    footer: { text: `${report.from.slice(0, 10)} to ${report.to.slice(0, 10)} · from the local question log (no user ids)` },
  };
  return { embeds: [embed], components: [], allowedMentions: NO_MENTIONS };
}

/** `/latest`: the newest articles on a topic, each with its date, title, link and first sentence. */
export function latestMessage(topic: string, articles: LatestArticle[]): ReplyPayload {
  const title = fitEscaped(`Newest on: ${topic}`, DISCORD_LIMITS.embedTitle);
  if (articles.length === 0) {
    return {
      embeds: [{ color: COLOR_INFO, title, description: fitEscaped(`The coverage has no articles on "${topic}".`, 500) }],
      components: [],
      allowedMentions: NO_MENTIONS,
    };
  }
  const fields: APIEmbedField[] = articles.slice(0, LATEST_FIELDS).map((a) => {
    const meta = citationMeta(a);
    const room = DISCORD_LIMITS.embedFieldValue - (meta ? meta.length + 1 : 0);
    const sentence = a.firstSentence ? (fitRendered(a.firstSentence, Math.min(room, LATEST_SENTENCE_CHARS), blockQuote) ?? '') : '';
    return { name: fitEscaped(a.title, DISCORD_LIMITS.embedFieldName), value: [sentence, meta].filter(Boolean).join('\n') || '—' };
  });
  return { embeds: [{ color: COLOR_INFO, title, fields, footer: { text: LATEST_FOOTER } }], components: [], allowedMentions: NO_MENTIONS };
}
