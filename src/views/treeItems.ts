// How jobs, runs and execution processes look in the Jobs view: codicons coloured by status,
// descriptions, markdown tooltips and the `contextValue`s the menus in package.json match on.
import * as vscode from 'vscode';
import { describeCron } from '../core/cron';
import type { ExecutionProcess, Job, JobStatus, Prompt, ProcessStatus, Run, RunStatus } from '../core/model';
import { decorateJobItem } from '../prompts/jobAttention';
import { isPromptReviewWait } from '../scheduler/promptGate';
import { durationBetween, formatFull, formatWhen } from './format';

/** One row of the Jobs view. */
export type JobsTreeNode =
  | {
      readonly kind: 'job';
      readonly job: Job;
      readonly hasChildren: boolean;
      readonly activeRun: boolean;
      /** Why the job's queued run waits (a budget, smart start), when one does. */
      readonly waitReason?: string | null;
      /** The job's prompt (its file, for what jobAttention shows). */
      readonly prompt?: Prompt;
    }
  | { readonly kind: 'run'; readonly run: Run; readonly hasProcesses: boolean }
  | { readonly kind: 'process'; readonly process: ExecutionProcess }
  | { readonly kind: 'more'; readonly jobId: string; readonly shown: number };

interface StatusLook {
  icon: string;
  color?: string;
}

const JOB_LOOK: Record<JobStatus, StatusLook> = {
  active: { icon: 'clock', color: 'charts.green' },
  paused: { icon: 'debug-pause', color: 'disabledForeground' },
  completed: { icon: 'pass', color: 'testing.iconPassed' },
  failed: { icon: 'error', color: 'testing.iconFailed' },
};

const RUN_LOOK: Record<RunStatus, StatusLook> = {
  queued: { icon: 'circle-outline', color: 'charts.blue' },
  running: { icon: 'sync~spin', color: 'charts.blue' },
  waiting_for_limit: { icon: 'watch', color: 'charts.yellow' },
  succeeded: { icon: 'pass', color: 'testing.iconPassed' },
  failed: { icon: 'error', color: 'testing.iconFailed' },
  cancelled: { icon: 'circle-slash', color: 'disabledForeground' },
  skipped: { icon: 'debug-step-over', color: 'disabledForeground' },
};

const PROCESS_LOOK: Record<ProcessStatus, StatusLook> = {
  queued: { icon: 'circle-outline' },
  running: { icon: 'sync~spin', color: 'charts.blue' },
  completed: { icon: 'pass', color: 'testing.iconPassed' },
  failed: { icon: 'error', color: 'testing.iconFailed' },
  cancelled: { icon: 'circle-slash', color: 'disabledForeground' },
};

function icon(look: StatusLook): vscode.ThemeIcon {
  return new vscode.ThemeIcon(look.icon, look.color ? new vscode.ThemeColor(look.color) : undefined);
}

/** `job+active`, `job+paused+running+child`...: matched with `viewItem =~ /^job\+active\b/`. */
export function jobContextValue(job: Job, activeRun: boolean): string {
  return ['job', job.status, activeRun ? 'running' : null, job.parentJobId ? 'child' : null]
    .filter(Boolean)
    .join('+');
}

/** `run+running`, `run+queued+cancelRequested`... */
export function runContextValue(run: Run): string {
  return ['run', run.status, run.cancelRequested ? 'cancelRequested' : null].filter(Boolean).join('+');
}

function humanize(value: string): string {
  const text = value.replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function safeDescribe(job: Job): string {
  try {
    return describeCron(job.cronExpression, job.timezone);
  } catch {
    return 'cannot be read';
  }
}

function markdown(): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.isTrusted = false;
  return md;
}

/** "budget" or "smart start": what holds a run, short enough for a tree row. */
function holdLabel(waitReason: string): string {
  if (isPromptReviewWait(waitReason)) return vscode.l10n.t('waits for your review');
  return /smart start/i.test(waitReason)
    ? vscode.l10n.t('held by smart start')
    : vscode.l10n.t('held by a budget');
}

function jobItem(
  job: Job,
  hasChildren: boolean,
  activeRun: boolean,
  now: Date,
  waitReason: string | null = null,
  prompt?: Prompt,
): vscode.TreeItem {
  const item = new vscode.TreeItem(
    job.name,
    hasChildren ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
  );
  item.id = `job/${job.id}`;
  if (job.status !== 'active') item.description = job.status;
  else item.description = job.nextRunTime ? `next ${formatWhen(job.nextRunTime, now)}` : 'no upcoming fire';
  if (waitReason) item.description = `${holdLabel(waitReason)} · ${String(item.description)}`;
  item.iconPath = waitReason
    ? icon(RUN_LOOK.waiting_for_limit)
    : activeRun
      ? icon(RUN_LOOK.running)
      : icon(JOB_LOOK[job.status]);
  item.contextValue = jobContextValue(job, activeRun);
  const md = markdown();
  md.appendMarkdown(`**${escape(job.name)}**  \n`);
  md.appendMarkdown(
    `$(${JOB_LOOK[job.status].icon}) ${humanize(job.status)}${activeRun ? ', running now' : ''}\n\n`,
  );
  md.appendMarkdown(
    `Schedule: \`${job.cronExpression}\` (${escape(safeDescribe(job))}, ${escape(job.timezone)})  \n`,
  );
  md.appendMarkdown(`Next fire: ${escape(formatFull(job.nextRunTime))}  \n`);
  md.appendMarkdown(`Last run: ${escape(formatFull(job.lastRunTime))}  \n`);
  md.appendMarkdown(
    `Runs: ${job.executionCount}, failures: ${job.failureCount}, priority ${job.priority}  \n`,
  );
  if (waitReason) md.appendMarkdown(`$(watch) ${escape(waitReason)}  \n`);
  md.appendMarkdown(`Id: \`${job.id}\``);
  decorateJobItem(item, md, job, prompt);
  item.tooltip = md;
  return item;
}

