// The wizard's text, through vscode.l10n (English here; Traditional Chinese in
// l10n/bundle.l10n.zh-tw.json). The page receives it ready to show.
import * as vscode from 'vscode';
import type { WizardStrings } from './wizardProtocol';

const t = vscode.l10n.t;

export function wizardStrings(): WizardStrings {
  return {
    ui: {
      title: t('Migrate Legacy Database'),
      stepLocate: t('Locate'),
      stepPreview: t('Preview'),
      stepMigrate: t('Back up and migrate'),
      stepReport: t('Verify and report'),
      locateIntro: t(
        'Choose a database of the old Claude Night Pilot desktop app (claude-pilot.db or claude-night-pilot.db). It is only read, never changed.',
      ),
      scanning: t('Looking in the usual places…'),
      noneFound: t('No database of the old app was found in the usual places. Choose the file yourself.'),
      foundIntro: t('Found in the usual places:'),
      alreadyMigrated: t('migrated before'),
      withWal: t('with its -wal'),
      browse: t('Choose a File…'),
      previewButton: t('Preview'),
      reading: t('Reading {0}…'),
      source: t('Source'),
      generations: t('Schema generations'),
      walApplied: t('Write-ahead log: {0} committed transaction(s) included'),
      walIgnored: t('Not migrated from the log: {0} uncommitted frame(s), {1} byte(s)'),
      willImport: t(
        'Will import: {0} prompt(s), {1} job(s), {2} run(s) with their tokens and cost, {3} running total(s)',
      ),
      alreadyImported: t('Already imported by an earlier migration: {0} row(s)'),
      skipped: t('Skipped with a reason: {0} row(s)'),
      tables: t('Tables'),
      colTable: t('Table'),
      colGeneration: t('Generation'),
      colRows: t('Rows'),
      colImport: t('Import'),
      colAlready: t('Already'),
      colSkip: t('Skip'),
      colNote: t('Note'),
      jobs: t('Jobs as they will be created'),
      colName: t('Name'),
      colSchedule: t('Schedule'),
      colZone: t('Time zone'),
      colStatus: t('Status'),
      colNextFire: t('Next fire'),
      colWas: t('Old schedule'),
      noSchedule: t('no schedule'),
      statusAlready: t('already imported'),
      statusSkipped: t('skipped'),
      warnings: t('Warnings and decisions'),
      noWarnings: t('Nothing needs a decision.'),
      showItems: t('Show which'),
      back: t('Back'),
      migrateButton: t('Back Up and Migrate'),
      migrateNote: t(
        'The file and your Night Pilot database are copied into a backup folder first; everything is imported in one step and then verified.',
      ),
      progressBackup: t('Backing up the files'),
      progressImport: t('Importing in one transaction'),
      progressVerify: t('Verifying'),
      progressReport: t('Writing the report'),
      verifyPassed: t('Verified: every row of the old database was imported or skipped with a reason.'),
      verifyFailed: t('The verification found a mismatch. The report lists it.'),
      importedSummary: t('Imported {0} prompt(s), {1} job(s), {2} run(s), {3} usage record(s).'),
      activeSummary: t(
        'Active jobs in the old app: {0}; active now: {1}; paused for a reason in the report: {2}.',
      ),
      backupFolder: t('Backup folder'),
      undoHint: t(
        'The backup folder keeps the database from before the migration ({0}): Undo This Migration… puts it back, now or later (Night Pilot: Undo Legacy Migration…).',
      ),
      undoButton: t('Undo This Migration…'),
      undoneNotice: t(
        'This migration was undone: Night Pilot’s database is back as it was before it. The replaced one is kept beside it.',
      ),
      openReport: t('Open Report'),
      revealJobs: t('Show Jobs in the Tree'),
      close: t('Close'),
      tableCheckOk: t('complete'),
      tableCheckBad: t('MISMATCH'),
      errorTitle: t('Cannot continue'),
      statusActive: t('active'),
      statusPaused: t('paused'),
      statusCompleted: t('completed'),
      statusFailed: t('failed'),
    },
    warnings: {
      walTail: t(
        'The -wal file ends with data that was never committed (an unfinished, torn or stale tail). Only the committed transactions before it are migrated.',
      ),
      utcCron: t(
        '{0} job(s) have a six-field cron expression (seconds first) that the old app ran in UTC. Keep UTC so they fire at the same instants, or switch them to your local time.',
      ),
      bothDays: t(
        '{0} job(s) restrict both the day of the month and the day of the week. The old app fired only when BOTH matched; cron fires when EITHER matches.',
      ),
      fiveField: t(
        '{0} job(s) have a five-field cron expression, which the old app rejected: they never fired there.',
      ),
      manual: t(
        '{0} job(s) have no schedule (manual runs only). They are imported paused; run them with Run Job Now.',
      ),
      nameInSchedule: t(
        "{0} schedule(s) kept the job's name in schedule_time (the old GUI did that); it becomes the job name.",
      ),
      unparseable: t(
        '{0} schedule(s) cannot run in Night Pilot. Imported paused with the original text kept as the schedule, for you to fix.',
      ),
      lostSchedule: t(
        "{0} job(s) of the old unified table lost their schedule in the old app's own copy step. Imported paused without a schedule.",
      ),
      oncePast: t('{0} one-time job(s) were due in the past and never recorded as done. Imported paused.'),
      unknownStatus: t('{0} job(s) have a status Night Pilot does not know. Imported paused.'),
      orphanJobs: t('{0} job(s) use a prompt that was deleted in the old app.'),
      orphanResults: t('{0} result(s) belong to a job that was deleted in the old app.'),
      unfinishedRuns: t(
        '{0} result(s) were still running when the old app stopped. Imported as failed runs.',
      ),
      copyOfNewer: t(
        '{0} row(s) of unified_jobs copy a job of an older table in the same file. The original is imported, with its schedule.',
      ),
      skippedTables: t("{0} table(s) cannot be read here or are not the old app's. Reported and skipped."),
      alreadyImported: t('{0} row(s) were imported by an earlier migration and are not imported again.'),
    },
    decisionTitles: {
      utcCron: t('Time zone of the old schedules'),
      bothDays: t('Both day fields'),
      fiveField: t('Five-field schedules'),
      orphans: t('Rows whose prompt or job was deleted'),
    },
    decisions: {
      'utcCron.keepUtc': t('Keep UTC: fire at the same instants as before'),
      'utcCron.localTime': t('Switch to my local time: same clock times, local zone'),
      'bothDays.pause': t('Import paused; I will decide per job'),
      'bothDays.either': t('Fire when either day matches (standard cron)'),
      'bothDays.dayOfMonth': t('Keep only the day of the month'),
      'bothDays.dayOfWeek': t('Keep only the day of the week'),
      'fiveField.pause': t('Import paused'),
      'fiveField.activate': t('Import active: start firing'),
      'orphans.import': t('Import them under paused placeholders'),
      'orphans.skip': t('Skip them (listed in the report)'),
    },
  };
}
