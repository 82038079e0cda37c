import type { Sql } from './sql';

/** Shared key/value state every process on the database must agree on. */
export class StateRepository {
  constructor(
    private readonly _sql: Sql,
    private readonly _now: () => string,
  ) {}

  get(key: string): string | null {
    const row = this._sql.get('SELECT value FROM app_state WHERE key = ?', [key]);
    return row ? String(row.value) : null;
  }

  set(key: string, value: string): void {
    this._sql.run(
      'INSERT INTO app_state (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
      [key, value, this._now()],
    );
  }

  delete(key: string): void {
    this._sql.run('DELETE FROM app_state WHERE key = ?', [key]);
  }
}
