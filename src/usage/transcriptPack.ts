// Entries as a table of numbers and a table of strings: how they travel from the transcript
// worker to the main thread (one transferable array, no object per entry to clone) and how the
// transcript cache file keeps them (as JSON arrays). One layout for both.

import type { LocatedEntry } from './transcriptEntry';
import { makeEntry } from './transcriptEntry';

/** Numbers per entry: ts, key, model, sessionId, version (string indexes, -1 for null), 4 token counts, cost. */
export const PACKED_ROW = 10;

export interface PackedEntries {
  /** Keys, models, session ids and versions, each once. */
  strings: string[];
  /** PACKED_ROW numbers per entry; a cost of null is NaN (JSON writes it as null). */
  rows: Float64Array;
}

/** The entries of one file, packed. */
export function packEntries(entries: readonly LocatedEntry[]): PackedEntries {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const ref = (s: string | null) => {
    if (s === null) return -1;
    let i = index.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      index.set(s, i);
    }
    return i;
  };
  const rows = new Float64Array(entries.length * PACKED_ROW);
  let at = 0;
  for (const e of entries) {
    rows[at++] = e.ts;
    rows[at++] = ref(e.key);
    rows[at++] = ref(e.model);
    rows[at++] = ref(e.sessionId);
    rows[at++] = ref(e.version);
    rows[at++] = e.inputTokens;
    rows[at++] = e.outputTokens;
    rows[at++] = e.cacheCreationTokens;
    rows[at++] = e.cacheReadTokens;
    rows[at++] = e.costUsd ?? NaN;
  }
  return { strings, rows };
}

/** Entries back from packEntries' tables (`rows` may have come through JSON: null for NaN). */
export function unpackEntries(
  strings: readonly string[],
  rows: ArrayLike<number | null>,
  rel: string,
): LocatedEntry[] {
  if (rows.length % PACKED_ROW !== 0) throw new Error('packed entries: a partial row');
  const str = (i: number | null | undefined) => {
    if (typeof i !== 'number' || i < 0) return null;
    const s = strings[i];
    if (typeof s !== 'string') throw new Error('packed entries: no such string');
    return s;
  };
  const num = (v: number | null | undefined) => (typeof v === 'number' ? v : NaN);
  const entries: LocatedEntry[] = [];
  for (let i = 0; i < rows.length; i += PACKED_ROW) {
    const cost = rows[i + 9];
    entries.push(
      makeEntry(
        num(rows[i]),
        str(rows[i + 1]),
        str(rows[i + 2]),
        num(rows[i + 5]),
        num(rows[i + 6]),
        num(rows[i + 7]),
        num(rows[i + 8]),
        typeof cost === 'number' && !Number.isNaN(cost) ? cost : null,
        str(rows[i + 3]),
        str(rows[i + 4]),
        rel,
      ),
    );
  }
  return entries;
}
