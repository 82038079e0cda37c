// Why a table or rows of a legacy file are not imported, and why a job comes in paused: keyed with
// their details, and said in English (report.json, the CLI) or Traditional Chinese (report.md for
// the old app's users, who read Chinese). One place for each sentence in each language.

import type { SkippedRows, WarningCode } from './legacyTypes';

/** The languages the migration report is written in. */
export const REPORT_LANGUAGES = ['en', 'zh-tw'] as const;
export type ReportLanguage = (typeof REPORT_LANGUAGES)[number];

/** The report's language for a display language (VS Code's `env.language`, the CLI's `--lang`). */
export function reportLanguage(displayLanguage: string | undefined): ReportLanguage {
  const tag = (displayLanguage ?? '').toLowerCase();
  return /^zh-(tw|hk|mo|hant)\b/.test(tag) ? 'zh-tw' : 'en';
}

/** What a table of the old file is, when it is not imported row by row. */
export type TableNote =
  | { key: 'minutesLeft' }
  | { key: 'auditLog' }
  | { key: 'monitorEvents' }
  | { key: 'appSettings' }
  | { key: 'emptyUnifiedResults' }
  | { key: 'emptyUnifiedUsage' }
  | { key: 'unifiedSettings' }
  | { key: 'bookkeeping' }
  | { key: 'searchIndexStorage'; owner: string }
  | { key: 'virtualTable' }
  | { key: 'unknownTable'; columns: string }
  | { key: 'unreadable'; error: string; module: string | null }
  | { key: 'notOldApp' };

/** Why the committed part of a -wal ends before the end of the file. */
export type WalEnd =
  | { key: 'cutShort'; bytes: number; frameBytes: number }
  | { key: 'otherSalts'; frame: number }
  | { key: 'checksum'; frame: number }
  | { key: 'pageZero'; frame: number };

export function walEndText(end: WalEnd, lang: ReportLanguage): string {
  const zh = lang === 'zh-tw';
  switch (end.key) {
    case 'cutShort':
      return zh
        ? `最後一個框架不完整（${end.bytes} / ${end.frameBytes} 位元組）`
        : `the last frame is cut short (${end.bytes} of ${end.frameBytes} bytes)`;
    case 'otherSalts':
      return zh
        ? `第 ${end.frame} 個框架的 salt 不同（是先前日誌留下的）`
        : `frame ${end.frame} has other salts (left over from an earlier log)`;
    case 'checksum':
      return zh
        ? `第 ${end.frame} 個框架的檢查碼不符（撕裂或損壞）`
        : `frame ${end.frame} fails its checksum (torn or damaged)`;
    case 'pageZero':
      return zh ? `第 ${end.frame} 個框架指向第 0 頁` : `frame ${end.frame} names page 0`;
  }
}

/** Why rows are left out. */
export type SkipReason =
  | { key: 'table'; note: TableNote }
  | { key: 'promptDeleted' }
  | { key: 'copyOf'; original: string }
  | { key: 'jobDeleted' }
  | { key: 'jobSkipped'; job: string }
  | { key: 'periodSummary' }
  | { key: 'totalCovered' };

