import { defineConfig } from 'vitest/config';

// Tests run the default model users get (the embedded GloVe model, glove-6b-100d) unless
// EMBEDDING_MODEL says otherwise; nothing in the suite may reach for the Hugging Face hub.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    env: { EMBEDDING_MODEL: process.env.EMBEDDING_MODEL ?? 'glove-6b-100d', LOG_LEVEL: 'silent' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: run files two at a time so timing-sensitive network tests are not starved.
    maxWorkers: 2,
  },
});
