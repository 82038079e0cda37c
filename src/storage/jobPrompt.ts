// Giving a job another prompt: its own prompt row is changed in place; a prompt other jobs share
// is left to them and the job gets a new row. One rule for `job edit --prompt` and Edit Job.

import type { Tx } from './database';
import type { NewPrompt } from './promptRepository';

/** Inside the write lock: stores `prompt` as the job's; returns the prompt id the job must have. */
export function setJobPrompt(tx: Tx, jobId: string, prompt: NewPrompt): string {
  const job = tx.jobs.require(jobId);
  const shared = tx.jobs.list().some((other) => other.id !== job.id && other.promptId === job.promptId);
  if (!shared && tx.prompts.get(job.promptId)) return tx.prompts.update(job.promptId, prompt).id;
  return tx.prompts.insert(prompt).id;
}
