// The CodeLens at the top of a prompt file: "Used by Nightly review · next today 02:00" and "Run
// Now" for each job using it (and "Review Permissions" when its permissions wait for review), or
// "Create Job from This Prompt" when none does.
import * as vscode from 'vscode';
import { formatWhen } from '../views/format';
import { jobAttention } from './jobAttention';
import { isInPromptFolder } from './promptFolder';
import type { PromptLinks } from './promptLinks';

export class PromptCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly _onDidChange = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this._onDidChange.event;

  constructor(private readonly _links: PromptLinks) {}

  /** The jobs changed: lenses are asked for again. */
  refresh(): void {
    this._onDidChange.fire();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const uses = this._links.jobsUsing(document.uri);
    if (uses.length === 0 && !isInPromptFolder(document.uri)) return [];
    const top = new vscode.Range(0, 0, 0, 0);
    if (uses.length === 0) {
      return [
        new vscode.CodeLens(top, {
          title: `$(add) ${vscode.l10n.t('Create Job from This Prompt')}`,
          command: 'nightPilot.createJobFromPrompt',
          arguments: [document.uri],
        }),
      ];
    }
    const now = new Date();
    return uses.flatMap(({ job, prompt }) => {
      const when =
        job.status !== 'active'
          ? job.status
          : job.nextRunTime
            ? vscode.l10n.t('next {0}', formatWhen(job.nextRunTime, now))
            : job.jobType === 'triggered'
              ? vscode.l10n.t('after its parent succeeds')
              : vscode.l10n.t('no upcoming run');
      const lenses = [
        new vscode.CodeLens(top, {
          title: `$(clock) ${vscode.l10n.t('Used by {0} · {1}', job.name, when)}`,
          tooltip: vscode.l10n.t('Edit the job "{0}"', job.name),
          command: 'nightPilot.editJob',
          arguments: [job.id],
        }),
        new vscode.CodeLens(top, {
          title: `$(play) ${vscode.l10n.t('Run Now')}`,
          tooltip: vscode.l10n.t('Run "{0}" now', job.name),
          command: 'nightPilot.runJob',
          arguments: [job.id],
        }),
      ];
      if (jobAttention(job, prompt)?.kind === 'review') {
        lenses.push(
          new vscode.CodeLens(top, {
            title: `$(warning) ${vscode.l10n.t('Review Permissions')}`,
            command: 'nightPilot.reviewPromptPermissions',
            arguments: [job.id],
          }),
        );
      }
      return lenses;
    });
  }

  dispose(): void {
    this._onDidChange.dispose();
  }
}
