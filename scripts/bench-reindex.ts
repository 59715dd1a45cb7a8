import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadIndex } from '../src/search/loadIndex.ts';
import { benchArticle, generateBenchCorpus, writeBenchArticle } from './bench-corpus.ts';

/**
 * `npm run bench-reindex -- [--articles 5000] [--dir DIR] [--keep]`: times re-indexing as a user
 * runs it (`npm run index` as its own process, start-up and model load included) on a generated
 * corpus: a full index, a re-index with nothing changed, after adding one article, after changing
 * one and after removing one. Also times loading the index (what the running bot does on a switch).
 */
const { values } = parseArgs({
  options: { articles: { type: 'string', default: '5000' }, dir: { type: 'string' }, keep: { type: 'boolean' } },
});
const count = Number(values.articles);
const root = values.dir ? path.resolve(values.dir) : fs.mkdtempSync(path.join(os.tmpdir(), 'coverage-bench-reindex-'));
const corpusDir = path.join(root, 'corpus');
const indexDir = path.join(root, 'index');
const repo = path.resolve(import.meta.dirname, '..');

fs.rmSync(corpusDir, { recursive: true, force: true });
fs.rmSync(indexDir, { recursive: true, force: true });
generateBenchCorpus(corpusDir, count);

interface Row {
  step: string;
  seconds: number;
  summary: string;
  load: string;
}
const rows: Row[] = [];
const loadavg = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');

function run(step: string, extra: string[] = []): void {
  const before = loadavg();
  const t0 = performance.now();
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(repo, 'src/cli/index.ts'), '--corpus', corpusDir, '--index', indexDir, ...extra], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, LOG_LEVEL: 'warn' },
  });
  const seconds = (performance.now() - t0) / 1000;
  if (result.status !== 0) throw new Error(`${step} failed:\n${result.stderr}`);
  const out = result.stdout.trim().split('\n');
  const summary = out[0]!.startsWith('Index is up to date') ? out[0]! : (out.find((l) => l.startsWith('Embedded')) ?? out[0]!);
  rows.push({ step, seconds, summary, load: `${before} -> ${loadavg()}` });
  process.stderr.write(`${step}: ${seconds.toFixed(2)} s  ${summary}\n`);
}

run('full index', ['--full']);
run('re-index, nothing changed');
writeBenchArticle(corpusDir, benchArticle(count));
run('re-index after adding one article');
fs.appendFileSync(path.join(corpusDir, `${benchArticle(1).id}.md`), '\nA correction was added to this report.\n');
run('re-index after changing one article');
fs.rmSync(path.join(corpusDir, `${benchArticle(2).id}.md`));
run('re-index after removing one article');

const t0 = performance.now();
const index = loadIndex(indexDir);
const loadMs = performance.now() - t0;
const m = index.manifest;
const size = fs.readdirSync(index.dir).reduce((sum, f) => sum + fs.statSync(path.join(index.dir, f)).size, 0);

const lines = [
  `Corpus: ${m.articleCount} articles, ${m.passageCount} passages (${(size / 1024 / 1024).toFixed(1)} MB index), model ${path.basename(m.model)} (${m.dimension} dimensions)`,
  `Machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`,
  '',
  '| step | wall time | what it did | load average (1/5/15 min) before -> after |',
  '| --- | --- | --- | --- |',
  ...rows.map((r) => `| ${r.step} | ${r.seconds.toFixed(2)} s | ${r.summary} | ${r.load} |`),
  '',
  `Loading the index (what a running bot does before switching): ${loadMs.toFixed(0)} ms.`,
];
process.stdout.write(`${lines.join('\n')}\n`);
index.close();
if (!values.keep && !values.dir) fs.rmSync(root, { recursive: true, force: true });
