import fs from 'node:fs';
import path from 'node:path';

/**
 * A synthetic news corpus for benchmarks and tests: each article is 4-6 paragraphs of real
 * English prose (SQuAD v1.1 dev paragraphs, CC BY-SA, from ../shared/eval/squad) and a closing
 * sentence of its own, so every article is distinct. Article i is always the same text.
 */
export const SQUAD_CORPUS = path.resolve(import.meta.dirname, '../../shared/eval/squad/corpus.jsonl');

export interface BenchArticle {
  /** Path under the corpus folder without `.md`: `YYYY/article-NNNNN`. */
  id: string;
  title: string;
  date: string;
  url: string;
  body: string;
}

let paragraphs: Array<{ title: string; text: string }> | undefined;

export function benchArticle(i: number): BenchArticle {
  paragraphs ??= fs
    .readFileSync(SQUAD_CORPUS, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { title: string; text: string });
  let seed = (i + 1) * 2654435761;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const picked = Array.from({ length: 4 + Math.floor(random() * 3) }, () => paragraphs![Math.floor(random() * paragraphs!.length)]!);
  const date = new Date(Date.UTC(2020, 0, 1) + (i % 2000) * 86_400_000).toISOString().slice(0, 10);
  const name = `article-${String(i).padStart(5, '0')}`;
  return {
    id: `${date.slice(0, 4)}/${name}`,
    title: `${picked[0]!.title} (report ${i})`,
    date,
    url: `https://news.example/${date}/${name}`,
    body: [...picked.map((p) => p.text), `This is report number ${i} of the benchmark corpus.`].join('\n\n'),
  };
}

/** Writes articles first .. first+count-1 as Markdown files under `dir`; returns their files. */
export function generateBenchCorpus(dir: string, count: number, first = 0): string[] {
  return Array.from({ length: count }, (_, k) => writeBenchArticle(dir, benchArticle(first + k)));
}

export function writeBenchArticle(dir: string, a: BenchArticle): string {
  const file = path.join(dir, `${a.id}.md`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `---\ntitle: ${JSON.stringify(a.title)}\ndate: ${a.date}\nurl: ${a.url}\n---\n${a.body}\n`);
  return file;
}
