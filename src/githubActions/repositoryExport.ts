// The file side of the GitHub Actions export, shared by the CLI and the VS Code command: finds the
// job's git repository, reads its prompt file there, and writes the workflow (atomically, never
// over a file Night Pilot did not write unless told to). The workflow itself comes from exportJob.

import fs from 'node:fs';
import path from 'node:path';
import type { Job, Prompt } from '../core/model';
import { exportJob } from './exportJob';
import type { ExportInput } from './exportJob';
import { errorMessage } from '../core/errorMessage';

/** The header line every exported workflow carries; a file with it may be overwritten. */
const OWN_FILE_MARKER = 'Written by Night Pilot';
const MAX_PROMPT_BYTES = 1024 * 1024;

export interface ExportOptions {
  /** Where to write; relative to `cwd`. Default: `.github/workflows/night-pilot-<slug>.yml` in the repository. */
  out?: string;
  cwd: string;
  now: Date;
  maxBudgetUsd?: number | null;
  /** Overwrite a file that Night Pilot did not write. */
  force?: boolean;
}

export interface WrittenExport {
  file: string;
  repositoryRoot: string;
  promptPath: string;
  /** Repository secrets to add besides ANTHROPIC_API_KEY / CLAUDE_CODE_OAUTH_TOKEN. */
  secrets: string[];
  notes: string[];
}

/** The folder holding `.git` (a folder, or a file in a worktree) at or above `start`, or null. */
export function findRepositoryRoot(start: string): string | null {
  let dir = path.resolve(start);
  for (;;) {
    if (fs.existsSync(path.join(dir, '.git'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

function inside(root: string, target: string): string | null {
  const relative = path.relative(root, target);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return null;
  return relative.split(path.sep).join('/');
}

/** Reads what exportJob needs about the job's repository, or the reasons it cannot be exported. */
export function repositoryInput(
  job: Job,
  prompt: Prompt | undefined,
):
  | { ok: true; root: string; input: Pick<ExportInput, 'job' | 'prompt' | 'workingDirectory'> }
  | { ok: false; reasons: string[] } {
  const start = job.options.workingDirectory ?? (prompt?.filePath ? path.dirname(prompt.filePath) : null);
  if (start === null) {
    return {
      ok: false,
      reasons: [
        'its prompt is stored text and it has no working folder, so it belongs to no repository; save the prompt as ' +
          'a Markdown file in the repository and point the job at it (night-pilot job edit JOB --prompt-file FILE)',
      ],
    };
  }
  const root = findRepositoryRoot(start);
  if (root === null) {
    return { ok: false, reasons: [`${start} is not in a git repository, and the workflow must live in one`] };
  }
  let promptInput: ExportInput['prompt'];
  if (!prompt) promptInput = { problem: 'its prompt is missing from the database' };
  else if (!prompt.filePath) {
    promptInput = {
      problem:
        `its prompt "${prompt.title}" is stored text, not a file in the repository ${root}; save it as a Markdown ` +
        'file there and point the job at it (night-pilot job edit JOB --prompt-file FILE)',
    };
  } else {
    const relative = inside(root, prompt.filePath);
    if (relative === null) {
      promptInput = { problem: `its prompt file ${prompt.filePath} is not in the repository ${root}` };
    } else {
      try {
        const stat = fs.statSync(prompt.filePath);
        if (!stat.isFile()) throw new Error('it is not a file');
        if (stat.size > MAX_PROMPT_BYTES) throw new Error(`it is larger than 1 MiB (${stat.size} bytes)`);
        promptInput = { path: relative, text: fs.readFileSync(prompt.filePath, 'utf8') };
      } catch (err) {
        const reason =
          (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : errorMessage(err);
        promptInput = { problem: `its prompt file ${prompt.filePath} cannot be read: ${reason}` };
      }
    }
  }
  const cwd = job.options.workingDirectory;
  const relativeCwd = cwd === null ? '' : inside(root, cwd);
  const workingDirectory: ExportInput['workingDirectory'] =
    relativeCwd === null
      ? { problem: `its working folder ${cwd} is not in the repository ${root}` }
      : { path: relativeCwd };
  return { ok: true, root, input: { job, prompt: promptInput, workingDirectory } };
}

/** Exports `job` into its repository (or `options.out`) and writes the file. */
export function exportJobToFile(
  job: Job,
  prompt: Prompt | undefined,
  options: ExportOptions,
): { ok: true; written: WrittenExport } | { ok: false; reasons: string[] } {
  const repository = repositoryInput(job, prompt);
  if (!repository.ok) return repository;
  const result = exportJob({
    ...repository.input,
    now: options.now,
    maxBudgetUsd: options.maxBudgetUsd ?? null,
  });
  if (!result.ok) return result;
  const file =
    options.out !== undefined
      ? path.resolve(options.cwd, options.out)
      : path.join(repository.root, '.github', 'workflows', result.fileName);
  const existing = readIfExists(file);
  if (existing !== null && !existing.includes(OWN_FILE_MARKER) && !options.force) {
    return {
      ok: false,
      reasons: [
        `${file} already exists and was not written by Night Pilot; choose another file or overwrite it on purpose`,
      ],
    };
  }
  writeAtomically(file, result.yaml);
  const promptPath = 'path' in repository.input.prompt ? repository.input.prompt.path : '';
  return {
    ok: true,
    written: {
      file,
      repositoryRoot: repository.root,
      promptPath,
      secrets: result.secrets,
      notes: result.notes,
    },
  };
}

function readIfExists(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** A half-written workflow would be pushed and fail on GitHub: write a temp file and rename it over. */
function writeAtomically(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temp, text);
    fs.renameSync(temp, file);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw err;
  }
}

/** What the user still has to do, in English (the VS Code command words its own). */
export function nextSteps(written: WrittenExport): string[] {
  const relativeFile = inside(written.repositoryRoot, written.file) ?? written.file;
  const steps = [
    'Add the repository secret ANTHROPIC_API_KEY (an API key) or CLAUDE_CODE_OAUTH_TOKEN (from "claude setup-token") ' +
      'in GitHub: Settings > Secrets and variables > Actions.',
  ];
  if (written.secrets.length > 0) {
    steps.push(`Add the repository secrets the job's environment uses: ${written.secrets.join(', ')}.`);
  }
  steps.push(
    'Allow the workflow to open pull requests: Settings > Actions > General > "Allow GitHub Actions to create and approve pull requests".',
    `Commit ${relativeFile} and ${written.promptPath} and push them to the default branch (schedules run from there).`,
    'Pause the job here if it should no longer also run on this machine (night-pilot job pause JOB).',
  );
  return steps;
}
