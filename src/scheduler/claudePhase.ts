import os from 'node:os';
import type { Job, Run } from '../core/model';
import { outputTail } from '../core/outputTail';
import { calculateCost } from '../core/pricing';
import { detectUsageLimit, limitResumeAt } from '../core/usageLimit';
import type { Tx } from '../storage/database';
import type { UsageTotals } from '../storage/usageRepository';
import { buildClaudeArgs } from './claudeArgs';
import type { ClaudeLocation } from './claudeLocator';
import type { ClaudeRunSummary, ModelUsageSummary } from './claudeStream';
import { ClaudeStreamParser } from './claudeStream';
import type { PhaseContext, PhaseVerdict } from './phaseRunner';
import { logFailure, recordFailedPhase, runPhase } from './phaseRunner';
import type { SupervisedProcessOutcome } from './processSupervisor';
import type { RunOutcome } from './runOutcome';
import type { SchedulerSettings } from './settings';
import { errorMessage } from '../core/errorMessage';
import type { LogFn } from '../core/log';
import { USAGE_LIMIT_MESSAGE } from '../core/phases';

export interface ClaudePhaseInput {
  job: Job;
  run: Run;
  promptText: string;
  /** Continue the run's Claude session after a usage limit (`--resume`). */
  resume: boolean;
  claude: ClaudeLocation;
  baseEnv: NodeJS.ProcessEnv;
  defaultZone: string;
  settings: SchedulerSettings;
  signal: AbortSignal;
  log: LogFn;
}

/** null: the phase succeeded and the run goes on to validation. */
export type ClaudePhaseResult = RunOutcome | null;

const NOT_LOGGED_IN = /not logged in|please run \/login|invalid api key|authentication_failed/i;

/**
 * The execution phase: runs `claude -p` with the prompt on stdin, parses its stream-json line by
 * line, records the session, tokens and cost, and tells a usage limit (wait, resume) from a
 * failure (retry) from a failure no retry can fix (not logged in, no CLI, bad options).
 */
export async function runClaudePhase(ctx: PhaseContext, input: ClaudePhaseInput): Promise<ClaudePhaseResult> {
  const { job, run, settings } = input;
  if (!input.claude.found) {
    await recordFailedPhase(ctx, 'execution', input.claude.message);
    return { status: 'failed', error: input.claude.message, retryable: false };
  }
  let args: string[];
  try {
    args = buildClaudeArgs(job.options, {
      resumeSessionId: input.resume ? run.sessionId : null,
      promptViaStdin: true,
    });
  } catch (err) {
    const message = `The job's Claude options are invalid: ${errorMessage(err)}`;
    await recordFailedPhase(ctx, 'execution', message);
    return { status: 'failed', error: message, retryable: false };
  }
  // The executor checked the folder before the first phase.
  const cwd = job.options.workingDirectory ?? os.homedir();

  const parser = new ClaudeStreamParser({ onDiagnostic: (m) => input.log(`run ${run.id}: ${m}`, 'warn') });
  const timeoutSeconds = job.options.timeoutSeconds;
  let result: ClaudePhaseResult = null;
  await runPhase(
    ctx,
    'execution',
    {
      command: input.claude.path,
      args,
      cwd,
      env: { ...input.baseEnv, ...job.options.env },
      stdin: input.resume ? settings.continuationPrompt : input.promptText,
      timeoutMs: timeoutSeconds ? timeoutSeconds * 1000 : null,
      signal: input.signal,
      killGraceMs: settings.killGraceMs,
      onStdoutLine: (line) => parser.pushLine(line),
    },
    (o) => {
      const summary = parser.summary();
      result = classify(o, summary, input, ctx.clock.now(), timeoutSeconds);
      return verdictFor(result, o, summary);
    },
  );
  const summary = parser.summary();
  await ctx.lease.write((tx) => {
    if (summary.sessionId) tx.runs.update(run.id, { sessionId: summary.sessionId });
    recordUsage(tx, run, job, summary);
  });
  return result;
}

