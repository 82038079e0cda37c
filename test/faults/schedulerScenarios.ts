// Several scheduler processes on one database with every-second jobs, one killed with runs in
// flight; and a job deleted while its run is going.
import fs from 'node:fs';
import path from 'node:path';
import type { Run } from '../../src/core/model';
import { NightPilotDatabase } from '../../src/storage/database';
import { isAlive, waitFor } from '../unit/cliBundle';
import type { Bundles, Child, ScenarioResult } from './faultSupport';
import { FAKE_CLAUDE, cli, figure, processesIn, sleep, start, tempDir } from './faultSupport';

const SCHEDULERS = 3;

/**
 * `SCHEDULERS` scheduler processes, `jobs` every-second jobs for `seconds` s (one of them slow, so
 * the killed scheduler leaves a long Claude behind), one scheduler killed with SIGKILL half-way.
 */
export async function racingSchedulers(
  bundles: Bundles,
  jobs: number,
  seconds: number,
): Promise<ScenarioResult> {
  const name = `${SCHEDULERS} schedulers, one killed`;
  const dir = tempDir('np-fault-schedulers-');
  const dbPath = path.join(dir, 'night-pilot.db');
  const record = path.join(dir, 'claude-calls.jsonl');
  const base = ['--db', dbPath, '--claude', FAKE_CLAUDE];
  for (let j = 0; j < jobs; j++) {
    const delay = j === 0 ? '40000' : '300';
    const added = await cli(
      bundles,
      [
        ...base,
        'job',
        'add',
        '--name',
        `every-second-${j}`,
        '--prompt',
        'p',
        '--cron',
        '* * * * * *',
        '--tz',
        'UTC',
      ].concat([
        '--cwd',
        dir,
        '--retries',
        '1',
        '--retry-delay',
        '1',
        '--env',
        `FAKE_CLAUDE_DELAY_MS=${delay}`,
      ]),
      dir,
    );
    if (added.code !== 0) throw new Error(`job add failed: ${added.stderr}`);
  }
  const env = { FAKE_CLAUDE_RECORD: record };
  const schedulers: Child[] = [];
  for (let s = 0; s < SCHEDULERS; s++) {
    schedulers.push(
      start(bundles.cli, [...base, 'scheduler', '--for', String(seconds), '--concurrency', String(jobs)], {
        cwd: dir,
        env,
      }),
    );
  }
  const db = await NightPilotDatabase.open(dbPath);
  try {
    // Half-way, kill the scheduler that runs the slow job's Claude (and whatever else it runs).
    await sleep((seconds / 2) * 1000);
    const victim = await waitFor('a scheduler running the slow job', () => {
      const running = db.read((tx) => tx.runs.list({ statuses: ['running'] }));
      const slow = db.read((tx) => tx.jobs.list().find((j) => j.name === 'every-second-0'));
      const owner = running.find((r) => r.jobId === slow?.id)?.owner;
      const pid = owner ? Number(owner.split(':')[1]) : NaN;
      return schedulers.find((s) => s.proc.pid === pid);
    });
    const inFlight = db.read((tx) =>
      tx.runs
        .list({ statuses: ['running'] })
        .filter((r) => Number(r.owner?.split(':')[1]) === victim.proc.pid),
    );
    const orphans = db.read((tx) =>
      inFlight.flatMap((r) => tx.processes.listByRun(r.id).flatMap((p) => (p.pgid ? [p.pgid] : []))),
    );
    const killedAt = Date.now();
    victim.proc.kill('SIGKILL');
    await victim.exited;
    const orphanAlive = orphans.filter(isAlive).length;
    // The moment each killed run is recovered, what it left must already be stopped.
    let aliveAtRecovery = 0;
    await waitFor(
      'the killed runs to be recovered',
      () => {
        const still = db.read((tx) => inFlight.filter((r) => tx.runs.get(r.id)?.status === 'running'));
        return still.length === 0 ? true : undefined;
      },
      (seconds / 2) * 1000,
    ).then(
      () => (aliveAtRecovery = orphans.filter(isAlive).length),
      () => (aliveAtRecovery = -1),
    );
    await Promise.all(schedulers.map((s) => s.exited));
    await sleep(500);

    const runs = db.read((tx) => tx.runs.list());
    // Every Claude the fake recorded must be the process group of exactly one execution row: a
    // Claude no row accounts for, or a run with two executions, would be a fire run twice.
    const executions = db.read((tx) =>
      tx.sql
        .all(`SELECT run_id, pgid FROM job_execution_processes WHERE process_type = 'execution'`)
        .map((r) => ({ runId: String(r.run_id), pgid: r.pgid === null ? null : Number(r.pgid) })),
    );
    const claudePids = fs.existsSync(record)
      ? fs
          .readFileSync(record, 'utf8')
          .trim()
          .split('\n')
          .map((line) => (JSON.parse(line) as { pid: number }).pid)
      : [];
    const groups = new Set(executions.map((e) => e.pgid));
    const unaccounted = claudePids.filter((pid) => !groups.has(pid)).length;
    const perRun = new Map<string, number>();
    for (const { runId } of executions) perRun.set(runId, (perRun.get(runId) ?? 0) + 1);
    const duplicateExecutions = [...perRun.values()].filter((n) => n > 1).length;
    const { fires, missed } = countFires(runs);
    const killed = inFlight.map((r) => runs.find((x) => x.id === r.id)!);
    const retries = killed.map(
      (r) =>
        runs.filter(
          (x) => x.jobId === r.jobId && x.scheduledFor === r.scheduledFor && x.attempt === r.attempt + 1,
        ).length,
    );
    const recoveredIn = killed.map((r) => (r.endedAt ? Date.parse(r.endedAt) - killedAt : Infinity));
    const left = processesIn(dir).length;
    const retriedOnce = killed.every((r, i) => r.status === 'failed' && retries[i] === 1);
    return {
      figures: [
        figure(name, 'fires claimed (run or skipped), every-second jobs', fires, '>= 300', fires >= 300),
        figure(name, 'fires missed (an instant without a row)', missed, '0', missed === 0),
        figure(
          name,
          'fires run twice (Claudes no run accounts for; runs with 2 executions)',
          `${unaccounted} of ${claudePids.length}; ${duplicateExecutions}`,
          '0; 0',
          unaccounted === 0 && duplicateExecutions === 0,
        ),
        figure(name, 'runs in flight in the killed scheduler', killed.length, '>= 1', killed.length >= 1),
        figure(name, 'its Claude processes alive right after the kill', orphanAlive, '(orphans)', true),
        figure(
          name,
          'of those, alive once their runs were recovered',
          aliveAtRecovery,
          '0',
          aliveAtRecovery === 0,
        ),
        figure(
          name,
          'killed runs failed and retried exactly once',
          `${killed.filter((r, i) => r.status === 'failed' && retries[i] === 1).length}/${killed.length}`,
          'all',
          retriedOnce,
        ),
        figure(
          name,
          'time from the kill to their recovery (max)',
          `${(Math.max(...recoveredIn) / 1000).toFixed(1)} s`,
          '',
          Number.isFinite(Math.max(...recoveredIn)),
        ),
        figure(name, 'Claude processes left when it ends', left, '0', left === 0),
      ],
    };
  } finally {
    for (const s of schedulers) s.proc.kill('SIGKILL');
    db.close();
  }
}

