import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.ts';

function capture() {
  const sink = { text: '' };
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      sink.text += chunk.toString('utf8');
      done();
    },
  });
  return { sink, stream };
}

describe('logs on an interactive terminal', () => {
  it('are one short human line each, fields named, secrets still redacted', () => {
    const { sink, stream } = capture();
    const log = createLogger('info', { human: true, destination: stream });
    log.warn({ file: 'corpus/a.md', reason: 'missing title' }, 'article skipped');
    log.info({ added: 1, removed: 0, token: 'secret-token' }, 'index updated');
    log.debug('not shown at info');
    expect(sink.text).toBe(
      'WARN: article skipped (file: corpus/a.md, reason: missing title)\n' +
        'INFO: index updated (added: 1, removed: 0, token: [Redacted])\n',
    );
    expect(sink.text).not.toContain('{');
  });

  it('show an error by its message, with the stack for errors', () => {
    const { sink, stream } = capture();
    const log = createLogger('info', { human: true, destination: stream });
    log.warn({ err: new Error('index failed to load') }, 'keeping the current index');
    log.error({ err: new Error('boom') }, 'interaction failed');
    const [warn, error, stack] = sink.text.split('\n');
    expect(warn).toBe('WARN: keeping the current index (err: index failed to load)');
    expect(error).toBe('ERROR: interaction failed (err: boom)');
    expect(stack).toBe('Error: boom');
  });
});
