// YAML front matter of a Markdown prompt file: the `---` block at the very top configures the job
// (title, model, tools...) and is never sent to Claude. This is the one reader of it: the CLI's
// `--prompt-file`, the executor and the GitHub Actions export all go through here.

import { parse as parseYaml } from 'yaml';
import { ISOLATION_MODES, PERMISSION_MODES } from './model';
import type { Isolation, PermissionMode } from './model';
import { splitToolRules } from './toolRules';
import { errorMessage } from './errorMessage';

/** A prompt file split into its front matter and the Markdown body Claude is given. */
export interface FrontMatterSplit {
  /** The block's text between the delimiters, or null when the file has no front matter. */
  raw: string | null;
  /** The parsed mapping; empty when there is none or it is not a mapping. */
  data: Record<string, unknown>;
  /** The prompt text without the front matter block. */
  body: string;
  /** Why the block could not be read as a YAML mapping, when it could not. */
  error: string | null;
}

const OPENING = /^---[ \t]*$/;
const CLOSING = /^(?:---|\.\.\.)[ \t]*$/;

/**
 * Splits `text` at its front matter: a first line `---` (after an optional BOM) up to the next
 * line `---` or `...`. Without a closing line there is no front matter and the whole text is the
 * body. One blank line after the block is dropped with it.
 */
export function splitFrontMatter(text: string): FrontMatterSplit {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const lines = source.split(/\r?\n/);
  if (!OPENING.test(lines[0] ?? '')) return { raw: null, data: {}, body: source, error: null };
  const end = lines.findIndex((line, i) => i > 0 && CLOSING.test(line));
  if (end === -1) return { raw: null, data: {}, body: source, error: null };
  const raw = lines.slice(1, end).join('\n');
  let rest = lines.slice(end + 1);
  if (rest.length > 1 && rest[0]!.trim() === '') rest = rest.slice(1);
  // Keep the body's own line endings: re-join on what the file used.
  const newline = source.includes('\r\n') ? '\r\n' : '\n';
  const body = rest.join(newline);
  let parsed: unknown;
  try {
    parsed = raw.trim() === '' ? {} : parseYaml(raw, { prettyErrors: false });
  } catch (err) {
    return { raw, data: {}, body, error: `the front matter is not valid YAML: ${errorMessage(err)}` };
  }
  if (parsed === null || parsed === undefined) return { raw, data: {}, body, error: null };
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { raw, data: {}, body, error: 'the front matter is not a mapping of keys to values' };
  }
  return { raw, data: parsed as Record<string, unknown>, body, error: null };
}

/** The job settings a prompt file's front matter may carry. */
export interface PromptSettings {
  title?: string;
  model?: string;
  permissionMode?: PermissionMode;
  allowedTools?: string[];
  disallowedTools?: string[];
  maxTurns?: number;
  appendSystemPrompt?: string;
  env?: Record<string, string>;
  isolation?: Isolation;
}

/** The keys {@link readPromptSettings} understands. */
export const PROMPT_SETTING_KEYS = [
  'title',
  'model',
  'permissionMode',
  'allowedTools',
  'disallowedTools',
  'maxTurns',
  'appendSystemPrompt',
  'env',
  'isolation',
] as const;

const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Reads the known settings from front matter data. A key with a wrong type is left out and
 * reported in `problems` (naming the key, the value and what was expected); unknown keys are
 * listed in `unknownKeys` so a caller can warn about typos.
 */
export function readPromptSettings(data: Record<string, unknown>): {
  settings: PromptSettings;
  problems: string[];
  unknownKeys: string[];
} {
  const settings: PromptSettings = {};
  const problems: string[] = [];
  const bad = (key: string, expected: string) =>
    problems.push(`front matter "${key}": ${JSON.stringify(data[key])} is not ${expected}`);
  const text = (key: 'title' | 'model' | 'appendSystemPrompt') => {
    const value = data[key];
    if (value === undefined || value === null) return;
    if (typeof value === 'string' && value.trim() !== '') settings[key] = value.trim();
    else bad(key, 'a non-empty string');
  };
  const tools = (key: 'allowedTools' | 'disallowedTools') => {
    const value = data[key];
    if (value === undefined || value === null) return;
    const split = typeof value === 'string' ? splitToolRules(value) : null;
    const list = split === null ? value : 'rules' in split ? split.rules : null;
    if (Array.isArray(list) && list.every((item) => typeof item === 'string' && item.trim() !== '')) {
      settings[key] = (list as string[]).map((item) => item.trim());
    } else bad(key, 'a list of tool rules (or one comma-separated string)');
  };
  text('title');
  text('model');
  text('appendSystemPrompt');
  tools('allowedTools');
  tools('disallowedTools');
  if (data.permissionMode !== undefined && data.permissionMode !== null) {
    if ((PERMISSION_MODES as readonly unknown[]).includes(data.permissionMode)) {
      settings.permissionMode = data.permissionMode as PermissionMode;
    } else bad('permissionMode', `one of ${PERMISSION_MODES.join(', ')}`);
  }
  if (data.isolation !== undefined && data.isolation !== null) {
    if ((ISOLATION_MODES as readonly unknown[]).includes(data.isolation)) {
      settings.isolation = data.isolation as Isolation;
    } else bad('isolation', `one of ${ISOLATION_MODES.join(', ')}`);
  }
  if (data.maxTurns !== undefined && data.maxTurns !== null) {
    const turns = data.maxTurns;
    if (typeof turns === 'number' && Number.isInteger(turns) && turns >= 1 && turns <= 10_000) {
      settings.maxTurns = turns;
    } else bad('maxTurns', 'a whole number from 1 to 10000');
  }
  if (data.env !== undefined && data.env !== null) {
    const env = data.env;
    if (typeof env === 'object' && !Array.isArray(env)) {
      const entries = Object.entries(env as Record<string, unknown>);
      const valid = entries.every(
        ([key, value]) => ENV_KEY.test(key) && ['string', 'number', 'boolean'].includes(typeof value),
      );
      if (valid) settings.env = Object.fromEntries(entries.map(([key, value]) => [key, String(value)]));
      else bad('env', 'a mapping of NAME: value (names of letters, digits and _)');
    } else bad('env', 'a mapping of NAME: value');
  }
  const known = new Set<string>(PROMPT_SETTING_KEYS);
  return { settings, problems, unknownKeys: Object.keys(data).filter((key) => !known.has(key)) };
}
