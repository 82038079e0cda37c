// How jobs, runs and execution processes look in the Jobs view: the icon (a job's shows its last
// outcome), the label, the description, and the `contextValue`s the menus in package.json match on.
// Tooltips are built on hover (treeTooltips.ts, through resolveTreeItem).
import * as vscode from 'vscode';
import type { PhaseView } from '../core/phases';
import type { ExecutionProcess, Job, Prompt, Run, RunStatus } from '../core/model';
import { FINAL_RUN_STATUSES } from '../core/model';
import type { LimitHold } from '../scheduler/limitHold';
import type { JobOverview, UsageSum } from '../storage/jobOverview';
import { COMMAND } from '../commands/commandIds';
import { holdLabel, phaseLabel, runStatusLabel, triggerLabel } from './labels';
import { durationBetween, formatMoney, formatTime, formatTokensShort, formatWhen } from './format';
import { decorateJobItem } from '../prompts/jobAttention';
import type { ReviewNode } from './reviewItems';
import { reviewTreeItem } from './reviewItems';

/** One row of the Jobs view. */
export type JobsTreeNode =
  | {
      readonly kind: 'job';
      readonly job: Job;
      readonly overview: JobOverview;
      /** The parent's name, for a job its parent's success triggers. */
      readonly parentName: string | null;
      /** The job's prompt (its file, for what jobAttention shows). */
      readonly prompt?: Prompt;
    }
  | { readonly kind: 'children'; readonly parent: Job; readonly count: number }
  | {
      readonly kind: 'run';
      readonly run: Run;
      readonly job: Job;
      readonly hasProcesses: boolean;
      readonly usage: UsageSum | null;
    }
  | {
      readonly kind: 'process';
      readonly phase: PhaseView;
      readonly process: ExecutionProcess;
      readonly run: Run;
    }
  | { readonly kind: 'more'; readonly jobId: string; readonly shown: number; readonly total: number }
  | ReviewNode;

/** What every row is drawn against: the time, and the holds that keep jobs from starting. */
export interface TreeContext {
  readonly now: Date;
  readonly hold: LimitHold | null;
  readonly quiet: boolean;
  /** `display`: only costs Claude Code reported (nightPilot.usage.costMode). */
  readonly reportedCostOnly: boolean;
}

interface Look {
  icon: string;
  color?: string;
}

const RUNNING: Look = { icon: 'sync~spin', color: 'charts.blue' };
const WAITING: Look = { icon: 'watch', color: 'list.warningForeground' };
const FAILED: Look = { icon: 'error', color: 'testing.iconFailed' };
const PASSED: Look = { icon: 'pass', color: 'testing.iconPassed' };
const MUTED_CIRCLE: Look = { icon: 'circle-slash', color: 'disabledForeground' };

const RUN_LOOK: Record<RunStatus, Look> = {
  queued: { icon: 'circle-outline', color: 'charts.blue' },
  running: RUNNING,
  waiting_for_limit: WAITING,
  succeeded: PASSED,
  failed: FAILED,
  cancelled: MUTED_CIRCLE,
  skipped: { icon: 'dash', color: 'disabledForeground' },
};

function themeIcon(look: Look): vscode.ThemeIcon {
  return new vscode.ThemeIcon(look.icon, look.color ? new vscode.ThemeColor(look.color) : undefined);
}

/** The pause icon is ours: the codicon `debug-pause` takes the debugger's colour everywhere. */
function pauseIcon(extensionUri: vscode.Uri): { light: vscode.Uri; dark: vscode.Uri } {
  return {
    light: vscode.Uri.joinPath(extensionUri, 'media', 'icons', 'pause-light.svg'),
    dark: vscode.Uri.joinPath(extensionUri, 'media', 'icons', 'pause-dark.svg'),
  };
}

/** `job+active`, `job+paused+running+child`...: matched with `viewItem =~ /^job\+active\b/`. */
export function jobContextValue(job: Job, running: boolean): string {
  return ['job', job.status, running ? 'running' : null, job.parentJobId ? 'child' : null]
    .filter(Boolean)
    .join('+');
}

/** `run+running`, `run+failed+final`, `run+queued+cancelRequested`... */
export function runContextValue(run: Run): string {
  return [
    'run',
    run.status,
    run.cancelRequested ? 'cancelRequested' : null,
    FINAL_RUN_STATUSES.includes(run.status) ? 'final' : null,
  ]
    .filter(Boolean)
    .join('+');
}

/** The account-wide usage-limit hold keeps this active job from starting (its next fire falls in it). */
export function heldByLimit(job: Job, ctx: TreeContext): boolean {
  if (!ctx.hold || job.status !== 'active') return false;
  return job.nextRunTime !== null && job.nextRunTime < ctx.hold.until;
}

