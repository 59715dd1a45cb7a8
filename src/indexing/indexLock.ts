import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LOCK_FILE } from '../search/indexLayout.ts';
import { IndexError } from '../search/loadIndex.ts';
import { isAlive } from './buildIndex.ts';

/**
 * One writer at a time per index folder: a lock file, `INDEX_DIR/index.lock`, holding who took
 * it. It is created complete and atomically (written under a temporary name, then hard-linked to
 * its name, which fails if it exists). A lock whose process has died on this machine is stale
 * and is taken over; a lock of a live process (or of another machine) is respected.
 */
export interface LockOwner {
  pid: number;
  hostname: string;
  /** ISO time the lock was taken. */
  since: string;
  /** What holds it, e.g. "npm run index". */
  command: string;
  /** Tells this holder's lock file apart from any later one. */
  token: string;
}

export interface IndexLock {
  readonly owner: LockOwner;
  /** Whether the lock file is still this holder's (a build checks before switching CURRENT). */
  held(): boolean;
  release(): void;
}

/** An IndexError, so entry points report it as a problem to act on (exit code 1). */
export class IndexLockedError extends IndexError {
  override name = 'IndexLockedError';
  constructor(
    readonly owner: LockOwner,
    readonly lockFile: string,
    waitedMs: number,
  ) {
    const waited = waitedMs > 0 ? ` Waited ${Math.round(waitedMs / 1000)} s.` : '';
    const elsewhere = owner.hostname === os.hostname() ? '' : ` on ${owner.hostname}`;
    // A live process of this machine can be checked (`ps`); the lock of one that died is taken over by itself.
    const hint = elsewhere ? ` If it is not running any more, delete ${lockFile}.` : '';
    super(
      `Another re-index is running (pid ${owner.pid}${elsewhere} since ${owner.since}, ${owner.command}); try again when it has finished.${waited}${hint}`,
    );
  }
}

export interface AcquireOptions {
  /** How long to wait for another holder to finish; 0 refuses at once. */
  waitMs?: number;
  pollMs?: number;
  command?: string;
  /** Called once when the lock is busy and waiting starts. */
  onWait?: (owner: LockOwner) => void;
  /** The lock file's name in the folder (default index.lock); other one-writer jobs use their own. */
  lockName?: string;
}

export async function acquireIndexLock(indexDir: string, options: AcquireOptions = {}): Promise<IndexLock> {
  const { waitMs = 0, pollMs = 200, command = path.basename(process.argv[1] ?? 'node') } = options;
  fs.mkdirSync(indexDir, { recursive: true });
  const lockName = options.lockName ?? LOCK_FILE;
  const lockFile = path.join(indexDir, lockName);
  const owner: LockOwner = { pid: process.pid, hostname: os.hostname(), since: new Date().toISOString(), command, token: randomUUID() };
  const started = Date.now();
  let waiting = false;
  for (;;) {
    const holder = tryTake(lockFile, owner);
    if (holder === undefined) {
      removeLeftovers(indexDir, lockName);
      return heldLock(lockFile, owner);
    }
    const waited = Date.now() - started;
    if (waited >= waitMs) throw new IndexLockedError(holder, lockFile, waited);
    if (!waiting) options.onWait?.(holder);
    waiting = true;
    await new Promise((r) => setTimeout(r, Math.min(pollMs, waitMs - waited)));
  }
}

/** Takes the lock, or returns who holds it. Stale locks are removed and taking is retried. */
function tryTake(lockFile: string, owner: LockOwner): LockOwner | undefined {
  const tmp = `${lockFile}.${process.pid}.${owner.token}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(owner));
  try {
    for (let attempt = 0; attempt < 10; attempt++) {
      try {
        fs.linkSync(tmp, lockFile);
        return undefined;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const holder = readOwner(lockFile);
      if (holder === 'gone') continue;
      if (holder !== 'unreadable' && !isStale(holder)) return holder;
      removeStale(lockFile, holder);
    }
    throw new Error(`Cannot take the index lock ${lockFile}: it keeps changing.`);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

function readOwner(lockFile: string): LockOwner | 'gone' | 'unreadable' {
  let text: string;
  try {
    text = fs.readFileSync(lockFile, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw err;
  }
  try {
    const o = JSON.parse(text) as LockOwner;
    if (typeof o.pid === 'number' && typeof o.hostname === 'string' && typeof o.token === 'string') return o;
  } catch {
    // falls through
  }
  return 'unreadable';
}

/** A lock is stale when its process, on this machine, no longer exists. */
function isStale(o: LockOwner): boolean {
  if (o.hostname !== os.hostname()) return false;
  return o.pid !== process.pid && !isAlive(o.pid);
}

/**
 * Removes exactly the stale lock file that was judged: it is first moved aside, and if what was
 * moved turns out to be a newer lock (taken by another process meanwhile), it is put back.
 */
function removeStale(lockFile: string, judged: LockOwner | 'unreadable'): void {
  const aside = `${lockFile}.${process.pid}.${randomUUID()}.stale`;
  try {
    fs.renameSync(lockFile, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const moved = readOwner(aside);
  const same = judged === 'unreadable' ? moved === 'unreadable' : typeof moved === 'object' && moved.token === judged.token;
  if (!same) {
    try {
      fs.linkSync(aside, lockFile);
    } catch {
      // Someone took the lock in between; theirs stands. The holder we moved finds out through held().
    }
  }
  fs.rmSync(aside, { force: true });
}

/** Temporary files of processes killed while taking or clearing the lock (`index.lock.<pid>.<id>.tmp|stale`). */
function removeLeftovers(indexDir: string, lockName: string): void {
  for (const name of fs.readdirSync(indexDir)) {
    const m = name.startsWith(`${lockName}.`) ? /^(\d+)\.[\w-]+\.(tmp|stale)$/.exec(name.slice(lockName.length + 1)) : null;
    if (m && Number(m[1]) !== process.pid && !isAlive(Number(m[1]))) fs.rmSync(path.join(indexDir, name), { force: true });
  }
}

function heldLock(lockFile: string, owner: LockOwner): IndexLock {
  let released = false;
  return {
    owner,
    held() {
      if (released) return false;
      const o = readOwner(lockFile);
      return typeof o === 'object' && o.token === owner.token;
    },
    release() {
      if (released) return;
      released = true;
      const o = readOwner(lockFile);
      if (typeof o === 'object' && o.token === owner.token) fs.rmSync(lockFile, { force: true });
    },
  };
}

/** Who holds the lock of an index folder right now, if anyone (stale locks count as free). */
export function lockHolder(indexDir: string): LockOwner | undefined {
  const o = readOwner(path.join(indexDir, LOCK_FILE));
  return typeof o === 'object' && !isStale(o) ? o : undefined;
}
