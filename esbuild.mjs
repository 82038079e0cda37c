// Builds everything into dist/: the extension host bundle, the CLI, the webview bundles, and the
// sql.js WebAssembly binary both node bundles load explicitly.
//   node esbuild.mjs               development build (sourcemaps)
//   node esbuild.mjs --production  minified, no sourcemaps (used by `npm run package`)
//   node esbuild.mjs --watch       rebuild on change
//   node esbuild.mjs --tests       also bundle the integration tests into dist-test/
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');
const root = path.dirname(new URL(import.meta.url).pathname);

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  logLevel: 'warning',
  absWorkingDir: root,
};

const nodeCommon = { ...common, platform: 'node', format: 'cjs', target: 'node20' };

/** Each folder under media/ with a main.ts is one webview bundle: dist/media/<name>.js. */
function webviewEntries() {
  const dir = path.join(root, 'media');
  if (!fs.existsSync(dir)) return {};
  const entries = {};
  for (const name of fs.readdirSync(dir)) {
    const main = path.join(dir, name, 'main.ts');
    if (fs.existsSync(main)) entries[name] = main;
  }
  return entries;
}

function copyStatic() {
  fs.mkdirSync(path.join(root, 'dist'), { recursive: true });
  fs.copyFileSync(
    path.join(root, 'node_modules/sql.js/dist/sql-wasm.wasm'),
    path.join(root, 'dist/sql-wasm.wasm'),
  );
  // The codicon font for @vscode-elements/elements inside webviews, served from dist/media only.
  const codicons = path.join(root, 'node_modules/@vscode/codicons/dist');
  if (fs.existsSync(codicons)) {
    fs.mkdirSync(path.join(root, 'dist/media/codicons'), { recursive: true });
    for (const f of ['codicon.css', 'codicon.ttf'])
      fs.copyFileSync(path.join(codicons, f), path.join(root, 'dist/media/codicons', f));
  }
  const cliPath = path.join(root, 'dist/cli.js');
  if (fs.existsSync(cliPath)) fs.chmodSync(cliPath, 0o755);
}

const copyPlugin = { name: 'copy-static', setup: (build) => build.onEnd(() => copyStatic()) };

const configs = [
  // extension.js and cli.js are small loaders that compile the -main bundles through V8's code
  // cache (src/boot/codeCache.ts); they find them by name beside themselves.
  {
    ...nodeCommon,
    entryPoints: { extension: 'src/boot/extensionEntry.ts', 'extension-main': 'src/extension.ts' },
    outdir: 'dist',
    external: ['vscode'],
  },
  {
    ...nodeCommon,
    entryPoints: { cli: 'src/boot/cliEntry.ts' },
    outdir: 'dist',
    banner: { js: '#!/usr/bin/env node' },
    plugins: [copyPlugin],
  },
  { ...nodeCommon, entryPoints: { 'cli-main': 'src/cli/main.ts' }, outdir: 'dist' },
];

const webviews = webviewEntries();
if (Object.keys(webviews).length > 0) {
  configs.push({
    ...common,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    entryPoints: webviews,
    outdir: 'dist/media',
  });
}

if (tests) {
  const integration = {};
  for (const f of fs.readdirSync(path.join(root, 'test/integration'))) {
    if (f.endsWith('.ts')) integration[f.replace(/\.ts$/, '')] = path.join('test/integration', f);
  }
  configs.push({
    ...nodeCommon,
    sourcemap: 'inline',
    entryPoints: integration,
    outdir: 'dist-test/integration',
    external: ['vscode', 'mocha'],
  });
}

if (watch) {
  const contexts = await Promise.all(configs.map((c) => esbuild.context(c)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('[watch] build finished, watching for changes');
} else {
  await Promise.all(configs.map((c) => esbuild.build(c)));
  copyStatic();
}