function runItem(run: Run, hasProcesses: boolean, now: Date): vscode.TreeItem {
  const item = new vscode.TreeItem(
    formatWhen(run.startedAt ?? run.scheduledFor, now),
    hasProcesses ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
  );
  item.id = `run/${run.id}`;
  const parts: string[] = [humanize(run.status)];
  if (run.trigger !== 'schedule') parts.push(humanize(run.trigger));
  if (run.attempt > 1) parts.push(`attempt ${run.attempt}`);
  const duration = durationBetween(run.startedAt, run.endedAt);
  if (duration) parts.push(duration);
  if (run.cancelRequested && !run.endedAt) parts.push('cancelling');
  const held = run.status === 'queued' && run.waitReason !== null;
  if (held) parts.push(holdLabel(run.waitReason!));
  item.description = parts.join(' · ');
  item.iconPath = held ? icon(RUN_LOOK.waiting_for_limit) : icon(RUN_LOOK[run.status]);
  item.contextValue = runContextValue(run);
  const md = markdown();
  md.appendMarkdown(`**Run** $(${RUN_LOOK[run.status].icon}) ${humanize(run.status)}  \n`);
  md.appendMarkdown(`Trigger: ${humanize(run.trigger)}, attempt ${run.attempt}  \n`);
  md.appendMarkdown(`Scheduled for: ${escape(formatFull(run.scheduledFor))}  \n`);
  md.appendMarkdown(`Started: ${escape(formatFull(run.startedAt))}  \n`);
  md.appendMarkdown(`Ended: ${escape(formatFull(run.endedAt))}${duration ? ` (${duration})` : ''}  \n`);
  if (held) {
    md.appendMarkdown(`$(watch) ${escape(run.waitReason!)}  \n`);
    if (run.resumeAt)
      md.appendMarkdown(`${escape(vscode.l10n.t('Starts after {0}', formatFull(run.resumeAt)))}  \n`);
  } else if (run.resumeAt) {
    md.appendMarkdown(`Resumes after the usage limit: ${escape(formatFull(run.resumeAt))}  \n`);
  }
  if (run.sessionId) md.appendMarkdown(`Claude session: \`${run.sessionId}\`  \n`);
  md.appendMarkdown(`Id: \`${run.id}\``);
  if (run.error) md.appendMarkdown('\n\n').appendCodeblock(run.error, 'text');
  item.tooltip = md;
  return item;
}

function processItem(p: ExecutionProcess): vscode.TreeItem {
  const item = new vscode.TreeItem(humanize(p.processType), vscode.TreeItemCollapsibleState.None);
  item.id = `process/${p.id}`;
  const parts: string[] = [humanize(p.status)];
  if (p.exitCode !== null) parts.push(`exit ${p.exitCode}`);
  const duration = durationBetween(p.startTime, p.endTime);
  if (duration) parts.push(duration);
  item.description = parts.join(' · ');
  item.iconPath = icon(PROCESS_LOOK[p.status]);
  item.contextValue = `process+${p.status}`;
  const md = markdown();
  md.appendMarkdown(
    `**${humanize(p.processType)}** $(${PROCESS_LOOK[p.status].icon}) ${humanize(p.status)}  \n`,
  );
  md.appendMarkdown(
    `Started: ${escape(formatFull(p.startTime))}  \nEnded: ${escape(formatFull(p.endTime))}  \n`,
  );
  if (p.logFile) md.appendMarkdown(`Log: \`${p.logFile}\` (click to open)  \n`);
  if (p.errorMessage) md.appendMarkdown('\n').appendCodeblock(p.errorMessage, 'text');
  if (p.outputTail) md.appendMarkdown('\n').appendCodeblock(p.outputTail.slice(-2000), 'text');
  item.tooltip = md;
  if (p.logFile) {
    item.command = { title: 'Open Log', command: 'vscode.open', arguments: [vscode.Uri.file(p.logFile)] };
  }
  return item;
}

function moreItem(shown: number): vscode.TreeItem {
  const item = new vscode.TreeItem(
    `Only the ${shown} newest runs are shown`,
    vscode.TreeItemCollapsibleState.None,
  );
  item.iconPath = new vscode.ThemeIcon('info');
  item.contextValue = 'more';
  return item;
}

/** Markdown-escapes text that comes from the user or the database. */
function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>$]/g, '\\$&');
}

/** The TreeItem for one node; `now` decides "today"/"tomorrow". */
export function toTreeItem(node: JobsTreeNode, now: Date): vscode.TreeItem {
  switch (node.kind) {
    case 'job':
      return jobItem(node.job, node.hasChildren, node.activeRun, now, node.waitReason ?? null, node.prompt);
    case 'run':
      return runItem(node.run, node.hasProcesses, now);
    case 'process':
      return processItem(node.process);
    case 'more':
      return moreItem(node.shown);
  }
}
