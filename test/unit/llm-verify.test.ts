import { describe, expect, it } from 'vitest';
import { countUnverifiedQuotations } from '../../src/answer/llm/claim-grounding.ts';
import { composeAnswer, fallbackNote, useFallback } from '../../src/answer/llm/compose.ts';
import { countWords, foldForMatch, locateQuote } from '../../src/answer/llm/quote-match.ts';
import { PassageSet, verifyClaims, verifyQuote, type ProposedQuote } from '../../src/answer/llm/verify.ts';
import type { Answer } from '../../src/answer/types.ts';
import type { RetrievedPassage } from '../../src/search/types.ts';

// From the project's seed article (corpus/2025-02-15-rubio-lavrov-phone-call.md).
const RUBIO =
  'U.S. State Secretary Marco Rubio held a phone conversation with Russian Foreign Minister Sergey Lavrov on Feb. 15, just days after U.S. President Donald Trump spoke to Russian President Vladimir Putin.';
const SAUDI =
  'Saudi Arabia will reportedly hold a summit between Trump and Putin in Riyadh, the Saudi Foreign Ministry said on Feb. 14, although the dates have not yet been finalized.';
// Typographic variants as a news CMS might store them: curly quotes, en dash, a line break.
const KYIV =
  'Zelensky took issue with Trump’s call, saying the situation “was not very pleasant.”\nRussian–American talks will start “immediately.” Talks continue.';

const BODY = ['Intro paragraph.', RUBIO, SAUDI, KYIV].join('\n\n');

function passageOf(passageId: number, text: string): RetrievedPassage {
  const start = BODY.indexOf(text);
  if (start < 0) throw new Error('fixture text not in body');
  return {
    passageId,
    articleId: '2025-02-15-rubio-lavrov-phone-call',
    title: 'Rubio and Lavrov hold phone call days after Trump-Putin conversation',
    date: '2025-02-15',
    url: null,
    start,
    end: start + text.length,
    text,
    score: 1,
  };
}

const PASSAGES = [passageOf(10, RUBIO), passageOf(11, SAUDI), passageOf(12, KYIV)];
const set = () => new PassageSet(PASSAGES);

function verified(proposed: ProposedQuote) {
  const check = verifyQuote(proposed, set());
  if (!check.ok) throw new Error(`expected ${JSON.stringify(proposed.quote)} to verify, got ${check.reason}`);
  // The invariant everything rests on: what is shown is the article's own text at those offsets.
  expect(check.quote.quote).toBe(BODY.slice(check.quote.start, check.quote.end));
  return check.quote;
}

function rejection(proposed: ProposedQuote) {
  const check = verifyQuote(proposed, set());
  return check.ok ? 'verified' : check.reason;
}

