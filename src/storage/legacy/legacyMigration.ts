// The one engine behind `night-pilot migrate` and the migration wizard: open a legacy file, plan
// (preview), back up, import in one transaction, verify, report. Both callers hand it the
// unified database as a MigrationTarget; nothing here knows about VS Code or the command line.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { SqlJsStatic } from 'sql.js';
import type { Tx } from '../database';
import { readImportedIndex } from './importedIndex';
import { backUp, DATABASE_BEFORE } from './legacyBackup';
import { LegacyContents } from './legacyContents';
import { LegacySourceError } from './legacyErrors';
import type { LegacySnapshot } from './legacyFile';
import { openLegacySnapshot } from './legacyFile';
import type { ImportCounts } from './legacyImport';
import { importPlan } from './legacyImport';
import { buildPlan, previewOf } from './legacyPlan';
import type { ReportLanguage } from './legacyReasons';
import type { LegacyRows } from './legacyRows';
import { readLegacyRows } from './legacyRows';
import { LegacyRunLogs } from './legacyRunLogs';
import type { MigrationReport } from './legacyReport';
import { migratedJobs, writeReport } from './legacyReport';
import type { DetectedTable } from './legacySchema';
import { detectTables, notLegacyReason } from './legacySchema';
import type { MigrationDecisions, MigrationPlan, MigrationPreview } from './legacyTypes';
import { DEFAULT_DECISIONS } from './legacyTypes';
import { verifyMigration } from './legacyVerify';
import { errorMessage } from '../../core/errorMessage';

/** Night Pilot's database as the migration sees it (NightPilotDatabase or the CLI's store). */
export interface MigrationTarget {
  /** The database file; backups and log files go beside it. */
  readonly databasePath: string;
  read<T>(fn: (tx: Tx) => T): Promise<T>;
  write<T>(fn: (tx: Tx) => T): Promise<T>;
}

export type MigrationStep = 'backup' | 'import' | 'verify' | 'report';

export interface MigrateOptions {
  now?: () => Date;
  /** Told as each step starts (the wizard's progress). */
  onStep?: (step: MigrationStep) => void;
  /** The language of report.md (report.json has none); English by default. */
  language?: ReportLanguage;
}

/** An opened legacy file: what it holds, read once; close it when done. */
export class LegacySource {
  /** The results' contents, read from the file's copy when a step needs them. */
  readonly contents: LegacyContents;

  private constructor(
    readonly snapshot: LegacySnapshot,
    readonly tables: DetectedTable[],
    readonly rows: LegacyRows,
  ) {
    this.contents = new LegacyContents(snapshot.db, tables);
  }

  /**
   * Reads `file` (never writing to it). Throws LegacySourceError when it is not a legacy Night
   * Pilot database: missing, not SQLite, truncated, a damaged -wal, or no table of the old app.
   */
  static open(file: string, SQL: SqlJsStatic): LegacySource {
    const snapshot = openLegacySnapshot(file, SQL);
    try {
      const tables = detectTables(snapshot.db);
      const reason = notLegacyReason(tables);
      if (reason !== null)
        throw new LegacySourceError(
          snapshot.path,
          `it is not a legacy Claude Night Pilot database: ${reason}`,
        );
      let rows: LegacyRows;
      try {
        rows = readLegacyRows(snapshot.db, tables);
      } catch (err) {
        throw new LegacySourceError(snapshot.path, `SQLite cannot read its rows: ${errorMessage(err)}`);
      }
      return new LegacySource(snapshot, tables, rows);
    } catch (err) {
      snapshot.close();
      throw err;
    }
  }

  get path(): string {
    return this.snapshot.path;
  }

  close(): void {
    this.contents.close();
    this.snapshot.close();
  }
}

/** What the migration of `source` would do, given the database as it is now. Writes nothing. */
export async function planMigration(
  source: LegacySource,
  target: MigrationTarget,
  decisions: Partial<MigrationDecisions> = {},
  now: Date = new Date(),
  localZone = 'UTC',
): Promise<MigrationPlan> {
  return target.read((tx) =>
    buildPlan({
      snapshot: source.snapshot,
      tables: source.tables,
      rows: source.rows,
      contents: source.contents,
      index: readImportedIndex(tx.sql, provenanceTables(source)),
      decisions: { ...DEFAULT_DECISIONS, ...decisions },
      now,
      localZone,
    }),
  );
}

/** The provenance tables of a file: its own, and "<table>.prompt" for prompts made up for its jobs. */
function provenanceTables(source: LegacySource): string[] {
  return source.tables.flatMap((t) => [t.name, `${t.name}.prompt`]);
}

export function previewMigration(plan: MigrationPlan): MigrationPreview {
  return previewOf(plan);
}

/**
 * Carries out `plan`: backs up the source and the database, imports everything in one transaction
 * (each run's whole content into its job's log file beside the database), verifies it and writes
 * the report into the backup folder. On any failure before the import committed, the backup folder
 * and the log files are removed again and nothing in the database changed.
 */
export async function migrate(
  plan: MigrationPlan,
  source: LegacySource,
  target: MigrationTarget,
  options: MigrateOptions = {},
): Promise<MigrationReport> {
  const now = options.now ?? (() => new Date());
  const startedAt = now();
  const migrationId = crypto.randomUUID();
  options.onStep?.('backup');
  const backup = backUp(target.databasePath, plan.source, startedAt);
  const logs = new LegacyRunLogs(target.databasePath, migrationId);
  let imported: ImportCounts;
  try {
    options.onStep?.('import');
    const result = await target.write((tx) =>
      importPlan(tx, plan, {
        migrationId,
        backupFolder: backup.folder,
        startedAt: startedAt.toISOString(),
        contents: source.contents,
        logs,
      }),
    );
    imported = result.counts;
    for (const [prompt, id] of result.promptIds) prompt.targetId = id;
    for (const [job, id] of result.jobIds) job.targetId = id;
  } catch (err) {
    logs.remove();
    fs.rmSync(backup.folder, { recursive: true, force: true });
    throw err;
  }
  options.onStep?.('verify');
  const verify = await target.read((tx) => verifyMigration(tx, plan, source.rows, source.contents));
  options.onStep?.('report');
  const databaseBackup = backup.files.find((f) => path.basename(f) === DATABASE_BEFORE) ?? null;
  return writeReport(
    {
      migrationId,
      startedAt: startedAt.toISOString(),
      finishedAt: now().toISOString(),
      source: plan.source,
      database: target.databasePath,
      backupFolder: backup.folder,
      databaseBackup,
      logFiles: [...logs.files],
      decisions: plan.decisions,
      localZone: plan.localZone,
      imported,
      tables: plan.tables,
      jobs: migratedJobs(plan),
      skipped: plan.skipped,
      warnings: plan.warnings,
      verify,
    },
    options.language ?? 'en',
  );
}

/** The legacy files this database already migrated (by path and by hash), for the activation offer. */
export function migratedSources(tx: Tx): { paths: Set<string>; hashes: Set<string> } {
  const rows = tx.sql.all('SELECT source_path, source_file_hash FROM legacy_migrations');
  return {
    paths: new Set(rows.map((r) => String(r.source_path))),
    hashes: new Set(rows.map((r) => String(r.source_file_hash))),
  };
}
