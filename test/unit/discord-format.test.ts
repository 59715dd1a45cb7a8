import { ComponentType } from 'discord.js';
import { describe, expect, it } from 'vitest';
import type { Answer, Citation } from '../../src/answer/types.ts';
import { decodeButtonId } from '../../src/discord/customIds.ts';
import {
  aboutMessage,
  answerMessage,
  articleListMessage,
  BUTTON_LABELS,
  embedLength,
  followUpModal,
  insightsMessage,
  limitViolations,
  sourcesMessage,
  textMessage,
  type ReplyPayload,
} from '../../src/discord/format.ts';
import { quoteFromFieldValue } from '../../src/discord/sourceViews.ts';
import { escapeMarkdown, truncateAtWord, unescapeMarkdown } from '../../src/discord/text.ts';

function citation(n: number, quote: string, extra: Partial<Citation> = {}): Citation {
  return {
    n,
    quote,
    articleId: `world/article-${n}`,
    title: `Article number ${n}`,
    date: '2025-02-15',
    url: `https://example.org/a/${n}`,
    passageId: 100 + n,
    start: 0,
    end: quote.length,
    ...extra,
  };
}

function answer(citations: Citation[], extra: Partial<Answer> = {}): Answer {
  return {
    question: 'Who did Marco Rubio speak with on the phone?',
    abstained: false,
    answer: citations.map((c) => `“${c.quote}” [${c.n}]`).join('\n'),
    citations,
    mode: 'extractive',
    droppedQuotes: 0,
    ...extra,
  };
}

const words = (count: number, word = 'lorem') => Array.from({ length: count }, (_, i) => `${word}${i}`).join(' ');

function fieldsOf(payload: ReplyPayload) {
  return payload.embeds[0]!.fields ?? [];
}

