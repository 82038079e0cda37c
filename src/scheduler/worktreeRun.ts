// A worktree run's git work: the worktree and branch made before its first phase, its changes
// committed and measured after its last, and both removed when it changed nothing. Each step is
// recorded in `run_worktrees` before git is asked to do it, so a crash at any point leaves a row
// that says what may exist (worktreeRecovery.ts finishes or removes it).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { errorMessage } from '../core/errorMessage';
import type { ExecutionOptions, Job, Run, RunWorktree, WorktreeState } from '../core/model';
import { describeWorktreeStats, freeBranchName, runBranchName } from '../core/runBranch';
import type { GitCallOptions, GitDeps } from '../git/gitCommand';
import { GitError } from '../git/gitCommand';
import { branchCommit, describeRepositoryProblem, inspectRepository, listBranches } from '../git/repository';
import {
  addWorktree,
  commitAll,
  deleteBranch,
  diffStats,
  headOf,
  initSubmodules,
  removeWorktree,
} from '../git/worktrees';
import type { Tx } from '../storage/database';
import { runWorktreePath } from '../storage/paths';
import { processStartToken } from '../storage/processIdentity';
import type { WorktreePatch } from '../storage/worktreeRepository';

/** What a worktree step needs: git, who does the work, and how its writes are fenced. */
export interface WorktreeWork {
  git: GitDeps;
  /** The owner recorded on the row while the step runs (the run's owner, or a recoverer). */
  owner: string;
  /** Writes in one transaction; null when the caller no longer may (its run lease was lost). */
  write: <T>(fn: (tx: Tx) => T) => Promise<T | null>;
  /** Every git command line and its output is appended here (the run's `worktree.log`). */
  logFile?: string;
  signal?: AbortSignal;
}

export type OpenedWorktree =
  { ok: true; worktree: RunWorktree; cwd: string } | { ok: false; message: string };

/** How often a branch name is tried again when another run took it between our look and git. */
const BRANCH_ATTEMPTS = 3;

/**
 * Makes the run's worktree and branch (or takes back its own, for a run resuming after a usage
 * limit), so that every phase runs in it. On failure nothing of it is left behind and the message
 * says what the user can do.
 */
