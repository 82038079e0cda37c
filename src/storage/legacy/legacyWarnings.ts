// The English text of each migration warning (CLI, report). The wizard shows its own translated
// text for the same codes (src/views/migration/wizardText.ts).

import type { MigrationPlan, WarningCode } from './legacyTypes';

export function warningText(code: WarningCode, count: number, plan: MigrationPlan): string {
  const d = plan.decisions;
  const n = (one: string, many: string) => (count === 1 ? `1 ${one}` : `${count} ${many}`);
  switch (code) {
    case 'walTail':
      return (
        'The -wal file beside the database ends with data that was never committed (an unfinished ' +
        'transaction, or a torn or stale tail). Only the committed transactions before it are migrated.'
      );
    case 'utcCron':
      return (
        `${n('job has', 'jobs have')} a six-field cron expression (seconds first) that the old app ran in UTC. ` +
        (d.utcCron === 'keepUtc'
          ? 'They keep firing at the same instants: the seconds are kept and their time zone is UTC. You can switch them to local time instead.'
          : `They will fire at the same clock times in your local time zone (${plan.localZone}) instead of UTC.`)
      );
    case 'bothDays':
      return (
        `${n('job restricts', 'jobs restrict')} both the day of the month and the day of the week. The old app fired only ` +
        'when BOTH matched; standard cron (and Night Pilot) fires when EITHER matches. ' +
        {
          pause: 'They are imported paused until you decide.',
          either: 'They are imported as they are and will fire when either day matches.',
          dayOfMonth: 'Only their day-of-month field is kept.',
          dayOfWeek: 'Only their day-of-week field is kept.',
        }[d.bothDays]
      );
    case 'fiveField':
      return (
        `${n('job has', 'jobs have')} a five-field cron expression, which the old app's engine rejected: ` +
        'they never fired there. ' +
        (d.fiveField === 'pause'
          ? 'They are imported paused.'
          : 'They are imported active and will start firing.')
      );
    case 'manual':
      return `${n('job has', 'jobs have')} no schedule (manual runs only, "*" in the old app). They are imported paused; run them with Run Job Now.`;
    case 'nameInSchedule':
      return `${n('schedule keeps', 'schedules keep')} the job's name in schedule_time (written by the old GUI); it is used as the job name.`;
    case 'unparseable':
      return `${n('schedule is', 'schedules are')} not a schedule Night Pilot can run. The jobs are imported paused with the original text kept as their schedule; fix it with "job edit --cron".`;
    case 'lostSchedule':
      return `${n('job', 'jobs')} of the old unified table lost its schedule in the old app's own copy step (an empty cron_expression, a known defect). Imported paused without a schedule.`;
    case 'oncePast':
      return `${n('one-time job was', 'one-time jobs were')} due in the past and never recorded as done. Imported paused.`;
    case 'unknownStatus':
      return `${n('job has', 'jobs have')} a status Night Pilot does not know; imported paused.`;
    case 'orphanJobs':
      return (
        `${n('job uses', 'jobs use')} a prompt that no longer exists (deleted in the old app). ` +
        (d.orphans === 'import'
          ? 'Imported paused with an empty placeholder prompt.'
          : 'Skipped by your choice.')
      );
    case 'orphanResults':
      return (
        `${n('result belongs', 'results belong')} to a job that no longer exists. ` +
        (d.orphans === 'import'
          ? 'Imported as runs of a paused placeholder job named after the deleted one.'
          : 'Skipped by your choice.')
      );
    case 'unfinishedRuns':
      return `${n('result was', 'results were')} still running when the old app stopped; imported as failed runs.`;
    case 'copyOfNewer':
      return `${n('row', 'rows')} of unified_jobs ${count === 1 ? 'is a copy' : 'are copies'} of a job in an older table of the same file; the original is imported, with its schedule.`;
    case 'skippedTables':
      return `${n('table', 'tables')} cannot be read or ${count === 1 ? 'is' : 'are'} not the old app's; reported and skipped.`;
    case 'alreadyImported':
      return `${n('row was', 'rows were')} imported by an earlier migration and will not be imported again.`;
  }
}