describe('answerMessage', () => {
  it('shows each quote with its number, title, date and link, and the footer', () => {
    const msg = answerMessage(answer([citation(1, 'Rubio held a phone conversation with Lavrov.')]), '123456789012345678');
    const embed = msg.embeds[0]!;
    expect(msg.embeds).toHaveLength(1);
    expect(embed.title).toBe('Who did Marco Rubio speak with on the phone?');
    expect(embed.fields).toEqual([
      {
        name: '[1] Article number 1',
        value: '> Rubio held a phone conversation with Lavrov.\n2025-02-15 · [Read the article](https://example.org/a/1)',
      },
    ]);
    expect(embed.footer?.text).toMatch(/only from the indexed coverage/);
    expect(limitViolations(msg)).toEqual([]);
  });

  it('leaves out the link when the article has no url, and the date when it has none', () => {
    const msg = answerMessage(answer([citation(1, 'A quote.', { url: null, date: null })]), '1');
    expect(fieldsOf(msg)[0]!.value).toBe('> A quote.');
  });

  it('has Sources, Helpful, Not helpful, Pin and Ask a follow-up buttons whose ids name the answer', () => {
    const msg = answerMessage(answer([citation(1, 'One.'), citation(2, 'Two.', { passageId: 7 })]), '998877665544332211');
    const buttons = msg.components[0]!.components as Array<{ label: string; custom_id: string }>;
    expect(buttons.map((b) => b.label)).toEqual(['Sources', 'Helpful', 'Not helpful', 'Pin', 'Ask a follow-up']);
    expect(BUTTON_LABELS.pin).toBe('Pin');
    expect(buttons.map((b) => decodeButtonId(b.custom_id))).toEqual([
      { kind: 'sources', answerId: '998877665544332211', passageIds: [101, 7] },
      { kind: 'vote', answerId: '998877665544332211', vote: 'helpful' },
      { kind: 'vote', answerId: '998877665544332211', vote: 'not_helpful' },
      { kind: 'pin', answerId: '998877665544332211' },
      { kind: 'followUp', answerId: '998877665544332211' },
    ]);
  });

  it('says plainly when the coverage does not answer, without a Sources button', () => {
    const msg = answerMessage(
      answer([], { abstained: true, answer: "The coverage doesn't answer that: none of the indexed articles says." }),
      '1',
    );
    const embed = msg.embeds[0]!;
    expect(embed.description).toContain("The coverage doesn't answer that");
    expect(embed.fields).toEqual([]);
    const labels = (msg.components[0]!.components as Array<{ label: string }>).map((b) => b.label);
    expect(labels).toEqual(['Helpful', 'Not helpful', 'Pin', 'Ask a follow-up']);
  });

  it('shortens a long quote at a word boundary with an ellipsis, keeping the citation number and a verbatim prefix', () => {
    const long = words(400); // ~2,700 characters
    const msg = answerMessage(answer([citation(1, 'Short one.'), citation(2, long)]), '1');
    const [first, second] = fieldsOf(msg);
    expect(first!.name).toBe('[1] Article number 1');
    expect(second!.name).toBe('[2] Article number 2');
    expect(second!.value.length).toBeLessThanOrEqual(1024);
    const shown = second!.value.split('\n')[0]!;
    expect(shown.endsWith('…')).toBe(true);
    const prefix = quoteFromFieldValue(second!.value);
    expect(long.startsWith(prefix)).toBe(true);
    // Cut between words, not inside one.
    expect(long.charAt(prefix.length)).toBe(' ');
    expect(second!.value).toContain('[Read the article](https://example.org/a/2)');
    expect(limitViolations(msg)).toEqual([]);
  });

  it('stays within the 6,000 character total with many long quotes and a long written answer', () => {
    const citations = Array.from({ length: 12 }, (_, i) => citation(i + 1, words(300, `w${i}-`), { title: words(60) }));
    const written = answer(citations, { mode: 'llm', answer: `${words(900)} [1] [2]`, note: 'The model was slow.' });
    const msg = answerMessage(written, '1');
    expect(limitViolations(msg)).toEqual([]);
    expect(embedLength(msg.embeds[0]!)).toBeLessThanOrEqual(6000);
    // Ten quotes as fields, numbered as cited; the rest are pointed to.
    expect(fieldsOf(msg).map((f) => f.name.slice(0, 4))).toEqual(
      ['[1] ', '[2] ', '[3] ', '[4] ', '[5] ', '[6] ', '[7] ', '[8] ', '[9] ', '[10]'],
    );
    expect(msg.embeds[0]!.description).toContain('2 more quotes: see Sources.');
    for (const [i, field] of fieldsOf(msg).entries()) {
      expect(citations[i]!.quote.startsWith(quoteFromFieldValue(field.value))).toBe(true);
    }
  });

  it('shortens an over-long question title', () => {
    const msg = answerMessage(answer([citation(1, 'x')], { question: words(100) }), '1');
    expect(msg.embeds[0]!.title!.length).toBeLessThanOrEqual(256);
    expect(msg.embeds[0]!.title!.endsWith('…')).toBe(true);
  });

  it('escapes markdown in quotes, titles and questions so they show as written', () => {
    const quote = 'He said **this** is _big_, `code`, ~~gone~~, ||secret|| and [a link](https://evil.example).';
    const msg = answerMessage(
      answer([citation(1, quote, { title: '*Breaking*: __news__' })], { question: 'What is **bold**?' }),
      '1',
    );
    const field = fieldsOf(msg)[0]!;
    expect(field.value.split('\n')[0]).toBe(
      '> He said \\*\\*this\\*\\* is \\_big\\_, \\`code\\`, \\~\\~gone\\~\\~, \\|\\|secret\\|\\| and \\[a link\\](<https://evil.example>).',
    );
    expect(field.name).toBe('[1] \\*Breaking\\*: \\_\\_news\\_\\_');
    expect(msg.embeds[0]!.title).toBe('What is \\*\\*bold\\*\\*?');
    expect(quoteFromFieldValue(field.value)).toBe(quote);
  });

  it('escapes line-start markdown inside multi-line quotes and keeps them one block quote', () => {
    const quote = 'First line\n# Not a heading\n- not a list\n1. not numbered\n> not nested';
    const value = fieldsOf(answerMessage(answer([citation(1, quote, { url: null, date: null })]), '1'))[0]!.value;
    expect(value).toBe('> First line\n> \\# Not a heading\n> \\- not a list\n> 1\\. not numbered\n> \\> not nested');
    expect(quoteFromFieldValue(value)).toBe(quote);
  });

  it('cannot ping: mentions are never parsed and mention syntax in quotes is escaped', () => {
    const quote = 'Hello @everyone and @here, ping <@123456789012345678> and <@&223456789012345678> in <#323456789012345678>.';
    const msg = answerMessage(answer([citation(1, quote)]), '1');
    expect(msg.allowedMentions).toEqual({ parse: [], repliedUser: false });
    const value = fieldsOf(msg)[0]!.value;
    expect(value).not.toMatch(/(^|[^\\])@everyone/);
    expect(value).not.toMatch(/(^|[^\\])@here/);
    expect(value).not.toMatch(/(^|[^\\])<@/);
    expect(value).not.toMatch(/(^|[^\\])<#/);
    for (const payload of [textMessage('@everyone'), sourcesMessage([]), aboutMessage(stats()), articleListMessage([], 0, '')]) {
      expect(payload.allowedMentions).toEqual({ parse: [], repliedUser: false });
    }
  });

  it('shows notes and verification drops in the description', () => {
    const msg = answerMessage(answer([citation(1, 'x')], { mode: 'llm', answer: 'Lavrov [1].', note: 'Written answer timed out.', droppedQuotes: 2 }), '1');
    expect(msg.embeds[0]!.description).toBe(
      'Lavrov \\[1\\].\n\n*Written answer timed out.*\n\n*2 quotes could not be verified against the articles and are not shown.*',
    );
  });
});

function stats() {
  return { articles: 3, passages: 42, model: 'glove-6b-100d-sif', dimension: 100, builtAt: '2025-02-16T10:00:00.000Z' };
}

describe('answerMessage on generated answers', () => {
  it('never breaks a limit, and every shown quote unescapes to a verbatim prefix of its citation', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const alphabet = ['word', 'the', '*', '_', '`', '|', '~', '[', ']', '(', ')', '<@1234567890123456>', '@everyone', '\\', '#', '>', '-', '1.', '\n', 'https://x.org/a_b', '…', '😀', 'supercalifragilistic'];
    const text = (n: number) => Array.from({ length: n }, () => alphabet[Math.floor(random() * alphabet.length)]).join(random() < 0.5 ? ' ' : '');
    for (let round = 0; round < 200; round++) {
      const count = Math.floor(random() * 14);
      const citations = Array.from({ length: count }, (_, i) =>
        citation(i + 1, text(1 + Math.floor(random() * 500)) + '.', { title: text(1 + Math.floor(random() * 80)), url: random() < 0.5 ? null : 'https://example.org/a(b)' }),
      );
      const mode = random() < 0.5 ? 'extractive' : 'llm';
      const msg = answerMessage(answer(citations, { mode, question: text(1 + Math.floor(random() * 120)), answer: text(Math.floor(random() * 1500)) }), String(round + 1));
      expect(limitViolations(msg)).toEqual([]);
      for (const [i, field] of fieldsOf(msg).entries()) {
        expect(field.name.startsWith(`[${i + 1}] `)).toBe(true);
        const shown = quoteFromFieldValue(field.value);
        if (!citations[i]!.quote.startsWith(shown)) {
          expect({ quote: citations[i]!.quote, value: field.value, shown }).toBe('a verbatim prefix');
        }
      }
    }
  });
});

