// Jobs the integration tests write straight into the extension's database.
import type { Job } from '../../src/core/model';
import type { NightPilotDatabase } from '../../src/storage/database';
import type { NewJob } from '../../src/storage/jobRepository';

/** A daily job (next fire far away, so the window's scheduler leaves it alone) with `fields` over it. */
export function insertJob(
  db: NightPilotDatabase,
  name: string,
  fields: Partial<Omit<NewJob, 'name' | 'promptId'>> = {},
): Promise<Job> {
  return db.write((tx) => {
    const prompt = tx.prompts.insert({ title: name, content: 'Say hello.' });
    return tx.jobs.insert({
      name,
      promptId: prompt.id,
      cronExpression: '0 2 * * *',
      timezone: 'UTC',
      nextRunTime: '2099-01-01T02:00:00.000Z',
      ...fields,
    });
  });
}
