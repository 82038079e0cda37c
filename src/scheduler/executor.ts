import os from 'node:os';
import path from 'node:path';
import type { ExecutionOptions, Run, RunWorktree } from '../core/model';
import { describePromptRefusal, resolvePromptOptions } from '../core/promptGrants';
import { effectiveIsolation, runCommitMessage } from '../core/runBranch';
import type { GitDeps } from '../git/gitCommand';
import { withoutRepositoryVariables } from '../git/gitCommand';
import type { NightPilotDatabase } from '../storage/database';
import { runLogDirectory } from '../storage/paths';
import type { ClaudeLocation } from './claudeLocator';
import { runClaudePhase } from './claudePhase';
import type { Clock } from './clock';
import type { PhaseContext } from './phaseRunner';
import { commandVerdict, recordFailedPhase, runPhase } from './phaseRunner';
import type { ProcessRunner } from './processSupervisor';
import { readRunPrompt } from './promptText';
import { RunLease } from './runLease';
import type { OutcomeEffects, RunOutcome } from './runOutcome';
import { ownedBy, recordOutcome } from './runOutcome';
import type { SchedulerSettings } from './settings';
import { errorMessage } from '../core/errorMessage';
import type { LogFn } from '../core/log';
import { isDirectory } from './workingFolder';
import type { WorktreeWork } from './worktreeRun';
import { openRunWorktree, settleRunWorktree } from './worktreeRun';

export interface ExecutorDeps {
  db: NightPilotDatabase;
  clock: Clock;
  runner: ProcessRunner;
  settings: SchedulerSettings;
  /** Finds the Claude CLI for each run, so installing it later needs no restart. */
  locateClaude: () => Promise<ClaudeLocation>;
  /** The environment Claude and the phase commands start from. */
  baseEnv: NodeJS.ProcessEnv;
  /** Zone for usage-limit reset times printed without one. */
  defaultZone: string;
  log: LogFn;
  /** The git executable worktree runs use (default: `git` on PATH). */
  gitPath?: string;
}

/** Git as the executor runs it: through the same supervisor, from the same environment. */
export function executorGit(deps: Pick<ExecutorDeps, 'runner' | 'baseEnv' | 'gitPath'>): GitDeps {
  return { runner: deps.runner, gitPath: deps.gitPath ?? 'git', env: deps.baseEnv };
}

/** How often a run's owner checks whether the run is still its own and whether a cancel was asked. */
const CANCEL_POLL_MS = 500;
/** Cleanup always runs, but not forever. */
const CLEANUP_TIMEOUT_MS = 10 * 60_000;

/**
 * Executes a run this process has just started (its `owner`): setup, Claude, validation, cleanup,
 * each a recorded phase; keeps its owner's heartbeat fresh; honours cancellation from `signal` or
 * from another process (`cancel_requested`); and records the outcome with its consequences.
 *
 * Every write is fenced on still owning the run (see RunLease): if another process recovered,
 * cancelled or deleted it meanwhile, the work stops at once (Claude's group is ended), no cleanup
 * runs, nothing more is recorded, and the result is null.
 */
