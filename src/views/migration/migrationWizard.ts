// The "Migrate Legacy Database" webview: locate -> preview -> back up and migrate -> verify and
// report. The page only displays and asks; every step runs here, through the shared engine in
// src/storage/legacy, against the window's open database.
import * as os from 'node:os';
import * as vscode from 'vscode';
import { defaultTimeZone } from '../../core/timeZone';
import type { NightPilotDatabase } from '../../storage/database';
import { LegacySourceError } from '../../storage/legacy/legacyErrors';
import { findLegacyDatabases } from '../../storage/legacy/legacyLocations';
import { reportLanguage } from '../../storage/legacy/legacyReasons';
import type { MigrationTarget } from '../../storage/legacy/legacyMigration';
import {
  LegacySource,
  migrate,
  migratedSources,
  planMigration,
  previewMigration,
} from '../../storage/legacy/legacyMigration';
import type { MigrationReport } from '../../storage/legacy/legacyReport';
import type { MigrationDecisions } from '../../storage/legacy/legacyTypes';
import { DEFAULT_DECISIONS } from '../../storage/legacy/legacyTypes';
import { loadSqlJs } from '../../storage/sqlJs';
import type { JobsTreeProvider } from '../jobsTree';
import type { Logger } from '../../services/logger';
import { errorMessage } from '../../core/errorMessage';
import { COMMAND } from '../../commands/commandIds';
import { webviewHtml, webviewResourceRoots } from '../webview/webviewHtml';
import type { CandidateView, HostMessage, PageMessage, ReportView, WizardStep } from './wizardProtocol';
import { wizardStrings } from './wizardText';

export interface WizardDeps {
  extensionUri: vscode.Uri;
  database: NightPilotDatabase;
  jobsTree: JobsTreeProvider;
  log: Logger;
}

export function migrationTarget(database: NightPilotDatabase): MigrationTarget {
  return {
    databasePath: database.path,
    read: async (fn) => database.read(fn),
    write: (fn) => database.write(fn),
  };
}

