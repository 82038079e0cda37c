// Notifications about the runs this window executed: each names the job; a usage limit gives the
// reset in local time; "Show Log" opens the run's transcript; a failure offers Retry.
import * as vscode from 'vscode';
import { COMMAND } from '../commands/commandIds';
import type { Job, Run } from '../core/model';
import type { NightPilotDatabase } from '../storage/database';
import { usageByRun } from '../storage/jobOverview';
import { formatCountdown, formatMoney, formatTokensShort, formatWhen } from './format';

/** The first line of a run's error, short enough for a notification. */
function shortError(error: string | null): string {
  const first = (error ?? '').trim().split('\n')[0] ?? '';
  return first.length > 300 ? `${first.slice(0, 299)}…` : first;
}

export class RunNotifications {
  constructor(
    private readonly _db: NightPilotDatabase,
    private readonly _now: () => Date = () => new Date(),
  ) {}

  /** Tells the user how a run ended (or that it waits for a limit). Resolves with the action taken. */
  async notify(run: Run): Promise<string | undefined> {
    const { job, usage } = this._db.read((tx) => ({
      job: tx.jobs.get(run.jobId),
      usage: usageByRun(tx, [run.id]).get(run.id),
    }));
    const name = job?.name ?? vscode.l10n.t('a deleted job');
    const showLog = vscode.l10n.t('Show Log');
    switch (run.status) {
      case 'failed': {
        const retry = vscode.l10n.t('Retry');
        const choice = await vscode.window.showErrorMessage(
          vscode.l10n.t(
            'Night Pilot: "{0}" failed: {1}',
            name,
            shortError(run.error) || vscode.l10n.t('no reason given'),
          ),
          ...(job ? [retry] : []),
          showLog,
        );
        await this._act(choice, { retry, showLog }, run, job);
        return choice;
      }
      case 'waiting_for_limit': {
        const now = this._now();
        const message = run.resumeAt
          ? vscode.l10n.t(
              'Night Pilot: "{0}" hit the Claude usage limit. It resumes {1} (in {2}); no job starts before then.',
              name,
              formatWhen(run.resumeAt, now),
              formatCountdown(run.resumeAt, now),
            )
          : vscode.l10n.t('Night Pilot: "{0}" hit the Claude usage limit; it resumes after the reset.', name);
        const choice = await vscode.window.showWarningMessage(message, showLog);
        await this._act(choice, { showLog }, run, job);
        return choice;
      }
      case 'succeeded': {
        // Run Job Now tells its own success; the setting is about runs nobody watched.
        if (
          run.trigger === 'manual' ||
          !vscode.workspace.getConfiguration('nightPilot').get<boolean>('notifications.onSuccess', false)
        )
          return undefined;
        const tokens = usage
          ? usage.inputTokens + usage.outputTokens + usage.cacheCreationTokens + usage.cacheReadTokens
          : 0;
        const choice = await vscode.window.showInformationMessage(
          usage
            ? vscode.l10n.t(
                'Night Pilot: "{0}" succeeded ({1} tokens, {2}).',
                name,
                formatTokensShort(tokens),
                formatMoney(usage.costUsd),
              )
            : vscode.l10n.t('Night Pilot: "{0}" succeeded.', name),
          showLog,
        );
        await this._act(choice, { showLog }, run, job);
        return choice;
      }
      default:
        return undefined;
    }
  }

  private async _act(
    choice: string | undefined,
    actions: { retry?: string; showLog: string },
    run: Run,
    job: Job | undefined,
  ): Promise<void> {
    if (choice === undefined) return;
    if (choice === actions.showLog) await vscode.commands.executeCommand(COMMAND.openTranscript, run.id);
    else if (choice === actions.retry && job) await vscode.commands.executeCommand(COMMAND.retryRun, run.id);
  }
}
