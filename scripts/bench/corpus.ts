/**
 * A synthetic news corpus of a chosen size, generated deterministically, for `npm run bench`.
 *
 * Words are drawn from the vocabulary of a real text (the SQuAD paragraphs in ../shared/eval when
 * present, else the project's corpus) with their real frequencies, so BM25 posting lists have
 * realistic lengths; each article has its own topic words and names, so questions have a right
 * passage to find. Sentences are 8-30 words, paragraphs 1-4 sentences, articles 6-14 paragraphs:
 * about six 600-character passages per article.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Small, fast, seeded PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Vocabulary {
  words: string[];
  /** Cumulative counts, for sampling by frequency. */
  cumulative: Float64Array;
  names: string[];
}

/** Words and capitalised names of the source text, with their counts. */
export function vocabularyFrom(texts: string[]): Vocabulary {
  const counts = new Map<string, number>();
  const names = new Set<string>();
  for (const text of texts) {
    for (const m of text.matchAll(/[\p{L}][\p{L}'’-]*/gu)) {
      const w = m[0];
      if (/^\p{Lu}\p{Ll}{2,}$/u.test(w)) names.add(w);
      const lower = w.toLowerCase();
      counts.set(lower, (counts.get(lower) ?? 0) + 1);
    }
  }
  const words = [...counts.keys()];
  const cumulative = new Float64Array(words.length);
  let total = 0;
  words.forEach((w, i) => {
    total += counts.get(w)!;
    cumulative[i] = total;
  });
  return { words, cumulative, names: [...names] };
}

export function sourceTexts(repoRoot: string): string[] {
  const squad = path.resolve(repoRoot, '../shared/eval/squad/corpus.jsonl');
  if (fs.existsSync(squad)) {
    return fs
      .readFileSync(squad, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => (JSON.parse(l) as { text: string }).text);
  }
  const dir = path.join(repoRoot, 'corpus');
  return fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
}

function pick(vocab: Vocabulary, r: () => number): string {
  const x = r() * vocab.cumulative[vocab.cumulative.length - 1]!;
  let lo = 0;
  let hi = vocab.cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (vocab.cumulative[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return vocab.words[lo]!;
}

export interface GeneratedArticle {
  id: string;
  title: string;
  date: string;
  url: string;
  text: string;
}

/** One article: topic words recur through it, like the subject of a news story. */
export function generateArticle(n: number, vocab: Vocabulary, r: () => number): GeneratedArticle {
  const topic = Array.from({ length: 6 }, () => pick(vocab, r));
  const people = Array.from({ length: 3 }, () => `${vocab.names[Math.floor(r() * vocab.names.length)]} ${vocab.names[Math.floor(r() * vocab.names.length)]}`);
  const sentence = (): string => {
    const length = 8 + Math.floor(r() * 23);
    const words: string[] = [];
    for (let i = 0; i < length; i++) {
      const x = r();
      if (x < 0.12) words.push(topic[Math.floor(r() * topic.length)]!);
      else if (x < 0.16) words.push(people[Math.floor(r() * people.length)]!);
      else if (x < 0.19) words.push(String(Math.floor(r() * 2000)));
      else words.push(pick(vocab, r));
    }
    const s = words.join(' ');
    return `${s[0]!.toUpperCase()}${s.slice(1)}.`;
  };
  const paragraphs: string[] = [];
  const count = 6 + Math.floor(r() * 9);
  for (let p = 0; p < count; p++) paragraphs.push(Array.from({ length: 1 + Math.floor(r() * 4) }, sentence).join(' '));
  const day = new Date(Date.UTC(2020, 0, 1) + Math.floor(r() * 2000) * 86_400_000).toISOString().slice(0, 10);
  const title = `${people[0]} ${topic.slice(0, 4).join(' ')}`;
  return { id: `bench-${n}`, title, date: day, url: `https://example.org/bench/${n}`, text: paragraphs.join('\n\n') };
}

export interface BenchQuestion {
  id: string;
  question: string;
  answers: null;
}

/** A question built from a few words of one sentence of a random article (so it has a right answer). */
export function questionFrom(article: GeneratedArticle, i: number, r: () => number): BenchQuestion {
  const sentences = article.text.split(/(?<=\.)\s+/);
  const s = sentences[Math.floor(r() * sentences.length)]!.replace(/\.$/, '').split(' ');
  const start = Math.floor(r() * Math.max(1, s.length - 8));
  const words = s.slice(start, start + 4 + Math.floor(r() * 5));
  const wh = ['What did', 'Who said', 'When did', 'Why did', 'How many', 'Where did'][Math.floor(r() * 6)];
  return { id: `q${i}`, question: `${wh} ${words.join(' ')}?`, answers: null };
}
