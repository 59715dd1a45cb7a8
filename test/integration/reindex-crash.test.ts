import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchArticle, generateBenchCorpus } from '../../scripts/bench-corpus.ts';
import { createCoverage } from '../../src/answer/coverageService.ts';
import { lockHolder } from '../../src/indexing/indexLock.ts';
import { CURRENT_FILE, FILES, LOCK_FILE } from '../../src/search/indexLayout.ts';
import { loadIndex } from '../../src/search/loadIndex.ts';
import { runCli, startCli } from '../support/cli.ts';
import { REPO_ROOT, tempDir } from '../support/paths.ts';
import { offlineEmbedder } from '../support/seedIndex.ts';

const silent = { debug() {}, info() {}, warn() {}, error() {} };

let dir: string;
beforeAll(() => {
  dir = tempDir('coverage-reindex-crash-');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A built index of 10 articles, and `pending` more articles added to the corpus since. */
async function indexWithPendingChanges(name: string, pending = 60): Promise<{ corpus: string; index: string; args: string[] }> {
  const corpus = path.join(dir, name, 'corpus');
  const index = path.join(dir, name, 'index');
  generateBenchCorpus(corpus, 10);
  const args = ['--corpus', corpus, '--index', index];
  const built = await runCli('index.ts', args);
  expect(built.code, built.stderr).toBe(0);
  generateBenchCorpus(corpus, pending, 10);
  return { corpus, index, args };
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
    expect(finished.stdout).toMatch(/^(Indexed 70 article\(s\)|Index is up to date: nothing to embed \(70 article\(s\))/);
    await expectUsableIndex(index, [70]);
    const again = await runCli('index.ts', args);
    expect(again.stdout).toMatch(/^Index is up to date: nothing to embed \(70 article\(s\)/);
    // Only the current generation and the one before it are left; no stray lock or temporary file.
    expect(fs.readdirSync(index).filter((f) => f.startsWith('gen-')).length).toBeLessThanOrEqual(2);
    expect(fs.readdirSync(index).filter((f) => f.includes('.tmp') || f.startsWith(LOCK_FILE))).toEqual([]);
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
    expect(waitingOut).toMatch(/^Indexed 310 article\(s\)/);
    await expectUsableIndex(index, [310]);
    expect(lockHolder(index)).toBeUndefined();
  });
});
