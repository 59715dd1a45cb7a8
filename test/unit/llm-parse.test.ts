import { describe, expect, it } from 'vitest';
import { extractJsonObject, parseModelReply } from '../../src/answer/llm/parse.ts';

const REPLY = {
  answerable: true,
  claims: [{ text: 'Rubio called Lavrov.', quotes: [{ passage: 1, quote: 'Marco Rubio held a phone conversation' }] }],
};
const JSON_REPLY = JSON.stringify(REPLY);

describe('parseModelReply', () => {
  it('reads a plain JSON reply', () => {
    expect(parseModelReply(JSON_REPLY)).toEqual({ ...REPLY, malformedQuotes: 0 });
  });

  it('reads JSON inside a code fence, with prose around it', () => {
    const content = `Here is the answer:\n\n\`\`\`json\n${JSON.stringify(REPLY, null, 2)}\n\`\`\`\nHope this helps {:}`;
    expect(parseModelReply(content)?.claims).toEqual(REPLY.claims);
  });

  it('skips reasoning blocks and braces in prose before the reply', () => {
    const content = `<think>The user wants {something}; passage {1} says...</think>\nNote {not json}. ${JSON_REPLY}`;
    expect(parseModelReply(content)?.claims).toEqual(REPLY.claims);
  });

  it('is not confused by braces and escaped quotes inside strings', () => {
    const reply = { answerable: true, claims: [{ text: 'A {brace} and a \\"quote\\" }', quotes: [] }] };
    expect(parseModelReply(`x ${JSON.stringify(reply)} y`)?.claims[0]?.text).toBe(reply.claims[0]!.text);
  });

  it('returns null for malformed or truncated JSON and for replies without the expected shape', () => {
    expect(parseModelReply('Sure! {answerable: yes, claims: [')).toBeNull();
    expect(parseModelReply(JSON_REPLY.slice(0, -10))).toBeNull();
    expect(parseModelReply('{"answer": "Rubio called Lavrov"}')).toBeNull();
    expect(parseModelReply('{"answerable": true, "claims": "Rubio called Lavrov"}')).toBeNull();
    expect(parseModelReply('')).toBeNull();
    expect(parseModelReply(null)).toBeNull();
  });

  it('reads passage numbers written as strings, and counts quote entries it cannot check', () => {
    const reply = parseModelReply(
      JSON.stringify({
        answerable: true,
        claims: [
          {
            text: 'c',
            quotes: [{ passage: '2', quote: 'a b c' }, { passage: '[3]', quote: 'd e f' }, { passage: 'two', quote: 'x' }, { passage: 1 }, 'loose'],
          },
          { quotes: [{ passage: 1, quote: 'no claim text' }] },
        ],
      }),
    );
    expect(reply?.claims).toEqual([{ text: 'c', quotes: [{ passage: 2, quote: 'a b c' }, { passage: 3, quote: 'd e f' }] }]);
    expect(reply?.malformedQuotes).toBe(4);
  });

  it('reads an abstention, and infers the verdict when it is missing', () => {
    expect(parseModelReply('{"answerable": false, "claims": []}')).toEqual({ answerable: false, claims: [], malformedQuotes: 0 });
    expect(parseModelReply('{"answerable": "false"}')?.answerable).toBe(false);
    expect(parseModelReply(JSON.stringify({ claims: REPLY.claims }))?.answerable).toBe(true);
    expect(parseModelReply('{"claims": []}')?.answerable).toBe(false);
  });
});

describe('extractJsonObject', () => {
  it('prefers the fenced block when there is one', () => {
    expect(extractJsonObject('{"claims": 1} ```json\n{"answerable": false}\n```')).toEqual({ answerable: false });
  });
});
