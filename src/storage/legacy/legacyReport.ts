// The migration report, as JSON (for scripts and `migrate --json`) and Markdown (for people),
// written into the backup folder beside the copies it describes.

import path from 'node:path';
import { writeFileDurably } from '../durableFile';
import type { ImportCounts } from './legacyImport';
import type { ReportLanguage, SkipReason } from './legacyReasons';
import { pausedText, skipReasonText, walEndText } from './legacyReasons';
import { REPORT_TEXT } from './legacyReportText';
import type {
  MigrationDecisions,
  MigrationPlan,
  MigrationWarning,
  SkippedRows,
  SourceSummary,
  TableSummary,
  WarningCode,
} from './legacyTypes';
import type { VerifyResult } from './legacyVerify';
import { warningText } from './legacyWarnings';

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
  /** Why it is skipped or paused, in English (keyed in `skip` and `pausedBecause`). */
  note: string | null;
  skip: SkipReason | null;
  pausedBecause: WarningCode | null;
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
  /** The zone "local time" meant for this migration. */
  localZone: string;
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
    note: j.skipReason ?? (j.pausedBecause ? pausedText(j.pausedBecause, 'en') : null),
    skip: j.skipWhy,
    pausedBecause: j.pausedBecause,
  }));
}

const cell = (value: unknown) =>
  String(value ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\n/g, ' ');

/** report.md: the same facts in `lang`. */
export function reportMarkdown(report: MigrationReport, lang: ReportLanguage = 'en'): string {
  const t = REPORT_TEXT[lang];
  const lines: string[] = [];
  lines.push(`# ${t.title}`, '');
  lines.push(
    `- ${t.source(report.source.path, report.source.walPath ? path.basename(report.source.walPath) : null)}`,
  );
  lines.push(`- ${t.generations(report.source.generations.join(', ') || '-', report.source.fileHash)}`);
  if (report.source.wal) {
    const w = report.source.wal;
    lines.push(
      `- ${t.wal({
        commits: w.commits,
        frames: w.appliedFrames,
        uncommitted: w.uncommittedFrames,
        bytes: w.ignoredBytes,
        end: w.end ? walEndText(w.end, lang) : null,
      })}`,
    );
  }
  lines.push(`- ${t.into(report.database)}`);
  lines.push(`- ${t.backupFolder(report.backupFolder)}`);
  if (report.databaseBackup)
    lines.push(`- ${t.undo(report.backupFolder, path.basename(report.databaseBackup))}`);
  lines.push(`- ${t.times(report.startedAt, report.finishedAt)}`);
  lines.push(`- ${t.verification(report.verify.ok)}`, '');
  lines.push(`## ${t.importedHeading}`, '');
  lines.push(t.imported(report.imported), '');
  if (report.imported.runs > 0) lines.push(t.logs(report.logFiles.length), '', t.retention, '');
  lines.push(`## ${t.tablesHeading}`, '', row(t.tableColumns), row(t.tableColumns.map(() => '---')));
  for (const tb of report.tables) {
    const check = report.verify.tables.find((c) => c.table === tb.table);
    lines.push(
      row([
        cell(tb.table),
        tb.generation ?? '-',
        tb.rows === null ? t.unreadable : String(tb.rows),
        String(tb.toImport),
        String(tb.alreadyImported),
        String(tb.skipped),
        t.check(check?.ok ?? false),
      ]),
    );
  }
  lines.push('', t.active(report.verify.activeJobs));
  lines.push(t.spotChecks(report.verify.spotChecks.checked, report.verify.spotChecks.mismatches), '');
  lines.push(`## ${t.jobsHeading}`, '', row(t.jobColumns), row(t.jobColumns.map(() => '---')));
  for (const j of report.jobs) {
    const note = j.skip
      ? skipReasonText(j.skip, lang)
      : j.pausedBecause
        ? pausedText(j.pausedBecause, lang)
        : '';
    lines.push(
      row([
        cell(j.source),
        cell(j.name),
        `\`${cell(j.cronExpression) || '-'}\``,
        cell(j.timezone),
        j.action === 'import' ? t.status(j.status) : t.action(j.action === 'already' ? 'already' : 'skip'),
        j.nextRunTime ?? '-',
        `\`${cell(j.originalSchedule)}\``,
        cell(j.originalStatus),
        cell(note),
      ]),
    );
  }
  lines.push('', `## ${t.warningsHeading}`, '');
  if (report.warnings.length === 0) lines.push(t.none);
  for (const w of report.warnings) {
    lines.push(
      `- **${w.code}** (${w.count}): ${warningText(w.code, w.count, { decisions: report.decisions, localZone: report.localZone }, lang)}`,
    );
    for (const item of w.items) lines.push(`  - ${item}`);
  }
  lines.push('', t.decisions(report.decisions), '');
  lines.push(`## ${t.skippedHeading}`, '');
  if (report.skipped.length === 0) lines.push(t.nothing);
  for (const sk of report.skipped) {
    const ids =
      sk.ids === null
        ? t.wholeTable
        : `${sk.ids.length > 30 ? `${sk.ids.slice(0, 30).join(', ')}, ...` : sk.ids.join(', ')}`;
    lines.push(`- ${t.skipped(sk.table, String(sk.count ?? '?'), ids, skipReasonText(sk.why, lang))}`);
  }
  lines.push('');
  return lines.join('\n');
}

const row = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;

/** Writes report.json and report.md (in `lang`) into the backup folder; returns the report with their paths. */
export function writeReport(
  report: Omit<MigrationReport, 'reportFiles'>,
  lang: ReportLanguage = 'en',
): MigrationReport {
  const json = path.join(report.backupFolder, 'report.json');
  const markdown = path.join(report.backupFolder, 'report.md');
  const full: MigrationReport = { ...report, reportFiles: { json, markdown } };
  writeFileDurably(json, Buffer.from(`${JSON.stringify(full, null, 2)}\n`, 'utf8'));
  writeFileDurably(markdown, Buffer.from(reportMarkdown(full, lang), 'utf8'));
  return full;
}
