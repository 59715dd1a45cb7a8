import pino from 'pino';

/** Structured logs go to stderr so stdout stays clean for answers and `--json` output. */
export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info'): pino.Logger {
  return pino(
    {
      level,
      // Secrets must never reach a log line, even if an object carrying them is logged.
      redact: ['token', '*.token', 'apiKey', '*.apiKey', 'authorization', '*.authorization'],
    },
    pino.destination({ dest: 2, sync: true }),
  );
}

export type Logger = pino.Logger;
