import { describe, expectTypeOf, it } from 'vitest';
import type { AnswerWriter } from '../../src/answer/coverageService.ts';
import type { LlmAnswerer, LlmLogger, LlmSettings } from '../../src/answer/llm/index.ts';
import type { Config } from '../../src/config.ts';
import type { Logger } from '../../src/log.ts';

// Checked by `tsc --noEmit`: the written-answer module plugs into the app as it is configured.
describe('llm answerer API', () => {
  it('accepts the app logger, the llm config, and serves as the coverage answer writer', () => {
    expectTypeOf<Logger>().toExtend<LlmLogger>();
    expectTypeOf<NonNullable<Config['llm']>>().toExtend<LlmSettings>();
    expectTypeOf<LlmAnswerer>().toExtend<AnswerWriter>();
  });
});
