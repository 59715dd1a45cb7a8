import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchArticle, generateBenchCorpus } from '../../scripts/bench-corpus.ts';
import { createCoverage } from '../../src/answer/coverageService.ts';
import { lockHolder } from '../../src/indexing/indexLock.ts';
import { reindex } from '../../src/indexing/reindex.ts';
import { CURRENT_FILE, FILES, LOCK_FILE } from '../../src/search/indexLayout.ts';
import { loadIndex } from '../../src/search/loadIndex.ts';
import { runCli, startCli } from '../support/cli.ts';
import { OFFLINE_MODEL, REPO_ROOT, tempDir } from '../support/paths.ts';
import { offlineEmbedder } from '../support/seedIndex.ts';

const silent = { debug() {}, info() {}, warn() {}, error() {} };
/** These tests run several real index processes one after another: on a busy machine that takes a while. */
const PROCESSES_TIMEOUT_MS = 180_000;

let dir: string;
beforeAll(() => {
  dir = tempDir('coverage-reindex-crash-');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A built index of 10 articles, and `pending` more articles added to the corpus since. */
async function indexWithPendingChanges(name: string, pending = 60): Promise<{ corpus: string; index: string; args: string[]; pendingFiles: string[] }> {
  const corpus = path.join(dir, name, 'corpus');
  const index = path.join(dir, name, 'index');
  generateBenchCorpus(corpus, 10);
  const args = ['--corpus', corpus, '--index', index];
  const built = await runCli('index.ts', args);
  expect(built.code, built.stderr).toBe(0);
  const pendingFiles = generateBenchCorpus(corpus, pending, 10);
  return { corpus, index, args, pendingFiles };
}

async function waitFor(condition: () => boolean, child: ChildProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1));
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.on('exit', () => resolve())));

/** The index CURRENT names loads completely and answers from its articles. */
async function expectUsableIndex(indexDir: string, articleCounts: number[]): Promise<number> {
  const index = loadIndex(indexDir);
  expect(articleCounts).toContain(index.manifest.articleCount);
  const coverage = createCoverage({ index, embedder: await offlineEmbedder(), log: silent });
  const answer = await coverage.ask('Which report of the benchmark corpus is number 3?');
  expect(answer.citations.map((c) => c.articleId)).toContain(benchArticle(3).id);
  index.close();
  return index.manifest.articleCount;
}

