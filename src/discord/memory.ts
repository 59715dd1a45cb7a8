/** Small bounded in-memory structures: the bot must not grow without limit however long it runs. */

/** A map that forgets its oldest entries beyond `capacity` (insertion order; `get` refreshes). */
export class BoundedMap<K, V> {
  readonly #entries = new Map<K, V>();

  constructor(readonly capacity: number) {
    if (capacity < 1) throw new Error('capacity must be at least 1');
  }

  get(key: K): V | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    while (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next().value as K;
      this.#entries.delete(oldest);
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}

/**
 * Remembers the last `capacity` ids it was shown. `firstTime(id)` is true once per id: used so a
 * dispatch Discord (or a gateway resume) delivers twice is handled once.
 */
export class SeenIds {
  readonly #ids: BoundedMap<string, true>;

  constructor(capacity: number) {
    this.#ids = new BoundedMap(capacity);
  }

  firstTime(id: string): boolean {
    if (this.#ids.get(id)) return false;
    this.#ids.set(id, true);
    return true;
  }
}
