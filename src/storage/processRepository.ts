import crypto from 'node:crypto';
import path from 'node:path';
import type { ExecutionProcess, ProcessStatus, ProcessType } from '../core/model';
import { NotFoundError } from './errors';
import { runLogDirectory } from './paths';
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

/**
 * What `log_file` holds for `logFile`: the path relative to the run's log folder when the file is
 * inside it (normally just `execution.log`), because the whole database is rewritten on every
 * save and the absolute prefix was most of each row; any other path stays absolute.
 */
function storedLogFile(logFile: string | null | undefined, runDir: string): string | null {
  if (logFile === null || logFile === undefined) return null;
  const absolute = path.resolve(logFile);
  const relative = path.relative(runDir, absolute);
  const outside =
    relative === '' || relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative);
  return outside ? absolute : relative;
}

/**
 * The absolute path for a stored `log_file`; absolute values (older rows included) pass as they are.
 * Relative ones resolve against the run's folder, `../legacy-<migration>.log` included: the log
 * in the job's folder that the runs of a legacy import share (legacy/legacyRunLogs.ts).
 */
function loadedLogFile(stored: string | null, runDir: () => string): string | null {
  if (stored === null || path.isAbsolute(stored)) return stored;
  return path.resolve(runDir(), stored);
}

function toProcess(r: Row, databasePath: string): ExecutionProcess {
  const runId = str(r.run_id);
  const jobId = str(r.job_id);
  return {
    id: str(r.id),
    runId,
    jobId,
    processType: str(r.process_type) as ProcessType,
    status: str(r.status) as ProcessStatus,
    startTime: strOrNull(r.start_time),
    endTime: strOrNull(r.end_time),
    exitCode: numOrNull(r.exit_code),
    outputTail: strOrNull(r.output_tail),
    logFile: loadedLogFile(strOrNull(r.log_file), () => runLogDirectory(databasePath, jobId, runId)),
    errorMessage: strOrNull(r.error_message),
    pgid: numOrNull(r.pgid),
    pgidStart: strOrNull(r.pgid_start),
    pgidHost: strOrNull(r.pgid_host),
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
  ['pgid', 'pgid'],
  ['pgidStart', 'pgid_start'],
  ['pgidHost', 'pgid_host'],
];

/** Phases in the order they run, for listing. */
const PHASE_ORDER = `CASE process_type WHEN 'setup' THEN 0 WHEN 'execution' THEN 1 WHEN 'validation' THEN 2 ELSE 3 END`;

/**
 * The `job_execution_processes` rows. `logFile` is always absolute to callers; the row keeps it
 * relative to the run's log folder (beside `databasePath`) when it lies there.
 */
export class ProcessRepository {
  constructor(
    private readonly _sql: Sql,
    private readonly _databasePath: string,
  ) {}

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
        storedLogFile(input.logFile, this._runDir(input.jobId, input.runId)),
      ],
    );
    return this.require(id);
  }

  get(id: string): ExecutionProcess | undefined {
    const row = this._sql.get('SELECT * FROM job_execution_processes WHERE id = ?', [id]);
    return row ? toProcess(row, this._databasePath) : undefined;
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
      .map((r) => toProcess(r, this._databasePath));
  }

  update(id: string, patch: ProcessPatch): ExecutionProcess {
    let stored = patch;
    if ('logFile' in patch) {
      // Relativising needs the row's run folder, which the patch does not carry.
      const owner = this._sql.get('SELECT run_id, job_id FROM job_execution_processes WHERE id = ?', [id]);
      if (!owner) throw new NotFoundError('execution process', id);
      const runDir = this._runDir(str(owner.job_id), str(owner.run_id));
      stored = { ...patch, logFile: storedLogFile(patch.logFile, runDir) };
    }
    if (this._sql.updateById('job_execution_processes', id, stored, MUTABLE) === 0)
      throw new NotFoundError('execution process', id);
    return this.require(id);
  }

  private _runDir(jobId: string, runId: string): string {
    return runLogDirectory(this._databasePath, jobId, runId);
  }
}
