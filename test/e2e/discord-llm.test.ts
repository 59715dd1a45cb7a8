/**
 * Written answers end to end: the real bot and discord.js client against the local Discord
 * emulator, answering from a real index of the seed corpus, with the language-model writer
 * pointed at the local scripted OpenAI-compatible server. Only what verified reaches Discord,
 * and a model that keeps failing still gets the user an answer.
 */
import fs from 'node:fs';
import type { APIMessage } from 'discord.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLlmAnswerer } from '../../src/answer/llm/index.ts';
import { loadCorpus } from '../../src/corpus/load.ts';
import { quoteFromFieldValue } from '../../src/discord/sourceViews.ts';
import { passageNumberContaining, startOpenAiTestServer, type OpenAiTestServer } from '../support/openai-server.ts';
import { CORPUS_DIR, tempDir } from '../support/paths.ts';
import { buildSeedCoverage } from '../support/seedIndex.ts';
import { startHarness, type Harness } from './harness.ts';

const QUESTION = 'Where is the summit between Trump and Putin expected to take place?';
const SAUDI = 'Saudi Arabia will reportedly hold a summit between Trump and Putin in Riyadh';
/** A quote the model invents; "Crimea" is nowhere in the coverage. */
const INVENTED = 'Putin agreed to hand Crimea back to Ukraine before the summit';
const TITLE = 'Rubio and Lavrov hold phone call days after Trump-Putin conversation';
const MAX_RETRIES = 1;

const body = loadCorpus(CORPUS_DIR).articles[0]!.body;
const silent = { debug() {}, info() {}, warn() {}, error() {} };

let server: OpenAiTestServer;
let indexDir: string;
let h: Harness;

beforeAll(async () => {
  server = await startOpenAiTestServer();
  const writer = createLlmAnswerer(
    { baseURL: server.baseURL, model: 'test-model', timeoutMs: 2_000, maxRetries: MAX_RETRIES, retryBaseDelayMs: 5 },
    silent,
  );
  indexDir = tempDir('coverage-bot-e2e-index-');
  h = await startHarness({ coverage: await buildSeedCoverage(indexDir, CORPUS_DIR, { writer }) });
});

afterAll(async () => {
  await h?.stop();
  await server?.stop();
  if (indexDir) fs.rmSync(indexDir, { recursive: true, force: true });
});

beforeEach(() => server.reset());

/** Asks with /ask and returns the answer message once the deferred reply was edited. */
async function ask(question: string): Promise<APIMessage> {
  const interaction = h.discord.dispatchChatInputCommand({ name: 'ask', options: { question } });
  await interaction.waitForOriginalEdit(10_000);
  expect(interaction.record.timeline.map((t) => t.action)).toEqual(['callback', 'edit-original']);
  return interaction.record.original!;
}

/** Every quote field: numbered, titled, dated, and the article's own text. */
function expectVerbatimQuoteFields(message: APIMessage): string[] {
  const fields = message.embeds[0]!.fields ?? [];
  expect(fields.length).toBeGreaterThan(0);
  return fields.map((field, i) => {
    expect(field.name).toBe(`[${i + 1}] ${TITLE}`);
    expect(field.value).toContain('2025-02-15');
    const quote = quoteFromFieldValue(field.value);
    expect(body).toContain(quote);
    return quote;
  });
}

describe('/ask with written answers', () => {
  it('shows the written answer with its [n] citations, then only the verified quote, with title and date', async () => {
    server.reply((request) => {
      const n = passageNumberContaining(request, SAUDI);
      return {
        content: JSON.stringify({
          answerable: true,
          claims: [
            { text: 'The summit is expected in Riyadh, Saudi Arabia.', quotes: [{ passage: n, quote: SAUDI }] },
            { text: 'Putin agreed to return Crimea.', quotes: [{ passage: n, quote: INVENTED }] },
          ],
        }),
      };
    });

    const message = await ask(QUESTION);

    expect(server.requests).toHaveLength(1);
    const embed = message.embeds[0]!;
    expect(embed.title).toBe(QUESTION);
    // Markdown-escaped brackets: Discord shows "[1]".
    expect(embed.description).toBe(
      'The summit is expected in Riyadh, Saudi Arabia. \\[1\\]\n\n*1 quote could not be verified against the articles and is not shown.*',
    );
    expect(expectVerbatimQuoteFields(message)).toEqual([SAUDI]);
    // Neither the invented quote nor the claim it carried reached Discord in any request or frame.
    const received = JSON.stringify([h.discord.requests(), h.discord.gatewayFrames((f) => f.direction === 'received')]);
    expect(received).toContain('Riyadh');
    expect(received).not.toContain('Crimea');
  });

  it('still answers, with the extractive quotes and a note, when the model server fails every time', async () => {
    server.replyAlways({ status: 500 });

    const message = await ask(QUESTION);

    expect(server.requests).toHaveLength(MAX_RETRIES + 1);
    const embed = message.embeds[0]!;
    expect(embed.description).toBe('*The written answer is unavailable right now; showing quotes from the coverage.*');
    expect(expectVerbatimQuoteFields(message).some((quote) => quote.includes('Riyadh'))).toBe(true);
  });
});
