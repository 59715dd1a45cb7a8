import path from 'node:path';
import { z } from 'zod';

/**
 * All settings come from the environment (and `.env`, loaded by the entry points), parsed and
 * validated here once. Everything else receives the typed `Config` it needs.
 */

const DEFAULT_DISCORD_API = 'https://discord.com/api';

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const positiveInt = (fallback: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n <= 0) {
        ctx.addIssue({ code: 'custom', message: `must be a positive whole number, got "${v}"` });
        return z.NEVER;
      }
      return n;
    });

const httpUrl = z
  .string()
  .trim()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v === '') return undefined;
    try {
      const u = new URL(v);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
      return v.replace(/\/+$/, '');
    } catch {
      ctx.addIssue({ code: 'custom', message: `must be an http(s) URL, got "${v}"` });
      return z.NEVER;
    }
  });

const snowflake = z
  .string()
  .trim()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v === '') return undefined;
    if (!/^\d{15,21}$/.test(v)) {
      ctx.addIssue({ code: 'custom', message: `must be a Discord id (15-21 digits), got "${v}"` });
      return z.NEVER;
    }
    return v;
  });

const logLevel = z
  .string()
  .trim()
  .optional()
  .transform((v, ctx) => {
    const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
    if (v === undefined || v === '') return 'info' as const;
    const found = levels.find((l) => l === v.toLowerCase());
    if (!found) {
      ctx.addIssue({ code: 'custom', message: `must be one of ${levels.join(', ')}, got "${v}"` });
      return z.NEVER;
    }
    return found;
  });

/** A probability: a number from 0 to 1, or unset (undefined). */
const probability = z
  .string()
  .trim()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v === '') return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0 || n > 1) {
      ctx.addIssue({ code: 'custom', message: `must be a number from 0 to 1, got "${v}"` });
      return z.NEVER;
    }
    return n;
  });

const envSchema = z.object({
  CORPUS_DIR: optionalText,
  INDEX_DIR: optionalText,
  EMBEDDING_MODEL: optionalText,
  LOG_LEVEL: logLevel,
  MIN_ANSWER_CONFIDENCE: probability,
  DISCORD_TOKEN: optionalText,
  DISCORD_APPLICATION_ID: snowflake,
  DISCORD_GUILD_ID: snowflake,
  DISCORD_API_URL: httpUrl,
  DISCORD_MESSAGE_CONTENT_INTENT: z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return false;
      if (/^(true|1|yes)$/i.test(v)) return true;
      if (/^(false|0|no)$/i.test(v)) return false;
      ctx.addIssue({ code: 'custom', message: `must be true or false, got "${v}"` });
      return z.NEVER;
    }),
  ASK_RATE_LIMIT_PER_MINUTE: positiveInt(5),
  FEEDBACK_LOG: optionalText,
  QUESTION_LOG: optionalText,
  QUESTION_LOG_DAYS: z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return 30;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 3650) {
        ctx.addIssue({ code: 'custom', message: `must be a whole number of days from 0 (no log) to 3650, got "${v}"` });
        return z.NEVER;
      }
      return n;
    }),
  OPENAI_API_KEY: optionalText,
  OPENAI_BASE_URL: httpUrl,
  OPENAI_MODEL: optionalText,
  OPENAI_TIMEOUT_MS: positiveInt(20_000),
  OPENAI_MAX_RETRIES: z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return 2;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 10) {
        ctx.addIssue({ code: 'custom', message: `must be a whole number from 0 to 10, got "${v}"` });
        return z.NEVER;
      }
      return n;
    }),
  FEEDS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const urls = (v ?? '').split(',').map((u) => u.trim()).filter((u) => u !== '');
      for (const u of urls) {
        let ok = false;
        try {
          ok = ['http:', 'https:'].includes(new URL(u).protocol);
        } catch {
          // reported below
        }
        if (!ok) ctx.addIssue({ code: 'custom', message: `must be http(s) feed URLs separated by commas; "${u}" is not one` });
      }
      return [...new Set(urls)];
    }),
  FEED_POLL_MINUTES: z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return 15;
      const n = Number(v);
      if (!Number.isFinite(n) || n <= 0) {
        ctx.addIssue({ code: 'custom', message: `must be a number of minutes above 0 (fractions allowed, e.g. 0.5), got "${v}"` });
        return z.NEVER;
      }
      return n;
    }),
  FEED_STATE_DIR: optionalText,
});

