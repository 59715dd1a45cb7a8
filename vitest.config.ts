import path from 'node:path';
import { defineConfig } from 'vitest/config';

// Tests use the offline GloVe model from ../shared unless EMBEDDING_MODEL says otherwise;
// nothing in the suite may reach for the Hugging Face hub.
const offlineModel = path.resolve(import.meta.dirname, '../shared/models/glove-6b-100d-sif');

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    env: { EMBEDDING_MODEL: process.env.EMBEDDING_MODEL ?? offlineModel, LOG_LEVEL: 'silent' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: run files two at a time so timing-sensitive network tests are not starved.
    maxWorkers: 2,
  },
});
