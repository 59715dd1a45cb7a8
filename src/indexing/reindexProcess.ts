import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import type { Config } from '../config.ts';
import { CorpusError } from '../corpus/load.ts';
import { LOCK_FILE } from '../search/indexLayout.ts';
import { IndexError } from '../search/loadIndex.ts';
import type { BuildProgress } from './buildIndex.ts';
import { ModelError } from './embedder.ts';
import { IndexLockedError, lockHolder, type LockOwner } from './indexLock.ts';
import type { ReindexSummary } from './reindex.ts';

/**
 * The re-index as its own process (`npm run index -- --json`), for the running bot: loading the
 * corpus, embedding and building the lexical index take seconds of CPU that would otherwise hold
 * up the bot's event loop (and Discord wants every interaction acknowledged within 3 s). The bot
 * keeps answering from the index in use and switches when the new one is in place.
 */
export type ReindexMessage =
  | { type: 'progress'; progress: BuildProgress }
  | { type: 'summary'; summary: ReindexSummary }
  | { type: 'error'; name: string; message: string; holder?: LockOwner };

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const INDEX_CLI = path.join(REPO_ROOT, 'src/cli/index.ts');

/** The child re-index this process started and that is still running. */
let running: LockOwner | undefined;

export interface ChildReindexOptions {
  config: Pick<Config, 'corpusDir' | 'indexDir' | 'embeddingModel'>;
  full?: boolean;
  onProgress?: (p: BuildProgress) => void;
  /** Named in the lock file (what a refused `npm run index` reports). */
  command?: string;
}

/** Runs the re-index in a child process; refuses at once (IndexLockedError) when one is running. */
export function reindexInChildProcess(options: ChildReindexOptions): Promise<ReindexSummary> {
  const { config } = options;
  const lockFile = path.join(config.indexDir, LOCK_FILE);
  const holder = running ?? lockHolder(config.indexDir);
  if (holder) return Promise.reject(new IndexLockedError(holder, lockFile, 0));

  const args = ['--import', 'tsx', INDEX_CLI, '--json', '--wait', '0', '--corpus', config.corpusDir, '--index', config.indexDir];
  if (options.full) args.push('--full');
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, EMBEDDING_MODEL: config.embeddingModel, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running = { pid: child.pid ?? 0, hostname: os.hostname(), since: new Date().toISOString(), command: options.command ?? 're-index', token: '' };

  return new Promise<ReindexSummary>((resolve, reject) => {
    let summary: ReindexSummary | undefined;
    let failure: Error | undefined;
    let stderr = '';
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      let message: ReindexMessage;
      try {
        message = JSON.parse(line) as ReindexMessage;
      } catch {
        return; // not one of ours
      }
      if (message.type === 'progress') options.onProgress?.(message.progress);
      else if (message.type === 'summary') summary = message.summary;
      else if (message.type === 'error') failure = asError(message, lockFile);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    child.on('error', (err) => {
      running = undefined;
      reject(err);
    });
    child.on('close', (code, signal) => {
      running = undefined;
      if (code === 0 && summary) resolve(summary);
      else reject(failure ?? new Error(`The re-index process ended with ${signal ?? `exit code ${code}`}: ${stderr.trim()}`));
    });
  });
}

/** The child's error as the class it had, so callers can tell problems to fix from bugs. */
function asError(message: Extract<ReindexMessage, { type: 'error' }>, lockFile: string): Error {
  if (message.name === 'IndexLockedError' && message.holder) return new IndexLockedError(message.holder, lockFile, 0);
  if (message.name === 'CorpusError') return new CorpusError(message.message);
  if (message.name === 'ModelError') return new ModelError(message.message);
  if (['IndexError', 'ConfigError', 'UsageError'].includes(message.name)) return new IndexError(message.message);
  return new Error(message.message);
}