export async function openRunWorktree(
  w: WorktreeWork,
  databasePath: string,
  run: Run,
  job: Job,
  options: ExecutionOptions,
): Promise<OpenedWorktree> {
  const existing = await w.write((tx) => tx.worktrees.get(run.id) ?? null);
  if (existing !== null) return reopen(w, existing);
  const folder = options.workingDirectory;
  if (folder === null)
    return {
      ok: false,
      message: 'Worktree isolation needs a working folder in a git repository; this job has none.',
    };
  const repo = await inspectRepository(w.git, folder);
  if ('problem' in repo)
    return { ok: false, message: `Night Pilot did not run the job: ${describeRepositoryProblem(repo)}.` };
  const baseBranch = options.baseBranch ?? repo.currentBranch;
  if (baseBranch === null)
    return {
      ok: false,
      message: `The repository at ${repo.topLevel} is on a detached HEAD, so there is no current branch to start the run's worktree from. Check out a branch there, or set the job's base branch.`,
    };
  const baseCommit = await branchCommit(w.git, repo.topLevel, baseBranch);
  if (baseCommit === null)
    return {
      ok: false,
      message: `The job's base branch "${baseBranch}" does not exist in ${repo.topLevel} (deleted or renamed?). Set another base branch (Edit Job, or night-pilot job edit --base-branch), or clear it to use the current branch.`,
    };
  const target = runWorktreePath(databasePath, run.id);
  if (fs.existsSync(target))
    return {
      ok: false,
      message: `${target} already exists; Night Pilot will not put the run's worktree over it. Move it away and run the job again.`,
    };

  const wanted = runBranchName(job, run.scheduledFor);
  let lastError: GitError | null = null;
  for (let attempt = 0; attempt < BRANCH_ATTEMPTS; attempt++) {
    const taken = new Set((await listBranches(w.git, repo.topLevel, [wanted])).keys());
    const branch = freeBranchName(wanted, taken);
    const row = await w.write((tx) => {
      tx.worktrees.delete(run.id);
      return tx.worktrees.insert({
        runId: run.id,
        jobId: job.id,
        jobName: job.name,
        repository: repo.topLevel,
        path: target,
        subfolder: repo.subfolder,
        branch,
        baseBranch,
        baseCommit,
        state: 'creating',
        owner: w.owner,
      });
    });
    if (row === null) return { ok: false, message: "The run is no longer this process's." };
    try {
      await addWorktree(w.git, repo.topLevel, { path: target, branch, baseCommit }, tracked(w, run.id));
    } catch (err) {
      if (!(err instanceof GitError)) throw err;
      lastError = err;
      await removeLeftovers(w, row);
      await w.write((tx) => tx.worktrees.delete(run.id));
      // Another run (or the user) made the same branch since we looked: take the next name.
      if (/already exists/i.test(err.result.stderr) && !fs.existsSync(target)) continue;
      return { ok: false, message: `Night Pilot could not make the run's worktree: ${err.message}.` };
    }
    try {
      await initSubmodules(w.git, target, tracked(w, run.id));
    } catch (err) {
      await removeLeftovers(w, row);
      await w.write((tx) => tx.worktrees.delete(run.id));
      return {
        ok: false,
        message: `Night Pilot could not initialise the repository's submodules in the run's worktree (it was removed again): ${errorMessage(err)}.`,
      };
    }
    const active = await w.write((tx) =>
      tx.worktrees.transition(
        run.id,
        { from: ['creating'], owner: w.owner },
        { state: 'active', ...NO_GROUP },
      ),
    );
    if (active === null)
      return { ok: false, message: "The run's worktree was taken over while it was being made." };
    return { ok: true, worktree: active, cwd: workingFolderIn(active) };
  }
  return {
    ok: false,
    message: `Night Pilot could not find a free branch name for the run: ${lastError?.message ?? wanted}.`,
  };
}

/** A run back from a usage-limit wait works on in the worktree it had. */
async function reopen(w: WorktreeWork, row: RunWorktree): Promise<OpenedWorktree> {
  if (row.state !== 'active')
    return { ok: false, message: `The run's worktree is ${row.state}, so the run cannot go on in it.` };
  if (!fs.existsSync(row.path))
    return {
      ok: false,
      message: `The run's worktree ${row.path} is gone (deleted while the run waited), so the run cannot go on. Its branch ${row.branch} is kept.`,
    };
  const mine = await w.write((tx) =>
    tx.worktrees.transition(row.runId, { from: ['active'] }, { owner: w.owner }),
  );
  if (mine === null) return { ok: false, message: "The run's worktree changed while the run waited." };
  return { ok: true, worktree: mine, cwd: workingFolderIn(mine) };
}

/** The job's folder inside the worktree (the same place relative to the repository's top level). */
export function workingFolderIn(row: Pick<RunWorktree, 'path' | 'subfolder'>): string {
  return row.subfolder === '' ? row.path : path.join(row.path, ...row.subfolder.split('/'));
}

const NO_GROUP = { pgid: null, pgidStart: null, pgidHost: null } as const;

/** Git call options that record git's process group on the row while it runs. */
function tracked(w: WorktreeWork, runId: string): Omit<GitCallOptions, 'cwd' | 'onLine'> {
  return {
    logFile: w.logFile,
    signal: w.signal,
    onSpawn: (pid) => {
      const group = { pgid: pid, pgidStart: processStartToken(pid), pgidHost: os.hostname() };
      void w
        .write((tx) =>
          tx.worktrees.transition(
            runId,
            { from: ['creating', 'active', 'finishing'], owner: w.owner },
            group,
          ),
        )
        .catch(() => {
          // Only recovery reads it; a failed write leaves an older group, which it checks before signalling.
        });
    },
  };
}

