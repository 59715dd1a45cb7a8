export { createLlmAnswerer, type LlmAnswerer, type LlmLogger, type LlmSettings } from './answerer.ts';
export { COVERAGE_DOES_NOT_ANSWER } from './compose.ts';
