// The check `job add` and `job edit` make before saving a job whose runs work in a git worktree:
// its folder must be in a git repository, with the base branch it names.

import type { ExecutionOptions, Isolation } from '../core/model';
import { checkWorktreeFolder, describeRepositoryProblem } from '../git/repository';
import { runSupervisedProcess } from '../scheduler/processSupervisor';
import type { CommandContext } from './context';
import { UsageError } from './exitCodes';

/** Refuses (UsageError) worktree isolation where worktree runs cannot work. */
export async function checkIsolation(
  ctx: CommandContext,
  options: Pick<ExecutionOptions, 'isolation' | 'baseBranch' | 'workingDirectory'>,
  fromPromptFile: Isolation | undefined,
): Promise<void> {
  const isolation = options.isolation ?? fromPromptFile ?? 'none';
  if (isolation !== 'worktree') return;
  const source =
    options.isolation === null ? "the prompt file's isolation: worktree" : '--isolation worktree';
  if (options.workingDirectory === null)
    throw new UsageError(`${source} needs --cwd: the folder, in a git repository, that runs branch from`);
  const problem = await checkWorktreeFolder(
    { runner: runSupervisedProcess, gitPath: 'git', env: ctx.io.env },
    options.workingDirectory,
    options.baseBranch,
  );
  if (problem !== null)
    throw new UsageError(
      `${problem.problem === 'noBaseBranch' ? '--base-branch' : source}: ${describeRepositoryProblem(problem)}`,
    );
}
