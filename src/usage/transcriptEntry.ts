// One line of a Claude Code transcript (`<config dir>/projects/**/*.jsonl`) as the usage reports
// see it. The rules follow ccusage 19 so that our totals equal the ones users already compare
// with: a line counts only when it holds the compact `"usage":{` marker (Claude Code writes
// compact JSON) and passes the same shape checks; anything else is skipped and counted.

import type { TokenCounts } from '../core/model';

/** One assistant message's usage, read from a transcript line. */
export interface TranscriptEntry extends TokenCounts {
  /** Epoch milliseconds of the line's `timestamp`. */
  ts: number;
  /** `message.id` + `:` + `requestId` (or the message id alone); null when the line has no id. */
  key: string | null;
  /** `message.model` (`-fast` appended for the fast tier); null when absent. */
  model: string | null;
  /** The `costUSD` Claude Code wrote (older versions only), else null. */
  costUsd: number | null;
  sessionId: string | null;
  version: string | null;
}

/** An entry with the file it came from. */
export interface LocatedEntry extends TranscriptEntry {
  /** Relative to its `projects` folder. */
  rel: string;
}

/** Marks the lines that can carry usage; lines without it are not parsed at all. */
export const USAGE_MARKER = '"usage":{';

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{3})?Z$/;
const VERSION = /^\d+\.\d+\.\d+/;

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const optString = (v: unknown) => v === undefined || typeof v === 'string';
const optId = (v: unknown) => v === undefined || (typeof v === 'string' && v.length > 0);
const optNumber = (v: unknown) => v === undefined || typeof v === 'number';

/**
 * Parses one line. Returns null for a line that carries no usage or fails a check (it is then
 * counted as skipped by the caller); throws nothing.
 */
export function parseTranscriptLine(line: string, rel = ''): LocatedEntry | null {
  if (!line.includes(USAGE_MARKER)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return null;
  }
  return toEntry(raw, rel);
}

/** The `timestamp` ccusage accepts: UTC, to the second or the millisecond. */
export function isTranscriptTimestamp(s: string): boolean {
  return TIMESTAMP.test(s);
}

/** The `version` ccusage accepts: it starts with major.minor.patch. */
export function isTranscriptVersion(s: string): boolean {
  return VERSION.test(s);
}

/** The checks ccusage 19 applies to a parsed line; null when one fails. */
export function toEntry(raw: unknown, rel: string): LocatedEntry | null {
  if (!isObj(raw)) return null;
  const { message } = raw;
  if (
    !optString(raw.cwd) ||
    !optId(raw.sessionId) ||
    !optId(raw.requestId) ||
    !optNumber(raw.costUSD) ||
    !(raw.isApiErrorMessage === undefined || typeof raw.isApiErrorMessage === 'boolean') ||
    (raw.version !== undefined && (typeof raw.version !== 'string' || !VERSION.test(raw.version))) ||
    typeof raw.timestamp !== 'string' ||
    !TIMESTAMP.test(raw.timestamp) ||
    !isObj(message) ||
    !optId(message.model) ||
    !optId(message.id)
  ) {
    return null;
  }
  if (message.content !== undefined) {
    if (!Array.isArray(message.content)) return null;
    for (const block of message.content) if (!isObj(block) || !optString(block.text)) return null;
  }
  const usage = message.usage;
  if (
    !isObj(usage) ||
    typeof usage.input_tokens !== 'number' ||
    typeof usage.output_tokens !== 'number' ||
    !optNumber(usage.cache_creation_input_tokens) ||
    !optNumber(usage.cache_read_input_tokens) ||
    !(usage.speed === undefined || usage.speed === 'standard' || usage.speed === 'fast')
  ) {
    return null;
  }
  const id = message.id as string | undefined;
  const model = message.model as string | undefined;
  return makeEntry(
    Date.parse(raw.timestamp),
    id === undefined ? null : dedupKey(id, raw.requestId as string | undefined),
    model === undefined ? null : usage.speed === 'fast' ? `${model}-fast` : model,
    usage.input_tokens,
    usage.output_tokens,
    (usage.cache_creation_input_tokens as number | undefined) ?? 0,
    (usage.cache_read_input_tokens as number | undefined) ?? 0,
    (raw.costUSD as number | undefined) ?? null,
    (raw.sessionId as string | undefined) ?? null,
    (raw.version as string | undefined) ?? null,
    rel,
  );
}

/** The key duplicates share: the message id and the request id (or the message id alone). */
export function dedupKey(id: string, requestId: string | undefined): string {
  return requestId === undefined ? id : `${id}:${requestId}`;
}

/**
 * An entry from a checked line's values. Every reader makes its entries here, so that they all
 * have one shape (one hidden class for the reports' loops).
 */
export function makeEntry(
  ts: number,
  key: string | null,
  model: string | null,
  inputTokens: number,
  outputTokens: number,
  cacheCreationTokens: number,
  cacheReadTokens: number,
  costUsd: number | null,
  sessionId: string | null,
  version: string | null,
  rel: string,
): LocatedEntry {
  return {
    ts,
    key,
    model,
    inputTokens,
    outputTokens,
    cacheCreationTokens,
    cacheReadTokens,
    costUsd,
    sessionId,
    version,
    rel,
  };
}

/** Every token of an entry, the quantity duplicates are compared by. */
export function entryTokens(e: TokenCounts): number {
  return e.inputTokens + e.outputTokens + e.cacheCreationTokens + e.cacheReadTokens;
}
