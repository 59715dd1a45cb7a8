/**
 * Verification of what a language model proposed, against the passages it was given.
 * Nothing reaches the user unless it passes here: every shown quote is an exact slice
 * of a passage (hence of the article body), located by us, never the model's own string.
 */
import { splitSentences } from '../../indexing/sentences.ts';
import type { RetrievedPassage } from '../../search/types.ts';
import { countUnverifiedQuotations, groundingProblem, type GroundingProblem } from './claim-grounding.ts';
import { countWords, foldForMatch, isWholeSentence, locateQuote, type FoldedText } from './quote-match.ts';

/** A quote as the model proposed it: `passage` is the 1-based number shown in the prompt. */
export interface ProposedQuote {
  passage: number;
  quote: string;
}

export interface ProposedClaim {
  text: string;
  quotes: ProposedQuote[];
}

/** A quote located in its passage; `quote === passage.text.slice(start - passage.start, end - passage.start)`. */
export interface VerifiedQuote {
  passage: RetrievedPassage;
  /** Offsets into the article body. */
  start: number;
  end: number;
  quote: string;
}

export interface VerifiedClaim {
  text: string;
  quotes: VerifiedQuote[];
}

/** Below this many words a quote says too little on its own, unless it is a whole sentence. */
export const MIN_QUOTE_WORDS = 3;

export type DropReason =
  | 'no-such-passage'
  | 'passage-inconsistent'
  | 'empty'
  | 'not-found'
  | 'too-short'
  | 'claim-without-text'
  | GroundingProblem;

export type QuoteCheck = { ok: true; quote: VerifiedQuote } | { ok: false; reason: DropReason };

/** Per-passage work shared by all quotes citing it. */
interface PreparedPassage {
  passage: RetrievedPassage;
  folded: FoldedText;
  sentences: ReturnType<typeof splitSentences>;
}

export class PassageSet {
  private readonly prepared = new Map<number, PreparedPassage | null>();

  constructor(readonly passages: readonly RetrievedPassage[]) {}

  /** The passage numbered `n` (1-based, as in the prompt), null when out of range or inconsistent. */
  get(n: number): PreparedPassage | null | undefined {
    if (!Number.isInteger(n) || n < 1 || n > this.passages.length) return undefined;
    if (!this.prepared.has(n)) {
      const passage = this.passages[n - 1]!;
      // Offsets are only trustworthy if the passage really is body.slice(start, end).
      const consistent = passage.text.length === passage.end - passage.start;
      this.prepared.set(
        n,
        consistent ? { passage, folded: foldForMatch(passage.text), sentences: splitSentences(passage.text) } : null,
      );
    }
    return this.prepared.get(n);
  }
}

/** Checks one proposed quote against the passage it cites. */
export function verifyQuote(proposed: ProposedQuote, passages: PassageSet): QuoteCheck {
  const prepared = passages.get(proposed.passage);
  if (prepared === undefined) return { ok: false, reason: 'no-such-passage' };
  if (prepared === null) return { ok: false, reason: 'passage-inconsistent' };
  if (!/[\p{L}\p{N}]/u.test(proposed.quote)) return { ok: false, reason: 'empty' };

  const { passage, folded, sentences } = prepared;
  const span = locateQuote(passage.text, proposed.quote, folded);
  if (!span) return { ok: false, reason: 'not-found' };

  const quote = passage.text.slice(span.start, span.end);
  if (countWords(quote) < MIN_QUOTE_WORDS && !isWholeSentence(passage.text, span, sentences)) {
    return { ok: false, reason: 'too-short' };
  }
  return { ok: true, quote: { passage, start: passage.start + span.start, end: passage.start + span.end, quote } };
}

// Citation markers the model may have written itself; we add our own, renumbered ones.
const MODEL_CITATION_MARKERS = /\s*\[\s*\d+(?:\s*[,;–-]\s*\d+)*\s*\]/g;

/** The claim's own wording, without model-written [n] markers. */
export function cleanClaimText(text: string): string {
  return text.replace(MODEL_CITATION_MARKERS, '').replace(/\s+/g, ' ').trim();
}

export interface VerificationResult {
  claims: VerifiedClaim[];
  /** Proposed quotes not shown because they failed verification. */
  dropped: number;
  droppedByReason: Partial<Record<DropReason, number>>;
}

/**
 * Keeps only what verifies: each quote must be found in the passage it cites; a claim
 * keeps its verified quotes and is removed when none remain, when its text is empty, or
 * when its wording is not grounded in what it cites (see claim-grounding.ts).
 */
export function verifyClaims(claims: readonly ProposedClaim[], passages: PassageSet): VerificationResult {
  const result: VerificationResult = { claims: [], dropped: 0, droppedByReason: {} };
  const drop = (reason: DropReason, count = 1) => {
    if (count <= 0) return;
    result.dropped += count;
    result.droppedByReason[reason] = (result.droppedByReason[reason] ?? 0) + count;
  };

  for (const claim of claims) {
    const verified: VerifiedQuote[] = [];
    for (const proposed of claim.quotes) {
      const check = verifyQuote(proposed, passages);
      if (check.ok) verified.push(check.quote);
      else drop(check.reason);
    }
    if (verified.length === 0) continue;

    const text = cleanClaimText(claim.text);
    if (!/[\p{L}\p{N}]/u.test(text)) {
      // Quotes without a claim to support: not shown, so counted as dropped.
      drop('claim-without-text', verified.length);
      continue;
    }
    const cited = [...new Set(verified.map((q) => q.passage))];
    const problem = groundingProblem(text, verified.map((q) => q.quote), cited);
    if (problem) {
      // The claim's quotes are not shown without it; a failed quotation inside it counts too.
      const inline = problem === 'unverified-quotation-in-claim' ? countUnverifiedQuotations(text, cited) : 0;
      drop(problem, verified.length + inline);
      continue;
    }
    result.claims.push({ text, quotes: verified });
  }
  return result;
}
