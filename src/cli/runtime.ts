import 'dotenv/config';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { createCoverage } from '../answer/coverageService.ts';
import { DEFAULT_EXTRACTIVE } from '../answer/extractive.ts';
import { createLlmAnswerer } from '../answer/llm/index.ts';
import type { Coverage } from '../answer/coverage.ts';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { CorpusError } from '../corpus/load.ts';
import { loadEmbedder, ModelError, modelIdentity, type Embedder } from '../indexing/embedder.ts';
import { QuestionError } from '../answer/question.ts';
import { createLogger, type Logger } from '../log.ts';
import { IndexError, loadIndex, type LoadedIndex } from '../search/loadIndex.ts';

/** Config and logger for an entry point; a bad environment ends the process with the reasons. */
export function startup(overrides: Partial<Pick<Config, 'corpusDir' | 'indexDir'>> = {}): { config: Config; log: Logger } {
  let config: Config;
  try {
    config = { ...loadConfig(), ...stripUndefined(overrides) };
  } catch (err) {
    exitWithError(err);
  }
  return { config, log: createLogger(config.logLevel) };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Loads the model and the index (unless given one already loaded) and wires the answering pipeline. */
export async function openCoverage(config: Config, log: Logger, embedder?: Embedder, loaded?: LoadedIndex): Promise<Coverage> {
  const index = loaded ?? loadIndex(config.indexDir, modelIdentity(config.embeddingModel));
  // With a language model configured, answers are written by it; every quote is still verified.
  const writer = config.llm ? createLlmAnswerer(config.llm, log) : undefined;
  const extractive = { ...DEFAULT_EXTRACTIVE, minConfidence: config.minAnswerConfidence };
  return createCoverage({ index, embedder: embedder ?? (await loadEmbedder(config.embeddingModel)), log, writer, extractive });
}

/** Errors a user can act on are printed as one clear message; anything else with its stack. */
export function exitWithError(err: unknown): never {
  const known = [ConfigError, CorpusError, IndexError, ModelError, QuestionError, UsageError].some((E) => err instanceof E);
  process.stderr.write(`${known ? (err as Error).message : (err as Error)?.stack ?? String(err)}\n`);
  process.exit(known ? 1 : 2);
}

/**
 * Parses the command line (options must include `help`); a bad option is a UsageError with the
 * usage text, and `--help` prints the usage and gives undefined: the caller just returns.
 */
export function parseCommandLine<T extends ParseArgsConfig>(usage: string, config: T): ReturnType<typeof parseArgs<T>> | undefined {
  let parsed: ReturnType<typeof parseArgs<T>>;
  try {
    parsed = parseArgs(config);
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${usage}`);
  }
  if ((parsed.values as { help?: boolean }).help) {
    process.stdout.write(`${usage}\n`);
    return undefined;
  }
  return parsed;
}

export class UsageError extends Error {
  override name = 'UsageError';
}