export async function executeRun(
  deps: ExecutorDeps,
  run: Run,
  signal: AbortSignal,
): Promise<OutcomeEffects | null> {
  const { db, clock, settings } = deps;
  const abort = new AbortController();
  const onAbort = () => abort.abort();
  signal.addEventListener('abort', onAbort);
  if (signal.aborted) abort.abort();
  const lease = new RunLease(db, run.id, run.owner!, abort, deps.log);
  // The heartbeat is a file's time, not a write of the database (storage/ownerHeartbeats.ts).
  const beat = () => {
    try {
      db.heartbeats.beat(lease.owner, clock.now());
    } catch (err) {
      deps.log(`run ${run.id}: heartbeat not recorded: ${errorMessage(err)}`, 'warn');
    }
  };
  beat();
  const heartbeat = setInterval(beat, settings.heartbeatMs);
  heartbeat.unref();
  const cancelWatch = setInterval(() => {
    try {
      lease.poll();
    } catch {
      // A transient read problem must not end the run; the next poll tries again.
    }
  }, CANCEL_POLL_MS);
  cancelWatch.unref();

  let outcome: RunOutcome;
  // The options the run's phases used (the prompt's front matter applied); cleanup uses them too.
  let options: ExecutionOptions | undefined;
  // The run's worktree, once made: settled (committed, measured, or removed) after cleanup.
  let worktree: RunWorktree | undefined;
  try {
    outcome = await runPhases(
      deps,
      lease,
      run,
      abort.signal,
      (o) => (options = o),
      (w) => (worktree = w),
    );
  } catch (err) {
    outcome = {
      status: 'failed',
      error: `Night Pilot could not run the job: ${errorMessage(err)}`,
      retryable: false,
    };
  } finally {
    clearInterval(cancelWatch);
    signal.removeEventListener('abort', onAbort);
  }
  if (outcome.status === 'failed' && abort.signal.aborted && lease.lost === null)
    outcome = { status: 'cancelled', error: 'Cancelled.' };
  try {
    if (lease.lost !== null) return null;
    if (outcome.status !== 'waiting_for_limit') await runCleanup(deps, lease, run, options);
    // A run waiting for a usage limit works on in its worktree when it resumes. Otherwise the
    // worktree is settled even when the lease was lost: its row, not the run, fences it.
    if (worktree !== undefined && outcome.status !== 'waiting_for_limit') {
      const job = deps.db.read((tx) => tx.jobs.get(run.jobId));
      const settled = await settleRunWorktree(
        worktreeWork(deps, lease.owner, run, (fn) => deps.db.write(fn)),
        worktree,
        runCommitMessage(job ?? { name: worktree.jobName, timezone: 'UTC' }, run.scheduledFor),
        { states: ['active'], owner: lease.owner },
      );
      deps.log(`run ${run.id}: worktree ${settled.summary}`);
    }
    if (lease.lost !== null) return null;
    const effects = await db.write((tx) =>
      recordOutcome(tx, run.id, ownedBy(lease.owner), outcome, clock.now()),
    );
    if (effects === null) lease.lose('taken over');
    return effects;
  } finally {
    // The heartbeat covers cleanup too: a long cleanup must not look like a dead owner.
    clearInterval(heartbeat);
  }
}

function worktreeWork(
  deps: ExecutorDeps,
  owner: string,
  run: Run,
  write: WorktreeWork['write'],
  signal?: AbortSignal,
): WorktreeWork {
  return {
    git: executorGit(deps),
    owner,
    write,
    logFile: path.join(runLogDirectory(deps.db.path, run.jobId, run.id), 'worktree.log'),
    signal,
  };
}

function phaseContext(deps: ExecutorDeps, lease: RunLease, run: Run): PhaseContext {
  return {
    lease,
    clock: deps.clock,
    runner: deps.runner,
    runId: run.id,
    jobId: run.jobId,
    logDir: runLogDirectory(deps.db.path, run.jobId, run.id),
  };
}

