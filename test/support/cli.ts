import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { OFFLINE_MODEL, REPO_ROOT } from './paths.ts';

/**
 * The environment of a `npm start` child kept inside `dir`: no .env file, its own index and logs
 * (feedback, questions, feed state), the suite's model; Discord when an emulator is given.
 */
export function sandboxEnv(
  dir: string,
  options: { corpusDir: string; discord?: { token: string; restBase: string } },
): NodeJS.ProcessEnv {
  return {
    DOTENV_CONFIG_PATH: path.join(dir, 'no.env'),
    DISCORD_TOKEN: options.discord?.token ?? '',
    ...(options.discord ? { DISCORD_API_URL: options.discord.restBase } : {}),
    CORPUS_DIR: options.corpusDir,
    INDEX_DIR: path.join(dir, 'index'),
    EMBEDDING_MODEL: OFFLINE_MODEL,
    FEEDBACK_LOG: path.join(dir, 'feedback.jsonl'),
    QUESTION_LOG: path.join(dir, 'questions.jsonl'),
    FEED_STATE_DIR: path.join(dir, 'feeds'),
  };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Starts an entry point under src/cli as a real child process. Node loads tsx as a hook rather
 * than through the tsx launcher, so the child is the process doing the work and a kill hits it.
 */
export function startCli(entry: string, args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src/cli', entry), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Runs an entry point to completion and collects its output. */
export function runCli(entry: string, args: string[], env: NodeJS.ProcessEnv = {}, input?: string): Promise<CliResult> {
  const child = startCli(entry, args, env);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  child.stdin!.end(input ?? '');
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs a script under scripts/ to completion (same way as an entry point) and collects its output. */
export function runScript(script: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return runCli(path.join('../../scripts', script), args, env);
}