describe('sourcesMessage', () => {
  const passage = (id: number, text: string) => ({
    passageId: id,
    articleId: `a/${id}`,
    title: `Title ${id}`,
    date: '2025-02-15',
    url: `https://example.org/${id}`,
    start: 1000,
    end: 1000 + text.length,
    text,
  });

  it('shows each passage with its citation numbers and the quote in bold', () => {
    const msg = sourcesMessage([
      { numbers: [1, 3], passage: passage(5, 'Before. The quote. After.'), highlights: [{ start: 1008, end: 1018 }] },
    ]);
    expect(msg.embeds[0]).toMatchObject({
      title: '[1][3] Title 5',
      url: 'https://example.org/5',
      description: 'Before. **The quote.** After.',
    });
  });

  it('merges touching quotes into one bold run', () => {
    const msg = sourcesMessage([
      { numbers: [1, 2], passage: passage(5, 'One.Two. Three.'), highlights: [{ start: 1004, end: 1008 }, { start: 1000, end: 1004 }] },
    ]);
    expect(msg.embeds[0]!.description).toBe('**One.Two.** Three.');
  });

  it('groups passages by article: one embed per article with all its numbers, overlapping passages joined', () => {
    const text = 'First sentence. Second one here. Third and last.';
    const article = (id: number, start: number, end: number) => ({ ...passage(7, text.slice(start, end)), passageId: id, start, end });
    // Two passages of one article overlapping by "Second one here.", and one passage of another article.
    const msg = sourcesMessage([
      { numbers: [1], passage: article(70, 0, 32), highlights: [{ start: 0, end: 15 }] },
      { numbers: [2], passage: passage(9, 'Elsewhere.'), highlights: [{ start: 1000, end: 1010 }] },
      { numbers: [3], passage: article(71, 16, text.length), highlights: [{ start: 33, end: text.length }] },
    ]);
    expect(msg.embeds.map((e) => e.title)).toEqual(['[1][3] Title 7', '[2] Title 9']);
    expect(msg.embeds[0]).toMatchObject({
      url: 'https://example.org/7',
      description: '**First sentence.** Second one here. **Third and last.**',
      footer: { text: '2025-02-15 · a/7' },
    });
  });

  it('shows passages of one article that do not touch in article order, apart', () => {
    const at = (id: number, start: number, text: string) => ({ ...passage(7, text), passageId: id, start, end: start + text.length });
    const msg = sourcesMessage([
      { numbers: [1], passage: at(71, 500, 'Later text.'), highlights: [{ start: 500, end: 505 }] },
      { numbers: [2], passage: at(70, 0, 'Early text.'), highlights: [] },
    ]);
    expect(msg.embeds).toHaveLength(1);
    expect(msg.embeds[0]!.title).toBe('[1][2] Title 7');
    expect(msg.embeds[0]!.description).toBe('Early text.\n\n…\n\n**Later** text.');
  });

  it('stays within limits with many long passages', () => {
    const views = Array.from({ length: 12 }, (_, i) => ({
      numbers: [i + 1],
      passage: passage(i, words(900)),
      highlights: [{ start: 1010, end: 1100 }],
    }));
    const msg = sourcesMessage(views);
    expect(msg.embeds).toHaveLength(10);
    expect(limitViolations(msg)).toEqual([]);
  });
});

