// `night-pilot migrate FILE`: the legacy migration of the old desktop app's database, through the
// same engine as the VS Code wizard (src/storage/legacy). A dry run prints the preview; a real run
// backs up, imports in one transaction, verifies and prints the report.

import path from 'node:path';
import { defaultTimeZone } from '../core/timeZone';
import { LegacySourceError } from '../storage/legacy/legacyErrors';
import { REPORT_LANGUAGES } from '../storage/legacy/legacyReasons';
import type { MigrationTarget } from '../storage/legacy/legacyMigration';
import { LegacySource, migrate, planMigration, previewMigration } from '../storage/legacy/legacyMigration';
import type { MigrationReport } from '../storage/legacy/legacyReport';
import type { MigrationDecisions, MigrationPreview } from '../storage/legacy/legacyTypes';
import { loadSqlJs } from '../storage/sqlJs';
import type { ParsedArgs } from './args';
import type { CommandContext } from './context';
import { CliError, ExitCode, UsageError } from './exitCodes';
import { oneOf } from './jobOptions';
import { runUndo } from './migrateUndo';
import type { CommandSpec } from './registry';
import { formatInZone, keyValues, table } from './textOutput';

const BOTH_DAYS: Record<string, MigrationDecisions['bothDays']> = {
  pause: 'pause',
  either: 'either',
  'day-of-month': 'dayOfMonth',
  'day-of-week': 'dayOfWeek',
};

function readDecisions(args: ParsedArgs): Partial<MigrationDecisions> {
  const decisions: Partial<MigrationDecisions> = {};
  if (args.flag('local-time')) decisions.utcCron = 'localTime';
  const both = args.string('both-days');
  if (both !== undefined) decisions.bothDays = BOTH_DAYS[oneOf('--both-days', both, Object.keys(BOTH_DAYS))];
  const five = args.string('five-field');
  if (five !== undefined) decisions.fiveField = oneOf('--five-field', five, ['pause', 'activate'] as const);
  const orphans = args.string('orphans');
  if (orphans !== undefined) decisions.orphans = oneOf('--orphans', orphans, ['import', 'skip'] as const);
  return decisions;
}

/** The option that changes each decision, for the text output. */
const DECISION_OPTION: Record<keyof MigrationDecisions, string> = {
  utcCron: '--local-time',
  bothDays: '--both-days',
  fiveField: '--five-field',
  orphans: '--orphans',
};

function sourceLines(preview: Pick<MigrationPreview, 'source'>): [string, string][] {
  const s = preview.source;
  const lines: [string, string][] = [
    ['Legacy database', s.path],
    ['Generations', s.generations.join(', ')],
  ];
  if (s.wal) {
    const w = s.wal;
    lines.push([
      'Write-ahead log',
      `${w.commits} committed transaction(s) applied (${w.appliedFrames} frame(s))` +
        (w.uncommittedFrames > 0 || w.ignoredBytes > 0
          ? `; not migrated: ${w.uncommittedFrames} uncommitted frame(s), ${w.ignoredBytes} byte(s)${w.endReason ? ` (${w.endReason})` : ''}`
          : ''),
    ]);
  }
  return lines;
}

