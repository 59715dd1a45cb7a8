/**
 * A build of the embedded model's table in its own process, for tests that run several at once
 * or kill one mid-way: `node --import tsx buildStaticModel.ts CACHE_DIR SOURCE_FILE IDENTITY RECIPE_JSON`.
 * Prints "status <message>" lines, then "done <words>" (exit 0) or "error <message>" (exit 1).
 */
import { ensureStaticTable } from '../../src/indexing/staticModel/cache.ts';

const [cacheDir, file, identity, recipe] = process.argv.slice(2) as [string, string, string, string];
try {
  const table = await ensureStaticTable({
    cacheDir,
    source: { file, identity },
    recipe: JSON.parse(recipe),
    onStatus: (m) => process.stdout.write(`status ${m}\n`),
  });
  process.stdout.write(`done ${table.words.length}\n`);
} catch (err) {
  process.stdout.write(`error ${(err as Error).message}\n`);
  process.exitCode = 1;
}
