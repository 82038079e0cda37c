// The names a worktree run gives to git: its branch, its commit message, and the rules a branch
// name typed by a person must follow. The branch format is the GitHub Actions export's
// (`night-pilot/<job slug>/<YYYYMMDD-HHMM>`, the fire's local time in the job's zone), so a job's
// branches look alike wherever it ran.

import { wallTime } from './calendar';
import { jobSlug } from './jobSlug';
import type { ExecutionOptions, Isolation, RunWorktree, WorktreeStats } from './model';

const pad = (n: number) => String(n).padStart(2, '0');

/** `night-pilot/<job slug>/<YYYYMMDD-HHMM>` for a run of the job scheduled at `scheduledFor`. */
export function runBranchName(
  job: { name: string; id: string; timezone: string },
  scheduledFor: string,
): string {
  const t = wallTime(Date.parse(scheduledFor), job.timezone);
  const stamp = `${t.year}${pad(t.month)}${pad(t.day)}-${pad(t.hour)}${pad(t.minute)}`;
  return `night-pilot/${jobSlug(job.name, job.id)}/${stamp}`;
}

/**
 * `wanted` if no branch has that name, else `wanted-2`, `wanted-3`...: a retry of the same fire,
 * two runs in one minute or a branch the user made never share a branch, and an existing branch
 * is never touched.
 */
export function freeBranchName(wanted: string, taken: ReadonlySet<string>): string {
  if (!taken.has(wanted)) return wanted;
  for (let n = 2; ; n++) if (!taken.has(`${wanted}-${n}`)) return `${wanted}-${n}`;
}

/** "Night Pilot: <job> <YYYY-MM-DD HH:MM>" (the fire's local time in the job's zone). */
export function runCommitMessage(job: { name: string; timezone: string }, scheduledFor: string): string {
  const t = wallTime(Date.parse(scheduledFor), job.timezone);
  return `Night Pilot: ${job.name} ${t.year}-${pad(t.month)}-${pad(t.day)} ${pad(t.hour)}:${pad(t.minute)}`;
}

/** Why a name cannot be a git branch, or null when it can (git check-ref-format --branch). */
export function branchNameProblem(raw: string): string | null {
  const name = raw.trim();
  if (name === '') return 'the branch name is empty';
  if (name.startsWith('-')) return `"${name}" starts with "-"`;
  if (name === 'HEAD' || name === '@') return `"${name}" is not a branch name`;
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(name))
    return `"${name}" contains a space or one of ~ ^ : ? * [ \\ (not allowed in a branch name)`;
  if (name.includes('..') || name.includes('@{') || name.includes('//'))
    return `"${name}" contains "..", "@{" or "//" (not allowed in a branch name)`;
  if (name.startsWith('/') || name.endsWith('/') || name.endsWith('.'))
    return `"${name}" starts or ends with "/" or ends with "." (not allowed in a branch name)`;
  if (name.split('/').some((part) => part.startsWith('.') || part.endsWith('.lock')))
    return `a part of "${name}" starts with "." or ends with ".lock" (not allowed in a branch name)`;
  return null;
}

/** The isolation a run uses: the job's own, else (already applied) the prompt file's, else none. */
export function effectiveIsolation(options: Pick<ExecutionOptions, 'isolation'>): Isolation {
  return options.isolation ?? 'none';
}

/** Tools that change files in the folder Claude works in. */
const EDITING_TOOLS = /^(Edit|Write|MultiEdit|NotebookEdit|Bash)\b/;

/**
 * Whether the job's permissions let Claude change files without asking: Create Job then suggests
 * running it in a worktree of its own.
 */
export function letsClaudeEdit(options: Pick<ExecutionOptions, 'permissionMode' | 'allowedTools'>): boolean {
  const mode = options.permissionMode;
  if (mode === 'acceptEdits' || mode === 'bypassPermissions' || mode === 'auto') return true;
  return options.allowedTools.some((rule) => EDITING_TOOLS.test(rule.trim()));
}

/** "3 files +120 -14" (English: the CLI, logs; VS Code words it in the user's language). */
export function describeWorktreeStats(stats: WorktreeStats): string {
  const files = `${stats.filesChanged} file${stats.filesChanged === 1 ? '' : 's'}`;
  return `${files} +${stats.insertions} -${stats.deletions}`;
}

/** "merged", "discarded", "removed (no changes)"... as a sentence part. */
export function describeWorktreeState(row: Pick<RunWorktree, 'state'>): string {
  switch (row.state) {
    case 'no_changes':
      return 'removed (the run changed nothing)';
    case 'creating':
    case 'active':
    case 'finishing':
      return 'still in use by its run';
    default:
      return row.state;
  }
}