/** The legacy files in the usual places, each marked when this database already migrated it. */
export function findCandidates(database: NightPilotDatabase): CandidateView[] {
  const found = findLegacyDatabases({
    platform: process.platform,
    home: os.homedir(),
    env: process.env,
    workspaceFolders: (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
  });
  const migrated = database.read((tx) => migratedSources(tx));
  return found.map((c) => ({ ...c, migrated: migrated.paths.has(c.path) }));
}

export class MigrationWizard implements vscode.Disposable {
  private static _current: MigrationWizard | undefined;
  private readonly _disposables: vscode.Disposable[] = [];
  private _file: string | undefined;
  private _report: MigrationReport | undefined;
  /** What the page shows, posted again when it reloads. */
  private _last: HostMessage[] = [];
  /** Previews and migrations run one after the other, in the order asked. */
  private _work: Promise<unknown> = Promise.resolve();

  /** Opens the wizard (or brings it to the front); with `file`, goes straight to its preview. */
  static show(deps: WizardDeps, file?: string): MigrationWizard {
    const wizard = MigrationWizard._current ?? new MigrationWizard(deps);
    wizard._panel.reveal(vscode.ViewColumn.Active);
    if (file !== undefined) void wizard.preview(file, DEFAULT_DECISIONS);
    return wizard;
  }

  private readonly _panel: vscode.WebviewPanel;

  private constructor(private readonly _deps: WizardDeps) {
    this._panel = vscode.window.createWebviewPanel(
      'nightPilot.migrationWizard',
      vscode.l10n.t('Migrate Legacy Database'),
      vscode.ViewColumn.Active,
      {
        enableScripts: true,
        localResourceRoots: webviewResourceRoots(_deps.extensionUri),
        retainContextWhenHidden: true,
      },
    );
    this._panel.iconPath = vscode.Uri.joinPath(_deps.extensionUri, 'media', 'nightPilot.svg');
    this._panel.webview.html = webviewHtml({
      webview: this._panel.webview,
      extensionUri: _deps.extensionUri,
      title: vscode.l10n.t('Migrate Legacy Database'),
      script: 'dist/media/migrationWizard.js',
      styles: ['media/migrationWizard/wizard.css'],
      codicons: 'dist/media/codicons/codicon.css',
    });
    this._disposables.push(
      this._panel.webview.onDidReceiveMessage((m: PageMessage) => void this._onMessage(m)),
      this._panel.onDidDispose(() => this.dispose()),
    );
    MigrationWizard._current = this;
  }

  /** The newest wizard, if open (tests drive it). */
  static get current(): MigrationWizard | undefined {
    return MigrationWizard._current;
  }

  get lastReport(): MigrationReport | undefined {
    return this._report;
  }

  private _post(message: HostMessage, remember = true): void {
    if (remember) {
      // A page reload replays the init, then the latest state of each kind.
      // A new preview makes the report (and its undo) history; a new report, the undo.
      const replaces = (m: HostMessage) =>
        m.type === message.type ||
        (message.type === 'preview' && (m.type === 'report' || m.type === 'undone')) ||
        (message.type === 'report' && m.type === 'undone');
      this._last = [...this._last.filter((m) => !replaces(m)), message];
    }
    void this._panel.webview.postMessage(message);
  }

  private async _onMessage(message: PageMessage): Promise<void> {
    try {
      switch (message.type) {
        case 'ready':
          this._post(
            { type: 'init', strings: wizardStrings(), language: vscode.env.language, candidates: null },
            false,
          );
          for (const m of this._last) this._post(m, false);
          if (!this._last.some((m) => m.type === 'candidates'))
            this._post({ type: 'candidates', candidates: findCandidates(this._deps.database) });
          return;
        case 'pickFile': {
          const picked = await vscode.window.showOpenDialog({
            canSelectMany: false,
            openLabel: vscode.l10n.t('Preview'),
            title: vscode.l10n.t('Choose a database of the old Claude Night Pilot app'),
            filters: {
              [vscode.l10n.t('SQLite databases')]: ['db', 'sqlite', 'sqlite3'],
              [vscode.l10n.t('All files')]: ['*'],
            },
          });
          if (picked?.[0]) await this.preview(picked[0].fsPath, DEFAULT_DECISIONS);
          return;
        }
        case 'preview':
          await this.preview(message.file, message.decisions);
          return;
        case 'migrate':
          await this.migrate(message.decisions);
          return;
        case 'openReport':
          if (this._report) await openReport(this._report.reportFiles.markdown);
          return;
        case 'revealJobs':
          if (this._report) await this._deps.jobsTree.revealJobs(reportJobIds(this._report));
          return;
        case 'undo':
          if (
            this._report &&
            (await vscode.commands.executeCommand<boolean>(COMMAND.undoLegacyMigration, {
              folder: this._report.backupFolder,
            }))
          )
            this._post({ type: 'undone' });
          return;
        case 'close':
          this._panel.dispose();
          return;
      }
    } catch (err) {
      this._deps.log.error(`Migration wizard: ${errorMessage(err)}`, err);
    }
  }

  private _fail(step: WizardStep, err: unknown): void {
    const message = errorMessage(err);
    if (!(err instanceof LegacySourceError))
      this._deps.log.error(`Legacy migration (${step}) failed: ${message}`, err);
    this._post({ type: 'error', step, message });
  }

  private _queue<T>(work: () => Promise<T>): Promise<T> {
    const next = this._work.then(work, work);
    this._work = next.catch(() => undefined);
    return next;
  }

  /** Reads `file` and shows what its migration would do. */
  preview(file: string, decisions: MigrationDecisions): Promise<void> {
    return this._queue(() => this._preview(file, decisions));
  }

  /** Migrates the previewed file with `decisions`; resolves with the report (undefined on failure). */
  migrate(decisions: MigrationDecisions): Promise<MigrationReport | undefined> {
    return this._queue(() => this._migrate(decisions));
  }

  private async _preview(file: string, decisions: MigrationDecisions): Promise<void> {
    this._post({ type: 'previewing', file });
    let source: LegacySource | undefined;
    try {
      source = LegacySource.open(file, await loadSqlJs());
      const plan = await planMigration(
        source,
        migrationTarget(this._deps.database),
        decisions,
        new Date(),
        defaultTimeZone(),
      );
      this._file = file;
      this._post({ type: 'preview', file, preview: previewMigration(plan) });
    } catch (err) {
      this._fail('preview', err);
    } finally {
      source?.close();
    }
  }

  private async _migrate(decisions: MigrationDecisions): Promise<MigrationReport | undefined> {
    const file = this._file;
    if (file === undefined) return undefined;
    let source: LegacySource | undefined;
    try {
      source = LegacySource.open(file, await loadSqlJs());
      const target = migrationTarget(this._deps.database);
      const plan = await planMigration(source, target, decisions, new Date(), defaultTimeZone());
      const report = await migrate(plan, source, target, {
        onStep: (step) => this._post({ type: 'progress', step }),
        // The old app's users read Traditional Chinese: report.md follows VS Code's display language.
        language: reportLanguage(vscode.env.language),
      });
      this._report = report;
      this._deps.log.info(
        `Migrated ${file}: ${report.imported.jobs} job(s), ${report.imported.runs} run(s); verification ${report.verify.ok ? 'passed' : 'FAILED'}; report ${report.reportFiles.markdown}`,
      );
      this._deps.jobsTree.refresh();
      this._post({ type: 'report', report: reportView(report) });
      return report;
    } catch (err) {
      this._fail('migrate', err);
      return undefined;
    } finally {
      source?.close();
    }
  }

  dispose(): void {
    if (MigrationWizard._current === this) MigrationWizard._current = undefined;
    for (const d of this._disposables.splice(0)) d.dispose();
    this._panel.dispose();
  }
}

function reportJobIds(report: MigrationReport): string[] {
  return report.jobs.filter((j) => j.action === 'import' && j.id !== null).map((j) => j.id!);
}

function reportView(report: MigrationReport): ReportView {
  return {
    ok: report.verify.ok,
    imported: report.imported,
    tables: report.verify.tables,
    activeJobs: report.verify.activeJobs,
    mismatches: report.verify.spotChecks.mismatches,
    backupFolder: report.backupFolder,
    reportFile: report.reportFiles.markdown,
    databaseBackup: report.databaseBackup,
    jobCount: reportJobIds(report).length,
    warnings: report.warnings.map((w) => ({ code: w.code, count: w.count })),
  };
}

async function openReport(file: string): Promise<void> {
  const uri = vscode.Uri.file(file);
  // The rendered Markdown reads best; the text editor is there when the preview is not.
  try {
    await vscode.commands.executeCommand('markdown.showPreview', uri);
  } catch {
    await vscode.window.showTextDocument(uri);
  }
}
