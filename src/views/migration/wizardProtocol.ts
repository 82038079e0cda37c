// The messages between the migration wizard's host (migrationWizard.ts) and its page
// (media/migrationWizard/main.ts): one declaration used by both sides. No runtime code, no vscode.

import type { MigrationStep } from '../../storage/legacy/legacyMigration';
import type { ImportCounts } from '../../storage/legacy/legacyImport';
import type { MigrationDecisions, MigrationPreview, WarningCode } from '../../storage/legacy/legacyTypes';
import type { TableCheck } from '../../storage/legacy/legacyVerify';

export type WizardStep = 'locate' | 'preview' | 'migrate' | 'report';

export interface CandidateView {
  path: string;
  bytes: number;
  modified: string;
  hasWal: boolean;
  /** An earlier migration read this file (by path or content). */
  migrated: boolean;
}

export interface ReportView {
  ok: boolean;
  imported: ImportCounts;
  tables: TableCheck[];
  activeJobs: { legacyActive: number; migratedActive: number; pausedWithReason: number; ok: boolean };
  mismatches: string[];
  backupFolder: string;
  reportFile: string;
  databaseBackup: string | null;
  jobCount: number;
  warnings: { code: WarningCode; count: number }[];
}

/** Every text the page shows, translated by the host (vscode.l10n). */
export const WIZARD_STRING_KEYS = [
  'title',
  'stepLocate',
  'stepPreview',
  'stepMigrate',
  'stepReport',
  'locateIntro',
  'scanning',
  'noneFound',
  'foundIntro',
  'alreadyMigrated',
  'withWal',
  'browse',
  'previewButton',
  'reading',
  'source',
  'generations',
  'walApplied',
  'walIgnored',
  'willImport',
  'alreadyImported',
  'skipped',
  'tables',
  'colTable',
  'colGeneration',
  'colRows',
  'colImport',
  'colAlready',
  'colSkip',
  'colNote',
  'jobs',
  'colName',
  'colSchedule',
  'colZone',
  'colStatus',
  'colNextFire',
  'colWas',
  'noSchedule',
  'statusAlready',
  'statusSkipped',
  'warnings',
  'noWarnings',
  'showItems',
  'back',
  'migrateButton',
  'migrateNote',
  'progressBackup',
  'progressImport',
  'progressVerify',
  'progressReport',
  'verifyPassed',
  'verifyFailed',
  'importedSummary',
  'activeSummary',
  'backupFolder',
  'undoHint',
  'undoButton',
  'undoneNotice',
  'openReport',
  'revealJobs',
  'close',
  'tableCheckOk',
  'tableCheckBad',
  'errorTitle',
  'statusActive',
  'statusPaused',
  'statusCompleted',
  'statusFailed',
] as const;

export type WizardStringKey = (typeof WIZARD_STRING_KEYS)[number];

/** Decision option labels are keyed `<decision>.<value>`; warnings by their code. */
export interface WizardStrings {
  ui: Record<WizardStringKey, string>;
  /** Each warning with `{0}` for its count. */
  warnings: Record<WarningCode, string>;
  decisions: Record<string, string>;
  decisionTitles: Record<keyof MigrationDecisions, string>;
}

export type HostMessage =
  | { type: 'init'; strings: WizardStrings; language: string; candidates: CandidateView[] | null }
  | { type: 'candidates'; candidates: CandidateView[] }
  | { type: 'previewing'; file: string }
  | { type: 'preview'; file: string; preview: MigrationPreview }
  | { type: 'progress'; step: MigrationStep }
  | { type: 'report'; report: ReportView }
  /** The migration of the report shown was undone (the undo command, from the report step). */
  | { type: 'undone' }
  | { type: 'error'; step: WizardStep; message: string };

export type PageMessage =
  | { type: 'ready' }
  | { type: 'pickFile' }
  | { type: 'preview'; file: string; decisions: MigrationDecisions }
  | { type: 'migrate'; decisions: MigrationDecisions }
  | { type: 'openReport' }
  | { type: 'revealJobs' }
  /** Undo the migration of the report shown (asks for a confirmation first). */
  | { type: 'undo' }
  | { type: 'close' };
