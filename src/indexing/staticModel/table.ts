import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fsyncDir, writeFileDurably } from '../../durableFs.ts';

/**
 * The embedded model's table on disk: one file, read whole in a few milliseconds.
 *
 *   0   8 bytes  magic "CBGLOVE\n"
 *   8   u32      FORMAT_VERSION
 *   12  u32      dimension
 *   16  u32      word count
 *   20  u32      byte length of the recipe (JSON, UTF-8)
 *   24  u32      byte length of the word list (UTF-8, one word per line)
 *   28  32 bytes sha256 of everything after the header
 *   60  u32      0 (padding)
 *   64  recipe JSON, padded with spaces to a multiple of 4
 *       int8 [count x dimension]  vectors, quantised per row
 *       float32 [count]           one scale per row (vector = int8 x scale)
 *       word list
 *
 * Little-endian. A file that is short, has another version or recipe, or fails its checksum is
 * not used (and is rebuilt by the cache).
 */
export const FORMAT_VERSION = 1;
const MAGIC = Buffer.from('CBGLOVE\n', 'latin1');
const HEADER_BYTES = 64;

export interface StaticTable {
  dimension: number;
  /** Row r is word r's vector: quantized[r * dimension + d] * scales[r]. */
  quantized: Int8Array;
  scales: Float32Array;
  words: string[];
  /** What the table was made from and how (see recipe.json); compared on load. */
  recipe: Record<string, unknown>;
}

export class TableFileError extends Error {
  override name = 'TableFileError';
}

export function encodeTable(t: StaticTable): Buffer {
  const count = t.words.length;
  let recipe = Buffer.from(JSON.stringify(t.recipe), 'utf8');
  recipe = Buffer.concat([recipe, Buffer.alloc((4 - (recipe.length % 4)) % 4, 0x20)]);
  const quantPad = (4 - ((count * t.dimension) % 4)) % 4;
  const words = Buffer.from(t.words.join('\n'), 'utf8');
  const body = Buffer.concat([
    recipe,
    Buffer.from(t.quantized.buffer, t.quantized.byteOffset, t.quantized.byteLength),
    Buffer.alloc(quantPad),
    Buffer.from(t.scales.buffer, t.scales.byteOffset, t.scales.byteLength),
    words,
  ]);
  const header = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(header, 0);
  header.writeUInt32LE(FORMAT_VERSION, 8);
  header.writeUInt32LE(t.dimension, 12);
  header.writeUInt32LE(count, 16);
  header.writeUInt32LE(recipe.length, 20);
  header.writeUInt32LE(words.length, 24);
  createHash('sha256').update(body).digest().copy(header, 28);
  return Buffer.concat([header, body]);
}

/** Reads a table file; throws a TableFileError saying what is wrong with it. */
export function readTable(file: string): StaticTable {
  const buf = fs.readFileSync(file);
  if (buf.length < HEADER_BYTES || !buf.subarray(0, 8).equals(MAGIC)) throw new TableFileError('it is not an embedded-model table');
  const version = buf.readUInt32LE(8);
  if (version !== FORMAT_VERSION) throw new TableFileError(`it has format version ${version}, this code reads version ${FORMAT_VERSION}`);
  const dimension = buf.readUInt32LE(12);
  const count = buf.readUInt32LE(16);
  const recipeBytes = buf.readUInt32LE(20);
  const wordBytes = buf.readUInt32LE(24);
  const quantBytes = count * dimension;
  const quantPad = (4 - (quantBytes % 4)) % 4;
  const expected = HEADER_BYTES + recipeBytes + quantBytes + quantPad + 4 * count + wordBytes;
  if (buf.length !== expected) throw new TableFileError(`it is ${buf.length} bytes, its header says ${expected} (truncated or damaged)`);
  const body = buf.subarray(HEADER_BYTES);
  if (!createHash('sha256').update(body).digest().equals(buf.subarray(28, 60))) throw new TableFileError('its checksum does not match (damaged)');

  let at = HEADER_BYTES;
  const recipe = JSON.parse(buf.toString('utf8', at, at + recipeBytes)) as Record<string, unknown>;
  at += recipeBytes;
  const quantized = new Int8Array(buf.buffer, buf.byteOffset + at, quantBytes);
  at += quantBytes + quantPad;
  // Float32Array needs 4-byte alignment; readFileSync's buffer normally has it, a copy otherwise.
  const scalesAt = buf.byteOffset + at;
  const scales = scalesAt % 4 === 0 ? new Float32Array(buf.buffer, scalesAt, count) : new Float32Array(buf.buffer.slice(scalesAt, scalesAt + 4 * count));
  at += 4 * count;
  const words = count === 0 ? [] : buf.toString('utf8', at, at + wordBytes).split('\n');
  if (words.length !== count) throw new TableFileError(`it lists ${words.length} words, its header says ${count}`);
  return { dimension, quantized, scales, words, recipe };
}

/**
 * Writes the table under a temporary name beside `file`, flushes it, then renames it into place:
 * readers see the old file or the complete new one, never part of one. The temporary file of a
 * failed write is removed.
 */
export function writeTableAtomically(file: string, t: StaticTable): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileDurably(tmp, encodeTable(t));
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  fsyncDir(path.dirname(file));
}
