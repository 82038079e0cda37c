import type { Job } from '../core/model';
import type { Tx } from '../storage/database';
import { UsageError } from './exitCodes';

/**
 * The one job `reference` names: a full id, a unique id prefix of at least 4 characters, or an
 * exact name. `option` names the option it came from in messages (`--parent`); omit it for the
 * command's ID argument.
 */
export function resolveJob(tx: Tx, reference: string, option?: string): Job {
  const label = option === undefined ? '' : `${option}: `;
  if (reference.trim() === '') throw new UsageError(`${label}the job reference is empty`);
  const matches = tx.jobs.resolve(reference);
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) {
    throw new UsageError(
      `${label}no job matches "${reference}" (give a job id, an id prefix of at least 4 characters, ` +
        'or the exact name; "night-pilot job list" shows them)',
    );
  }
  const lines = matches.map((job) => `  ${job.id}  ${job.name}`).join('\n');
  throw new UsageError(
    `${label}"${reference}" matches ${matches.length} jobs; use the id (or a longer prefix) of one:\n${lines}`,
  );
}