/** "next today 02:00", "after Nightly review succeeds", "paused"... */
export function scheduleText(job: Job, parentName: string | null, now: Date): string {
  switch (job.status) {
    case 'paused':
      return vscode.l10n.t('paused');
    case 'completed':
      return vscode.l10n.t('completed');
    case 'failed':
      return vscode.l10n.t('failed');
    case 'active':
      if (job.parentJobId !== null && job.nextRunTime === null)
        return vscode.l10n.t('after {0} succeeds', parentName ?? vscode.l10n.t('its parent'));
      return job.nextRunTime
        ? vscode.l10n.t('next {0}', formatWhen(job.nextRunTime, now))
        : vscode.l10n.t('no upcoming fire');
  }
}

function jobItem(node: Extract<JobsTreeNode, { kind: 'job' }>, ctx: TreeContext, extensionUri: vscode.Uri) {
  const { job, overview } = node;
  const hasChildren = overview.hasRuns || overview.childCount > 0;
  const item = new vscode.TreeItem(
    job.name,
    hasChildren ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
  );
  item.id = `job/${job.id}`;
  const parts: string[] = [];
  const held = overview.activeStatus === 'queued' && overview.waitReason !== null;
  if (overview.activeStatus === 'running') parts.push(vscode.l10n.t('running'));
  else if (overview.activeStatus === 'waiting_for_limit')
    parts.push(
      overview.resumeAt
        ? vscode.l10n.t('usage limit, resumes {0}', formatTime(overview.resumeAt))
        : vscode.l10n.t('waiting for the usage limit'),
    );
  else if (held) parts.push(holdLabel(overview.waitReason!));
  else if (heldByLimit(job, ctx))
    parts.push(vscode.l10n.t('usage limit until {0}', formatTime(ctx.hold!.until)));
  if (ctx.quiet && job.status === 'active') parts.push(vscode.l10n.t('quiet mode'));
  parts.push(scheduleText(job, node.parentName, ctx.now));
  item.description = parts.join(' · ');

  const waiting = overview.activeStatus === 'waiting_for_limit' || held || heldByLimit(job, ctx);
  const lastFailed = overview.lastOutcome === 'failed' || job.status === 'failed';
  if (overview.activeStatus === 'running') item.iconPath = themeIcon(RUNNING);
  else if (waiting) item.iconPath = themeIcon(WAITING);
  else if (lastFailed) item.iconPath = themeIcon(FAILED);
  else if (job.status === 'paused') item.iconPath = pauseIcon(extensionUri);
  else if (ctx.quiet && job.status === 'active') item.iconPath = new vscode.ThemeIcon('mute');
  else if (overview.lastOutcome === 'succeeded' || job.status === 'completed')
    item.iconPath = themeIcon(PASSED);
  else item.iconPath = themeIcon({ icon: 'clock' });
  item.contextValue = jobContextValue(job, overview.activeStatus === 'running');
  decorateJobItem(item, job, node.prompt);
  return item;
}

function childrenItem(node: Extract<JobsTreeNode, { kind: 'children' }>): vscode.TreeItem {
  const item = new vscode.TreeItem(
    vscode.l10n.t('Jobs triggered by this one'),
    vscode.TreeItemCollapsibleState.Expanded,
  );
  item.id = `children/${node.parent.id}`;
  item.description = vscode.l10n.t('{0}, after {1} succeeds', node.count, node.parent.name);
  item.iconPath = new vscode.ThemeIcon('type-hierarchy-sub');
  item.contextValue = 'children';
  return item;
}

/** "Succeeded · 1 min 12 s · 12.3K tokens · $0.04" and the like. */
export function runDescription(run: Run, job: Job, usage: UsageSum | null, ctx: TreeContext): string {
  const parts: string[] = [runStatusLabel(run.status)];
  if (run.status === 'queued' && run.trigger === 'retry' && run.resumeAt)
    parts[0] = vscode.l10n.t('Retry at {0}', formatTime(run.resumeAt));
  else if (run.status === 'waiting_for_limit' && run.resumeAt)
    parts.push(vscode.l10n.t('resumes {0}', formatTime(run.resumeAt)));
  else if (run.status === 'queued' && run.waitReason !== null) parts.push(holdLabel(run.waitReason));
  if (run.trigger !== 'schedule' && run.trigger !== 'retry') parts.push(triggerLabel(run.trigger));
  if (run.attempt > 1) parts.push(vscode.l10n.t('attempt {0} of {1}', run.attempt, job.retry.maxAttempts));
  const duration = durationBetween(run.startedAt, run.endedAt);
  if (duration) parts.push(duration);
  if (usage) {
    const tokens = usage.inputTokens + usage.outputTokens + usage.cacheCreationTokens + usage.cacheReadTokens;
    parts.push(vscode.l10n.t('{0} tokens', formatTokensShort(tokens)));
    parts.push(formatMoney(ctx.reportedCostOnly ? usage.reportedCostUsd : usage.costUsd));
  }
  if (run.cancelRequested && !run.endedAt) parts.push(vscode.l10n.t('cancelling'));
  return parts.join(' · ');
}