function formatPreview(preview: MigrationPreview): string {
  const c = preview.counts;
  const out: string[] = [
    keyValues([
      ...sourceLines(preview),
      [
        'Would import',
        `${c.prompts} prompt(s), ${c.jobs} job(s), ${c.runs} run(s) with their tokens and cost, ${c.usageTotals} running total(s)`,
      ],
      ['Already imported', `${c.alreadyImported} row(s) (by an earlier migration; not imported again)`],
      ['Skipped', `${c.skipped} row(s), with the reasons below`],
    ]),
  ];
  out.push(
    '',
    'Tables:',
    table(
      ['TABLE', 'GEN', 'ROWS', 'IMPORT', 'ALREADY', 'SKIP', 'NOTE'],
      preview.tables.map((t) => [
        t.table,
        t.generation ?? '-',
        t.rows === null ? '?' : String(t.rows),
        String(t.toImport),
        String(t.alreadyImported),
        String(t.skipped),
        t.note ?? '',
      ]),
    ),
  );
  if (preview.jobs.length > 0) {
    out.push(
      '',
      'Jobs as they will be created:',
      table(
        ['SOURCE', 'NAME', 'SCHEDULE', 'ZONE', 'STATUS', 'NEXT FIRE', 'WAS'],
        preview.jobs.map((j) => [
          j.source,
          j.name,
          j.cronExpression || '-',
          j.timezone,
          j.action === 'import' ? j.status : j.action === 'already' ? 'already imported' : 'skipped',
          j.nextRunTime ? formatInZone(j.nextRunTime, j.timezone) : '-',
          j.originalSchedule || '-',
        ]),
      ),
    );
  }
  if (preview.warnings.length > 0) {
    out.push('', 'Warnings:');
    for (const w of preview.warnings) {
      const decision = w.decision
        ? ` [${w.decision} = ${preview.decisions[w.decision]}; change with ${DECISION_OPTION[w.decision]}]`
        : '';
      out.push(`- ${w.message}${decision}`);
      for (const item of w.items.slice(0, 5)) out.push(`    ${item}`);
      if (w.count > 5 && w.code !== 'alreadyImported') out.push(`    ... and ${w.count - 5} more`);
    }
  }
  return out.join('\n');
}

function formatReport(report: MigrationReport): string {
  const i = report.imported;
  const lines: [string, string][] = [
    ...sourceLines(report),
    [
      'Imported',
      `${i.prompts} prompt(s), ${i.jobs} job(s), ${i.runs} run(s), ${i.usageRecords} usage record(s)`,
    ],
    [
      'Verification',
      report.verify.ok
        ? 'passed: every legacy row is imported or skipped with a reason'
        : 'FAILED (see the report)',
    ],
    ['Backup', report.backupFolder],
    ['Report', `${report.reportFiles.markdown} (and report.json)`],
  ];
  if (report.databaseBackup) lines.push(['To undo', `night-pilot migrate --undo "${report.backupFolder}"`]);
  const out = [keyValues(lines)];
  if (report.warnings.length > 0) {
    out.push('', 'Warnings:');
    for (const w of report.warnings) out.push(`- ${w.message}`);
  }
  return out.join('\n');
}

