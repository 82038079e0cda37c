// The words for a run's status and trigger, a phase, a status filter and a hold, as the Jobs view,
// the transcripts, the pickers and the notifications say them (translated).
import * as vscode from 'vscode';
import { isPromptReviewWait } from '../scheduler/promptGate';
import type { JobStatusFilter } from '../core/jobOrder';
import type { Run, RunStatus } from '../core/model';
import type { PhaseView } from '../core/phases';

/** "Succeeded", "Waiting for the usage limit"... */
export function runStatusLabel(status: RunStatus): string {
  switch (status) {
    case 'queued':
      return vscode.l10n.t('Queued');
    case 'running':
      return vscode.l10n.t('Running');
    case 'waiting_for_limit':
      return vscode.l10n.t('Waiting for the usage limit');
    case 'succeeded':
      return vscode.l10n.t('Succeeded');
    case 'failed':
      return vscode.l10n.t('Failed');
    case 'cancelled':
      return vscode.l10n.t('Cancelled');
    case 'skipped':
      return vscode.l10n.t('Skipped');
  }
}

export function triggerLabel(trigger: Run['trigger']): string {
  switch (trigger) {
    case 'schedule':
      return vscode.l10n.t('scheduled');
    case 'manual':
      return vscode.l10n.t('manual');
    case 'retry':
      return vscode.l10n.t('retry');
    case 'catch_up':
      return vscode.l10n.t('catch-up');
    case 'parent':
      return vscode.l10n.t('after its parent');
    case 'limit_resume':
      return vscode.l10n.t('resumed after a limit');
  }
}

export function phaseLabel(phase: PhaseView): string {
  switch (phase.kind) {
    case 'setup':
      return vscode.l10n.t('Setup');
    case 'execution':
      return vscode.l10n.t('Execution');
    case 'resumed':
      return vscode.l10n.t('Execution (resumed)');
    case 'validation':
      return vscode.l10n.t('Validation');
    case 'cleanup':
      return vscode.l10n.t('Cleanup');
  }
}

/** A status filter of the Jobs view, as its title bar and description name it. */
export function statusFilterLabel(status: JobStatusFilter): string {
  switch (status) {
    case 'running':
      return vscode.l10n.t('Running now');
    case 'failing':
      return vscode.l10n.t('Last run failed');
    case 'active':
      return vscode.l10n.t('Active');
    case 'paused':
      return vscode.l10n.t('Paused');
    case 'completed':
      return vscode.l10n.t('Completed');
  }
}

/** "held by smart start" or "held by a budget": what holds a queued run, short enough for a row. */
export function holdLabel(waitReason: string): string {
  if (isPromptReviewWait(waitReason)) return vscode.l10n.t('waits for your review');
  return /smart start/i.test(waitReason)
    ? vscode.l10n.t('held by smart start')
    : vscode.l10n.t('held by a budget');
}
