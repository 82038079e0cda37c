// Shared by the legacy migration tests: a Night Pilot database in a temp folder as a
// MigrationTarget, and a one-call preview + migrate.

import fs from 'node:fs';
import path from 'node:path';
import { NightPilotDatabase } from '../../src/storage/database';
import type { MigrationTarget } from '../../src/storage/legacy/legacyMigration';
import { LegacySource, migrate, planMigration } from '../../src/storage/legacy/legacyMigration';
import type { MigrationReport } from '../../src/storage/legacy/legacyReport';
import type { MigrationDecisions, MigrationPlan } from '../../src/storage/legacy/legacyTypes';
import { loadSqlJs } from '../../src/storage/sqlJs';
import { fileHash } from './cliHarness';

export const NOW = new Date('2025-09-01T12:00:00.000Z');

export function targetOf(db: NightPilotDatabase): MigrationTarget {
  return {
    databasePath: db.path,
    read: async (fn) => db.read(fn),
    write: (fn) => db.write(fn),
  };
}

export async function openUnified(dir: string): Promise<NightPilotDatabase> {
  return NightPilotDatabase.open(path.join(dir, 'night-pilot', 'claude-night-pilot.db'), {
    clock: () => NOW,
  });
}

export async function openSource(file: string): Promise<LegacySource> {
  return LegacySource.open(file, await loadSqlJs());
}

export async function plan(
  db: NightPilotDatabase,
  file: string,
  decisions: Partial<MigrationDecisions> = {},
): Promise<MigrationPlan> {
  const source = await openSource(file);
  try {
    return await planMigration(source, targetOf(db), decisions, NOW, 'Asia/Taipei');
  } finally {
    source.close();
  }
}

/** Previews and migrates `file`, checking that the source files were not modified. */
export async function migrateFile(
  db: NightPilotDatabase,
  file: string,
  decisions: Partial<MigrationDecisions> = {},
): Promise<{ plan: MigrationPlan; report: MigrationReport }> {
  const before = [fileHash(file), fileHash(`${file}-wal`)];
  const source = await openSource(file);
  try {
    const planned = await planMigration(source, targetOf(db), decisions, NOW, 'Asia/Taipei');
    const report = await migrate(planned, source, targetOf(db), { now: () => NOW });
    if (fileHash(file) !== before[0] || fileHash(`${file}-wal`) !== before[1]) {
      throw new Error(`the migration modified ${file}`);
    }
    return { plan: planned, report };
  } finally {
    source.close();
  }
}

export function count(db: NightPilotDatabase, sql: string, params: (string | number)[] = []): number {
  return Number(db.read((tx) => tx.sql.get(sql, params)?.n ?? 0));
}

export function exists(file: string): boolean {
  return fs.existsSync(file);
}