/** Removes whatever a half-made worktree left: the folder, git's record of it, and a branch still at its base. */
export async function removeLeftovers(
  w: Pick<WorktreeWork, 'git' | 'logFile'>,
  row: Pick<RunWorktree, 'repository' | 'path' | 'branch' | 'baseCommit'>,
): Promise<void> {
  const call = { logFile: w.logFile };
  await removeWorktree(w.git, row.repository, row.path, call);
  const head = await branchCommit(w.git, row.repository, row.branch);
  // A branch that moved holds commits that are not ours to throw away.
  if (head !== null && head === row.baseCommit)
    await deleteBranch(w.git, row.repository, row.branch, true, call);
}

/** How a worktree was settled after its run. */
export interface SettledWorktree {
  worktree: RunWorktree | null;
  /** One sentence for the run's log and notifications: "no changes", "3 files +12 -1", or what failed. */
  summary: string;
}

/**
 * After the run's last phase: commits what it left (`message`), records the head and what changed,
 * and keeps the worktree for review, or removes worktree and branch when nothing changed. Never
 * throws: a step that fails leaves the row `failed` with the reason, and everything on disk kept.
 * `from` is the state the row is expected in (and `owner`, the owner it has).
 */
export async function settleRunWorktree(
  w: WorktreeWork,
  row: RunWorktree,
  message: string,
  from: { states: readonly WorktreeState[]; owner: string | null },
  note: string | null = null,
): Promise<SettledWorktree> {
  const claimed = await w.write((tx) =>
    tx.worktrees.transition(
      row.runId,
      { from: from.states, owner: from.owner },
      { state: 'finishing', owner: w.owner },
    ),
  );
  if (claimed === null) return { worktree: null, summary: 'the worktree was settled by another process' };
  const fence = { from: ['finishing'] as const, owner: w.owner };
  const finish = (patch: WorktreePatch) =>
    w.write((tx) => tx.worktrees.transition(row.runId, fence, { owner: null, ...NO_GROUP, ...patch }));
  const call = tracked(w, row.runId);
  try {
    let head: string | null;
    if (fs.existsSync(row.path)) {
      await commitAll(w.git, row.path, message, { ...call, signal: undefined });
      head = await headOf(w.git, row.path, { logFile: w.logFile });
    } else {
      // The folder was deleted under the run: whatever its branch holds is all there is.
      head = await branchCommit(w.git, row.repository, row.branch);
    }
    if (head === null || head === row.baseCommit) {
      await removeLeftovers(w, { ...row, baseCommit: head ?? row.baseCommit });
      const detail =
        note === null
          ? 'No changes: the worktree and branch were removed.'
          : `${note} It had changed nothing; the worktree and branch were removed.`;
      return {
        worktree: await finish({ state: 'no_changes', headCommit: head, detail }),
        summary: 'no changes',
      };
    }
    const stats = await diffStats(w.git, row.repository, row.baseCommit, head, { logFile: w.logFile });
    const summary = describeWorktreeStats(stats);
    const detail = [
      note === null ? null : `${note} What it had changed is committed on its branch for review.`,
      fs.existsSync(row.path)
        ? null
        : `The worktree folder ${row.path} was gone; the branch's commits are kept.`,
    ]
      .filter((s) => s !== null)
      .join(' ');
    return {
      worktree: await finish({
        state: 'review',
        headCommit: head,
        stats,
        detail: detail === '' ? null : detail,
      }),
      summary: `${summary} on ${row.branch}, to review`,
    };
  } catch (err) {
    const reason = `Night Pilot could not finish the run's worktree (${errorMessage(err)}); the worktree ${row.path} and branch ${row.branch} are kept as they are.`;
    return {
      worktree: await finish({ state: 'failed', detail: note === null ? reason : `${note} ${reason}` }),
      summary: reason,
    };
  }
}