describe('articleListMessage', () => {
  const articles = Array.from({ length: 23 }, (_, i) => ({
    id: `a${i}`,
    title: i % 2 ? `Rubio story ${i}` : `Other story ${i}`,
    date: `2025-01-${String(i + 1).padStart(2, '0')}`,
    url: null,
    source: null,
  }));

  it('pages ten at a time, newest first, with Previous/Next carrying page and search', () => {
    const first = articleListMessage(articles, 0, '');
    expect(first.embeds[0]!.title).toBe('Indexed articles (23)');
    expect(first.embeds[0]!.footer?.text).toBe('Page 1 of 3');
    expect(first.embeds[0]!.description!.split('\n')[0]).toBe('• **Other story 22** · 2025-01-23');
    const buttons = first.components[0]!.components as Array<{ custom_id: string; disabled: boolean; label: string }>;
    expect(buttons.map((b) => [b.label, decodeButtonId(b.custom_id), b.disabled])).toEqual([
      ['Previous', { kind: 'articles', page: 0, search: '' }, true],
      ['Next', { kind: 'articles', page: 1, search: '' }, false],
    ]);
  });

  it('filters by search words and says when nothing matches', () => {
    const rubio = articleListMessage(articles, 0, 'rubio');
    expect(rubio.embeds[0]!.title).toBe('Articles matching “rubio” (11)');
    expect(articleListMessage(articles, 0, 'nothing here').embeds[0]!.description).toBe('No indexed article matches “nothing here”.');
    expect(articleListMessage(articles, 0, 'nothing here').components).toEqual([]);
  });

  it('clamps a page past the end', () => {
    expect(articleListMessage(articles, 99, '').embeds[0]!.footer?.text).toBe('Page 3 of 3');
  });
});