export const migrateCommand: CommandSpec = {
  path: ['migrate'],
  summary: 'Migrate a database of the old Claude Night Pilot desktop app (preview it with --dry-run).',
  usage: 'FILE [--dry-run] [options] | --undo FOLDER [--yes | --dry-run]',
  description:
    'Reads FILE (claude-pilot.db or claude-night-pilot.db of the old app, with its -wal when there is one) without ' +
    'ever changing it, and imports its prompts, jobs, run history and usage into the Night Pilot database. ' +
    'With --dry-run it only prints what it would do: every table, the jobs as they will be created, and the ' +
    'warnings with the decisions they need. Without it, the file and the Night Pilot database are first copied ' +
    'into a timestamped backup folder beside the database, everything is imported in one transaction and ' +
    'verified, and a report (report.md, report.json) is written into the backup folder. Rows imported by an ' +
    'earlier migration are never imported again. Each imported run keeps the end of its output in the ' +
    "database and the old content in its job's log file (logs/<job>/legacy-<id>.log beside the database).\n\n" +
    '--undo FOLDER undoes a migration: the database copied into its backup folder is put back (under the ' +
    'write lock; VS Code windows and schedulers reload it) and the current one is kept aside as ' +
    '<database>.before-undo-<time>; the log files of the imported runs are removed. Runs recorded and jobs ' +
    'created since the migration are lost: the command says how many and changes nothing without --yes.\n\n' +
    'Exit code 0 on success; 1 when the verification found a mismatch; 2 when FILE is not a legacy Night ' +
    'Pilot database (not SQLite, truncated, a damaged -wal, no table of the old app), or FOLDER is not a ' +
    "migration's backup, or --undo lacks --yes; 3 when the Night Pilot database cannot be written.",
  positionals: [{ name: 'FILE', description: 'The legacy database file.', optional: true }],
  options: [
    { name: 'dry-run', description: 'Print the preview (or what --undo would do) and write nothing.' },
    {
      name: 'undo',
      value: 'FOLDER',
      description:
        'Undo the migration whose backup folder is FOLDER (legacy-migrations/<time>-<file> beside the database; the report\'s "To undo" line names it).',
    },
    { name: 'yes', description: 'With --undo: undo even though what was recorded since is lost.' },
    {
      name: 'local-time',
      description:
        "Read the old six-field cron expressions in this machine's time zone instead of UTC (default: UTC, so jobs keep firing at the same instants).",
    },
    {
      name: 'both-days',
      value: 'CHOICE',
      description:
        'Jobs that restrict both the day of the month and of the week (the old app required both): pause (default), either (standard cron: either day), day-of-month, day-of-week.',
    },
    {
      name: 'five-field',
      value: 'CHOICE',
      description:
        'Five-field expressions the old app rejected (they never fired): pause (default) or activate.',
    },
    {
      name: 'orphans',
      value: 'CHOICE',
      description:
        'Jobs of deleted prompts and results of deleted jobs: import (default, under paused placeholders) or skip.',
    },
    {
      name: 'lang',
      value: 'LANG',
      description:
        'The language of report.md: en (default) or zh-tw (Traditional Chinese). report.json and what is printed stay the same.',
    },
  ],
  examples: [
    'night-pilot migrate ~/claude-night-pilot.db --dry-run',
    'night-pilot migrate ./src-tauri/claude-pilot.db --local-time',
    'night-pilot --json migrate claude-night-pilot.db > report.json',
    'night-pilot migrate claude-pilot.db --lang zh-tw',
    'night-pilot migrate --undo ~/.config/Code/User/globalStorage/night-pilot.night-pilot/legacy-migrations/20250901T120000Z-claude-pilot.db --yes',
  ],
  async run(ctx: CommandContext, args) {
    const undo = args.string('undo');
    if (undo !== undefined) {
      if (args.positionals[0] !== undefined)
        throw new UsageError('--undo takes the backup folder, not a legacy FILE: give one or the other');
      return runUndo(ctx, args, path.resolve(ctx.io.cwd, undo));
    }
    if (args.positionals[0] === undefined) throw new UsageError('missing argument FILE (or --undo FOLDER)');
    const file = path.resolve(ctx.io.cwd, args.positionals[0]);
    const decisions = readDecisions(args);
    const lang = args.string('lang');
    const language = lang === undefined ? 'en' : oneOf('--lang', lang.toLowerCase(), REPORT_LANGUAGES);
    let source: LegacySource;
    try {
      source = LegacySource.open(file, await loadSqlJs());
    } catch (err) {
      if (err instanceof LegacySourceError) throw new CliError(err.message, ExitCode.usage);
      throw err;
    }
    try {
      const target: MigrationTarget = {
        databasePath: ctx.store.path,
        read: (fn) => ctx.store.read(fn),
        write: (fn) => ctx.store.write(fn),
      };
      const plan = await planMigration(source, target, decisions, ctx.now(), defaultTimeZone());
      if (args.flag('dry-run')) {
        const preview = previewMigration(plan);
        ctx.print(
          preview,
          () =>
            `${formatPreview(preview)}\n\nDry run: nothing was written. Run again without --dry-run to migrate.`,
        );
        return ExitCode.ok;
      }
      // A database that does not exist yet is created now, not written by a rehearsed import (the
      // store tries a first write on a scratch copy: 50,000 runs twice); its empty copy in the
      // backup is then what an undo puts back.
      await ctx.store.open();
      let report: MigrationReport;
      try {
        report = await migrate(plan, source, target, { now: () => ctx.now(), language });
      } catch (err) {
        if (err instanceof LegacySourceError) throw new CliError(err.message, ExitCode.usage);
        throw err;
      }
      ctx.print(report, () => formatReport(report));
      if (!report.verify.ok) {
        ctx.note(`the verification found a mismatch; see ${report.reportFiles.markdown}`);
        return ExitCode.failure;
      }
      return ExitCode.ok;
    } finally {
      source.close();
    }
  },
};
