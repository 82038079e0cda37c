// After the import, from what the database now holds: every row of every source table is either
// imported (now or by an earlier migration) or listed as skipped with its reason; the jobs that
// were active in the old app are active now or paused for a reason the report gives; and a sample
// of rows reads back exactly as the old file had it.

import fs from 'node:fs';
import type { Tx } from '../database';
import { str } from '../sql';
import { readImportedIndex } from './importedIndex';
import type { LegacyContents } from './legacyContents';
import type { LegacyRows } from './legacyRows';
import { runDetail } from './legacyRunPlan';
import type { MigrationPlan, WarningCode } from './legacyTypes';

export interface TableCheck {
  table: string;
  rows: number | null;
  imported: number;
  skipped: number;
  ok: boolean;
}

export interface VerifyResult {
  ok: boolean;
  tables: TableCheck[];
  activeJobs: {
    legacyActive: number;
    migratedActive: number;
    pausedWithReason: number;
    ok: boolean;
    pausedBecause: Partial<Record<WarningCode, number>>;
  };
  spotChecks: { checked: number; mismatches: string[] };
}

const SPOT_CHECKS = 50;

export function verifyMigration(
  tx: Tx,
  plan: MigrationPlan,
  rows: LegacyRows,
  contents: LegacyContents,
): VerifyResult {
  // Every provenance key the database holds for the source tables (placeholders' prompts aside).
  const index = readImportedIndex(
    tx.sql,
    plan.tables.map((t) => t.table),
  );
  const has = (table: string, id: string, fingerprint: string) =>
    index.target(table, id, fingerprint) !== undefined;
  const importedPerTable = new Map<string, number>();
  const bump = (table: string) => importedPerTable.set(table, (importedPerTable.get(table) ?? 0) + 1);
  for (const p of rows.prompts) if (has(p.ref.table, p.ref.id, p.fingerprint)) bump(p.ref.table);
  for (const j of rows.jobs) if (has(j.ref.table, j.ref.id, j.fingerprint)) bump(j.ref.table);
  for (const r of rows.results) if (index.hasResult(r.fingerprint)) bump(r.ref.table);
  for (const t of rows.totals) if (has(t.ref.table, t.ref.id, t.fingerprint)) bump(t.ref.table);

  const skipped = new Map<string, number>();
  for (const s of plan.skipped) skipped.set(s.table, (skipped.get(s.table) ?? 0) + (s.count ?? 0));
  const checks: TableCheck[] = plan.tables.map((t) => {
    const done = importedPerTable.get(t.table) ?? 0;
    const left = skipped.get(t.table) ?? 0;
    // A table SQLite cannot read has no count to compare; it is reported whole.
    const ok = t.rows === null ? left === 0 : done + left === t.rows;
    return { table: t.table, rows: t.rows, imported: done, skipped: left, ok };
  });

  // Jobs imported by this migration (earlier ones may have been paused or resumed by the user since).
  let legacyActive = 0;
  let migratedActive = 0;
  let pausedWithReason = 0;
  const pausedBecause: Partial<Record<WarningCode, number>> = {};
  for (const job of plan.jobs) {
    if (job.source === null || job.action !== 'import' || !job.legacyActive || job.targetId === null)
      continue;
    legacyActive++;
    const status = str(tx.sql.get('SELECT status FROM jobs WHERE id = ?', [job.targetId])?.status);
    if (status === 'active') migratedActive++;
    else if (job.pausedBecause !== null && status === 'paused') {
      pausedWithReason++;
      pausedBecause[job.pausedBecause] = (pausedBecause[job.pausedBecause] ?? 0) + 1;
    }
  }

  const mismatches: string[] = [];
  let checked = 0;
  for (const prompt of plan.prompts) {
    if (prompt.action !== 'import' || prompt.targetId === null) continue;
    checked++;
    const row = tx.sql.get('SELECT content, title FROM prompts WHERE id = ?', [prompt.targetId]);
    if (str(row?.content) !== prompt.content || str(row?.title) !== prompt.title) {
      mismatches.push(
        `prompt ${prompt.key.table} #${prompt.key.id}: the stored text differs from the legacy text`,
      );
    }
  }
  const step = Math.max(1, Math.floor(plan.runs.length / SPOT_CHECKS));
  for (let i = 0; i < plan.runs.length; i += step) {
    const run = plan.runs[i]!;
    const content = contents.of(run.result);
    const d = runDetail(run, content, new Date(plan.createdAt));
    checked++;
    // The whole content is in the run's log file (one per job, so it is only looked for).
    const logFile = tx.processes.listByRun(run.runId)[0]?.logFile ?? null;
    const logOk = content === '' ? logFile === null : logFile !== null && fs.existsSync(logFile);
    const row = tx.sql.get(
      `SELECT r.status, r.started_at, r.ended_at, p.output_tail,
         (SELECT COALESCE(SUM(cost_usd), 0) FROM usage_records u WHERE u.run_id = r.id) AS cost
       FROM job_runs r JOIN job_execution_processes p ON p.run_id = r.id WHERE r.id = ?`,
      [run.runId],
    );
    const cost = d.usage.reduce((sum, u) => sum + u.costUsd, 0);
    if (
      !row ||
      !logOk ||
      str(row.status) !== d.status ||
      str(row.output_tail) !== d.outputTail ||
      str(row.started_at) !== d.startedAt ||
      str(row.ended_at) !== d.endedAt ||
      Math.abs(Number(row.cost) - cost) > 1e-9
    ) {
      mismatches.push(
        `run of ${run.source.table} #${run.source.id}: the stored run differs from the legacy result`,
      );
    }
  }
  const activeOk = legacyActive === migratedActive + pausedWithReason;
  return {
    ok: checks.every((c) => c.ok) && activeOk && mismatches.length === 0,
    tables: checks,
    activeJobs: { legacyActive, migratedActive, pausedWithReason, ok: activeOk, pausedBecause },
    spotChecks: { checked, mismatches },
  };
}