describe('verifyQuote', () => {
  it('maps an exact quote to its article offsets', () => {
    const q = verified({ passage: 2, quote: 'Saudi Arabia will reportedly hold a summit between Trump and Putin in Riyadh' });
    expect(q.start).toBe(BODY.indexOf('Saudi Arabia'));
    expect(q.quote).toBe('Saudi Arabia will reportedly hold a summit between Trump and Putin in Riyadh');
    expect(q.passage.passageId).toBe(11);
  });

  it('accepts straight quotes, apostrophes and hyphens for curly ones and dashes, showing the source form', () => {
    const q = verified({ passage: 3, quote: `Trump's call, saying the situation "was not very pleasant."` });
    expect(q.quote).toBe('Trump’s call, saying the situation “was not very pleasant.”');
    const dash = verified({ passage: 3, quote: 'Russian-American talks will start' });
    expect(dash.quote).toBe('Russian–American talks will start');
  });

  it('accepts curly quotes in the model quote for straight ones in the source', () => {
    const passages = new PassageSet([passageOf(1, SAUDI)]);
    const check = verifyQuote({ passage: 1, quote: 'the Saudi Foreign Ministry said on Feb. 14, although the dates' }, passages);
    expect(check.ok).toBe(true);
  });

  it('ignores whitespace differences (line breaks, doubled spaces) and shows the original whitespace', () => {
    const q = verified({ passage: 3, quote: 'was not very pleasant.”   Russian–American talks' });
    expect(q.quote).toBe('was not very pleasant.”\nRussian–American talks');
  });

  it('ignores a changed capital at the start of the quote', () => {
    const q = verified({ passage: 2, quote: 'although the dates have not yet been finalized.' });
    expect(q.quote).toBe('although the dates have not yet been finalized.');
    expect(verified({ passage: 2, quote: 'Although the dates have not yet been finalized' }).quote).toBe(
      'although the dates have not yet been finalized',
    );
  });

  it('drops quote marks and punctuation the model added around a quote, keeping the exact source slice', () => {
    const q = verified({ passage: 1, quote: '"held a phone conversation with Russian Foreign Minister Sergey Lavrov."' });
    expect(q.quote).toBe('held a phone conversation with Russian Foreign Minister Sergey Lavrov');
  });

  it('rejects an invented quote', () => {
    expect(rejection({ passage: 1, quote: 'Rubio and Lavrov agreed to lift all sanctions' })).toBe('not-found');
  });

  it('rejects a real quote attributed to the wrong passage', () => {
    expect(rejection({ passage: 1, quote: 'Saudi Arabia will reportedly hold a summit' })).toBe('not-found');
  });

  it('rejects a quote that starts or ends inside a word', () => {
    expect(rejection({ passage: 1, quote: 'ate Secretary Marco Rubio' })).toBe('not-found');
    expect(rejection({ passage: 2, quote: 'will reportedly hold a summ' })).toBe('not-found');
  });

  it('rejects quotes with ellipses joining separate parts', () => {
    expect(rejection({ passage: 1, quote: 'Marco Rubio held ... Sergey Lavrov' })).toBe('not-found');
    expect(rejection({ passage: 1, quote: 'Marco Rubio held … Sergey Lavrov' })).toBe('not-found');
  });

  it('rejects passage numbers out of range', () => {
    for (const passage of [0, -1, 4, 99, 1.5, Number.NaN]) {
      expect(rejection({ passage, quote: 'U.S. State Secretary Marco Rubio' })).toBe('no-such-passage');
    }
  });

  it('rejects empty and punctuation-only quotes', () => {
    expect(rejection({ passage: 1, quote: '' })).toBe('empty');
    expect(rejection({ passage: 1, quote: ' ". , ' })).toBe('empty');
  });

  it('rejects quotes under three words unless they are a whole sentence', () => {
    expect(rejection({ passage: 1, quote: 'Feb. 15' })).toBe('too-short');
    expect(rejection({ passage: 3, quote: 'immediately.' })).toBe('too-short');
    expect(rejection({ passage: 1, quote: 'Marco Rubio' })).toBe('too-short');
    expect(verified({ passage: 3, quote: 'Talks continue.' }).quote).toBe('Talks continue.');
  });

  it('refuses a passage whose text does not match its offsets', () => {
    const broken = { ...passageOf(1, RUBIO), end: passageOf(1, RUBIO).end + 5 };
    const check = verifyQuote({ passage: 1, quote: 'U.S. State Secretary Marco Rubio' }, new PassageSet([broken]));
    expect(check).toEqual({ ok: false, reason: 'passage-inconsistent' });
  });

  it('handles invisible characters and non-breaking spaces in the source', () => {
    const source = 'The foreign\u00A0ministers agreed to main\u00ADtain a communication\u200B channel.';
    const span = locateQuote(source, 'the foreign ministers agreed to maintain a communication channel');
    expect(span).not.toBeNull();
    expect(source.slice(span!.start, span!.end)).toBe(source.slice(0, -1));
  });
});

describe('foldForMatch', () => {
  it('records, for every folded character, the original characters it came from', () => {
    const original = 'A  “B”—c…';
    const folded = foldForMatch(original);
    expect(folded.text).toBe('a "b"-c...');
    for (let k = 0; k < folded.text.length; k++) {
      expect(folded.from[k]).toBeLessThan(folded.to[k]!);
      expect(folded.to[k]).toBeLessThanOrEqual(original.length);
    }
  });

  it('counts words as a reader would', () => {
    expect(countWords('U.S. State Secretary')).toBe(3);
    expect(countWords(' "immediately." ')).toBe(1);
  });
});

