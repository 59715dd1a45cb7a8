/**
 * A bot whose local clock is wrong still answers: the emulator issues snowflakes (and
 * timestamps, Date headers) from Discord's time, 20 minutes behind this machine's clock.
 */
import { SnowflakeUtil } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DispatchedInteraction } from '../support/discord-emulator/index.ts';
import { tempDir } from '../support/paths.ts';
import { buildSeedCoverage } from '../support/seedIndex.ts';
import { startHarness, type Harness } from './harness.ts';

const LOCAL_CLOCK_AHEAD_MS = 20 * 60_000;
const RUBIO = 'Who did Marco Rubio speak with on the phone?';

let h: Harness;

beforeAll(async () => {
  const coverage = await buildSeedCoverage(tempDir('coverage-bot-e2e-index-'));
  h = await startHarness({ coverage, emulator: { clockOffsetMs: -LOCAL_CLOCK_AHEAD_MS } });
});

afterAll(async () => {
  await h?.stop();
});

const ask = (question: string): DispatchedInteraction =>
  h.discord.dispatchChatInputCommand({ name: 'ask', options: { question }, user: 'member' });

describe('a local clock 20 minutes ahead of Discord', () => {
  it('every answer is still sent, and the skew is logged once', async () => {
    const first = ask(RUBIO);
    // The emulator really speaks from another time: the snowflake is 20 minutes old by the local clock.
    const age = Date.now() - Number(SnowflakeUtil.timestampFrom(first.id));
    expect(age).toBeGreaterThan(LOCAL_CLOCK_AHEAD_MS - 60_000);
    expect(age).toBeLessThan(LOCAL_CLOCK_AHEAD_MS + 60_000);

    await first.waitForOriginalEdit(10_000);
    expect(first.record.original!.embeds[0]!.fields![0]!.value).toContain('Lavrov');

    const second = ask('Where is the summit between Trump and Putin expected to take place?');
    await second.waitForOriginalEdit(10_000);
    expect(JSON.stringify(second.record.original!.embeds[0]!.fields)).toMatch(/Riyadh|Saudi Arabia/);

    // The Sources button (an interaction of its own) works too.
    const message = first.record.original!;
    const sourcesId = (message.components![0] as { components: Array<{ label: string; custom_id: string }> }).components.find(
      (b) => b.label === 'Sources',
    )!.custom_id;
    const sources = h.discord.dispatchButtonClick({ messageId: message.id, customId: sourcesId });
    await sources.waitForCallback();
    expect(sources.record.original!.embeds[0]!.title).toMatch(/^\[1\].* Rubio and Lavrov/);

    expect(h.logs.filter((l) => /token expired/.test(l.msg))).toEqual([]);
    const warnings = h.logs.filter((l) => /local clock/.test(l.msg));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.level).toBe(40);
    expect(warnings[0]!.msg).toMatch(/^the local clock is 20 min ahead of Discord's/);
    expect(Math.abs((warnings[0]!.localClockAheadMs as number) - LOCAL_CLOCK_AHEAD_MS)).toBeLessThan(60_000);
  });
});
