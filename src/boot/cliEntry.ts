// What the `night-pilot` executable runs (dist/cli.js): the CLI itself (dist/cli-main.js, built
// from src/cli/main.ts) compiled through the code cache (codeCache.ts).

import path from 'node:path';
import { codeCacheDir, loadBundle } from './codeCache';

const bundle = loadBundle(path.join(__dirname, 'cli-main.js'), 'cli', codeCacheDir());
// At exit the cache holds everything the command compiled; written only when this start had none.
process.once('exit', () => bundle.save());