describe('text helpers', () => {
  it('truncateAtWord cuts between words and adds an ellipsis within the limit', () => {
    expect(truncateAtWord('short', 10)).toBe('short');
    expect(truncateAtWord('the quick brown fox jumps', 12)).toBe('the quick…');
    expect(truncateAtWord('the quick brown fox jumps', 12).length).toBeLessThanOrEqual(12);
    expect(truncateAtWord('Supercalifragilisticexpialidocious', 10)).toBe('Supercali…');
    // Never splits a surrogate pair.
    expect(truncateAtWord('ab😀😀😀😀', 5)).toBe('ab😀…');
  });

  it('escapeMarkdown leaves plain text and URLs alone', () => {
    expect(escapeMarkdown('Plain sentence, with punctuation.')).toBe('Plain sentence, with punctuation.');
    // URLs stay clickable, bracketed so an escape next to them cannot join the link.
    expect(escapeMarkdown('See https://example.org/a_b_c now')).toBe('See <https://example.org/a_b_c> now');
    expect(escapeMarkdown('https://x.org/a_b<@1234567890123456>')).toBe('<https://x.org/a_b>\\<\\@1234567890123456>');
    expect(unescapeMarkdown(escapeMarkdown('https://x.org/a_b<@1234567890123456> *x*'))).toBe('https://x.org/a_b<@1234567890123456> *x*');
  });
});

describe('aboutMessage with followed feeds', () => {
  const feed = (i: number, extra: Partial<{ lastSuccessAt: string | null; articles: number; failures: number; lastError: string | null }> = {}) => ({
    url: `https://news.example/section-${i}/feeds/all-the-articles-of-this-section_${i}.xml`,
    lastSuccessAt: '2025-03-06T10:00:00.000Z',
    articles: i,
    failures: 0,
    lastError: null,
    ...extra,
  });

  it('lists each feed with its articles and last successful poll, or why it fails', () => {
    const msg = aboutMessage(stats(), [feed(1), feed(2, { lastSuccessAt: null, failures: 3, lastError: 'the server answered HTTP 500 Internal Server Error' })]);
    const field = msg.embeds[0]!.fields!.at(-1)!;
    expect(field.name).toBe('Followed feeds (2)');
    expect(field.value.split('\n')).toEqual([
      '<https://news.example/section-1/feeds/all-the-articles-of-this-section_1.xml>: 1 article, last polled <t:1741255200:R>',
      '<https://news.example/section-2/feeds/all-the-articles-of-this-section_2.xml>: 2 articles, not polled successfully yet — failing (3×): the server answered HTTP 500 Internal Server Error',
    ]);
    expect(aboutMessage(stats(), []).embeds[0]!.fields!.map((f) => f.name)).not.toContain('Followed feeds (0)');
  });

  it('keeps within the field limit with many feeds, saying how many more there are', () => {
    const msg = aboutMessage(stats(), Array.from({ length: 40 }, (_, i) => feed(i)));
    expect(limitViolations(msg)).toEqual([]);
    const value = msg.embeds[0]!.fields!.at(-1)!.value;
    expect(value).toMatch(/\n…and \d+ more$/);
    const shown = value.split('\n').length - 1;
    expect(value.endsWith(`…and ${40 - shown} more`)).toBe(true);
  });
});

