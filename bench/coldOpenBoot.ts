// The cold-open child started as the extension and the CLI start: `node boot.cjs bench.cjs
// --child=open <db>` compiles the storage bench's bundle through the code cache (src/boot).

import { codeCacheDir, loadBundle } from '../src/boot/codeCache';

const bundle = loadBundle(process.argv[2]!, 'bench-open', codeCacheDir());
// Read by the open child once its open has finished, to show which starts used the cache.
process.env.NIGHT_PILOT_CODE_CACHE_STATE = bundle.state;
process.once('exit', () => bundle.save());
