import fs from 'node:fs';

/**
 * Writes that survive a power cut: data is flushed before a rename or a manifest makes it
 * visible. Shared by the index builder and the article importer.
 */

/** Writes a file and flushes it to disk before returning (`wx`: fail if it exists). */
export function writeFileDurably(file: string, data: string | Uint8Array, flag: 'w' | 'wx' = 'w'): void {
  const fd = fs.openSync(file, flag);
  try {
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export function fsyncFile(file: string): void {
  const fd = fs.openSync(file, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
  } catch {
    // Some platforms cannot fsync a directory; the rename is still atomic there.
  }
}
