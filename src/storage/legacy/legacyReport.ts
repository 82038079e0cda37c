// The migration report, as JSON (for scripts and `migrate --json`) and Markdown (for people),
// written into the backup folder beside the copies it describes.

import path from 'node:path';
import { writeFileDurably } from '../durableFile';
import type { ImportCounts } from './legacyImport';
import type {
  MigrationDecisions,
  MigrationPlan,
  MigrationWarning,
  SkippedRows,
  SourceSummary,
  TableSummary,
} from './legacyTypes';
import type { VerifyResult } from './legacyVerify';

export interface MigratedJob {
  source: string;
  id: string | null;
  name: string;
  cronExpression: string;
  timezone: string;
  status: string;
  nextRunTime: string | null;
  originalSchedule: string;
  originalStatus: string;
  action: string;
  note: string | null;
}

export interface MigrationReport {
  migrationId: string;
  startedAt: string;
  finishedAt: string;
  source: SourceSummary;
  database: string;
  backupFolder: string;
  /** The database as it was before, in the backup folder: what an undo puts back. */
  databaseBackup: string | null;
  /** The log files holding the imported runs' whole contents (one per job), beside the database. */
  logFiles: string[];
  decisions: MigrationDecisions;
  imported: ImportCounts;
  tables: TableSummary[];
  jobs: MigratedJob[];
  skipped: SkippedRows[];
  warnings: MigrationWarning[];
  verify: VerifyResult;
  reportFiles: { json: string; markdown: string };
}

export function migratedJobs(plan: MigrationPlan): MigratedJob[] {
  return plan.jobs.map((j) => ({
    source: j.label,
    id: j.targetId,
    name: j.name,
    cronExpression: j.cronExpression,
    timezone: j.timezone,
    status: j.status,
    nextRunTime: j.nextRunTime,
    originalSchedule: j.originalSchedule,
    originalStatus: j.originalStatus,
    action: j.action,
    note: j.skipReason ?? (j.pausedBecause ? `paused: ${j.pausedBecause}` : null),
  }));
}

const cell = (value: unknown) =>
  String(value ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\n/g, ' ');

export function reportMarkdown(report: MigrationReport): string {
  const lines: string[] = [];
  lines.push(`# Night Pilot: legacy migration report`, '');
  lines.push(
    `- Source: \`${report.source.path}\`${report.source.walPath ? ` (with \`${path.basename(report.source.walPath)}\`)` : ''}`,
  );
  lines.push(
    `- Generations: ${report.source.generations.join(', ') || '-'}; SHA-256 \`${report.source.fileHash}\``,
  );
  if (report.source.wal) {
    const w = report.source.wal;
    lines.push(
      `- WAL: ${w.commits} committed transaction(s) in ${w.appliedFrames} frame(s) applied; ${w.uncommittedFrames} uncommitted frame(s) and ${w.ignoredBytes} byte(s) not migrated${w.endReason ? ` (${w.endReason})` : ''}`,
    );
  }
  lines.push(`- Into: \`${report.database}\``);
  lines.push(`- Backup folder: \`${report.backupFolder}\``);
  if (report.databaseBackup)
    lines.push(
      `- To undo: close VS Code and every night-pilot process, then copy \`${report.databaseBackup}\` over \`${report.database}\`.`,
    );
  lines.push(`- Started ${report.startedAt}, finished ${report.finishedAt}`);
  lines.push(`- Verification: **${report.verify.ok ? 'passed' : 'FAILED'}**`, '');
  lines.push('## Imported', '');
  const i = report.imported;
  lines.push(
    `${i.prompts} prompt(s), ${i.jobs} job(s), ${i.runs} run(s), ${i.usageRecords} usage record(s).`,
    '',
  );
  lines.push(
    '## Tables',
    '',
    '| Table | Generation | Rows | Imported | Already imported | Skipped | Check |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const t of report.tables) {
    const check = report.verify.tables.find((c) => c.table === t.table);
    lines.push(
      `| ${cell(t.table)} | ${t.generation ?? '-'} | ${t.rows ?? 'unreadable'} | ${t.toImport} | ${t.alreadyImported} | ${t.skipped} | ${check?.ok ? 'ok' : 'MISMATCH'} |`,
    );
  }
  const a = report.verify.activeJobs;
  lines.push(
    '',
    `Active jobs in the old app: ${a.legacyActive}; active now: ${a.migratedActive}; paused for a reason below: ${a.pausedWithReason} (${a.ok ? 'ok' : 'MISMATCH'}).`,
  );
  lines.push(
    `Spot checks: ${report.verify.spotChecks.checked} rows read back${report.verify.spotChecks.mismatches.length ? `, mismatches: ${report.verify.spotChecks.mismatches.join('; ')}` : ', all equal'}.`,
    '',
  );
  lines.push(
    '## Jobs',
    '',
    '| Source | Name | Schedule | Zone | Status | Next fire | Old schedule | Old status | Note |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const j of report.jobs) {
    lines.push(
      `| ${cell(j.source)} | ${cell(j.name)} | \`${cell(j.cronExpression) || '-'}\` | ${cell(j.timezone)} | ${j.action === 'import' ? j.status : j.action} | ${j.nextRunTime ?? '-'} | \`${cell(j.originalSchedule)}\` | ${cell(j.originalStatus)} | ${cell(j.note)} |`,
    );
  }
  lines.push('', '## Warnings and decisions', '');
  if (report.warnings.length === 0) lines.push('None.');
  for (const w of report.warnings) {
    lines.push(`- **${w.code}** (${w.count}): ${w.message}`);
    for (const item of w.items) lines.push(`  - ${item}`);
  }
  lines.push(
    '',
    `Decisions: ${Object.entries(report.decisions)
      .map(([k, v]) => `${k} = ${v}`)
      .join(', ')}.`,
    '',
  );
  lines.push('## Skipped', '');
  if (report.skipped.length === 0) lines.push('Nothing.');
  for (const s of report.skipped) {
    const ids =
      s.ids === null
        ? 'the whole table'
        : `${s.ids.length > 30 ? `${s.ids.slice(0, 30).join(', ')}, ...` : s.ids.join(', ')}`;
    lines.push(`- \`${s.table}\`: ${s.count ?? '?'} row(s) (${ids}): ${s.reason}`);
  }
  lines.push('');
  return lines.join('\n');
}

/** Writes report.json and report.md into the backup folder; returns their paths. */
export function writeReport(report: Omit<MigrationReport, 'reportFiles'>): MigrationReport {
  const json = path.join(report.backupFolder, 'report.json');
  const markdown = path.join(report.backupFolder, 'report.md');
  const full: MigrationReport = { ...report, reportFiles: { json, markdown } };
  writeFileDurably(json, Buffer.from(`${JSON.stringify(full, null, 2)}\n`, 'utf8'));
  writeFileDurably(markdown, Buffer.from(reportMarkdown(full), 'utf8'));
  return full;
}