async function runPhases(
  deps: ExecutorDeps,
  lease: RunLease,
  run: Run,
  signal: AbortSignal,
  onOptions: (options: ExecutionOptions) => void,
  onWorktree: (worktree: RunWorktree) => void,
): Promise<RunOutcome> {
  const { job, prompt, earlierExecutions } = deps.db.read((tx) => {
    const j = tx.jobs.require(run.jobId);
    return {
      job: j,
      prompt: tx.prompts.require(j.promptId),
      earlierExecutions: tx.processes.listByRun(run.id).filter((p) => p.processType === 'execution').length,
    };
  });
  const ctx = phaseContext(deps, lease, run);
  const fail = async (message: string): Promise<RunOutcome> => {
    // No retry: the same folder, file or settings would fail the same way until the user acts.
    await recordFailedPhase(ctx, 'execution', message);
    return { status: 'failed', error: message, retryable: false };
  };
  const folder = job.options.workingDirectory;
  if (folder !== null && !isDirectory(folder)) {
    return fail(
      `The job's working folder ${folder} does not exist any more (deleted, renamed or unmounted). Restore it, or choose another folder (Edit Job, or night-pilot job edit --cwd).`,
    );
  }
  // Read before any phase runs, so a missing or broken prompt file runs no setup command.
  let promptText: string;
  let options: ExecutionOptions;
  try {
    const read = readRunPrompt(prompt);
    const resolved = resolvePromptOptions(job.options, read.settings);
    if (!resolved.ok) return fail(`Night Pilot did not run the job: ${describePromptRefusal(resolved)}.`);
    promptText = read.text;
    options = resolved.options;
  } catch (err) {
    return fail(errorMessage(err));
  }
  let baseEnv = deps.baseEnv;
  if (effectiveIsolation(options) === 'worktree') {
    const opened = await openRunWorktree(
      worktreeWork(deps, lease.owner, run, (fn) => lease.write(fn), signal),
      deps.db.path,
      run,
      job,
      options,
    );
    if (!opened.ok)
      return lease.lost !== null
        ? { status: 'failed', error: opened.message, retryable: false }
        : fail(opened.message);
    onWorktree(opened.worktree);
    // Every phase works in the worktree; variables naming another repository would undo that.
    options = { ...options, workingDirectory: opened.cwd };
    baseEnv = withoutRepositoryVariables(baseEnv);
  }
  onOptions(options);
  const runJob = { ...job, options };
  // A run back from a usage-limit wait has done its setup and has a session to continue.
  const resuming = earlierExecutions > 0;
  const env = { ...baseEnv, ...options.env };
  const cwd = options.workingDirectory ?? undefined;

  const commandPhase = (phase: 'setup' | 'validation', command: string) =>
    runCommandPhase(
      ctx,
      phase,
      shellRequest(command, cwd, env, options.timeoutSeconds, signal, deps.settings.killGraceMs),
      options.timeoutSeconds,
    );

  if (!resuming && options.setupCommand) {
    const stop = await commandPhase('setup', options.setupCommand);
    if (stop !== null) return stop;
  }

  const claude = await deps.locateClaude();
  const result = await runClaudePhase(ctx, {
    job: runJob,
    run: deps.db.read((tx) => tx.runs.require(run.id)),
    promptText,
    resume: resuming && deps.settings.resumeSession && run.sessionId !== null,
    claude,
    baseEnv,
    defaultZone: deps.defaultZone,
    settings: deps.settings,
    signal,
    log: deps.log,
  });
  if (result !== null) return result;

  if (options.validationCommand) {
    const stop = await commandPhase('validation', options.validationCommand);
    if (stop !== null) return stop;
  }
  return { status: 'succeeded' };
}

/**
 * Runs the job's setup or validation command as a recorded phase. Returns the outcome that ends
 * the run there (cancelled, or a retryable failure), or null when the run goes on.
 */
async function runCommandPhase(
  ctx: PhaseContext,
  phase: 'setup' | 'validation',
  request: ReturnType<typeof shellRequest>,
  timeoutSeconds: number | null,
): Promise<RunOutcome | null> {
  const { verdict } = await runPhase(ctx, phase, request, (o) =>
    commandVerdict(`The ${phase} command`, o, timeoutSeconds),
  );
  if (verdict.status === 'cancelled') return { status: 'cancelled', error: `Cancelled during ${phase}.` };
  if (verdict.status === 'failed') return { status: 'failed', error: verdict.errorMessage!, retryable: true };
  return null;
}

async function runCleanup(
  deps: ExecutorDeps,
  lease: RunLease,
  run: Run,
  used: ExecutionOptions | undefined,
): Promise<void> {
  const job = deps.db.read((tx) => tx.jobs.get(run.jobId));
  if (!job?.options.cleanupCommand) return;
  // The environment the run's other phases had (the prompt's env included), when they got that far.
  const options = used ?? job.options;
  try {
    await runPhase(
      phaseContext(deps, lease, run),
      'cleanup',
      {
        ...shellRequest(
          job.options.cleanupCommand,
          options.workingDirectory ?? undefined,
          {
            ...(used?.isolation === 'worktree' ? withoutRepositoryVariables(deps.baseEnv) : deps.baseEnv),
            ...options.env,
          },
          null,
          undefined,
          deps.settings.killGraceMs,
        ),
        timeoutMs: CLEANUP_TIMEOUT_MS,
      },
      (o) => commandVerdict('The cleanup command', o, CLEANUP_TIMEOUT_MS / 1000),
    );
  } catch (err) {
    deps.log(`run ${run.id}: cleanup could not be recorded: ${errorMessage(err)}`, 'error');
  }
}

function shellRequest(
  command: string,
  cwd: string | undefined,
  env: NodeJS.ProcessEnv,
  timeoutSeconds: number | null,
  signal: AbortSignal | undefined,
  killGraceMs: number,
) {
  return {
    command,
    args: [],
    shell: true,
    cwd: cwd ?? os.homedir(),
    env,
    timeoutMs: timeoutSeconds ? timeoutSeconds * 1000 : null,
    signal,
    killGraceMs,
  };
}