export interface Config {
  corpusDir: string;
  indexDir: string;
  /** `glove-6b-100d` (the embedded model, default), a Hugging Face hub id or a local Transformers.js folder. */
  embeddingModel: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /**
   * Abstain when the reader's probability that its best quote answers is below this; undefined:
   * the threshold chosen by the training script (src/answer/reader/model.json).
   */
  minAnswerConfidence?: number;
  discord: {
    token?: string;
    applicationId?: string;
    guildId?: string;
    apiUrl: string;
    /** Request the privileged Message Content intent (only needed for role mentions). */
    messageContentIntent: boolean;
    askRateLimitPerMinute: number;
    feedbackLog: string;
  };
  /** RSS/Atom feeds polled while `npm start` runs (FEEDS; the followed list in feedStateDir adds more). */
  feeds: string[];
  feedPollMinutes: number;
  /** Feed state (state.json) and the followed-feeds list (followed.txt). */
  feedStateDir: string;
  /** The local log of questions asked (no user ids), for `/insights` and `npm run insights`. */
  questionLog: {
    file: string;
    /** Days a logged question is kept; 0: nothing is logged. */
    retentionDays: number;
  };
  /** Present only when OPENAI_API_KEY or OPENAI_BASE_URL is set. */
  llm?: {
    apiKey?: string;
    baseURL?: string;
    model: string;
    timeoutMs: number;
    maxRetries: number;
  };
}

/** The embedded static model (src/indexing/staticModel/), built from an npm dependency: works offline. */
export const DEFAULT_EMBEDDING_MODEL = 'glove-6b-100d';
export const DEFAULT_OPENAI_MODEL = 'gpt-5-mini';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; throws a ConfigError naming every bad variable at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`));
  }
  const e = parsed.data;
  const llmEnabled = e.OPENAI_API_KEY !== undefined || e.OPENAI_BASE_URL !== undefined;
  return {
    corpusDir: path.resolve(cwd, e.CORPUS_DIR ?? 'corpus'),
    indexDir: path.resolve(cwd, e.INDEX_DIR ?? 'data/index'),
    embeddingModel: e.EMBEDDING_MODEL ?? DEFAULT_EMBEDDING_MODEL,
    logLevel: e.LOG_LEVEL,
    minAnswerConfidence: e.MIN_ANSWER_CONFIDENCE,
    discord: {
      token: e.DISCORD_TOKEN,
      applicationId: e.DISCORD_APPLICATION_ID,
      guildId: e.DISCORD_GUILD_ID,
      apiUrl: e.DISCORD_API_URL ?? DEFAULT_DISCORD_API,
      messageContentIntent: e.DISCORD_MESSAGE_CONTENT_INTENT,
      askRateLimitPerMinute: e.ASK_RATE_LIMIT_PER_MINUTE,
      feedbackLog: path.resolve(cwd, e.FEEDBACK_LOG ?? 'data/feedback.jsonl'),
    },
    feeds: e.FEEDS,
    feedPollMinutes: e.FEED_POLL_MINUTES,
    feedStateDir: path.resolve(cwd, e.FEED_STATE_DIR ?? 'data/feeds'),
    questionLog: {
      file: path.resolve(cwd, e.QUESTION_LOG ?? 'data/questions.jsonl'),
      retentionDays: e.QUESTION_LOG_DAYS,
    },
    llm: llmEnabled
      ? {
          apiKey: e.OPENAI_API_KEY,
          baseURL: e.OPENAI_BASE_URL,
          model: e.OPENAI_MODEL ?? DEFAULT_OPENAI_MODEL,
          timeoutMs: e.OPENAI_TIMEOUT_MS,
          maxRetries: e.OPENAI_MAX_RETRIES,
        }
      : undefined,
  };
}
