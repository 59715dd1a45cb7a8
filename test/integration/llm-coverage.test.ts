/**
 * The written answer inside the real pipeline: seed corpus -> index -> retriever -> model
 * (local scripted server) -> verification -> the coverage's own final verbatim check.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Coverage } from '../../src/answer/coverage.ts';
import { createCoverage } from '../../src/answer/coverageService.ts';
import { createLlmAnswerer } from '../../src/answer/llm/index.ts';
import { loadCorpus } from '../../src/corpus/load.ts';
import { buildIndex } from '../../src/indexing/buildIndex.ts';
import { loadIndex } from '../../src/search/loadIndex.ts';
import { startOpenAiTestServer, type OpenAiTestServer, type RecordedRequest } from '../support/openai-server.ts';
import { CORPUS_DIR, tempDir } from '../support/paths.ts';
import { offlineEmbedder } from '../support/seedIndex.ts';

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const body = loadCorpus(CORPUS_DIR).articles[0]!.body;

let dir: string;
let server: OpenAiTestServer;
let coverage: Coverage;

beforeAll(async () => {
  dir = tempDir();
  const indexDir = path.join(dir, 'index');
  const embedder = await offlineEmbedder();
  await buildIndex({ articles: loadCorpus(CORPUS_DIR).articles, embedder, indexDir });
  server = await startOpenAiTestServer();
  const writer = createLlmAnswerer(
    { baseURL: server.baseURL, model: 'test-model', timeoutMs: 2_000, maxRetries: 1, retryBaseDelayMs: 5 },
    silent,
  );
  coverage = createCoverage({ index: loadIndex(indexDir, embedder.modelId), embedder, log: silent, writer });
});
afterAll(async () => {
  await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => server.reset());

/** The number the prompt gave the passage containing `text`. */
function passageNumberContaining(request: RecordedRequest, text: string): number {
  const user = request.body!.messages[1]!.content;
  for (const m of user.matchAll(/<passage n="(\d+)"[^>]*>\n([\s\S]*?)\n<\/passage>/g)) {
    if (m[2]!.includes(text)) return Number(m[1]);
  }
  throw new Error(`no passage in the prompt contains ${JSON.stringify(text)}`);
}

describe('written answers from the seed coverage', () => {
  it('are shown with quotes that are the article body at their offsets', async () => {
    server.reply((request) => ({
      content: JSON.stringify({
        answerable: true,
        claims: [
          {
            text: 'Saudi Arabia is reported to be hosting the Trump-Putin summit in Riyadh.',
            quotes: [
              {
                passage: passageNumberContaining(request, 'Saudi Arabia will reportedly'),
                quote: 'Saudi Arabia will reportedly hold a summit between Trump and Putin in Riyadh',
              },
            ],
          },
          {
            text: 'The dates are not fixed.',
            quotes: [{ passage: passageNumberContaining(request, 'Saudi Arabia will reportedly'), quote: 'although the dates have not yet been finalized' }],
          },
        ],
      }),
    }));

    const answer = await coverage.ask('Where will the Trump-Putin summit be held?');

    expect(answer.mode).toBe('llm');
    expect(answer.answer).toBe(
      'Saudi Arabia is reported to be hosting the Trump-Putin summit in Riyadh. [1]\nThe dates are not fixed. [2]',
    );
    expect(answer.citations).toHaveLength(2);
    for (const c of answer.citations) {
      expect(body.slice(c.start, c.end)).toBe(c.quote);
      const source = coverage.sourcePassage(c.passageId)!;
      expect(source.start).toBeLessThanOrEqual(c.start);
      expect(source.end).toBeGreaterThanOrEqual(c.end);
    }
  });

  it('fall back to the extractive answer, with a note, when the model is unavailable', async () => {
    server.replyAlways({ status: 503 });

    const answer = await coverage.ask('Where will the Trump-Putin summit be held?');

    expect(answer.mode).toBe('extractive');
    expect(answer.note).toBe('The written answer is unavailable right now; showing quotes from the coverage.');
    expect(answer.citations.length).toBeGreaterThan(0);
    for (const c of answer.citations) expect(body.slice(c.start, c.end)).toBe(c.quote);
  });
});

describe('written answers to follow-ups', () => {
  it('give the model the follow-up with the question it follows, and show the follow-up as asked', async () => {
    let prompt = '';
    server.reply((request) => {
      prompt = request.body!.messages[1]!.content;
      return {
        content: JSON.stringify({
          answerable: true,
          claims: [
            {
              text: 'The Saudi Foreign Ministry said so.',
              quotes: [{ passage: passageNumberContaining(request, 'Saudi Arabia will reportedly'), quote: 'the Saudi Foreign Ministry said on Feb. 14' }],
            },
          ],
        }),
      };
    });

    const answer = await coverage.ask('who said so?', { previousQuestion: 'Where will the Trump-Putin summit be held?' });

    expect(prompt).toContain('who said so? (a follow-up to: Where will the Trump-Putin summit be held?)');
    expect(answer).toMatchObject({ mode: 'llm', question: 'who said so?' });
    expect(answer.followUp).toEqual({
      previousQuestion: 'Where will the Trump-Putin summit be held?',
      searchedAs: 'who said so Trump-Putin summit held?',
    });
    expect(body.slice(answer.citations[0]!.start, answer.citations[0]!.end)).toBe(answer.citations[0]!.quote);
  });
});
