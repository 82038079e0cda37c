// Claude Code's `-p --output-format stream-json --verbose` output, as a Markdown conversation a person
// can read: assistant text as written, each tool call with its input summarised, tool results
// truncated, errors and the final result with turns, tokens and cost. Pure: the caller reads the log
// and supplies the (translated) words.

import { isRecord, readClaudeResult } from './claudeResult';
import type { ClaudeResultFields } from './claudeResult';

/** The words the rendering uses, translated by the caller. `{0}` marks where a value goes. */
export interface TranscriptWords {
  /** "Tool: {0}" */
  tool: string;
  /** "Result" */
  toolResult: string;
  /** "Tool error" */
  toolError: string;
  /** "… {0} more lines" */
  moreLines: string;
  /** "… {0} more characters" */
  moreChars: string;
  /** "Result" (the heading of the final result) */
  result: string;
  /** "Succeeded" */
  succeeded: string;
  /** "Failed" */
  failed: string;
  /** "{0} turns" */
  turns: string;
  /** "{0} tokens" */
  tokens: string;
  /** "{0} in, {1} out, {2} cache write, {3} cache read" */
  tokenBreakdown: string;
  /** "Model {0}, session {1}" */
  session: string;
  /** "{0} lines of the log could not be read" */
  unreadable: string;
  /** "No output yet." */
  empty: string;
}

export interface TranscriptBody {
  markdown: string;
  /** The final result, when the stream had one. */
  result: ClaudeResultFields | null;
}

/** Tool results longer than this many lines or characters are cut. */
const RESULT_MAX_LINES = 20;
const RESULT_MAX_CHARS = 2_000;
const INPUT_MAX_CHARS = 160;

function fill(template: string, ...values: (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (m, i: string) => {
    const v = values[Number(i)];
    return v === undefined ? m : String(v);
  });
}

