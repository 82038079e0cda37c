import fs from 'node:fs';
import path from 'node:path';

/** `--quick`: fewer samples and shorter windows, for a first look. */
export const QUICK = process.argv.includes('--quick');

/** The repository; children run from a bundle in a temp folder and are told where it is. */
export const ROOT = process.env.NIGHT_PILOT_BENCH_ROOT ?? path.resolve(__dirname, '..');

/**
 * Bundles a bench file the way the CLI ships (esbuild, plain node, `sql-wasm.wasm` beside the
 * bundle) so child processes run without tsx: under tsx, esbuild's service pings tsx's loader
 * thread every second, which costs CPU and memory the shipped code never pays.
 */
export async function bundleSelf(entry: string, dir: string, name = 'bench.cjs'): Promise<string> {
  // Imported here so the bundle itself does not need esbuild.
  const { buildSync } = await import('esbuild');
  fs.mkdirSync(dir, { recursive: true });
  const out = path.join(dir, name);
  buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: out,
    external: ['esbuild'],
    logLevel: 'warning',
  });
  fs.copyFileSync(path.join(ROOT, 'node_modules/sql.js/dist/sql-wasm.wasm'), path.join(dir, 'sql-wasm.wasm'));
  return out;
}

/** Nearest-rank percentile: with 60 samples p99 is the largest one, with 30 samples p90 the 27th. */
export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? NaN;
}
