import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
export const CORPUS_DIR = path.join(REPO_ROOT, 'corpus');
export const SHARED_DIR = path.resolve(REPO_ROOT, '../shared');
export const SEED_DEV_QUESTIONS = path.join(SHARED_DIR, 'eval/seed-dev.jsonl');
/** Set by vitest.config.ts: the model the suite runs (default glove-6b-100d, the embedded model). */
export const OFFLINE_MODEL = process.env.EMBEDDING_MODEL!;

/** A fresh temporary folder, removed by the caller's cleanup. */
export function tempDir(prefix = 'coverage-bot-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