describe('verification never shows text that is not in the source', () => {
  // Deterministic pseudo-random generator so failures reproduce.
  function random(seed: number) {
    return () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
  }
  const perturb: Record<string, string[]> = { ' ': [' ', '  ', '\n', '\u00A0'], "'": ["'", '’'], '"': ['"', '“', '”'], '–': ['–', '-', '—'] };

  it('every verified quote, for any perturbed or invented input, is the exact body slice', () => {
    const next = random(42);
    const shared = set();
    const pick = <T,>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
    let cosmeticOnly = 0;
    for (let i = 0; i < 3000; i++) {
      const passageNumber = 1 + Math.floor(next() * PASSAGES.length);
      const text = PASSAGES[passageNumber - 1]!.text;
      // Half the spans start and end at word boundaries, half anywhere (possibly mid-word).
      const boundaries = [...text.matchAll(/\S+/g)].flatMap((m) => [m.index, m.index + m[0].length]);
      const aligned = next() < 0.5;
      let a = aligned ? pick(boundaries.filter((_, k) => k % 2 === 0)) : Math.floor(next() * text.length);
      let b = aligned ? pick(boundaries.filter((x, k) => k % 2 === 1 && x > a)) : a + Math.floor(next() * (text.length - a + 1));
      if (b === undefined) [a, b] = [0, text.length];
      let quote = [...text.slice(a, b)].map((ch) => (perturb[ch] ? pick(perturb[ch]) : ch)).join('');
      const corrupted = next() < 0.3;
      if (corrupted) quote = quote.replace(/[a-z]/, 'Q'); // an invented variant
      const check = verifyQuote({ passage: passageNumber, quote }, shared);
      if (check.ok) {
        expect(check.quote.quote).toBe(BODY.slice(check.quote.start, check.quote.end));
        expect(check.quote.start).toBeGreaterThanOrEqual(check.quote.passage.start);
        expect(check.quote.end).toBeLessThanOrEqual(check.quote.passage.end);
      }
      // A word-aligned span of 3+ words that only differs cosmetically must be found.
      if (aligned && !corrupted && countWords(text.slice(a, b)) >= 3) {
        cosmeticOnly++;
        expect(check.ok, JSON.stringify(quote)).toBe(true);
      }
    }
    expect(cosmeticOnly).toBeGreaterThan(500);
  });
});

describe('verifyClaims', () => {
  it('keeps verified quotes, drops the rest, and removes claims left without any', () => {
    const result = verifyClaims(
      [
        {
          text: 'Rubio spoke with Lavrov on Feb. 15.',
          quotes: [
            { passage: 1, quote: 'Marco Rubio held a phone conversation with Russian Foreign Minister Sergey Lavrov on Feb. 15' },
            { passage: 1, quote: 'Rubio and Lavrov agreed to lift all sanctions' },
          ],
        },
        { text: 'They agreed to lift sanctions.', quotes: [{ passage: 9, quote: 'agreed to lift all sanctions' }] },
      ],
      set(),
    );
    expect(result.claims).toHaveLength(1);
    expect(result.claims[0]!.quotes).toHaveLength(1);
    expect(result.dropped).toBe(2);
    expect(result.droppedByReason).toEqual({ 'not-found': 1, 'no-such-passage': 1 });
  });

  it('removes a claim whose own text carries a quotation that is not in its cited passages', () => {
    const result = verifyClaims(
      [
        {
          text: 'Rubio said “the war is over” after the call.',
          quotes: [{ passage: 1, quote: 'Marco Rubio held a phone conversation' }],
        },
        {
          text: 'Zelensky said the call "was not very pleasant".',
          quotes: [{ passage: 3, quote: 'the situation “was not very pleasant.”' }],
        },
      ],
      set(),
    );
    expect(result.claims.map((c) => c.text)).toEqual(['Zelensky said the call "was not very pleasant".']);
    // The invented quotation, and the real quote that is not shown without its claim.
    expect(result.droppedByReason).toEqual({ 'unverified-quotation-in-claim': 2 });
  });

  const rubioQuote = { passage: 1, quote: 'Marco Rubio held a phone conversation with Russian Foreign Minister Sergey Lavrov on Feb. 15' };
  const kept = (text: string) => verifyClaims([{ text, quotes: [rubioQuote] }], set());

  it('removes a claim with a number its sources do not contain, allowing numbers of the passage date', () => {
    expect(kept('Rubio called Lavrov on Feb. 16.').droppedByReason).toEqual({ 'number-not-in-sources': 1 });
    expect(kept('Rubio called Lavrov 3 times.').claims).toHaveLength(0);
    expect(kept('Rubio called Lavrov on Feb. 15.').claims).toHaveLength(1);
    expect(kept('Rubio called Lavrov on 15 February 2025.').claims).toHaveLength(1);
  });

  it('removes a claim carrying a link or a Discord mention', () => {
    expect(kept('Rubio called Lavrov, details at https://evil.example/x').droppedByReason).toEqual({ 'link-or-mention-in-claim': 1 });
    expect(kept('@everyone Rubio called Lavrov.').claims).toHaveLength(0);
    expect(kept('Rubio called <@123456789012345678>.').claims).toHaveLength(0);
  });

  it('removes a claim that shares no content word with its quotes', () => {
    expect(kept('Free gift cards are available to readers.').droppedByReason).toEqual({ 'claim-unrelated-to-quotes': 1 });
    expect(kept("Lavrov took a call from America's top diplomat.").claims).toHaveLength(1);
  });

  it("strips the model's own [n] markers from claim text", () => {
    const result = verifyClaims(
      [{ text: 'A summit is planned in Riyadh [2] [1, 3].', quotes: [{ passage: 2, quote: 'hold a summit between Trump and Putin in Riyadh' }] }],
      set(),
    );
    expect(result.claims[0]!.text).toBe('A summit is planned in Riyadh.');
  });
});