describe('follow-up answers', () => {
  it('say above the title which question they followed, within the limits', () => {
    const msg = answerMessage(answer([citation(1, 'On Feb. 15.')], { question: 'when did they talk?' }), '1', 'Who did *Rubio* call?');
    expect(msg.embeds[0]!.author?.name).toBe('Following: Who did *Rubio* call?');
    expect(msg.embeds[0]!.title).toBe('when did they talk?');
    const long = answerMessage(answer([citation(1, words(400))]), '1', words(100));
    expect(long.embeds[0]!.author!.name.length).toBeLessThanOrEqual(256);
    expect(limitViolations(long)).toEqual([]);
  });

  it('the follow-up modal has one required text input in a Label, within Discord\'s lengths', () => {
    const modal = followUpModal('fu:123', 'question', words(80), 500);
    expect(modal.title.length).toBeLessThanOrEqual(45);
    expect(modal.components).toEqual([
      expect.objectContaining({
        type: ComponentType.Label,
        label: 'Your follow-up question',
        component: expect.objectContaining({ type: ComponentType.TextInput, custom_id: 'question', required: true, max_length: 500 }),
      }),
    ]);
    expect((modal.components[0] as { description: string }).description.length).toBeLessThanOrEqual(100);
  });
});

describe('insightsMessage', () => {
  it('shows counts and the unanswered list, escaped and within the limits', () => {
    const report = {
      days: 7, from: '2026-03-03T12:00:00.000Z', to: '2026-03-10T12:00:00.000Z', questions: 4, answered: 1, declined: 3, answeredShare: 0.25,
      unanswered: [
        { question: 'Will there be a *ceasefire*?', count: 2, variants: ['will there be a ceasefire soon'], lastAskedAt: '2026-03-09T10:00:00.000Z' },
        ...Array.from({ length: 9 }, (_, i) => ({ question: words(60, `q${i}x`), count: 1, variants: [], lastAskedAt: '2026-03-09T10:00:00.000Z' })),
      ],
      feedback: { helpful: 1, notHelpful: 2 },
    };
    const msg = insightsMessage(report);
    const embed = msg.embeds[0]!;
    expect(embed.description).toContain('1. Will there be a \\*ceasefire\\*? — **2×** (+1 similar)');
    expect(Object.fromEntries(embed.fields!.map((f) => [f.name, f.value]))).toMatchObject({ Answered: '1 (25%)', 'Not helpful': '2' });
    expect(limitViolations(msg)).toEqual([]);
  });
});

describe('answer span', () => {
  it('shows the words that answer in bold inside the quote, and the Sources view still reads the quote back', () => {
    const quote = 'Saudi Arabia will hold a summit between Trump and Putin in Riyadh, the ministry said.';
    const at = quote.indexOf('Riyadh');
    const c = citation(1, quote, { start: 50, end: 50 + quote.length, answerStart: 50 + at, answerEnd: 50 + at + 'Riyadh'.length });
    const field = answerMessage(answer([c]), 'a1').embeds[0]!.fields![0]!;
    expect(field.value).toContain('**Riyadh**');
    expect(quoteFromFieldValue(field.value)).toBe(quote);
  });

  it('leaves the quote plain when no span is marked', () => {
    const field = answerMessage(answer([citation(1, 'Rubio spoke with Lavrov.')]), 'a1').embeds[0]!.fields![0]!;
    expect(field.value).not.toContain('**');
  });
});
