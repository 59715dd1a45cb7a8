import { importFeedItems, type FeedItemImport } from '../corpus/import/importer.ts';
import type { FetchLimits } from '../corpus/import/fetch.ts';

/**
 * Internal: the feed follower's import, as its own process (see corpus/feeds/importProcess.ts).
 * Reads one JSON request on stdin, imports the items into the corpus folder (the caller holds the
 * index lock), and prints one JSON line: `{"outcomes": [...]}` or `{"error": "..."}`.
 */
export interface FeedImportRequest {
  feed: { url: string; title: string | null };
  items: FeedItemImport[];
  corpusDir: string;
  limits: FetchLimits;
}

async function main(): Promise<void> {
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  const request = JSON.parse(input) as FeedImportRequest;
  const { outcomes } = await importFeedItems(request.feed, request.items, { corpusDir: request.corpusDir, limits: request.limits });
  process.stdout.write(`${JSON.stringify({ outcomes })}\n`);
}

main().catch((err: unknown) => {
  process.stdout.write(`${JSON.stringify({ error: (err as Error)?.message ?? String(err) })}\n`);
  process.exitCode = 1;
});
