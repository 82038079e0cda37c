// The Markdown tooltips of the Jobs view, built when the user hovers (resolveTreeItem): short ids,
// the prompt's title, the folder, the model, the schedule with its zone once, tokens and cost.
import * as vscode from 'vscode';
import { appendJobAttention } from '../prompts/jobAttention';
import { describeCron } from '../core/cron';
import { retryDelaySeconds } from '../core/retry';
import { formatDuration } from '../core/timeFormat';
import type { Job, Prompt, Run } from '../core/model';
import type { JobOverview, UsageSum } from '../storage/jobOverview';
import {
  durationBetween,
  escapeMarkdown,
  formatCount,
  formatFull,
  formatMoney,
  formatWhen,
  shortId,
} from './format';
import type { JobsTreeNode, TreeContext } from './treeItems';
import { phaseLabel, runStatusLabel, triggerLabel } from './labels';
import { heldByLimit } from './treeItems';

/** What a job's tooltip shows beyond the job row itself. */
export interface JobDetails {
  prompt: Prompt | undefined;
  parentName: string | null;
  /** Tokens and cost of the last 30 days. */
  usage30d: UsageSum;
}

function markdown(): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.isTrusted = false;
  md.supportHtml = false;
  return md;
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

function line(md: vscode.MarkdownString, text: string): void {
  md.appendMarkdown(`${text}  \n`);
}

function totalTokens(u: UsageSum): number {
  return u.inputTokens + u.outputTokens + u.cacheCreationTokens + u.cacheReadTokens;
}

function usageLine(u: UsageSum, ctx: TreeContext): string {
  return vscode.l10n.t(
    '{0} tokens ({1} in, {2} out, {3} cache write, {4} cache read), {5}',
    formatCount(totalTokens(u)),
    formatCount(u.inputTokens),
    formatCount(u.outputTokens),
    formatCount(u.cacheCreationTokens),
    formatCount(u.cacheReadTokens),
    formatMoney(ctx.reportedCostOnly ? u.reportedCostUsd : u.costUsd),
  );
}

function schedule(job: Job): string {
  try {
    // The description ends with the zone ("At 02:00:00 every day, Europe/Berlin").
    return describeCron(job.cronExpression, job.timezone);
  } catch (err) {
    return vscode.l10n.t('cannot be read ({0})', err instanceof Error ? err.message : String(err));
  }
}

export function jobTooltip(
  node: Extract<JobsTreeNode, { kind: 'job' }>,
  details: JobDetails,
  ctx: TreeContext,
): vscode.MarkdownString {
  const { job, overview } = node;
  const md = markdown();
  line(md, `**${escapeMarkdown(job.name)}** ${code(shortId(job.id))}`);
  if (details.prompt) {
    const title = escapeMarkdown(details.prompt.title || vscode.l10n.t('(untitled)'));
    line(
      md,
      details.prompt.filePath
        ? vscode.l10n.t('Prompt: {0} ({1})', title, code(details.prompt.filePath))
        : vscode.l10n.t('Prompt: {0}', title),
    );
  }
  md.appendMarkdown('\n');
  if (job.parentJobId !== null && job.nextRunTime === null && job.status === 'active') {
    line(md, vscode.l10n.t('Runs after {0} succeeds', escapeMarkdown(details.parentName ?? job.parentJobId)));
  } else {
    line(md, vscode.l10n.t('Schedule: {0}, {1}', code(job.cronExpression), escapeMarkdown(schedule(job))));
    if (job.status === 'active' && job.nextRunTime)
      line(md, vscode.l10n.t('Next fire: {0}', escapeMarkdown(formatFull(job.nextRunTime))));
  }
  line(md, statusLine(job, overview));
  if (job.lastRunTime) line(md, vscode.l10n.t('Last run: {0}', escapeMarkdown(formatFull(job.lastRunTime))));
  line(
    md,
    vscode.l10n.t(
      'Runs: {0}, failures: {1}, priority {2}',
      job.executionCount,
      job.failureCount,
      job.priority,
    ),
  );
  md.appendMarkdown('\n');
  line(
    md,
    vscode.l10n.t(
      'Folder: {0}',
      job.options.workingDirectory
        ? code(job.options.workingDirectory)
        : vscode.l10n.t('none set (home folder)'),
    ),
  );
  line(
    md,
    vscode.l10n.t(
      'Model: {0}',
      job.options.model ? code(job.options.model) : vscode.l10n.t("Claude Code's default"),
    ),
  );
  if (job.options.permissionMode)
    line(md, vscode.l10n.t('Permission mode: {0}', code(job.options.permissionMode)));
  line(
    md,
    totalTokens(details.usage30d) === 0 && details.usage30d.costUsd === 0
      ? vscode.l10n.t('Last 30 days: no usage recorded')
      : vscode.l10n.t('Last 30 days: {0}', usageLine(details.usage30d, ctx)),
  );
  const waits: string[] = [];
  if (overview.activeStatus === 'queued' && overview.waitReason)
    waits.push(escapeMarkdown(overview.waitReason));
  if (heldByLimit(job, ctx))
    waits.push(
      vscode.l10n.t(
        'The usage limit holds every job until {0} (local time).',
        escapeMarkdown(formatWhen(ctx.hold!.until, ctx.now)),
      ),
    );
  if (ctx.quiet && job.status === 'active')
    waits.push(vscode.l10n.t('Quiet mode: no job starts until you resume all jobs.'));
  if (waits.length > 0) {
    md.appendMarkdown('\n');
    for (const w of waits) line(md, `$(watch) ${w}`);
  }
  appendJobAttention(md, job, details.prompt);
  return md;
}

