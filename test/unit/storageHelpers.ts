import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Job } from '../../src/core/model';
import type { NightPilotDatabase } from '../../src/storage/database';

/** A fresh temp folder, removed by the returned cleanup. */
export function tempDir(prefix = 'np-test-'): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Inserts a prompt and a daily job using it. */
export function addJob(db: NightPilotDatabase, name = 'nightly'): Promise<Job> {
  return db.write((tx) => {
    const prompt = tx.prompts.insert({ title: name, content: `Prompt of ${name}` });
    return tx.jobs.insert({ name, promptId: prompt.id, cronExpression: '0 2 * * *', timezone: 'UTC' });
  });
}
