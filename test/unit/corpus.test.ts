import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CorpusError, loadCorpus } from '../../src/corpus/load.ts';
import { CORPUS_DIR, tempDir } from '../support/paths.ts';

const dirs: string[] = [];
function corpusWith(files: Record<string, string | Buffer>): string {
  const dir = tempDir();
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const good = '---\ntitle: A good article\ndate: 2025-02-15\nurl: https://example.org/a\n---\nIt has a body.\n';

describe('loadCorpus', () => {
  it('loads the seed article with its front matter and body', () => {
    const { articles, skipped } = loadCorpus(CORPUS_DIR);
    expect(skipped).toEqual([]);
    expect(articles).toHaveLength(1);
    const seed = articles[0]!;
    expect(seed.title).toMatch(/Rubio/);
    expect(seed.date).toBe('2025-02-15');
    expect(seed.url).toBeNull();
    expect(seed.body.startsWith('U.S. State Secretary Marco Rubio')).toBe(true);
    expect(seed.body.endsWith('create its own armed forces.')).toBe(true);
  });

  it('says clearly when the corpus folder is missing', () => {
    expect(() => loadCorpus('/nonexistent/corpus')).toThrow(/Corpus not found: \/nonexistent\/corpus/);
  });

  it('says clearly when the corpus folder has no articles', () => {
    expect(() => loadCorpus(corpusWith({}))).toThrow(CorpusError);
    expect(() => loadCorpus(corpusWith({ 'notes.json': '{}' }))).toThrow(/No usable articles/);
  });

  it('skips unusable articles with a reason naming the file, and keeps the rest', () => {
    const dir = corpusWith({
      'good.md': good,
      'no-body.md': '---\ntitle: Empty\n---\n   \n',
      'bad-yaml.md': '---\ntitle: [unclosed\n---\nBody.\n',
      'no-title.md': '---\ndate: 2025-01-01\n---\nBody.\n',
      'no-front-matter.md': 'Just text.\n',
      'bad-date.md': '---\ntitle: T\ndate: 15 Feb 2025\n---\nBody.\n',
      'bad-url.md': '---\ntitle: T\nurl: javascript:alert(1)\n---\nBody.\n',
      'latin1.md': Buffer.concat([Buffer.from('---\ntitle: Caf'), Buffer.from([0xe9]), Buffer.from('\n---\nBody.\n')]),
    });
    const { articles, skipped } = loadCorpus(dir);
    expect(articles.map((a) => a.id)).toEqual(['good']);
    const reasons = Object.fromEntries(skipped.map((s) => [path.basename(s.origin), s.reason]));
    expect(reasons).toEqual({
      'no-body.md': 'empty body',
      'bad-yaml.md': expect.stringMatching(/^bad front matter/),
      'no-title.md': 'missing title',
      'no-front-matter.md': expect.stringMatching(/^no front matter/),
      'bad-date.md': expect.stringMatching(/^bad date/),
      'bad-url.md': expect.stringMatching(/^bad url/),
      'latin1.md': 'not valid UTF-8 text',
    });
  });

  it('normalises Windows line endings before offsets are taken', () => {
    const dir = corpusWith({ 'crlf.md': good.replace(/\n/g, '\r\n') });
    expect(loadCorpus(dir).articles[0]!.body).toBe('It has a body.');
  });

  it('reads nested folders and JSONL bulk files; ids are paths or the JSONL id', () => {
    const dir = corpusWith({
      'world/2025/good.md': good,
      'bulk.jsonl':
        '{"id":"a1","title":"First","date":null,"url":null,"text":"One."}\n' +
        'not json\n' +
        '{"id":"a2","title":"Second","text":"Two."}\n' +
        '{"id":"a1","title":"Dup","text":"Again."}\n',
      'README.md': '# not an article',
    });
    const { articles, skipped } = loadCorpus(dir);
    expect(articles.map((a) => a.id).sort()).toEqual(['a1', 'a2', 'world/2025/good']);
    expect(skipped.map((s) => s.reason)).toEqual(['not a JSON object', 'duplicate article id "a1"']);
  });

  it('changes the content hash when the body or metadata changes', () => {
    const a = loadCorpus(corpusWith({ 'x.md': good })).articles[0]!;
    const b = loadCorpus(corpusWith({ 'x.md': good.replace('body', 'Body') })).articles[0]!;
    const c = loadCorpus(corpusWith({ 'x.md': good.replace('A good', 'A fine') })).articles[0]!;
    expect(new Set([a.contentHash, b.contentHash, c.contentHash]).size).toBe(3);
  });
});
