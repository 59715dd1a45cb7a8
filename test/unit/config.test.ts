import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_EMBEDDING_MODEL, loadConfig } from '../../src/config.ts';

describe('loadConfig', () => {
  it('has working defaults for an empty environment', () => {
    const c = loadConfig({}, '/app');
    expect(c.corpusDir).toBe('/app/corpus');
    expect(c.indexDir).toBe('/app/data/index');
    expect(c.embeddingModel).toBe(DEFAULT_EMBEDDING_MODEL);
    expect(c.discord.apiUrl).toBe('https://discord.com/api');
    expect(c.llm).toBeUndefined();
  });

  it('enables written answers when an OpenAI key or base URL is set', () => {
    expect(loadConfig({ OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1/' }).llm).toMatchObject({
      baseURL: 'http://127.0.0.1:11434/v1',
      timeoutMs: 20_000,
    });
  });

  it('names every bad variable at once, with the value that was wrong', () => {
    let error: unknown;
    try {
      loadConfig({ ASK_RATE_LIMIT_PER_MINUTE: 'lots', DISCORD_GUILD_ID: 'my-guild', DISCORD_API_URL: 'ftp://x', LOG_LEVEL: 'loud' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/ASK_RATE_LIMIT_PER_MINUTE must be a positive whole number, got "lots"/);
    expect(problems).toMatch(/DISCORD_GUILD_ID must be a Discord id/);
    expect(problems).toMatch(/DISCORD_API_URL must be an http\(s\) URL/);
    expect(problems).toMatch(/LOG_LEVEL must be one of/);
  });

  it('treats empty values as unset, as a copied .env.example leaves them', () => {
    expect(loadConfig({ DISCORD_TOKEN: '', OPENAI_API_KEY: ' ' }).llm).toBeUndefined();
  });

  it('reads FEEDS and FEED_POLL_MINUTES, and names a bad feed URL or interval', () => {
    const c = loadConfig({ FEEDS: ' https://a.example/rss , https://b.example/atom.xml,,https://a.example/rss', FEED_POLL_MINUTES: '0.1' }, '/app');
    expect(c.feeds).toEqual(['https://a.example/rss', 'https://b.example/atom.xml']);
    expect(c.feedPollMinutes).toBe(0.1);
    expect(c.feedStateDir).toBe('/app/data/feeds');
    expect(loadConfig({}, '/app')).toMatchObject({ feeds: [], feedPollMinutes: 15 });
    let error: unknown;
    try {
      loadConfig({ FEEDS: 'https://a.example/rss,feed.xml', FEED_POLL_MINUTES: '0' });
    } catch (err) {
      error = err;
    }
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/FEEDS must be http\(s\) feed URLs separated by commas; "feed.xml" is not one/);
    expect(problems).toMatch(/FEED_POLL_MINUTES must be a number of minutes above 0 \(fractions allowed, e\.g\. 0\.5\), got "0"/);
  });
});

describe('question log settings', () => {
  it('logs to data/questions.jsonl for 30 days by default; QUESTION_LOG_DAYS=0 turns it off', () => {
    expect(loadConfig({}, '/app').questionLog).toEqual({ file: '/app/data/questions.jsonl', retentionDays: 30 });
    expect(loadConfig({ QUESTION_LOG: 'logs/q.jsonl', QUESTION_LOG_DAYS: '0' }, '/app').questionLog).toEqual({
      file: '/app/logs/q.jsonl',
      retentionDays: 0,
    });
  });

  it('refuses a retention that is not a whole number of days', () => {
    for (const bad of ['-1', '7.5', 'week']) {
      expect(() => loadConfig({ QUESTION_LOG_DAYS: bad })).toThrow(/QUESTION_LOG_DAYS must be a whole number of days from 0 \(no log\)/);
    }
  });
});
