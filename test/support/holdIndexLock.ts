/**
 * Holds an index folder's lock until killed, as a re-index in progress does:
 * `node --import tsx holdIndexLock.ts INDEX_DIR`. Prints "locked" once it holds it. Lets tests
 * meet a busy lock for as long as they need, however fast the re-index itself would be.
 */
import { acquireIndexLock } from '../../src/indexing/indexLock.ts';

await acquireIndexLock(process.argv[2]!, { command: 'npm run index' });
process.stdout.write('locked\n');
setInterval(() => {}, 2 ** 30);
