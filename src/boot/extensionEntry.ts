// What VS Code loads (dist/extension.js): the extension itself (dist/extension-main.js, built from
// src/extension.ts) compiled through the code cache (codeCache.ts). Nothing else lives here.

import path from 'node:path';
import type * as vscode from 'vscode';
import type * as Extension from '../extension';
import { codeCacheDir, loadBundle } from './codeCache';

/**
 * The cache is written this long after activation, so that it holds what a start runs (the
 * database's open, the scheduler's first plan, the tree's first rows: VS Code asks for them within
 * a second or so), or when the window closes before that, so a short first session writes it too.
 */
const SAVE_CACHE_AFTER_MS = 3_000;

const bundle = loadBundle(path.join(__dirname, 'extension-main.js'), 'extension', codeCacheDir());
const extension = bundle.exports as typeof Extension;
let saveTimer: NodeJS.Timeout | undefined;

export function activate(context: vscode.ExtensionContext): ReturnType<typeof Extension.activate> {
  const api = extension.activate(context, { codeCache: bundle.state });
  saveTimer = setTimeout(() => bundle.save(), SAVE_CACHE_AFTER_MS);
  saveTimer.unref();
  return api;
}

export function deactivate(): ReturnType<typeof Extension.deactivate> {
  clearTimeout(saveTimer);
  // The orderly stop starts first; writing the cache takes a few milliseconds of it.
  const stopped = extension.deactivate();
  bundle.save();
  return stopped;
}