export function tableNoteText(note: TableNote, lang: ReportLanguage): string {
  const zh = lang === 'zh-tw';
  switch (note.key) {
    case 'minutesLeft':
      return zh
        ? '舊版冷卻監控記下的用量時段剩餘分鐘數快照；沒有 token 或費用'
        : 'snapshots of the minutes left in the usage window, taken by the old cooldown monitor; no tokens or cost';
    case 'auditLog':
      return zh
        ? '提示雜湊值與安全檢查的稽核記錄；執行本身在結果資料表中'
        : 'an audit log of prompt hashes and security checks; the runs themselves are in the results tables';
    case 'monitorEvents':
      return zh
        ? '舊版應用程式自身監控的事件；工作與執行都用不到'
        : "events of the old app's own monitor; nothing a job or run needs";
    case 'appSettings':
      return zh
        ? '舊版應用程式的內部設定（結構描述版本之類）'
        : "the old app's internal settings (schema version and the like)";
    case 'emptyUnifiedResults':
      return zh
        ? '由舊版統一指令碼建立、內容為空；其執行改從 job_execution_processes 讀取'
        : 'created empty by the old unification script; its runs are read from job_execution_processes';
    case 'emptyUnifiedUsage':
      return zh
        ? '由舊版統一指令碼建立、內容為空；用量來自結果資料表'
        : 'created empty by the old unification script; usage comes from the results tables';
    case 'unifiedSettings':
      return zh ? '舊版統一指令碼的設定' : "the old unification script's settings";
    case 'bookkeeping':
      return zh ? 'SQLite 或舊版應用程式的內部記錄' : "SQLite's or the old app's bookkeeping";
    case 'searchIndexStorage':
      return zh
        ? `搜尋索引 ${note.owner} 的儲存資料，會從其來源資料表重建`
        : `storage of the search index ${note.owner}, rebuilt from its source table`;
    case 'virtualTable':
      return zh
        ? '由其他資料表衍生的虛擬資料表（搜尋索引）'
        : 'a virtual table (search index) derived from another table';
    case 'unknownTable':
      return zh
        ? `不是舊版應用程式有這些欄位的資料表（${note.columns}）`
        : `not a table of the old app with these columns (${note.columns})`;
    case 'unreadable': {
      const module = note.module
        ? zh
          ? `；這是 ${note.module} 虛擬資料表，例如全文搜尋索引，會從其來源資料表重建`
          : `; a ${note.module} virtual table, e.g. a full-text search index, which is rebuilt from its source table`
        : '';
      return zh ? `無法在此開啟（${note.error}）${module}` : `cannot be opened here (${note.error})${module}`;
    }
    case 'notOldApp':
      return zh ? '不是舊版應用程式的資料表' : 'not a table of the old app';
  }
}

export function skipReasonText(reason: SkipReason, lang: ReportLanguage): string {
  const zh = lang === 'zh-tw';
  switch (reason.key) {
    case 'table':
      return tableNoteText(reason.note, lang);
    case 'promptDeleted':
      return zh
        ? '其提示已不存在（已在舊版應用程式中刪除）；依您的選擇略過'
        : 'its prompt does not exist (deleted in the old app); skipped by your choice';
    case 'copyOf':
      return zh
        ? `是舊版統一指令碼所做的 ${reason.original} 副本，排程已遺失；改從原始工作匯入`
        : `a copy of ${reason.original} made by the old app's unification script, which lost its schedule; imported from the original`;
    case 'jobDeleted':
      return zh
        ? '其工作已不存在（已在舊版應用程式中刪除）；依您的選擇略過'
        : 'its job does not exist (deleted in the old app); skipped by your choice';
    case 'jobSkipped':
      return zh
        ? `其工作 ${reason.job} 已略過（其提示已在舊版應用程式中刪除）`
        : `its job ${reason.job} is skipped (its prompt was deleted in the old app)`;
    case 'periodSummary':
      return zh
        ? '舊版應用程式從其執行結果算出的期間摘要；這些結果會逐筆連同 token 與費用匯入'
        : 'a period summary the old app computed from its execution results, which are imported one by one with their tokens and cost';
    case 'totalCovered':
      return zh
        ? '累計總量已由匯入的執行各自的 token 與費用涵蓋'
        : "a running total that the imported runs' own tokens and cost already account for";
  }
}

/** Rows of `table` left out `why`, with the reason said in English as well. */
export function skippedRows(
  table: string,
  ids: string[] | null,
  count: number | null,
  why: SkipReason,
): SkippedRows {
  return { table, ids, count, reason: skipReasonText(why, 'en'), why };
}

/** Why a job that ran in the old app comes in paused, in a few words (the report's job table). */
export function pausedText(code: WarningCode, lang: ReportLanguage): string {
  const zh = lang === 'zh-tw';
  const text: Partial<Record<WarningCode, [string, string]>> = {
    bothDays: ['both day fields restricted: your decision', '同時限制兩個日期欄位：待您決定'],
    fiveField: ['five-field cron the old app rejected', '舊版應用程式拒絕的五欄位 cron'],
    manual: ['no schedule (manual runs only)', '沒有排程（僅手動執行）'],
    lostSchedule: ['schedule lost by the old app', '排程已被舊版應用程式遺失'],
    unparseable: ['schedule Night Pilot cannot run', 'Night Pilot 無法執行的排程'],
    oncePast: ['one-time job due in the past', '時間已過的一次性工作'],
    orphanJobs: ['its prompt was deleted', '其提示已刪除'],
    unknownStatus: ['unknown status', '不認得的狀態'],
  };
  const pair = text[code];
  const words = pair ? pair[zh ? 1 : 0] : code;
  return zh ? `暫停：${words}` : `paused: ${words}`;
}
