/**
 * Tolerant reading of the model's reply: servers without structured output wrap JSON in
 * code fences, prose or reasoning. Whatever is read here is only a proposal; verify.ts decides.
 */
import type { ProposedClaim, ProposedQuote } from './verify.ts';

export interface ModelReply {
  answerable: boolean;
  claims: ProposedClaim[];
  /** Quote entries too malformed to check (missing quote text, passage not a number). */
  malformedQuotes: number;
}

/** Candidate JSON object texts in `content`, in order: each balanced {...} outside of strings. */
function* jsonObjectCandidates(content: string): Generator<string> {
  const MAX_CANDIDATES = 20;
  let yielded = 0;
  for (let open = content.indexOf('{'); open >= 0 && yielded < MAX_CANDIDATES; open = content.indexOf('{', open + 1)) {
    let depth = 0;
    let inString = false;
    for (let i = open; i < content.length; i++) {
      const ch = content[i];
      if (inString) {
        if (ch === '\\') i++;
        else if (ch === '"') inString = false;
      } else if (ch === '"') inString = true;
      else if (ch === '{') depth++;
      else if (ch === '}' && --depth === 0) {
        yielded++;
        yield content.slice(open, i + 1);
        break;
      }
    }
  }
}

/** The first JSON object in `content` that looks like a reply, or null. */
export function extractJsonObject(content: string): Record<string, unknown> | null {
  const withoutReasoning = content.replace(/<think>[\s\S]*?<\/think>/gi, '');
  const fenced = /```(?:json)?\s*\n?([\s\S]*?)```/i.exec(withoutReasoning)?.[1];
  const sources = fenced === undefined ? [withoutReasoning] : [fenced, withoutReasoning];
  for (const source of sources) {
    for (const candidate of jsonObjectCandidates(source)) {
      try {
        const value: unknown = JSON.parse(candidate);
        if (isRecord(value) && ('answerable' in value || 'claims' in value)) return value;
      } catch {
        // Not JSON after all (e.g. braces in prose); try the next candidate.
      }
    }
  }
  return null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  return undefined;
}

function readPassageNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  // "2", "[2]", "passage 2": the number the model meant, or nothing.
  const m = typeof value === 'string' ? /^\s*(?:passage\s*)?\[?\s*(\d+)\s*\]?\s*$/i.exec(value) : null;
  return m ? Number(m[1]) : undefined;
}

/** Reads a reply, or returns null when it has no usable JSON object of the expected shape. */
export function parseModelReply(content: string | null | undefined): ModelReply | null {
  if (!content) return null;
  const json = extractJsonObject(content);
  if (!json) return null;

  const rawClaims = json['claims'] ?? [];
  if (!Array.isArray(rawClaims)) return null;

  let malformedQuotes = 0;
  const claims: ProposedClaim[] = [];
  for (const rawClaim of rawClaims) {
    const rawQuotes = isRecord(rawClaim) && Array.isArray(rawClaim['quotes']) ? rawClaim['quotes'] : [];
    const quotes: ProposedQuote[] = [];
    for (const rawQuote of rawQuotes) {
      const passage = isRecord(rawQuote) ? readPassageNumber(rawQuote['passage']) : undefined;
      const quote = isRecord(rawQuote) ? rawQuote['quote'] : undefined;
      if (passage === undefined || typeof quote !== 'string') malformedQuotes++;
      else quotes.push({ passage, quote });
    }
    const text = isRecord(rawClaim) ? rawClaim['text'] : undefined;
    if (typeof text !== 'string') {
      malformedQuotes += quotes.length;
      continue;
    }
    claims.push({ text, quotes });
  }

  // Without an explicit verdict, a reply that makes claims is treated as an answer (still verified).
  const answerable = readBoolean(json['answerable']) ?? claims.length > 0;
  return { answerable, claims, malformedQuotes };
}
