// The JSON file of Export Jobs / Import Jobs: every job a person decides (schedule, prompt,
// options, retries, parent), none of its history. Reading one checks everything before anything
// is written: an import is all or nothing, and a bad file is refused with every reason.

import type { JobDraft } from './jobValidation';
import { checkJobDraft, isPromptText } from './jobValidation';
import type { ExecutionOptions, Job, JobStatus, Prompt, RetryConfig } from './model';
import { DEFAULT_EXECUTION_OPTIONS, DEFAULT_RETRY, JOB_STATUSES } from './model';
import { errorMessage } from './errorMessage';

export const JOBS_FILE_FORMAT = 'night-pilot-jobs';
/** A jobs file larger than this is not one Night Pilot wrote. */
export const MAX_JOBS_FILE_BYTES = 20 * 1024 * 1024;
export const JOBS_FILE_VERSION = 1;

/** One job as the file holds it. `id` links a child to its parent in the same file. */
export interface TransferJob extends JobDraft {
  id: string;
  status: JobStatus;
  prompt: { title: string; content: string; filePath: string | null };
}

export interface JobsFile {
  format: typeof JOBS_FILE_FORMAT;
  version: typeof JOBS_FILE_VERSION;
  exportedAt: string;
  jobs: TransferJob[];
}

/** The file for `jobs` (parents before children is not needed: links are by id). */
export function jobsFile(jobs: readonly Job[], prompts: ReadonlyMap<string, Prompt>, now: Date): JobsFile {
  return {
    format: JOBS_FILE_FORMAT,
    version: JOBS_FILE_VERSION,
    exportedAt: now.toISOString(),
    jobs: jobs.map((job) => {
      const prompt = prompts.get(job.promptId);
      return {
        id: job.id,
        name: job.name,
        status: job.status,
        jobType: job.jobType,
        cronExpression: job.cronExpression,
        timezone: job.timezone,
        priority: job.priority,
        // A parent left out of the export is left out of the link too.
        parentJobId:
          job.parentJobId !== null && jobs.some((j) => j.id === job.parentJobId) ? job.parentJobId : null,
        prompt: {
          title: prompt?.title ?? job.name,
          content: prompt?.content ?? '',
          filePath: prompt?.filePath ?? null,
        },
        options: job.options,
        retry: job.retry,
        missedRunPolicy: job.missedRunPolicy,
      };
    }),
  };
}

const JOB_KEYS = new Set([
  'id',
  'name',
  'status',
  'jobType',
  'cronExpression',
  'timezone',
  'priority',
  'parentJobId',
  'prompt',
  'options',
  'retry',
  'missedRunPolicy',
]);
const OPTION_KEYS = new Set(Object.keys(DEFAULT_EXECUTION_OPTIONS));
const RETRY_KEYS = new Set(Object.keys(DEFAULT_RETRY));

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export type ParsedJobsFile = { ok: true; jobs: TransferJob[] } | { ok: false; problems: string[] };

/**
 * Reads a parsed JSON value as a jobs file. Every problem is named with where it is
 * (`jobs[2] "Nightly": options.maxTurns: 0 is not an integer from 1 to 10000`); unknown keys are
 * problems too, so that a file from a newer Night Pilot is refused rather than half-read.
 * Options and retry settings left out take their defaults.
 */
export function parseJobsFile(value: unknown): ParsedJobsFile {
  if (!isRecord(value)) return { ok: false, problems: ['the file is not a JSON object'] };
  if (value.format !== JOBS_FILE_FORMAT)
    return {
      ok: false,
      problems: [`"format" is not "${JOBS_FILE_FORMAT}": this is not a Night Pilot jobs file`],
    };
  if (value.version !== JOBS_FILE_VERSION) {
    return {
      ok: false,
      problems: [
        `"version" is ${JSON.stringify(value.version)}; this Night Pilot reads version ${JOBS_FILE_VERSION} (a newer Night Pilot wrote the file?)`,
      ],
    };
  }
  if (!Array.isArray(value.jobs)) return { ok: false, problems: ['"jobs" is not a list'] };
  const problems: string[] = [];
  const jobs: TransferJob[] = [];
  value.jobs.forEach((raw: unknown, index) => {
    const where = `jobs[${index}]${isRecord(raw) && typeof raw.name === 'string' ? ` "${raw.name}"` : ''}`;
    const job = readJob(raw, (message) => problems.push(`${where}: ${message}`));
    if (job) jobs.push(job);
  });
  const ids = new Map<string, number>();
  jobs.forEach((job, index) => {
    if (ids.has(job.id))
      problems.push(`jobs[${index}] "${job.name}": id ${job.id} is used twice in the file`);
    ids.set(job.id, index);
  });
  problems.push(...cycles(jobs));
  return problems.length > 0 ? { ok: false, problems } : { ok: true, jobs };
}

