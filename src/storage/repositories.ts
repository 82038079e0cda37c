import type { Database } from 'sql.js';
import { JobRepository } from './jobRepository';
import { ProcessRepository } from './processRepository';
import { PromptRepository } from './promptRepository';
import { RunRepository } from './runRepository';
import { Sql } from './sql';
import { StateRepository } from './stateRepository';
import { UsageRepository } from './usageRepository';
import { WorktreeRepository } from './worktreeRepository';

/** The repositories over one consistent state of the database. */
export interface Tx {
  readonly prompts: PromptRepository;
  readonly jobs: JobRepository;
  readonly runs: RunRepository;
  readonly processes: ProcessRepository;
  readonly usage: UsageRepository;
  readonly state: StateRepository;
  readonly worktrees: WorktreeRepository;
  readonly sql: Sql;
  now(): string;
}

/**
 * The repositories over a sql.js database. `databasePath` is where the file lives (run logs are
 * kept relative to it), `now` the source of `created_at`/`updated_at` times.
 */
export function createTx(db: Database, databasePath: string, now: () => string): Tx {
  const sql = new Sql(db);
  return {
    prompts: new PromptRepository(sql, now),
    jobs: new JobRepository(sql, now),
    runs: new RunRepository(sql, now),
    processes: new ProcessRepository(sql, databasePath),
    usage: new UsageRepository(sql, now),
    state: new StateRepository(sql, now),
    worktrees: new WorktreeRepository(sql, now),
    sql,
    now,
  };
}
