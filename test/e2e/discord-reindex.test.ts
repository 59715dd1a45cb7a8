/**
 * /reindex end to end: the real bot against the local Discord emulator, answering from a live
 * coverage of an index that /reindex itself updates. Manage Server only; a second /reindex
 * while one runs is told so; the bot answers from the new article without a restart.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PermissionFlagsBits } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateBenchCorpus } from '../../scripts/bench-corpus.ts';
import { createCoverage } from '../../src/answer/coverageService.ts';
import { LiveCoverage } from '../../src/answer/liveCoverage.ts';
import { lockHolder } from '../../src/indexing/indexLock.ts';
import { reindex } from '../../src/indexing/reindex.ts';
import { CURRENT_FILE } from '../../src/search/indexLayout.ts';
import type { DispatchedInteraction, UserRef } from '../support/discord-emulator/index.ts';
import { CORPUS_DIR, OFFLINE_MODEL, tempDir } from '../support/paths.ts';
import { offlineEmbedder } from '../support/seedIndex.ts';
import { settle, startHarness, type Harness } from './harness.ts';

const HARBOUR_FILE = 'harbour-budget.md';
const HARBOUR = `---
title: Council approves harbour budget
date: 2025-03-04
---
The harbour council approved a budget of 12 million euros for the new pier on Tuesday.
`;

let h: Harness;
let live: LiveCoverage;
let dir: string;
let corpusDir: string;
let indexDir: string;
const silent = { debug() {}, info() {}, warn() {}, error() {} };

beforeAll(async () => {
  dir = tempDir('coverage-bot-e2e-reindex-');
  corpusDir = path.join(dir, 'corpus');
  indexDir = path.join(dir, 'index');
  fs.cpSync(CORPUS_DIR, corpusDir, { recursive: true });
  await reindex({ config: { corpusDir, indexDir, embeddingModel: OFFLINE_MODEL }, log: silent, embedder: offlineEmbedder });
  const embedder = await offlineEmbedder();
  live = await LiveCoverage.open({ indexDir, expectedModel: embedder.modelId, log: silent, open: (index) => createCoverage({ index, embedder, log: silent }) });
  h = await startHarness({ coverage: live, env: { CORPUS_DIR: corpusDir, INDEX_DIR: indexDir, EMBEDDING_MODEL: OFFLINE_MODEL } });
});

afterAll(async () => {
  live?.close();
  await h?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function runReindex(user: UserRef, memberPermissions?: bigint): DispatchedInteraction {
  return h.discord.dispatchChatInputCommand({ name: 'reindex', user, ...(memberPermissions === undefined ? {} : { memberPermissions }) });
}

/** The member's own view of the reply, once it says `done`. */
async function ephemeralReply(interaction: DispatchedInteraction, done: (text: string) => boolean): Promise<string> {
  const record = await interaction.waitUntil((r) => done(String(r.original?.content ?? '')), { timeoutMs: 60_000 });
  expect(record.ephemeral).toBe(true);
  return String(record.original!.content);
}

const MANAGE_SERVER = PermissionFlagsBits.ManageGuild | PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages;

describe('/reindex', () => {
  it('is deployed for Manage Server only', () => {
    const command = h.discord.commands(h.discord.ids.guildId).find((c) => c.name === 'reindex');
    expect(command).toMatchObject({ default_member_permissions: String(PermissionFlagsBits.ManageGuild) });
  });

  it('is refused, ephemerally, to a member without Manage Server, and changes nothing', async () => {
    const before = fs.readFileSync(path.join(indexDir, CURRENT_FILE), 'utf8');
    fs.writeFileSync(path.join(corpusDir, HARBOUR_FILE), HARBOUR);
    try {
      const refused = runReindex('moderator');
      const text = await ephemeralReply(refused, (t) => t !== '');
      expect(text).toBe('Only members with the Manage Server permission can re-index the coverage.');
      await settle(100);
      expect(fs.readFileSync(path.join(indexDir, CURRENT_FILE), 'utf8')).toBe(before);
    } finally {
      fs.rmSync(path.join(corpusDir, HARBOUR_FILE));
    }
  });

  it('says when nothing changed', async () => {
    const text = await ephemeralReply(runReindex('moderator', MANAGE_SERVER), (t) => t.startsWith('Index is'));
    expect(text).toMatch(/^Index is up to date: nothing to embed \(1 article, \d+ passages; checked in [\d.]+ s\)\.$/);
  });

  it('indexes a new article, replies with the summary, and the bot answers from it without a restart', async () => {
    const question = 'What budget did the harbour council approve for the pier?';
    const before = h.discord.dispatchChatInputCommand({ name: 'ask', options: { question } });
    await before.waitForOriginalEdit(10_000);
    expect(JSON.stringify(before.record.original?.embeds)).not.toContain('12 million euros');

    fs.writeFileSync(path.join(corpusDir, HARBOUR_FILE), HARBOUR);
    const generation = live.generation;
    const text = await ephemeralReply(runReindex('moderator', MANAGE_SERVER), (t) => t.startsWith('Indexed'));
    expect(text).toMatch(/^Indexed 2 articles, \d+ passages, with .*glove-6b-100d \(100 dimensions\)\n/);
    expect(text).toMatch(/\nEmbedded 1 new passage, reused \d+\.\nAdded \(1\): harbour-budget\nUnchanged: 1$/);

    await h.discord.waitUntil(() => live.generation !== generation, 10_000);
    const after = h.discord.dispatchChatInputCommand({ name: 'ask', options: { question } });
    await after.waitForOriginalEdit(10_000);
    // The words that answer may be bold ("**"); the quote is the text without the markers.
    expect(JSON.stringify(after.record.original?.embeds).replaceAll('**', '')).toContain('The harbour council approved a budget of 12 million euros for the new pier on Tuesday.');
  });

  it('keeps answering while it runs, and tells a second /reindex that one is running', async () => {
    generateBenchCorpus(corpusDir, 150);
    const first = runReindex('moderator', MANAGE_SERVER);
    await h.discord.waitUntil(() => lockHolder(indexDir) !== undefined, 20_000);
    const second = runReindex(h.discord.ids.moderatorId, MANAGE_SERVER);
    const refusal = await ephemeralReply(second, (t) => t !== '');
    expect(refusal).toMatch(/^A re-index is already running \(since <t:\d+:T>\); try again when it has finished\.$/);

    // The re-index runs in its own process: questions are answered meanwhile, from the index in use.
    const question = h.discord.dispatchChatInputCommand({ name: 'ask', options: { question: 'What budget did the harbour council approve for the pier?' } });
    await question.waitForOriginalEdit(20_000);
    expect(JSON.stringify(question.record.original?.embeds).replaceAll('**', '')).toContain('12 million euros');
    expect(String(first.record.original?.content ?? '')).not.toMatch(/^Indexed/); // still running

    const summary = await ephemeralReply(first, (t) => t.startsWith('Indexed'));
    expect(summary).toMatch(/\nAdded \(150\): 2020\/article-00000, .*, and 140 more\nUnchanged: 2$/);
    expect(lockHolder(indexDir)).toBeUndefined();
  }, 120_000);
});