function readJob(raw: unknown, bad: (message: string) => void): TransferJob | undefined {
  if (!isRecord(raw)) {
    bad('not an object');
    return undefined;
  }
  for (const key of Object.keys(raw)) if (!JOB_KEYS.has(key)) bad(`unknown key "${key}"`);
  const unknownIn = (what: string, object: unknown, known: Set<string>) => {
    if (isRecord(object))
      for (const key of Object.keys(object)) if (!known.has(key)) bad(`unknown key "${what}.${key}"`);
  };
  unknownIn('options', raw.options, OPTION_KEYS);
  unknownIn('retry', raw.retry, RETRY_KEYS);
  if (typeof raw.id !== 'string' || raw.id.trim() === '') bad('"id" is not a text');
  if (!(JOB_STATUSES as readonly unknown[]).includes(raw.status))
    bad(`status: ${JSON.stringify(raw.status)} is not one of ${JOB_STATUSES.join(', ')}`);
  const prompt = raw.prompt;
  if (!isRecord(prompt)) bad('"prompt" is not an object with title, content and filePath');
  else {
    for (const key of Object.keys(prompt))
      if (!['title', 'content', 'filePath'].includes(key)) bad(`unknown key "prompt.${key}"`);
    if (typeof prompt.title !== 'string' || prompt.title.trim() === '')
      bad('prompt.title is not a non-empty text');
    if (typeof prompt.content !== 'string') bad('prompt.content is not a text');
    if (prompt.filePath !== null && prompt.filePath !== undefined && typeof prompt.filePath !== 'string')
      bad('prompt.filePath is not a path or null');
    if (!prompt.filePath && !(typeof prompt.content === 'string' && isPromptText(prompt.content)))
      bad('the prompt has neither text nor a file');
  }
  if (raw.options !== undefined && !isRecord(raw.options)) bad('"options" is not an object');
  if (raw.retry !== undefined && !isRecord(raw.retry)) bad('"retry" is not an object');
  const job: TransferJob = {
    id: String(raw.id),
    name: raw.name as string,
    status: raw.status as JobStatus,
    jobType: raw.jobType as Job['jobType'],
    cronExpression: raw.cronExpression as string,
    timezone: raw.timezone as string,
    priority: raw.priority as number,
    parentJobId: (raw.parentJobId ?? null) as string | null,
    prompt: isRecord(prompt)
      ? {
          title: String(prompt.title),
          content: String(prompt.content ?? ''),
          filePath: typeof prompt.filePath === 'string' ? prompt.filePath : null,
        }
      : { title: '', content: '', filePath: null },
    options: {
      ...DEFAULT_EXECUTION_OPTIONS,
      ...(isRecord(raw.options) ? raw.options : {}),
    } as ExecutionOptions,
    retry: { ...DEFAULT_RETRY, ...(isRecord(raw.retry) ? raw.retry : {}) } as RetryConfig,
    missedRunPolicy: (raw.missedRunPolicy ?? 'run_once') as Job['missedRunPolicy'],
  };
  for (const problem of checkJobDraft(job)) bad(`${problem.field}: ${problem.message}`);
  return job;
}

/** `parseJobsFile` of a file's text; text that is not JSON is refused with the parser's reason. */
export function readJobsFileText(text: string): ParsedJobsFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, problems: [`it is not JSON (${errorMessage(err)})`] };
  }
  return parseJobsFile(value);
}

/** Parent links that come back to where they started (a parent outside the file is checked on import). */
function cycles(jobs: readonly TransferJob[]): string[] {
  const byId = new Map(jobs.map((j) => [j.id, j]));
  const problems: string[] = [];
  for (const job of jobs) {
    const seen = new Set<string>([job.id]);
    for (let parent = job.parentJobId; parent !== null; parent = byId.get(parent)?.parentJobId ?? null) {
      if (seen.has(parent)) {
        if (parent === job.id) problems.push(`"${job.name}": its parent jobs lead back to itself`);
        break;
      }
      seen.add(parent);
    }
  }
  return problems;
}
