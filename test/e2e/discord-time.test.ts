/**
 * Time in Discord, end to end: the real bot against the local Discord emulator, answering from a
 * real index of test/fixtures/time-corpus (a harbour toll set at four dollars on 2025-03-03,
 * raised to five on 03-10, cut to three on 04-08; a ferry story on 04-20). Questions are read as
 * of the interaction's time (today, from its snowflake), so the whole corpus is in the past.
 */
import path from 'node:path';
import type { APIMessage } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoteFromFieldValue } from '../../src/discord/sourceViews.ts';
import { REPO_ROOT, tempDir } from '../support/paths.ts';
import { buildSeedCoverage } from '../support/seedIndex.ts';
import { startHarness, type Harness } from './harness.ts';

const CORPUS = path.join(REPO_ROOT, 'test/fixtures/time-corpus');
let h: Harness;

beforeAll(async () => {
  const coverage = await buildSeedCoverage(tempDir('coverage-bot-e2e-time-'), CORPUS);
  h = await startHarness({ coverage });
});
afterAll(async () => {
  await h?.stop();
});

async function run(name: string, options: Record<string, string>): Promise<APIMessage> {
  return (await runWithEdit(name, options)).message;
}

async function runWithEdit(name: string, options: Record<string, string>) {
  const interaction = h.discord.dispatchChatInputCommand({ name, options, user: 'member' });
  const edit = await interaction.waitForOriginalEdit(10_000);
  return { message: interaction.record.original!, body: edit.body as { allowed_mentions?: unknown } };
}

describe('/latest', () => {
  it('is deployed with one required "topic" option', () => {
    const latest = h.discord.commands(h.discord.ids.guildId).find((c) => c.name === 'latest');
    expect(latest?.options).toEqual([expect.objectContaining({ name: 'topic', required: true, type: 3 })]);
  });

  it('lists the newest articles on the topic, newest first, with date, link and first sentence', async () => {
    const { message, body } = await runWithEdit('latest', { topic: 'harbour bridge toll' });
    const embed = message.embeds[0]!;
    expect(embed.title).toBe('Newest on: harbour bridge toll');
    expect(embed.fields!.map((f) => f.name)).toEqual([
      'Harbour bridge toll cut to three dollars after protests',
      'Harbour bridge toll raised to five dollars',
      'Harbour bridge toll set at four dollars',
    ]);
    const first = embed.fields![0]!.value;
    expect(first).toContain('2025-04-08');
    expect(first).toContain('(https://example.org/toll-cut)');
    expect(quoteFromFieldValue(first)).toMatch(/^The Larkmouth harbour bridge toll will be three dollars a crossing/);
    expect(body.allowed_mentions).toEqual({ parse: [], replied_user: false });
  });

  it('says so when the coverage has nothing on the topic', async () => {
    const message = await run('latest', { topic: 'volcano eruption' });
    expect(message.embeds[0]!.description).toBe('The coverage has no articles on "volcano eruption".');
  });
});

describe('/ask with time', () => {
  it('quotes the newest figure first and labels the superseded ones with their dates', async () => {
    const message = await run('ask', { question: 'How much is the harbour bridge toll?' });
    const fields = message.embeds[0]!.fields!;
    expect(quoteFromFieldValue(fields[0]!.value)).toContain('three dollars');
    expect(fields[0]!.value).toContain('2025-04-08');
    for (const f of fields.slice(1)) expect(f.value).toMatch(/^\*Earlier, on March (3|10):\*\n> /);
  });

  it('reads "this week" against the time of asking: the coverage has nothing from it, and says its range', async () => {
    const message = await run('ask', { question: 'What toll did the bridge authority announce this week?' });
    const text = message.embeds[0]!.description ?? '';
    expect(text).toMatch(/The coverage doesn't answer that: it has no articles from this week \(\d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}\)\./);
    expect(text).toContain('The coverage runs from 2025-03-03 to 2025-04-20.');
  });
});
