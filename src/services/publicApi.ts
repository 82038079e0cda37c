// The implementation of the small public API (src/api.ts) over the window's database and commands.
import * as vscode from 'vscode';
import type { JobInfo, NightPilotApi, RunInfo } from '../api';
import { COMMAND } from '../commands/commandIds';
import type { Job, Run } from '../core/model';
import { usageByRun } from '../storage/jobOverview';
import type { DatabaseHost } from './databaseHost';

function jobInfo(j: Job): JobInfo {
  return {
    id: j.id,
    name: j.name,
    status: j.status,
    cronExpression: j.cronExpression,
    timezone: j.timezone,
    parentJobId: j.parentJobId,
    nextRunTime: j.nextRunTime,
    lastRunTime: j.lastRunTime,
  };
}

function runInfo(r: Run, costUsd: number | null): RunInfo {
  return {
    id: r.id,
    jobId: r.jobId,
    status: r.status,
    trigger: r.trigger,
    scheduledFor: r.scheduledFor,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    error: r.error,
    costUsd,
  };
}

export function createPublicApi(database: DatabaseHost, onDidChangeRuns: vscode.Event<void>): NightPilotApi {
  const runsWithCost = async (runs: Run[]): Promise<RunInfo[]> => {
    const db = await database.require();
    const usage = db.read((tx) =>
      usageByRun(
        tx,
        runs.map((r) => r.id),
      ),
    );
    return runs.map((r) => runInfo(r, usage.get(r.id)?.costUsd ?? null));
  };
  return {
    apiVersion: 1,
    async jobs() {
      const db = await database.require();
      return db.read((tx) => tx.jobs.list()).map(jobInfo);
    },
    async runs(options = {}) {
      const db = await database.require();
      const limit = Math.max(1, Math.min(10_000, Math.floor(options.limit ?? 100)));
      return runsWithCost(db.read((tx) => tx.runs.list({ jobId: options.jobId, limit })));
    },
    async runJob(jobId) {
      const db = await database.require();
      if (!db.read((tx) => tx.jobs.get(jobId)))
        throw new Error(vscode.l10n.t('There is no job with the id {0}.', jobId));
      const run = await vscode.commands.executeCommand<Run | undefined>(COMMAND.runJob, jobId);
      return run ? (await runsWithCost([run]))[0] : undefined;
    },
    onDidChangeRuns,
  };
}