describe('composeAnswer', () => {
  it('numbers citations 1..k by first use, shares a number for the same span, and keeps markers and citations in step', () => {
    const saudi = verified({ passage: 2, quote: 'hold a summit between Trump and Putin in Riyadh' });
    const rubio = verified({ passage: 1, quote: 'Marco Rubio held a phone conversation with Russian Foreign Minister Sergey Lavrov' });
    const saudiAgain = verified({ passage: 2, quote: '“hold a summit between Trump and Putin in Riyadh”' });
    const answer = composeAnswer(
      'q',
      [
        { text: 'A Trump-Putin summit may be held in Riyadh.', quotes: [saudi] },
        { text: 'Rubio called Lavrov.', quotes: [rubio, saudiAgain] },
      ],
      1,
    );
    expect(answer.answer).toBe('A Trump-Putin summit may be held in Riyadh. [1]\nRubio called Lavrov. [2][1]');
    expect(answer.citations.map((c) => [c.n, c.passageId, c.quote])).toEqual([
      [1, 11, 'hold a summit between Trump and Putin in Riyadh'],
      [2, 10, 'Marco Rubio held a phone conversation with Russian Foreign Minister Sergey Lavrov'],
    ]);
    for (const c of answer.citations) expect(c.quote).toBe(BODY.slice(c.start, c.end));
    expect(answer).toMatchObject({ mode: 'llm', abstained: false, droppedQuotes: 1 });
  });
});

describe('fallback notes', () => {
  const extractive: Answer = {
    question: 'q',
    abstained: false,
    answer: '“…” [1]',
    citations: [
      { n: 1, quote: RUBIO, articleId: 'a', title: 't', date: null, url: null, passageId: 10, start: 0, end: RUBIO.length },
    ],
    mode: 'extractive',
    droppedQuotes: 0,
  };

  it('promises quotes only when the fallback has some', () => {
    expect(fallbackNote('unavailable', extractive)).toBe(
      'The written answer is unavailable right now; showing quotes from the coverage.',
    );
    const abstained = { ...extractive, abstained: true, citations: [] };
    expect(fallbackNote('unavailable', abstained)).toBe('The written answer is unavailable right now.');
  });

  it('keeps the extractive answer intact and adds the dropped count', () => {
    const answer = useFallback('q', extractive, 'unverified', 3);
    expect(answer).toMatchObject({ mode: 'extractive', citations: extractive.citations, answer: extractive.answer, droppedQuotes: 3 });
    expect(answer.note).toMatch(/could not be found in the coverage/);
  });
});

describe('quotations inside the wording of a claim', () => {
  const passage = {
    passageId: 0, articleId: 'seed', title: 'T', date: null, url: null, start: 0, end: 60, score: 1,
    text: "Russia's foreign ministers' talks went well, the readout said.",
  } satisfies RetrievedPassage;

  it('count single- and double-quoted text the passages lack, but not apostrophes', () => {
    expect(countUnverifiedQuotations("The coverage says 'Putin resigned'.", [passage])).toBe(1);
    expect(countUnverifiedQuotations('The coverage says "Putin resigned".', [passage])).toBe(1);
    expect(countUnverifiedQuotations("Russia's foreign ministers' talks went well.", [passage])).toBe(0);
    expect(countUnverifiedQuotations("The readout said the talks 'went well'.", [passage])).toBe(0);
  });
});
