import type { BindParams, Database, SqlValue } from 'sql.js';

export type Row = Record<string, SqlValue>;

/**
 * Thin helpers over sql.js. Statements are prepared per call and always freed: a reload after
 * another process's save replaces the sql.js database, so cached statements would go dead.
 */
export class Sql {
  constructor(readonly db: Database) {}

  all(sql: string, params: BindParams = []): Row[] {
    const stmt = this.db.prepare(sql);
    try {
      stmt.bind(params);
      // The column names once per statement: getAsObject() asks WebAssembly for every name of
      // every row, which was most of the cost of listing a thousand jobs.
      const names = stmt.getColumnNames();
      const rows: Row[] = [];
      while (stmt.step()) {
        const values = stmt.get();
        const row: Row = {};
        for (let i = 0; i < names.length; i++) row[names[i]!] = values[i]!;
        rows.push(row);
      }
      return rows;
    } finally {
      stmt.free();
    }
  }

  get(sql: string, params: BindParams = []): Row | undefined {
    return this.all(sql, params)[0];
  }

  /**
   * Sets the columns named in `columns` for the keys present in `patch` (booleans as 0/1) on the
   * row with this id. Returns how many rows changed: 0 when the id does not exist.
   */
  updateById<T extends object>(
    table: string,
    id: string,
    patch: T,
    columns: ReadonlyArray<readonly [keyof T, string]>,
  ): number {
    return this.updateWhere(table, patch, columns, 'id = ?', [id]);
  }

  /** Like updateById, on the rows matching `where` (with `whereParams`). */
  updateWhere<T extends object>(
    table: string,
    patch: T,
    columns: ReadonlyArray<readonly [keyof T, string]>,
    where: string,
    whereParams: SqlValue[],
  ): number {
    const sets: string[] = [];
    const params: SqlValue[] = [];
    for (const [key, column] of columns) {
      if (!(key in patch)) continue;
      const value = patch[key] as unknown;
      sets.push(`${column} = ?`);
      params.push(typeof value === 'boolean' ? (value ? 1 : 0) : ((value ?? null) as SqlValue));
    }
    if (sets.length === 0)
      return Number(this.get(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`, whereParams)?.n ?? 0);
    return this.run(`UPDATE ${table} SET ${sets.join(', ')} WHERE ${where}`, [...params, ...whereParams]);
  }

  /** Runs a statement and returns how many rows it changed. */
  run(sql: string, params: BindParams = []): number {
    this.db.run(sql, params);
    return this.db.getRowsModified();
  }
}

export const str = (v: SqlValue | undefined): string => (v === null || v === undefined ? '' : String(v));
export const strOrNull = (v: SqlValue | undefined): string | null =>
  v === null || v === undefined ? null : String(v);
export const num = (v: SqlValue | undefined): number => (v === null || v === undefined ? 0 : Number(v));
export const numOrNull = (v: SqlValue | undefined): number | null =>
  v === null || v === undefined ? null : Number(v);

export function jsonOr<T>(v: SqlValue | undefined, fallback: T): T {
  if (typeof v !== 'string' || v === '') return fallback;
  try {
    return JSON.parse(v) as T;
  } catch {
    return fallback;
  }
}
