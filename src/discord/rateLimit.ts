/**
 * Per-key sliding-window limiter: at most `limit` accepted events in any `windowMs` span. Only
 * accepted events count, so a user who is told to wait is not punished for trying again.
 */
export type RateDecision = { ok: true } | { ok: false; retryAfterMs: number };

export interface SlidingWindowOptions {
  limit: number;
  windowMs: number;
  now?: () => number;
  /** Forget keys idle for a whole window once this many are tracked (bounds memory). */
  maxKeys?: number;
}

export class SlidingWindowLimiter {
  readonly limit: number;
  readonly windowMs: number;
  readonly #now: () => number;
  readonly #maxKeys: number;
  /** Accepted event times per key, oldest first. */
  readonly #events = new Map<string, number[]>();

  constructor(options: SlidingWindowOptions) {
    if (!Number.isInteger(options.limit) || options.limit < 1) throw new Error('limit must be a positive integer');
    if (!(options.windowMs > 0)) throw new Error('windowMs must be positive');
    this.limit = options.limit;
    this.windowMs = options.windowMs;
    this.#now = options.now ?? Date.now;
    this.#maxKeys = options.maxKeys ?? 10_000;
  }

  /** Records an event for `key` if the window has room; otherwise says how long to wait. */
  take(key: string): RateDecision {
    const now = this.#now();
    const times = this.#recent(key, now);
    if (times.length >= this.limit) {
      return { ok: false, retryAfterMs: Math.max(1, times[0]! + this.windowMs - now) };
    }
    times.push(now);
    this.#events.set(key, times);
    if (this.#events.size > this.#maxKeys) this.#sweep(now);
    return { ok: true };
  }

  /** Keys currently tracked (for tests and memory checks). */
  get size(): number {
    return this.#events.size;
  }

  #recent(key: string, now: number): number[] {
    const times = this.#events.get(key) ?? [];
    const cutoff = now - this.windowMs;
    let drop = 0;
    while (drop < times.length && times[drop]! <= cutoff) drop++;
    return drop > 0 ? times.slice(drop) : times;
  }

  #sweep(now: number): void {
    for (const [key] of this.#events) {
      const times = this.#recent(key, now);
      if (times.length === 0) this.#events.delete(key);
      else this.#events.set(key, times);
    }
  }
}