function statusLine(job: Job, overview: JobOverview): string {
  const last =
    overview.lastOutcome === null
      ? vscode.l10n.t('never ran')
      : runStatusLabel(overview.lastOutcome).toLowerCase();
  switch (job.status) {
    case 'active':
      return overview.activeStatus === 'running'
        ? vscode.l10n.t('Active, running now; last outcome: {0}', last)
        : vscode.l10n.t('Active; last outcome: {0}', last);
    case 'paused':
      return vscode.l10n.t('Paused; last outcome: {0}', last);
    case 'completed':
      return vscode.l10n.t('Completed (a one-time job that ran)');
    case 'failed':
      return vscode.l10n.t('Failed (a one-time job whose run failed)');
  }
}

export function runTooltip(
  node: Extract<JobsTreeNode, { kind: 'run' }>,
  ctx: TreeContext,
): vscode.MarkdownString {
  const { run, job } = node;
  const md = markdown();
  line(md, `**${escapeMarkdown(job.name)}** ${code(shortId(run.id))}`);
  line(md, `${runStatusLabel(run.status)} · ${triggerLabel(run.trigger)}`);
  md.appendMarkdown('\n');
  line(md, vscode.l10n.t('Attempt {0} of {1}', run.attempt, job.retry.maxAttempts));
  line(md, vscode.l10n.t('Scheduled for: {0}', escapeMarkdown(formatFull(run.scheduledFor))));
  if (run.startedAt) line(md, vscode.l10n.t('Started: {0}', escapeMarkdown(formatFull(run.startedAt))));
  if (run.endedAt) {
    const duration = durationBetween(run.startedAt, run.endedAt);
    line(
      md,
      duration
        ? vscode.l10n.t('Ended: {0} ({1})', escapeMarkdown(formatFull(run.endedAt)), duration)
        : vscode.l10n.t('Ended: {0}', escapeMarkdown(formatFull(run.endedAt))),
    );
  }
  waitLines(md, run, job, ctx);
  if (node.usage) line(md, usageLine(node.usage, ctx));
  if (node.usage && node.usage.models.length > 0)
    line(md, vscode.l10n.t('Model: {0}', node.usage.models.map(code).join(', ')));
  if (run.sessionId) line(md, vscode.l10n.t('Claude session: {0}', code(shortId(run.sessionId))));
  if (run.error && run.status !== 'waiting_for_limit')
    md.appendMarkdown('\n').appendCodeblock(run.error, 'text');
  return md;
}

/** Why a run that has not ended waits: a retry's backoff, a usage limit, a budget or smart start. */
function waitLines(md: vscode.MarkdownString, run: Run, job: Job, ctx: TreeContext): void {
  if (run.status === 'queued' && run.waitReason !== null) {
    line(md, `$(watch) ${escapeMarkdown(run.waitReason)}`);
    if (run.resumeAt) line(md, vscode.l10n.t('Starts after {0}', escapeMarkdown(formatFull(run.resumeAt))));
  } else if (run.status === 'queued' && run.trigger === 'retry' && run.resumeAt) {
    const delay = formatDuration(retryDelaySeconds(job.retry, run.attempt - 1) * 1000);
    line(
      md,
      `$(history) ${vscode.l10n.t(
        'Retry {0} of {1} after a {2} backoff ({3}): starts at {4}',
        run.attempt - 1,
        Math.max(1, job.retry.maxAttempts - 1),
        delay,
        job.retry.strategy,
        escapeMarkdown(formatWhen(run.resumeAt, ctx.now)),
      )}`,
    );
  } else if (run.status === 'waiting_for_limit') {
    line(
      md,
      run.resumeAt
        ? `$(watch) ${vscode.l10n.t(
            'Hit the usage limit; resumes after it resets, at {0} (local time)',
            escapeMarkdown(formatWhen(run.resumeAt, ctx.now)),
          )}`
        : `$(watch) ${vscode.l10n.t('Hit the usage limit; resumes after it resets')}`,
    );
  }
}

export function processTooltip(node: Extract<JobsTreeNode, { kind: 'process' }>): vscode.MarkdownString {
  const { process: p, phase } = node;
  const md = markdown();
  line(md, `**${phaseLabel(phase)}**`);
  if (phase.hitUsageLimit)
    line(
      md,
      `$(watch) ${vscode.l10n.t('Stopped by the usage limit; the run resumed or resumes its session after the reset.')}`,
    );
  if (p.startTime) line(md, vscode.l10n.t('Started: {0}', escapeMarkdown(formatFull(p.startTime))));
  if (p.endTime) line(md, vscode.l10n.t('Ended: {0}', escapeMarkdown(formatFull(p.endTime))));
  if (p.exitCode !== null) line(md, vscode.l10n.t('Exit code: {0}', p.exitCode));
  if (p.logFile) line(md, vscode.l10n.t('Log: {0}', code(p.logFile)));
  if (p.errorMessage) md.appendMarkdown('\n').appendCodeblock(p.errorMessage, 'text');
  else if (p.outputTail) md.appendMarkdown('\n').appendCodeblock(p.outputTail.slice(-1500), 'text');
  return md;
}

/** A short hint for the "Show more" row. */
export function moreTooltip(node: Extract<JobsTreeNode, { kind: 'more' }>): string {
  return vscode.l10n.t(
    '{0} of {1} runs shown; older ones stay until retention removes them.',
    node.shown,
    node.total,
  );
}
