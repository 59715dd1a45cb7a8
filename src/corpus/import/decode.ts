import { ImportProblem } from './fetch.ts';

/**
 * Bytes to text without guessing: UTF-8 (the default) must be valid UTF-8, or the input is
 * refused; another charset is used only when the server or the document declares it.
 */
export function decodeText(bytes: Uint8Array, declared?: string): string {
  const label = (declared ?? sniffCharset(bytes) ?? 'utf-8').trim().toLowerCase();
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label, { fatal: true });
  } catch {
    throw new ImportProblem(`unknown character set "${label}"`);
  }
  try {
    return decoder.decode(bytes);
  } catch {
    throw new ImportProblem(decoder.encoding === 'utf-8' ? 'not valid UTF-8 text' : `not valid ${decoder.encoding} text`);
  }
}

/** A charset declared in the first 1024 bytes: `<meta charset>`, http-equiv, or an XML declaration. */
function sniffCharset(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1');
  return (
    /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(head)?.[1] ??
    /^\s*<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)["']/i.exec(head)?.[1]
  );
}