describe('a re-index killed at any point', () => {
  it('leaves an index that loads and answers, and the next run recovers the lock and finishes', async () => {
    const { index, args } = await indexWithPendingChanges('kill');
    const ownGeneration = (pid: number) => fs.readdirSync(index).find((f) => f.startsWith('gen-') && f.endsWith(`-${pid}`));
    const inOwnGeneration = (pid: number, file: string) => {
      const gen = ownGeneration(pid);
      return gen !== undefined && fs.existsSync(path.join(index, gen, file));
    };
    const points: Array<[string, (pid: number) => boolean]> = [
      ['with the lock taken, before any file is written', () => fs.existsSync(path.join(index, LOCK_FILE))],
      ['while embedding', (pid) => ownGeneration(pid) !== undefined],
      ['while writing the new generation', (pid) => inOwnGeneration(pid, FILES.vectors)],
      ['once the new generation is complete', (pid) => inOwnGeneration(pid, FILES.manifest)],
    ];
    for (const [when, reached] of points) {
      const child = startCli('index.ts', [...args, '--wait', '10']);
      await waitFor(() => reached(child.pid!), child);
      const wasRunning = child.exitCode === null;
      child.kill('SIGKILL');
      await exited(child);
      // The last point may land just after CURRENT was switched: then the new index is in use.
      if (when !== 'once the new generation is complete') expect(wasRunning, `killed ${when}`).toBe(true);
      const articles = await expectUsableIndex(index, when === 'once the new generation is complete' ? [10, 70] : [10]);
      expect(lockHolder(index), `lock after a kill ${when}`).toBeUndefined();
      if (articles === 10) expect(fs.readFileSync(path.join(index, CURRENT_FILE), 'utf8').trim().endsWith(`-${child.pid}`)).toBe(false);
    }

    const finished = await runCli('index.ts', [...args, '--wait', '0']);
    expect(finished.code, finished.stderr).toBe(0);
    expect(finished.stdout).toMatch(/^(Indexed 70 articles|Index is up to date: nothing to embed \(70 articles)/);
    await expectUsableIndex(index, [70]);
    const again = await runCli('index.ts', args);
    expect(again.stdout).toMatch(/^Index is up to date: nothing to embed \(70 articles/);
    // Only the current generation and the one before it are left; no stray lock or temporary file.
    expect(fs.readdirSync(index).filter((f) => f.startsWith('gen-')).length).toBeLessThanOrEqual(2);
    expect(fs.readdirSync(index).filter((f) => f.includes('.tmp') || f.startsWith(LOCK_FILE))).toEqual([]);
  }, PROCESSES_TIMEOUT_MS);
});

describe('what a killed re-index leaves behind', () => {
  const generations = (index: string) => fs.readdirSync(index).filter((f) => f.startsWith('gen-')).sort();
  const current = (index: string) => fs.readFileSync(path.join(index, CURRENT_FILE), 'utf8').trim();

  it('is removed by the next run even when it has nothing to build', async () => {
    const { index, args, pendingFiles } = await indexWithPendingChanges('leftover');
    const [built] = generations(index);
    const child = startCli('index.ts', [...args, '--wait', '10']);
    await waitFor(() => generations(index).some((g) => g.endsWith(`-${child.pid}`)), child);
    expect(child.exitCode, 'killed while embedding').toBeNull();
    child.kill('SIGKILL');
    await exited(child);
    const partial = generations(index).find((g) => g.endsWith(`-${child.pid}`));
    expect(partial, 'the killed run left its unfinished generation').toBeDefined();

    // The articles it was indexing are withdrawn: the corpus matches the index again.
    for (const file of pendingFiles) fs.rmSync(file);
    const next = await runCli('index.ts', [...args, '--wait', '0']);
    expect(next.code, next.stderr).toBe(0);
    expect(next.stdout).toMatch(/^Index is up to date: nothing to embed \(10 articles, \d+ passages; checked in [\d.]+ s\)\.\n/);
    expect(next.stdout).toContain(`Removed 1 index generation left by an interrupted re-index: ${partial}\n`);
    expect(generations(index)).toEqual([built]);
    expect(current(index)).toBe(built);
    expect(fs.readdirSync(index).filter((f) => f.includes('.tmp') || f.startsWith(LOCK_FILE))).toEqual([]);
    await expectUsableIndex(index, [10]);
  }, PROCESSES_TIMEOUT_MS);

  it('keeps the index in use, the one before it and one a live process is writing; removes the rest', async () => {
    const corpus = path.join(dir, 'kept', 'corpus');
    const index = path.join(dir, 'kept', 'index');
    generateBenchCorpus(corpus, 3);
    const config = { corpusDir: corpus, indexDir: index, embeddingModel: OFFLINE_MODEL };
    const options = { config, log: silent, embedder: offlineEmbedder };
    await reindex(options);
    const previous = current(index);
    generateBenchCorpus(corpus, 1, 3);
    await reindex(options);
    const inUse = current(index);

    // A process that has exited (its pid is free) and one that is still running.
    const dead = spawn(process.execPath, ['-e', '']);
    await exited(dead);
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
    try {
      const time = Date.now() + 1000;
      const complete = `gen-${time}-${dead.pid}`; // finished writing, killed before switching CURRENT
      const unfinished = `gen-${time + 1}-${dead.pid}`;
      const older = `gen-${Number(previous.split('-')[1]) - 1000}-${dead.pid}`; // complete, older than the previous one
      const beingWritten = `gen-${time + 2}-${live.pid}`;
      for (const g of [complete, older]) {
        fs.cpSync(path.join(index, inUse), path.join(index, g), { recursive: true });
      }
      for (const g of [unfinished, beingWritten]) fs.mkdirSync(path.join(index, g));
      fs.writeFileSync(path.join(index, `${CURRENT_FILE}.${dead.pid}.tmp`), `${complete}\n`);

      const summary = await reindex(options);
      expect(summary.upToDate).toBe(true);
      expect(summary.leftoversRemoved.sort()).toEqual([complete, older, unfinished, `${CURRENT_FILE}.${dead.pid}.tmp`].sort());
      expect(generations(index)).toEqual([previous, inUse, beingWritten].sort());
      expect(current(index)).toBe(inUse);
    } finally {
      live.kill('SIGKILL');
      await exited(live);
    }
  });
});

describe('two re-indexes at once', () => {
  it('the second refuses at once with --wait 0, or waits; a killed holder`s lock is taken over', async () => {
    // The first holder stands in for a re-index in progress: embedding is too fast now for a real
    // one to hold the lock for as long as this test needs.
    const { index, args } = await indexWithPendingChanges('lock', 300);
    const first = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'test/support/holdIndexLock.ts'), index], { cwd: REPO_ROOT });
    await waitFor(() => lockHolder(index)?.pid === first.pid, first);
    expect(lockHolder(index)).toMatchObject({ pid: first.pid, command: 'npm run index' });

    const refusing = runCli('index.ts', [...args, '--wait', '0']);
    const waiting = startCli('index.ts', [...args, '--wait', '60']);
    const refused = await refusing;
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(`^Another re-index is running \\(pid ${first.pid} since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z, npm run index\\); try again when it has finished\\.`));

    let waitingErr = '';
    let waitingOut = '';
    waiting.stderr!.on('data', (d) => (waitingErr += d));
    waiting.stdout!.on('data', (d) => (waitingOut += d));
    await waitFor(() => waitingErr.includes('Waiting up to 60 s'), waiting);
    expect(waitingErr).toMatch(new RegExp(`Waiting up to 60 s for the re-index running since .* \\(pid ${first.pid}\\)`));

    first.kill('SIGKILL');
    await exited(first);
    await exited(waiting);
    expect(waiting.exitCode, waitingErr).toBe(0);
    expect(waitingOut).toMatch(/^Indexed 310 articles/);
    await expectUsableIndex(index, [310]);
    expect(lockHolder(index)).toBeUndefined();
  }, PROCESSES_TIMEOUT_MS);
});