function oneLine(text: string, max = INPUT_MAX_CHARS): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Text as inline code, whatever backticks it holds. */
export function inlineCode(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** Text as a fenced code block, whatever fences it holds. */
export function codeBlock(text: string, language = ''): string {
  const longest = Math.max(2, ...[...text.matchAll(/`{3,}/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${language}\n${text.replace(/\n+$/, '')}\n${fence}`;
}

/** What a tool call was asked to do, in one line: the command, the file, the pattern... */
export function summariseToolInput(name: string, input: unknown): string {
  if (!isRecord(input)) return '';
  const s = (key: string) => (typeof input[key] === 'string' ? (input[key] as string) : null);
  const pick =
    s('command') ??
    s('file_path') ??
    s('notebook_path') ??
    s('url') ??
    s('query') ??
    (s('pattern') ? `${s('pattern')}${s('path') ? ` in ${s('path')}` : ''}` : null) ??
    s('description') ??
    s('prompt') ??
    s('path');
  if (pick !== null) return oneLine(pick);
  if (name === 'TodoWrite' && Array.isArray(input.todos)) return `${input.todos.length} item(s)`;
  const json = JSON.stringify(input);
  return json === '{}' ? '' : oneLine(json);
}

/** A tool result's text (a string, or text blocks). */
function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((block) =>
        isRecord(block) && block.type === 'text' && typeof block.text === 'string'
          ? block.text
          : isRecord(block) && typeof block.type === 'string'
            ? `[${block.type}]`
            : '',
      )
      .filter((t) => t.length > 0)
      .join('\n');
  }
  return '';
}

function truncate(text: string, words: TranscriptWords): string {
  const lines = text.replace(/\n+$/, '').split('\n');
  let out = lines.slice(0, RESULT_MAX_LINES).join('\n');
  let note = '';
  if (lines.length > RESULT_MAX_LINES) note = fill(words.moreLines, lines.length - RESULT_MAX_LINES);
  if (out.length > RESULT_MAX_CHARS) {
    note = fill(words.moreChars, text.length - RESULT_MAX_CHARS);
    out = out.slice(0, RESULT_MAX_CHARS);
  }
  return note ? `${out}\n${note}` : out;
}

const number = new Intl.NumberFormat('en-US');

/** "1,740 tokens (1,400 in, 340 out, 0 cache write, 0 cache read)". */
function tokenLine(r: ClaudeResultFields, words: TranscriptWords): string | null {
  const usage = r.runUsageByModel ?? r.usageByModel;
  if (usage.length === 0) return null;
  const sum = (k: 'inputTokens' | 'outputTokens' | 'cacheCreationTokens' | 'cacheReadTokens') =>
    usage.reduce((a, u) => a + u[k], 0);
  const total =
    sum('inputTokens') + sum('outputTokens') + sum('cacheCreationTokens') + sum('cacheReadTokens');
  const breakdown = fill(
    words.tokenBreakdown,
    number.format(sum('inputTokens')),
    number.format(sum('outputTokens')),
    number.format(sum('cacheCreationTokens')),
    number.format(sum('cacheReadTokens')),
  );
  return `${fill(words.tokens, number.format(total))} (${breakdown})`;
}

function renderResult(r: ClaudeResultFields, words: TranscriptWords): string {
  const parts = [r.isError ? `**${words.failed}**` : `**${words.succeeded}**`];
  if (r.numTurns !== null) parts.push(fill(words.turns, r.numTurns));
  const tokens = tokenLine(r, words);
  if (tokens) parts.push(tokens);
  if (r.totalCostUsd !== null) parts.push(`$${r.totalCostUsd.toFixed(4)}`);
  if (r.durationMs !== null) parts.push(`${(r.durationMs / 1000).toFixed(1)} s`);
  const lines = [`### ${words.result}`, '', parts.join(' · ')];
  const text = r.resultText ?? (r.errors.length > 0 ? r.errors.join('\n') : null);
  if (text && r.isError) lines.push('', codeBlock(text, 'text'));
  return lines.join('\n');
}

/**
 * Renders the lines of one Claude process's stream. Lines that are not JSON, or events it does not
 * know, are skipped and counted (a newer CLI adds events freely); a run still going simply has no
 * result yet.
 */
export function renderTranscriptBody(lines: Iterable<string>, words: TranscriptWords): TranscriptBody {
  const out: string[] = [];
  let result: ClaudeResultFields | null = null;
  let model: string | null = null;
  let unreadable = 0;
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '') continue;
    let event: unknown;
    try {
      event = JSON.parse(line);
    } catch {
      unreadable++;
      continue;
    }
    if (!isRecord(event)) {
      unreadable++;
      continue;
    }
    switch (event.type) {
      case 'system':
        if (event.subtype === 'init') {
          model = typeof event.model === 'string' ? event.model : null;
          const session = typeof event.session_id === 'string' ? event.session_id : '-';
          out.push(`_${fill(words.session, model ?? '-', session)}_`);
        }
        break;
      case 'assistant':
        out.push(...assistantBlocks(event, words));
        break;
      case 'user':
        out.push(...toolResults(event, words));
        break;
      case 'result':
        result = readClaudeResult(event, model);
        out.push(renderResult(result, words));
        break;
      default:
        break;
    }
  }
  if (out.length === 0) out.push(`_${words.empty}_`);
  if (unreadable > 0) out.push(`_${fill(words.unreadable, unreadable)}_`);
  return { markdown: out.join('\n\n'), result };
}

function assistantBlocks(event: Record<string, unknown>, words: TranscriptWords): string[] {
  const message = event.message;
  if (!isRecord(message) || !Array.isArray(message.content)) return [];
  const out: string[] = [];
  for (const block of message.content) {
    if (!isRecord(block)) continue;
    if (block.type === 'text' && typeof block.text === 'string' && block.text.trim() !== '') {
      out.push(block.text.trim());
    } else if (block.type === 'tool_use' && typeof block.name === 'string') {
      const summary = summariseToolInput(block.name, block.input);
      out.push(`**${fill(words.tool, block.name)}**${summary ? ` ${inlineCode(summary)}` : ''}`);
    }
  }
  return out;
}

function toolResults(event: Record<string, unknown>, words: TranscriptWords): string[] {
  const message = event.message;
  if (!isRecord(message) || !Array.isArray(message.content)) return [];
  const out: string[] = [];
  for (const block of message.content) {
    if (!isRecord(block) || block.type !== 'tool_result') continue;
    const text = resultText(block.content);
    const label = block.is_error === true ? words.toolError : words.toolResult;
    out.push(text.trim() === '' ? `_${label}_` : `_${label}_\n\n${codeBlock(truncate(text, words), 'text')}`);
  }
  return out;
}
