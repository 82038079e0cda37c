import crypto from 'node:crypto';
import type { ExecutionProcess, ProcessStatus, ProcessType } from '../core/model';
import { NotFoundError } from './errors';
import type { Row, Sql } from './sql';
import { numOrNull, str, strOrNull } from './sql';

export interface NewProcess {
  runId: string;
  jobId: string;
  processType: ProcessType;
  status?: ProcessStatus;
  startTime?: string | null;
  logFile?: string | null;
}

export type ProcessPatch = Partial<Omit<ExecutionProcess, 'id' | 'runId' | 'jobId' | 'processType'>>;

function toProcess(r: Row): ExecutionProcess {
  return {
    id: str(r.id),
    runId: str(r.run_id),
    jobId: str(r.job_id),
    processType: str(r.process_type) as ProcessType,
    status: str(r.status) as ProcessStatus,
    startTime: strOrNull(r.start_time),
    endTime: strOrNull(r.end_time),
    exitCode: numOrNull(r.exit_code),
    outputTail: strOrNull(r.output_tail),
    logFile: strOrNull(r.log_file),
    errorMessage: strOrNull(r.error_message),
  };
}

const MUTABLE: ReadonlyArray<[keyof ProcessPatch, string]> = [
  ['status', 'status'],
  ['startTime', 'start_time'],
  ['endTime', 'end_time'],
  ['exitCode', 'exit_code'],
  ['outputTail', 'output_tail'],
  ['logFile', 'log_file'],
  ['errorMessage', 'error_message'],
];

/** Phases in the order they run, for listing. */
const PHASE_ORDER = `CASE process_type WHEN 'setup' THEN 0 WHEN 'execution' THEN 1 WHEN 'validation' THEN 2 ELSE 3 END`;

export class ProcessRepository {
  constructor(private readonly _sql: Sql) {}

  insert(input: NewProcess): ExecutionProcess {
    const id = crypto.randomUUID();
    this._sql.run(
      `INSERT INTO job_execution_processes (id, run_id, job_id, process_type, status, start_time, log_file)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      [
        id,
        input.runId,
        input.jobId,
        input.processType,
        input.status ?? 'queued',
        input.startTime ?? null,
        input.logFile ?? null,
      ],
    );
    return this.require(id);
  }

  get(id: string): ExecutionProcess | undefined {
    const row = this._sql.get('SELECT * FROM job_execution_processes WHERE id = ?', [id]);
    return row ? toProcess(row) : undefined;
  }

  require(id: string): ExecutionProcess {
    const found = this.get(id);
    if (!found) throw new NotFoundError('execution process', id);
    return found;
  }

  listByRun(runId: string): ExecutionProcess[] {
    return this._sql
      .all(`SELECT * FROM job_execution_processes WHERE run_id = ? ORDER BY ${PHASE_ORDER}, start_time`, [
        runId,
      ])
      .map(toProcess);
  }

  update(id: string, patch: ProcessPatch): ExecutionProcess {
    if (this._sql.updateById('job_execution_processes', id, patch, MUTABLE) === 0)
      throw new NotFoundError('execution process', id);
    return this.require(id);
  }
}
