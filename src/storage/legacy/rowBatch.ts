// Rows of one table gathered and inserted by multi-row INSERT statements. sql.js pays a fixed cost
// for every statement it runs (reset, bindings, a step through WebAssembly): for the 150,000 rows a
// large legacy history becomes, one statement per row is a good part of the import.

import type { Database, SqlValue, Statement } from 'sql.js';

export class RowBatch {
  private _values: SqlValue[] = [];
  private _rows = 0;
  /** Statements by their number of rows (a batch is usually full; the last one is not). */
  private readonly _statements = new Map<number, Statement>();

  /**
   * @param head `INSERT INTO table (columns) VALUES`
   * @param row one row's placeholders, e.g. `(?, ?, 'execution', ?)`
   */
  constructor(
    private readonly _db: Database,
    private readonly _head: string,
    private readonly _row: string,
  ) {}

  get size(): number {
    return this._rows;
  }

  add(values: readonly SqlValue[]): void {
    for (const v of values) this._values.push(v);
    this._rows++;
  }

  /** Inserts the rows gathered so far (the caller flushes parents before children). */
  flush(): void {
    if (this._rows === 0) return;
    let stmt = this._statements.get(this._rows);
    if (!stmt) {
      stmt = this._db.prepare(
        `${this._head} ${Array.from({ length: this._rows }, () => this._row).join(', ')}`,
      );
      this._statements.set(this._rows, stmt);
    }
    stmt.run(this._values);
    this._values = [];
    this._rows = 0;
  }

  free(): void {
    for (const stmt of this._statements.values()) stmt.free();
    this._statements.clear();
  }
}
