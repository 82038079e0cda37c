// The words of report.md in each language it is written in. The facts (counts, paths, times,
// hashes, names) are the same in every language; report.json has no words to translate.

import type { ReportLanguage } from './legacyReasons';
import type { MigrationDecisions } from './legacyTypes';

export interface ReportText {
  title: string;
  source: (path: string, wal: string | null) => string;
  generations: (list: string, hash: string) => string;
  wal: (w: {
    commits: number;
    frames: number;
    uncommitted: number;
    bytes: number;
    end: string | null;
  }) => string;
  into: (path: string) => string;
  backupFolder: (path: string) => string;
  undo: (folder: string, databaseBackup: string) => string;
  times: (started: string, finished: string) => string;
  verification: (ok: boolean) => string;
  importedHeading: string;
  imported: (i: { prompts: number; jobs: number; runs: number; usageRecords: number }) => string;
  logs: (files: number) => string;
  retention: string;
  tablesHeading: string;
  tableColumns: readonly string[];
  unreadable: string;
  check: (ok: boolean) => string;
  active: (a: {
    legacyActive: number;
    migratedActive: number;
    pausedWithReason: number;
    ok: boolean;
  }) => string;
  spotChecks: (checked: number, mismatches: readonly string[]) => string;
  jobsHeading: string;
  jobColumns: readonly string[];
  status: (status: string) => string;
  action: (action: 'already' | 'skip') => string;
  warningsHeading: string;
  none: string;
  decisions: (d: MigrationDecisions) => string;
  skippedHeading: string;
  nothing: string;
  skipped: (table: string, count: string, ids: string, reason: string) => string;
  wholeTable: string;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

const EN: ReportText = {
  title: 'Night Pilot: legacy migration report',
  source: (p, wal) => `Source: \`${p}\`${wal ? ` (with \`${wal}\`)` : ''}`,
  generations: (list, hash) => `Generations: ${list}; SHA-256 \`${hash}\``,
  wal: (w) =>
    `WAL: ${w.commits} committed transaction(s) in ${w.frames} frame(s) applied; ${w.uncommitted} uncommitted frame(s) and ${w.bytes} byte(s) not migrated${w.end ? ` (${w.end})` : ''}`,
  into: (p) => `Into: \`${p}\``,
  backupFolder: (p) => `Backup folder: \`${p}\``,
  undo: (folder, before) =>
    `To undo: **Night Pilot: Undo Legacy Migration...** in VS Code, or \`night-pilot migrate --undo "${folder}"\`. ` +
    `It puts \`${before}\` (the database before this migration) back and keeps the replaced file.`,
  times: (started, finished) => `Started ${started}, finished ${finished}`,
  verification: (ok) => `Verification: **${ok ? 'passed' : 'FAILED'}**`,
  importedHeading: 'Imported',
  imported: (i) =>
    `${plural(i.prompts, 'prompt')}, ${plural(i.jobs, 'job')}, ${plural(i.runs, 'run')}, ${plural(i.usageRecords, 'usage record')}.`,
  logs: (files) =>
    `Each imported run keeps the end of its output (Claude's answer) in the database; the whole content the old app stored is in its job's log file beside the database (${plural(files, 'file')}).`,
  retention:
    "Night Pilot's retention applies to imported runs too: runs older than its limit (30 days, or beyond 200 runs per job, unless changed in the settings) are folded into daily usage totals and removed with their log files. The copy of the old file in the backup folder keeps everything.",
  tablesHeading: 'Tables',
  tableColumns: ['Table', 'Generation', 'Rows', 'Imported', 'Already imported', 'Skipped', 'Check'],
  unreadable: 'unreadable',
  check: (ok) => (ok ? 'ok' : 'MISMATCH'),
  active: (a) =>
    `Active jobs in the old app: ${a.legacyActive}; active now: ${a.migratedActive}; paused for a reason below: ${a.pausedWithReason} (${a.ok ? 'ok' : 'MISMATCH'}).`,
  spotChecks: (checked, mismatches) =>
    `Spot checks: ${checked} rows read back${mismatches.length ? `, mismatches: ${mismatches.join('; ')}` : ', all equal'}.`,
  jobsHeading: 'Jobs',
  jobColumns: [
    'Source',
    'Name',
    'Schedule',
    'Zone',
    'Status',
    'Next fire',
    'Old schedule',
    'Old status',
    'Note',
  ],
  status: (s) => s,
  action: (a) => (a === 'already' ? 'already imported' : 'skipped'),
  warningsHeading: 'Warnings and decisions',
  none: 'None.',
  decisions: (d) =>
    `Decisions: six-field schedules ${d.utcCron === 'keepUtc' ? 'kept in UTC (the same instants)' : 'switched to local time'}; ` +
    `both day fields: ${{ pause: 'imported paused', either: 'either day (standard cron)', dayOfMonth: 'day of the month only', dayOfWeek: 'day of the week only' }[d.bothDays]}; ` +
    `five-field schedules: ${d.fiveField === 'pause' ? 'imported paused' : 'imported active'}; ` +
    `rows whose prompt or job was deleted: ${d.orphans === 'import' ? 'imported under paused placeholders' : 'skipped'}.`,
  skippedHeading: 'Skipped',
  nothing: 'Nothing.',
  skipped: (table, count, ids, reason) => `\`${table}\`: ${count} row(s) (${ids}): ${reason}`,
  wholeTable: 'the whole table',
};

const STATUS_ZH: Record<string, string> = {
  active: '啟用',
  paused: '暫停',
  completed: '已完成',
  failed: '失敗',
};

const ZH_TW: ReportText = {
  title: 'Night Pilot：舊版資料庫遷移報告',
  source: (p, wal) => `來源：\`${p}\`${wal ? `（含 \`${wal}\`）` : ''}`,
  generations: (list, hash) => `結構描述世代：${list}；SHA-256 \`${hash}\``,
  wal: (w) =>
    `預寫日誌（-wal）：已套用 ${w.frames} 個框架中的 ${w.commits} 筆已提交交易；未遷移 ${w.uncommitted} 個未提交的框架與 ${w.bytes} 位元組${w.end ? `（${w.end}）` : ''}`,
  into: (p) => `匯入至：\`${p}\``,
  backupFolder: (p) => `備份資料夾：\`${p}\``,
  undo: (folder, before) =>
    `若要復原：在 VS Code 執行 **Night Pilot: 復原舊版資料庫遷移...**，或執行 \`night-pilot migrate --undo "${folder}"\`。` +
    `這會放回 \`${before}\`（此次遷移前的資料庫），並保留被取代的檔案。`,
  times: (started, finished) => `開始於 ${started}，完成於 ${finished}`,
  verification: (ok) => `驗證：**${ok ? '通過' : '失敗'}**`,
  importedHeading: '已匯入',
  imported: (i) => `${i.prompts} 個提示、${i.jobs} 個工作、${i.runs} 次執行、${i.usageRecords} 筆用量記錄。`,
  logs: (files) =>
    `每次匯入的執行都在資料庫中保留其輸出（Claude 的回答）的結尾；舊版應用程式儲存的完整內容則在資料庫旁其工作的記錄檔中（${files} 個檔案）。`,
  retention:
    'Night Pilot 的保留原則同樣適用於匯入的執行：超過上限（預設為 30 天，或每個工作超過 200 次執行，可在設定中變更）的執行會併入每日用量總計，並連同記錄檔一起移除。備份資料夾中的舊檔案副本會保留所有內容。',
  tablesHeading: '資料表',
  tableColumns: ['資料表', '世代', '列數', '已匯入', '先前已匯入', '略過', '檢查'],
  unreadable: '無法讀取',
  check: (ok) => (ok ? '正確' : '不一致'),
  active: (a) =>
    `舊版應用程式中啟用的工作：${a.legacyActive}；目前啟用：${a.migratedActive}；因下列原因暫停：${a.pausedWithReason}（${a.ok ? '正確' : '不一致'}）。`,
  spotChecks: (checked, mismatches) =>
    `抽查：讀回 ${checked} 列，${mismatches.length ? `不一致：${mismatches.join('；')}` : '全部相符'}。`,
  jobsHeading: '工作',
  jobColumns: ['來源', '名稱', '排程', '時區', '狀態', '下次觸發', '舊排程', '舊狀態', '備註'],
  status: (s) => STATUS_ZH[s] ?? s,
  action: (a) => (a === 'already' ? '先前已匯入' : '略過'),
  warningsHeading: '警告與決定',
  none: '無。',
  decisions: (d) =>
    `決定：六欄位排程${d.utcCron === 'keepUtc' ? '保留 UTC（相同的時間點）' : '改用當地時間'}；` +
    `同時限制兩個日期欄位：${{ pause: '匯入為暫停', either: '任一日期符合即觸發（標準 cron）', dayOfMonth: '只保留每月日期', dayOfWeek: '只保留星期幾' }[d.bothDays]}；` +
    `五欄位排程：${d.fiveField === 'pause' ? '匯入為暫停' : '匯入為啟用'}；` +
    `提示或工作已刪除的資料列：${d.orphans === 'import' ? '以暫停的替代項目匯入' : '略過'}。`,
  skippedHeading: '略過',
  nothing: '無。',
  skipped: (table, count, ids, reason) => `\`${table}\`：${count} 列（${ids}）：${reason}`,
  wholeTable: '整個資料表',
};

export const REPORT_TEXT: Record<ReportLanguage, ReportText> = { en: EN, 'zh-tw': ZH_TW };