function runItem(node: Extract<JobsTreeNode, { kind: 'run' }>, ctx: TreeContext): vscode.TreeItem {
  const { run } = node;
  const item = new vscode.TreeItem(
    formatWhen(run.startedAt ?? run.scheduledFor, ctx.now),
    node.hasProcesses ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
  );
  item.id = `run/${run.id}`;
  item.description = runDescription(run, node.job, node.usage, ctx);
  const held = run.status === 'queued' && run.waitReason !== null;
  item.iconPath = themeIcon(held ? WAITING : RUN_LOOK[run.status]);
  item.contextValue = runContextValue(run);
  if (node.hasProcesses)
    item.command = {
      title: vscode.l10n.t('Open Transcript'),
      command: COMMAND.openTranscript,
      arguments: [run.id],
    };
  return item;
}

function processItem(node: Extract<JobsTreeNode, { kind: 'process' }>): vscode.TreeItem {
  const { phase, process: p } = node;
  const item = new vscode.TreeItem(phaseLabel(phase), vscode.TreeItemCollapsibleState.None);
  item.id = `process/${p.id}`;
  const parts: string[] = [];
  if (phase.hitUsageLimit) parts.push(vscode.l10n.t('Usage limit'));
  else {
    parts.push(
      p.status === 'completed'
        ? vscode.l10n.t('Completed')
        : p.status === 'failed'
          ? vscode.l10n.t('Failed')
          : p.status === 'cancelled'
            ? vscode.l10n.t('Cancelled')
            : p.status === 'running'
              ? vscode.l10n.t('Running')
              : vscode.l10n.t('Queued'),
    );
    if (p.exitCode !== null && p.exitCode !== 0) parts.push(vscode.l10n.t('exit {0}', p.exitCode));
  }
  const duration = durationBetween(p.startTime, p.endTime);
  if (duration) parts.push(duration);
  item.description = parts.join(' · ');
  item.iconPath = phase.hitUsageLimit
    ? themeIcon(WAITING)
    : themeIcon(
        p.status === 'completed'
          ? PASSED
          : p.status === 'failed'
            ? FAILED
            : p.status === 'running'
              ? RUNNING
              : p.status === 'cancelled'
                ? MUTED_CIRCLE
                : { icon: 'circle-outline' },
      );
  item.contextValue = `process+${p.status}${phase.hitUsageLimit ? '+usageLimit' : ''}${p.logFile ? '+log' : ''}`;
  // Claude's phases read best as the transcript; a command's output is plain text.
  if (p.processType === 'execution')
    item.command = {
      title: vscode.l10n.t('Open Transcript'),
      command: COMMAND.openTranscript,
      arguments: [p.runId],
    };
  else if (p.logFile)
    item.command = {
      title: vscode.l10n.t('Open Raw Log'),
      command: COMMAND.openRawLog,
      arguments: [p.logFile],
    };
  return item;
}

function moreItem(node: Extract<JobsTreeNode, { kind: 'more' }>): vscode.TreeItem {
  const left = node.total - node.shown;
  const item = new vscode.TreeItem(vscode.l10n.t('Show more'), vscode.TreeItemCollapsibleState.None);
  item.id = `more/${node.jobId}/${node.shown}`;
  item.description = vscode.l10n.t('{0} older run(s)', left);
  item.iconPath = new vscode.ThemeIcon('ellipsis');
  item.contextValue = 'more';
  item.command = {
    title: vscode.l10n.t('Show more'),
    command: COMMAND.showMoreRuns,
    arguments: [node.jobId],
  };
  return item;
}

/** The TreeItem for one node, without its tooltip (see treeTooltips.ts). */
export function toTreeItem(node: JobsTreeNode, ctx: TreeContext, extensionUri: vscode.Uri): vscode.TreeItem {
  switch (node.kind) {
    case 'job':
      return jobItem(node, ctx, extensionUri);
    case 'children':
      return childrenItem(node);
    case 'run':
      return runItem(node, ctx);
    case 'process':
      return processItem(node);
    case 'more':
      return moreItem(node);
    case 'review':
    case 'reviewRun':
    case 'reviewFile':
    case 'reviewProblem':
      return reviewTreeItem(node, ctx.now);
  }
}
