import fs from 'node:fs';
import type { ArticleSummary } from '../corpus/article.ts';
import { CURRENT_FILE } from '../search/indexLayout.ts';
import { currentGeneration, loadGeneration, type LoadedIndex } from '../search/loadIndex.ts';
import type { AskOptions, Coverage, CoverageStats, SourcePassage, LatestArticle } from './coverage.ts';
import type { Answer } from './types.ts';

/**
 * The coverage of whatever index generation CURRENT names, switched without a restart. It
 * watches the index folder (fs.watch, with a periodic look at CURRENT as a fallback for file
 * systems where watching is unreliable), loads a new generation completely beside the one in
 * use, then swaps one reference. A question takes the generation in use when it starts and
 * finishes on it; the old generation is closed when its last question is done. A generation
 * that fails to load is logged and skipped: the one in use stays.
 *
 * Passage ids are the index's stable ids (see Manifest.nextPassageId): a citation's passageId
 * still names the same passage after a re-index, and `sourcePassage` returns undefined for a
 * passage the current index no longer has.
 */
export interface LiveCoverageOptions {
  indexDir: string;
  /** The answering pipeline over one loaded generation (the same as a fixed coverage would use). */
  open(index: LoadedIndex): Coverage | Promise<Coverage>;
  /** The running embedding model: a generation built with another is not switched to. */
  expectedModel?: string;
  log: { info(obj: object, msg: string): void; error(obj: object, msg: string): void };
  /** How often CURRENT is looked at besides watching. Default 2 s. */
  pollMs?: number;
  /** Watch the folder for changes (default); false relies on the periodic look alone. */
  watch?: boolean;
  /** Called after each switch (tests, logs). */
  onSwitch?: (generation: string) => void;
}

interface Generation {
  name: string;
  index: LoadedIndex;
  coverage: Coverage;
  inFlight: number;
  retired: boolean;
}

export class LiveCoverage implements Coverage {
  private active: Generation;
  private loading: Promise<void> | undefined;
  /** A generation that failed to load is not tried again until CURRENT names another. */
  private failed: string | undefined;
  private watcher: fs.FSWatcher | undefined;
  private poller: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    private readonly options: LiveCoverageOptions,
    first: Generation,
  ) {
    this.active = first;
  }

  /** Loads the current generation and starts watching for the next. */
  static async open(options: LiveCoverageOptions): Promise<LiveCoverage> {
    const name = currentGeneration(options.indexDir);
    const live = new LiveCoverage(options, await LiveCoverage.load(options, name));
    live.watch();
    return live;
  }

  private static async load(options: LiveCoverageOptions, name: string): Promise<Generation> {
    const index = loadGeneration(options.indexDir, name, options.expectedModel);
    try {
      return { name, index, coverage: await options.open(index), inFlight: 0, retired: false };
    } catch (err) {
      index.close();
      throw err;
    }
  }

  /** The generation answering new questions. */
  get generation(): string {
    return this.active.name;
  }

  async ask(question: string, options?: AskOptions): Promise<Answer> {
    const gen = this.active;
    gen.inFlight++;
    try {
      return await gen.coverage.ask(question, options);
    } finally {
      gen.inFlight--;
      this.closeIfDone(gen);
    }
  }

  async latest(topic: string, options?: AskOptions & { limit?: number }): Promise<LatestArticle[]> {
    const gen = this.active;
    gen.inFlight++;
    try {
      return await gen.coverage.latest(topic, options);
    } finally {
      gen.inFlight--;
      this.closeIfDone(gen);
    }
  }

  sourcePassage(passageId: number): SourcePassage | undefined {
    return this.active.coverage.sourcePassage(passageId);
  }

  articles(): ArticleSummary[] {
    return this.active.coverage.articles();
  }

  stats(): CoverageStats {
    return this.active.coverage.stats();
  }

  /**
   * Looks at CURRENT now and switches if it names another generation; resolves when any load
   * this started (or one already running) is over. True when the generation in use changed.
   */
  async refresh(): Promise<boolean> {
    const before = this.active.name;
    this.check();
    while (this.loading) await this.loading;
    return this.active.name !== before;
  }

  /** Stops watching; the generation in use keeps answering until the process ends. */
  close(): void {
    this.closed = true;
    this.watcher?.close();
    clearInterval(this.poller);
  }

  private watch(): void {
    const { indexDir, pollMs = 2_000, watch = true } = this.options;
    if (watch) this.watchFolder(indexDir);
    this.poller = setInterval(() => this.check(), pollMs);
    this.poller.unref();
  }

  private watchFolder(indexDir: string): void {
    try {
      this.watcher = fs.watch(indexDir, { persistent: false }, (_event, file) => {
        if (file === null || file === CURRENT_FILE) this.check();
      });
      this.watcher.on('error', (err) => {
        this.options.log.error({ err, indexDir }, 'cannot watch the index folder; looking at it periodically instead');
        this.watcher?.close();
      });
    } catch (err) {
      this.options.log.error({ err, indexDir }, 'cannot watch the index folder; looking at it periodically instead');
    }
  }

  private check(): void {
    if (this.loading || this.closed) return;
    let name: string;
    try {
      name = currentGeneration(this.options.indexDir);
    } catch {
      return; // CURRENT missing or unreadable for a moment: keep answering from what is loaded
    }
    if (name === this.active.name || name === this.failed) return;
    this.loading = this.switchTo(name).finally(() => {
      this.loading = undefined;
      this.check(); // CURRENT may have moved on while this one loaded
    });
  }

  private async switchTo(name: string): Promise<void> {
    // Out of the watcher's callback first; the load itself reads the files once.
    await new Promise((resolve) => setImmediate(resolve));
    let next: Generation;
    try {
      next = await LiveCoverage.load(this.options, name);
    } catch (err) {
      this.failed = name;
      this.options.log.error(
        { err, generation: name, indexDir: this.options.indexDir },
        `the new index could not be loaded; still answering from ${this.active.name}`,
      );
      return;
    }
    if (this.closed) {
      next.index.close();
      return;
    }
    const old = this.active;
    this.active = next;
    old.retired = true;
    this.closeIfDone(old);
    this.options.log.info(
      { generation: name, previous: old.name, articles: next.index.manifest.articleCount, passages: next.index.passageCount },
      'switched to the new index',
    );
    this.options.onSwitch?.(name);
  }

  private closeIfDone(gen: Generation): void {
    if (gen.retired && gen.inFlight === 0) gen.index.close();
  }
}

