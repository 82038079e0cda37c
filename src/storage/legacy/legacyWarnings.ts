// The text of each migration warning, with what its decision does: in English (the CLI, report.json)
// and Traditional Chinese (report.md for a zh-tw user). The wizard shows its own, shorter
// translation of each code through vscode.l10n (src/views/migration/wizardText.ts).

import type { ReportLanguage } from './legacyReasons';
import type { MigrationPlan, WarningCode } from './legacyTypes';

export function warningText(
  code: WarningCode,
  count: number,
  plan: Pick<MigrationPlan, 'decisions' | 'localZone'>,
  lang: ReportLanguage = 'en',
): string {
  return lang === 'zh-tw' ? chinese(code, count, plan) : english(code, count, plan);
}

function english(
  code: WarningCode,
  count: number,
  plan: Pick<MigrationPlan, 'decisions' | 'localZone'>,
): string {
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

function chinese(code: WarningCode, n: number, plan: Pick<MigrationPlan, 'decisions' | 'localZone'>): string {
  const d = plan.decisions;
  switch (code) {
    case 'walTail':
      return '資料庫旁的 -wal 檔結尾含有從未提交的資料（未完成的交易，或撕裂、過期的尾端）。只會遷移其前已提交的交易。';
    case 'utcCron':
      return (
        `${n} 個工作使用舊版應用程式以 UTC 執行的六欄位 cron 表示式（秒數在前）。` +
        (d.utcCron === 'keepUtc'
          ? '它們會在相同的時間點繼續觸發：保留秒數欄位，時區設為 UTC。您也可以改用當地時間。'
          : `它們會改以您的當地時區（${plan.localZone}）在相同的時鐘時間觸發，而非 UTC。`)
      );
    case 'bothDays':
      return (
        `${n} 個工作同時限制了每月日期與星期幾。舊版應用程式只在兩者「皆」符合時觸發；標準 cron（以及 Night Pilot）在「任一」符合時就觸發。` +
        {
          pause: '匯入後為暫停狀態，待您決定。',
          either: '依原樣匯入，會在任一日期符合時觸發。',
          dayOfMonth: '只保留每月日期欄位。',
          dayOfWeek: '只保留星期幾欄位。',
        }[d.bothDays]
      );
    case 'fiveField':
      return (
        `${n} 個工作使用五欄位 cron 表示式，舊版應用程式的引擎會拒絕它們：它們在那裡從未觸發過。` +
        (d.fiveField === 'pause' ? '匯入後為暫停狀態。' : '匯入後為啟用狀態，會開始觸發。')
      );
    case 'manual':
      return `${n} 個工作沒有排程（僅能手動執行，舊版應用程式中為 "*"）。匯入後為暫停狀態；請用「立即執行工作」執行。`;
    case 'nameInSchedule':
      return `${n} 個排程把工作名稱存在 schedule_time 中（舊版圖形介面的做法）；它會成為工作名稱。`;
    case 'unparseable':
      return `${n} 個排程不是 Night Pilot 能執行的排程。這些工作匯入後為暫停狀態，並保留原始文字作為排程；請用 "job edit --cron" 修正。`;
    case 'lostSchedule':
      return `${n} 個舊版統一資料表的工作在舊版應用程式自身的複製步驟中遺失了排程（cron_expression 為空，是已知的缺陷）。匯入後為暫停且無排程。`;
    case 'oncePast':
      return `${n} 個一次性工作的時間已過，且從未記錄為完成。匯入後為暫停狀態。`;
    case 'unknownStatus':
      return `${n} 個工作的狀態是 Night Pilot 不認得的；匯入後為暫停狀態。`;
    case 'orphanJobs':
      return (
        `${n} 個工作使用的提示已不存在（已在舊版應用程式中刪除）。` +
        (d.orphans === 'import' ? '匯入後為暫停狀態，並附上空白的替代提示。' : '依您的選擇略過。')
      );
    case 'orphanResults':
      return (
        `${n} 筆結果屬於已不存在的工作。` +
        (d.orphans === 'import'
          ? '匯入為一個以已刪除工作命名、處於暫停狀態的替代工作的執行。'
          : '依您的選擇略過。')
      );
    case 'unfinishedRuns':
      return `${n} 筆結果在舊版應用程式停止時仍在執行中；匯入為失敗的執行。`;
    case 'copyOfNewer':
      return `${n} 列 unified_jobs 是同一檔案中較舊資料表裡工作的副本；將匯入原始工作及其排程。`;
    case 'skippedTables':
      return `${n} 個資料表無法讀取，或不屬於舊版應用程式；已回報並略過。`;
    case 'alreadyImported':
      return `${n} 列已由先前的遷移匯入，不會再次匯入。`;
  }
}
