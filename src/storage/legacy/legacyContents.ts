// The content of legacy results (what Claude printed, often its JSON), read from the legacy file's
// in-memory copy when a step needs it. The plan keeps only each result's identity: the contents of
// 50,000 results would otherwise sit in memory a second time, as JavaScript strings.

import type { Database, SqlValue, Statement } from 'sql.js';
import type { LegacyResult } from './legacyRows';
import { contentColumn } from './legacyRows';
import type { DetectedTable } from './legacySchema';
import { quoteIdent } from './legacySchema';

/** One table read in rowid order: the row under the cursor. */
interface Cursor {
  stmt: Statement;
  rowid: number;
  value: SqlValue;
  done: boolean;
}

const text = (v: SqlValue | undefined): string =>
  v === null || v === undefined ? '' : v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : String(v);

/**
 * Contents by result. Asked in rowid order (as the plan lists a table's results), each table is
 * read once from start to end; a result asked out of order restarts that table's reading.
 */
export class LegacyContents {
  private readonly _cursors = new Map<string, Cursor>();
  private readonly _columns: Map<string, string>;

  constructor(
    private readonly _db: Database,
    tables: readonly DetectedTable[],
  ) {
    this._columns = new Map(tables.map((t) => [t.name, contentColumn(t.role)]));
  }

  /** The whole content of `result`, as the old app stored it ('' when the row is gone). */
  of(result: LegacyResult): string {
    const table = result.ref.table;
    let cursor = this._cursors.get(table);
    if (cursor && cursor.rowid > result.rowid) {
      cursor.stmt.free();
      this._cursors.delete(table);
      cursor = undefined;
    }
    if (!cursor) {
      const column = this._columns.get(table) ?? 'content';
      const stmt = this._db.prepare(
        `SELECT rowid, ${quoteIdent(column)} FROM ${quoteIdent(table)} ORDER BY rowid`,
      );
      cursor = { stmt, rowid: -Infinity, value: null, done: false };
      this._cursors.set(table, cursor);
    }
    while (!cursor.done && cursor.rowid < result.rowid) {
      if (cursor.stmt.step()) {
        const [rowid, value] = cursor.stmt.get();
        cursor.rowid = Number(rowid);
        cursor.value = value ?? null;
      } else cursor.done = true;
    }
    return cursor.rowid === result.rowid ? text(cursor.value) : '';
  }

  close(): void {
    for (const cursor of this._cursors.values()) cursor.stmt.free();
    this._cursors.clear();
  }
}
