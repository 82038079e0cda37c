// Where Claude Code keeps its transcripts, and listing them.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Claude Code's config folders: each entry of `CLAUDE_CONFIG_DIR` (comma-separated) when it is
 * set, else `$XDG_CONFIG_HOME/claude` (default `~/.config/claude`) and `~/.claude`. Only folders
 * that have a `projects` folder are returned.
 */
export function claudeConfigDirs(env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string[] {
  return claudeConfigCandidates(env, home).filter((dir) => isDirectory(path.join(dir, 'projects')));
}

/**
 * The same folders whether they exist yet or not: what a long-running process watches, so that
 * Claude Code installed (or first used) after it started is picked up.
 */
export function claudeConfigCandidates(env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string[] {
  const configured = (env.CLAUDE_CONFIG_DIR ?? '')
    .split(',')
    .map((d) => d.trim())
    .filter((d) => d !== '');
  const candidates =
    configured.length > 0
      ? configured.map((d) => path.resolve(d))
      : [path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'claude'), path.join(home, '.claude')];
  return [...new Set(candidates)];
}

/** One transcript file: its path and its path relative to the `projects` folder it is under. */
export interface TranscriptFile {
  path: string;
  /** Relative to `<config dir>/projects`, with the platform's separator. */
  rel: string;
}

/**
 * Every `projects/**\/*.jsonl` under the config folders, each folder's files sorted by path.
 * Synchronous: a readdir per project folder is microseconds, and the thread pool's first use
 * (starting its threads) cost a cold report more than all of them.
 */
export function listTranscriptFiles(configDirs: readonly string[]): TranscriptFile[] {
  const out: TranscriptFile[] = [];
  for (const dir of configDirs) {
    const root = path.join(dir, 'projects');
    const found: string[] = [];
    walk(root, found);
    found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    // Every path found starts with `root` and a separator (walk builds them so).
    for (const file of found) out.push({ path: file, rel: file.slice(root.length + 1) });
  }
  return out;
}

function walk(dir: string, out: string[]): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return; // gone or unreadable: nothing to report from it
  }
  for (const e of entries) {
    // A name has no separator and `dir` is normalised: no path.join (it normalises again).
    const full = dir + path.sep + e.name;
    if (e.isDirectory()) walk(full, out);
    else if (e.isFile() && e.name.endsWith('.jsonl')) out.push(full);
  }
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The session and project of a transcript file, as ccusage 19 derives them: normally
 * `<project>/<session id>.jsonl`; a sub-agent's `<project>/<session>/subagents/<file>.jsonl`
 * belongs to its parent session.
 */
export function sessionOfFile(
  rel: string,
  entrySessionId: string | null,
): { sessionId: string; projectPath: string } {
  const parts = rel.split(path.sep).filter((p) => p !== '');
  const last = parts[parts.length - 1] ?? '';
  const base = last.endsWith('.jsonl') ? path.basename(last, '.jsonl') : '';
  const project = (upTo: number) => {
    const p = parts.slice(0, upTo).join(path.sep);
    return p === '' ? 'Unknown Project' : p;
  };
  if (entrySessionId !== null && entrySessionId.trim() !== '') {
    const at = parts.indexOf(entrySessionId);
    if (at > 0) return { sessionId: entrySessionId, projectPath: project(at) };
    if (base === entrySessionId) return { sessionId: entrySessionId, projectPath: project(-1) };
  }
  if (parts.length === 2 && base !== '')
    return { sessionId: base, projectPath: parts[0] ?? 'Unknown Project' };
  if (parts[parts.length - 2] === 'subagents' && parts.length >= 4) {
    return { sessionId: parts[parts.length - 3] ?? 'unknown', projectPath: project(-3) };
  }
  return { sessionId: parts[parts.length - 2] ?? 'unknown', projectPath: project(-2) };
}

/** The project folder a file belongs to (the first folder under `projects`). */
export function projectOfFile(rel: string): string {
  const first = rel.split(path.sep).filter((p) => p !== '')[0];
  return first === undefined || first.trim() === '' || !rel.includes(path.sep) ? 'unknown' : first;
}