/** Every instant of every job from its first fire to its last has exactly one first-attempt row. */
function countFires(runs: Run[]): { fires: number; missed: number } {
  let fires = 0;
  let missed = 0;
  const byJob = new Map<string, number[]>();
  for (const r of runs) {
    if (r.attempt !== 1 || r.trigger === 'manual') continue;
    const list = byJob.get(r.jobId) ?? [];
    list.push(Date.parse(r.scheduledFor));
    byJob.set(r.jobId, list);
  }
  for (const instants of byJob.values()) {
    instants.sort((a, b) => a - b);
    fires += instants.length;
    const seen = new Set(instants);
    for (let t = instants[0]!; t <= instants[instants.length - 1]!; t += 1000) if (!seen.has(t)) missed++;
  }
  return { fires, missed };
}

/** `job remove --force` from one process while `job run` in another runs the job. */
export async function deletedMidRun(bundles: Bundles): Promise<ScenarioResult> {
  const name = 'job deleted mid-run';
  const dir = tempDir('np-fault-delete-');
  const dbPath = path.join(dir, 'night-pilot.db');
  const marker = path.join(dir, 'cleaned');
  const base = ['--db', dbPath, '--claude', FAKE_CLAUDE];
  const added = await cli(
    bundles,
    [...base, 'job', 'add', '--name', 'doomed', '--prompt', 'p', '--cron', '@daily', '--cwd', dir].concat([
      '--env',
      'FAKE_CLAUDE_MODE=hang',
      '--cleanup',
      `touch "${marker}"`,
    ]),
    dir,
  );
  if (added.code !== 0) throw new Error(added.stderr);
  const runner = start(bundles.cli, [...base, 'job', 'run', 'doomed'], { cwd: dir });
  const db = await NightPilotDatabase.open(dbPath);
  try {
    const claude = await waitFor(
      'Claude to run',
      () =>
        db.read((tx) => {
          const run = tx.runs.list({ statuses: ['running'] })[0];
          return run && tx.processes.listByRun(run.id).find((p) => p.processType === 'execution')?.pgid;
        }) ?? undefined,
    );
    const removed = await cli(bundles, [...base, '--json', 'job', 'remove', 'doomed', '--force'], dir);
    const { code } = await runner.exited;
    const result =
      removed.code === 0
        ? (JSON.parse(removed.stdout) as { runsCancelled: number; logsRemoved: boolean })
        : null;
    const left = processesIn(dir).length;
    return {
      figures: [
        figure(
          name,
          'job remove --force exit code / took',
          `${removed.code} / ${(removed.ms / 1000).toFixed(1)} s`,
          '0',
          removed.code === 0,
        ),
        figure(name, 'runs cancelled first', result?.runsCancelled ?? '-', '1', result?.runsCancelled === 1),
        figure(name, 'cleanup phase ran', fs.existsSync(marker) ? 'yes' : 'no', 'yes', fs.existsSync(marker)),
        figure(
          name,
          'Claude alive / processes left',
          `${isAlive(claude) ? 'yes' : 'no'} / ${left}`,
          'no / 0',
          !isAlive(claude) && left === 0,
        ),
        figure(
          name,
          'log folder removed',
          result?.logsRemoved ? 'yes' : 'no',
          'yes',
          result?.logsRemoved === true,
        ),
        figure(
          name,
          '`job run` exit code (run cancelled)',
          code ?? 'signal',
          '1',
          code === 1 && !/No run with id/.test(runner.stderr()),
        ),
      ],
    };
  } finally {
    runner.proc.kill('SIGKILL');
    db.close();
  }
}
