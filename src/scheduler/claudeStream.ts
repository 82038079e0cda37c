// Reads `claude -p --output-format stream-json --verbose` one line at a time and keeps only what the
// executor needs: the raw stream goes to the run's log file, never into memory here. Anything it does
// not understand is counted and reported, never thrown: a newer CLI adds events and fields freely.

import type { ClaudeResultFields } from '../core/claudeResult';
import { isRecord, readClaudeResult } from '../core/claudeResult';

export type { ModelUsageSummary } from '../core/claudeResult';

/**
 * What one run printed: the final result's fields (see ClaudeResultFields; after `--resume` its
 * `usageByModel` covers the WHOLE conversation, `runUsageByModel` only this run) and the stream
 * around it.
 */
export interface ClaudeRunSummary extends ClaudeResultFields {
  /** The model `system/init` announced. */
  model: string | null;
  resultSeen: boolean;
  /** The last `rate_limit_event` whose status was `rejected`, else null. */
  rateLimit: { status: string; resetsAt: number | null; rateLimitType: string | null } | null;
  /** The last assistant event's `error`, e.g. `authentication_failed`, `rate_limit`, `server_error`. */
  assistantError: string | null;
  unknownEventCount: number;
  nonJsonLineCount: number;
}

export interface ClaudeStreamParserOptions {
  /** Told about lines that are not JSON and events of unknown types (a short preview, no secrets). */
  onDiagnostic?: (message: string) => void;
}

// Event types the parser knows and deliberately ignores (they carry nothing the summary needs).
const IGNORED_TYPES = new Set([
  'user',
  'stream_event',
  'tool_progress',
  'tool_use_summary',
  'auth_status',
  'keep_alive',
  'control_request',
  'control_response',
  'control_cancel_request',
]);

// Tool results (a file read, a command's output) make the largest lines and carry nothing for us.
const SKIP_PARSE_PREFIX = /^\{\s*"type"\s*:\s*"user"/;
const SKIP_PARSE_MIN_LENGTH = 64 * 1024;
const PREVIEW_LENGTH = 120;

/** Feed it every stdout line of one run with `pushLine`; read `summary()` at any time. */
export class ClaudeStreamParser {
  private readonly _onDiagnostic: ((message: string) => void) | undefined;
  private readonly _s: ClaudeRunSummary = {
    sessionId: null,
    model: null,
    resultSeen: false,
    isError: false,
    subtype: null,
    resultText: null,
    errors: [],
    apiErrorStatus: null,
    numTurns: null,
    durationMs: null,
    totalCostUsd: null,
    usageByModel: [],
    runUsageByModel: null,
    rateLimit: null,
    assistantError: null,
    permissionDenials: 0,
    unknownEventCount: 0,
    nonJsonLineCount: 0,
  };

  constructor(options: ClaudeStreamParserOptions = {}) {
    this._onDiagnostic = options.onDiagnostic;
  }

  pushLine(line: string): void {
    const text = line.trim();
    if (text.length === 0) return;
    if (text.length >= SKIP_PARSE_MIN_LENGTH && SKIP_PARSE_PREFIX.test(text.slice(0, 40))) return;
    let event: unknown;
    try {
      event = JSON.parse(text);
    } catch {
      this._s.nonJsonLineCount++;
      this._diagnose(`non-JSON line on Claude's stdout: ${preview(text)}`);
      return;
    }
    if (!isRecord(event) || typeof event.type !== 'string') {
      this._s.unknownEventCount++;
      this._diagnose(`stream-json line without a "type": ${preview(text)}`);
      return;
    }
    switch (event.type) {
      case 'system':
        this._onSystem(event);
        return;
      case 'assistant':
        if (typeof event.error === 'string' && event.error.length > 0) this._s.assistantError = event.error;
        this._s.sessionId ??= str(event.session_id);
        return;
      case 'rate_limit_event':
        this._onRateLimit(event);
        return;
      case 'result':
        this._onResult(event);
        return;
      default:
        if (IGNORED_TYPES.has(event.type)) return;
        this._s.unknownEventCount++;
        this._diagnose(`unknown stream-json event type "${event.type}" (ignored)`);
    }
  }

  /** A snapshot; later lines do not change a summary already returned. */
  summary(): ClaudeRunSummary {
    return {
      ...this._s,
      errors: [...this._s.errors],
      usageByModel: this._s.usageByModel.map((u) => ({ ...u })),
      runUsageByModel: this._s.runUsageByModel?.map((u) => ({ ...u })) ?? null,
      rateLimit: this._s.rateLimit ? { ...this._s.rateLimit } : null,
    };
  }

  private _onSystem(event: Record<string, unknown>): void {
    if (event.subtype !== 'init') return; // api_retry, permission_denied, status...: not needed here
    this._s.sessionId = str(event.session_id) ?? this._s.sessionId;
    this._s.model = str(event.model) ?? this._s.model;
  }

  private _onRateLimit(event: Record<string, unknown>): void {
    const info = event.rate_limit_info;
    if (!isRecord(info) || info.status !== 'rejected') return;
    this._s.rateLimit = {
      status: 'rejected',
      resetsAt: num(info.resetsAt),
      rateLimitType: str(info.rateLimitType),
    };
  }

  private _onResult(event: Record<string, unknown>): void {
    const r = readClaudeResult(event, this._s.model);
    Object.assign(this._s, r, { resultSeen: true, sessionId: r.sessionId ?? this._s.sessionId });
  }

  private _diagnose(message: string): void {
    this._onDiagnostic?.(message);
  }
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function preview(text: string): string {
  return text.length > PREVIEW_LENGTH ? `${text.slice(0, PREVIEW_LENGTH)}... (${text.length} chars)` : text;
}
