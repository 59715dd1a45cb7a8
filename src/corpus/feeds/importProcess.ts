import { spawn } from 'node:child_process';
import path from 'node:path';
import type { FeedImportRequest } from '../../cli/feed-import.ts';
import { ImportProblem } from '../import/fetch.ts';
import type { FeedItemOutcome } from '../import/importer.ts';

/**
 * The follower's import in a child process: reading the corpus (to skip what it holds already),
 * fetching and extracting pages take seconds of CPU on a large corpus, which would hold up the
 * bot's event loop (Discord wants every interaction acknowledged within 3 s). The caller holds
 * the index lock meanwhile.
 */
const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');
const FEED_IMPORT_CLI = path.join(REPO_ROOT, 'src/cli/feed-import.ts');

export function importFeedItemsInChildProcess(request: FeedImportRequest): Promise<{ outcomes: FeedItemOutcome[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', FEED_IMPORT_CLI], {
    cwd: REPO_ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.end(JSON.stringify(request));
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const last = stdout.trim().split('\n').at(-1) ?? '';
      let answer: { outcomes?: FeedItemOutcome[]; error?: string } = {};
      try {
        answer = JSON.parse(last) as typeof answer;
      } catch {
        // reported below
      }
      if (code === 0 && answer.outcomes) resolve({ outcomes: answer.outcomes });
      else reject(new ImportProblem(`the import process failed: ${answer.error ?? `${signal ?? `exit code ${code}`}: ${stderr.trim()}`}`));
    });
  });
}
