import pino from 'pino';
import pretty from 'pino-pretty';

export interface LoggerOptions {
  /**
   * One short line per entry ("WARN: article skipped (file: a.md, reason: missing title)")
   * instead of JSON. Default: when stderr is an interactive terminal; files and pipes get JSON.
   */
  human?: boolean;
  /** Where human lines go instead of stderr (tests). */
  destination?: NodeJS.WritableStream;
}

/** Logs go to stderr so stdout stays clean for answers and `--json` output. */
export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info', options: LoggerOptions = {}): pino.Logger {
  const human = options.human ?? process.stderr.isTTY === true;
  return pino(
    {
      level,
      // Secrets must never reach a log line, even if an object carrying them is logged.
      redact: ['token', '*.token', 'apiKey', '*.apiKey', 'authorization', '*.authorization'],
    },
    human ? humanStream(options.destination) : pino.destination({ dest: 2, sync: true }),
  );
}

/** pino-pretty, reduced to level, message and the entry's fields in one line. */
function humanStream(destination?: NodeJS.WritableStream) {
  return pretty({
    destination: destination ?? 2,
    sync: true,
    colorize: !destination && process.stderr.isTTY === true,
    ignore: 'pid,hostname,time',
    hideObject: true,
    messageFormat: (entry, messageKey) => {
      const { level: _level, time: _time, pid: _pid, hostname: _hostname, [messageKey]: message, ...fields } = entry;
      const shown = Object.entries(fields).map(([key, value]) => `${key}: ${fieldText(value)}`);
      const line = shown.length > 0 ? `${String(message ?? '')} (${shown.join(', ')})` : String(message ?? '');
      // Errors keep their stack: whoever reads an error line needs to know where it came from.
      const stack = (fields.err as { stack?: unknown } | undefined)?.stack;
      return Number(entry.level) >= 50 && typeof stack === 'string' ? `${line}\n${stack}` : line;
    },
  });
}

function fieldText(value: unknown): string {
  if (typeof value === 'string') return value;
  // A serialized error: its message is what a person reads; the stack is in the JSON logs.
  if (value && typeof value === 'object' && typeof (value as { message?: unknown }).message === 'string') {
    return (value as { message: string }).message;
  }
  return JSON.stringify(value);
}

export type Logger = pino.Logger;