function classify(
  o: SupervisedProcessOutcome,
  s: ClaudeRunSummary,
  input: ClaudePhaseInput,
  now: Date,
  timeoutSeconds: number | null,
): ClaudePhaseResult {
  if (o.logError)
    return { status: 'failed', error: `Claude was stopped: ${logFailure(o)}.`, retryable: false };
  if (o.cancelled) return { status: 'cancelled', error: 'Cancelled while Claude was running.' };
  if (o.spawnError)
    return { status: 'failed', error: `Claude could not start: ${o.spawnError}`, retryable: false };
  const limit = detectUsageLimit({
    rateLimitRejectedResetsAt: s.rateLimit?.resetsAt ?? null,
    isError: s.isError || (o.exitCode ?? 1) !== 0,
    apiErrorStatus: s.apiErrorStatus,
    resultText: s.resultText ?? (s.errors.length > 0 ? s.errors.join('\n') : null),
    stderr: o.stderrTail,
    now,
    defaultZone: input.defaultZone,
  });
  if (limit) {
    const resumeAt = limitResumeAt(
      limit,
      now,
      input.settings.limitMarginSeconds,
      input.settings.fallbackWaitSeconds,
    );
    const when = limit.resetAt ? `resets ${limit.resetAt.toISOString()}` : 'reset time unknown';
    return {
      status: 'waiting_for_limit',
      resumeAt,
      message: `${USAGE_LIMIT_MESSAGE} (${limit.message.trim()}; ${when}); waiting until ${resumeAt.toISOString()}.`,
    };
  }
  if (o.timedOut)
    return { status: 'failed', error: `Claude timed out after ${timeoutSeconds} s.`, retryable: true };
  const text = [s.resultText, ...s.errors, o.stderrTail].filter(
    (t): t is string => !!t && t.trim().length > 0,
  );
  if (
    s.assistantError === 'authentication_failed' ||
    (s.isError && text.some((t) => NOT_LOGGED_IN.test(t)))
  ) {
    return {
      status: 'failed',
      error:
        `Claude Code is not logged in (${firstLine(text[0]) || 'authentication failed'}). Run \`claude\` once and ` +
        'sign in with /login, or set ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN for unattended runs.',
      retryable: false,
    };
  }
  if (s.subtype === 'error_max_budget_usd') {
    // Retrying would spend the same again: the job's per-run budget is the user's decision.
    const limit = input.job.options.maxBudgetUsd;
    return {
      status: 'failed',
      error:
        `Claude stopped at the job's per-run budget${limit === null ? '' : ` of $${limit.toFixed(2)}`}` +
        ` (${firstLine(text[0]) || 'maximum budget reached'}); spent $${(s.totalCostUsd ?? 0).toFixed(2)}.` +
        ' Raise the budget (--max-budget-usd) if the job needs more.',
      retryable: false,
    };
  }
  if (s.isError || o.exitCode !== 0 || !s.resultSeen) {
    const how =
      o.exitCode === null ? `was ended by ${o.signal ?? 'a signal'}` : `exited with code ${o.exitCode}`;
    const detail = firstLine(text[0]) || (s.resultSeen ? 'it reported an error' : 'it printed no result');
    return { status: 'failed', error: `Claude ${how}: ${detail}`, retryable: true };
  }
  return null;
}

function verdictFor(
  result: ClaudePhaseResult,
  o: SupervisedProcessOutcome,
  s: ClaudeRunSummary,
): PhaseVerdict {
  const tail = outputTail([s.resultText ?? '', o.stderrTail].filter((t) => t.length > 0).join('\n'));
  if (result === null) return { status: 'completed', errorMessage: null, outputTail: tail };
  if (result.status === 'cancelled')
    return { status: 'cancelled', errorMessage: result.error, outputTail: tail };
  if (result.status === 'waiting_for_limit')
    return { status: 'failed', errorMessage: result.message, outputTail: tail };
  if (result.status === 'succeeded') return { status: 'completed', errorMessage: null, outputTail: tail };
  return { status: 'failed', errorMessage: result.error, outputTail: tail };
}

function firstLine(text: string | undefined): string {
  return (text ?? '').trim().split('\n')[0]!.slice(0, 300);
}

/**
 * Records this run's own tokens and cost per model. After `--resume` the CLI reports the whole
 * conversation: what earlier runs of the session recorded is subtracted, unless the CLI said
 * what this run used by itself.
 */
function recordUsage(tx: Tx, run: Run, job: Job, s: ClaudeRunSummary): void {
  const own =
    s.runUsageByModel ??
    subtractRecorded(s.usageByModel, s.sessionId ? tx.usage.sessionTotals(s.sessionId) : []);
  for (const u of own) {
    if (u.inputTokens + u.outputTokens + u.cacheCreationTokens + u.cacheReadTokens === 0 && !u.costUsd)
      continue;
    const calculated = u.costUsd === null ? calculateCost(u.model, u) : null;
    tx.usage.insert({
      runId: run.id,
      jobId: job.id,
      sessionId: s.sessionId,
      model: u.model,
      inputTokens: u.inputTokens,
      outputTokens: u.outputTokens,
      cacheCreationTokens: u.cacheCreationTokens,
      cacheReadTokens: u.cacheReadTokens,
      costUsd: u.costUsd ?? calculated ?? 0,
      costSource: u.costUsd === null ? 'calculated' : 'reported',
    });
  }
}

function subtractRecorded(totals: ModelUsageSummary[], recorded: UsageTotals[]): ModelUsageSummary[] {
  return totals.map((t) => {
    const before = recorded.find((r) => r.model === t.model);
    if (!before) return t;
    const minus = (a: number, b: number) => Math.max(0, a - b);
    return {
      model: t.model,
      inputTokens: minus(t.inputTokens, before.inputTokens),
      outputTokens: minus(t.outputTokens, before.outputTokens),
      cacheCreationTokens: minus(t.cacheCreationTokens, before.cacheCreationTokens),
      cacheReadTokens: minus(t.cacheReadTokens, before.cacheReadTokens),
      costUsd: t.costUsd === null ? null : Math.max(0, t.costUsd - before.costUsd),
    };
  });
}
