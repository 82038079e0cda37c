// `night-pilot run show | log | cancel`: one run in full, its log files, and stopping it (also
// when another process is running it).

import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { FINAL_RUN_STATUSES, PROCESS_TYPES } from '../core/model';
import type { ExecutionProcess, ProcessType, Run } from '../core/model';
import { cancelRun } from '../scheduler/runCancel';
import { cancelOptions } from './cliScheduler';
import type { PositionalSpec } from './args';
import type { CommandContext } from './context';
import { ExitCode, UsageError } from './exitCodes';
import { oneOf } from './jobOptions';
import type { CommandSpec } from './registry';
import { formatRunDetail, readRunDetail, resolveRun } from './runDetail';
import { formatInZone } from './textOutput';

const RUN_ID: PositionalSpec = {
  name: 'RUN_ID',
  description: 'The run: its id or a unique prefix of it of at least 4 characters.',
};

/** How often `run cancel` looks whether the run has ended. */
const CANCEL_POLL_MS = 250;
/** Bytes read at a time when copying a log file to stdout, so a huge log is never held whole. */
const LOG_CHUNK_BYTES = 64 * 1024;

const show: CommandSpec = {
  path: ['run', 'show'],
  summary: 'Show one run: its phases with exit codes and log files, its usage and its error.',
  positionals: [RUN_ID],
  examples: ['night-pilot run show c0ffee00', 'night-pilot --json run show c0ff'],
  async run(ctx, args) {
    const reference = args.positionals[0]!;
    const detail = await ctx.store.read((tx) => readRunDetail(tx, resolveRun(tx, reference).id));
    ctx.print(detail.run, () => formatRunDetail(detail, ctx.now()));
  },
};

/** `== execution (exit 0) /path ==`: the status is named unless the phase completed. */
function logHeader(p: ExecutionProcess): string {
  const exit = p.exitCode === null ? null : `exit ${p.exitCode}`;
  const state =
    p.status === 'completed' ? (exit ?? 'completed') : [p.status, exit].filter(Boolean).join(', ');
  return `== ${p.processType} (${state}) ${p.logFile ?? '(no log file)'} ==\n`;
}

/** Copies a file to stdout in chunks; false when it does not exist (any more). */
function copyToStdout(ctx: CommandContext, file: string): { copied: boolean; endsWithNewline: boolean } {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return { copied: false, endsWithNewline: true };
  }
  const decoder = new StringDecoder('utf8');
  const buffer = Buffer.alloc(LOG_CHUNK_BYTES);
  let last = '\n';
  try {
    for (;;) {
      const n = fs.readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      const text = decoder.write(buffer.subarray(0, n));
      if (text !== '') {
        ctx.io.stdout(text);
        last = text;
      }
    }
    const rest = decoder.end();
    if (rest !== '') {
      ctx.io.stdout(rest);
      last = rest;
    }
  } finally {
    fs.closeSync(fd);
  }
  return { copied: true, endsWithNewline: last.endsWith('\n') };
}

function readLog(file: string | null): string | null {
  if (file === null) return null;
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

const log: CommandSpec = {
  path: ['run', 'log'],
  summary: "Print a run's log files: the raw output of each phase, in phase order.",
  usage: 'RUN_ID [--phase setup|execution|validation|cleanup]',
  description:
    'Without --phase, each log is preceded by a header line such as "== execution (exit 0) /path/execution.log ==". ' +
    'With --phase, only the log of that phase is printed, as is, without a header. The execution log is ' +
    "Claude's stream-json output, one JSON event per line. A log file that is gone (removed by retention, or " +
    'deleted) is reported on stderr, the others are still printed, and the exit code is 1.',
  positionals: [RUN_ID],
  options: [
    {
      name: 'phase',
      value: 'PHASE',
      description: `Only this phase: ${PROCESS_TYPES.join(', ')}.`,
    },
  ],
  examples: [
    'night-pilot run log c0ffee00',
    'night-pilot run log c0ff --phase execution | jq -c \'select(.type == "result")\'',
  ],
  async run(ctx, args) {
    const reference = args.positionals[0]!;
    const phaseOption = args.string('phase');
    const phase: ProcessType | undefined =
      phaseOption === undefined ? undefined : oneOf('--phase', phaseOption, PROCESS_TYPES);
    const { run, processes } = await ctx.store.read((tx) => {
      const found = resolveRun(tx, reference);
      return { run: found, processes: tx.processes.listByRun(found.id) };
    });
    const chosen = phase === undefined ? processes : processes.filter((p) => p.processType === phase);
    if (chosen.length === 0) {
      ctx.note(
        phase === undefined
          ? `run ${run.id.slice(0, 8)} has no phases (status ${run.status}${run.error ? `: ${run.error}` : ''})`
          : `run ${run.id.slice(0, 8)} has no ${phase} phase (it ran: ${processes.map((p) => p.processType).join(', ') || 'nothing'})`,
      );
    }

    let missing = 0;
    const gone = (p: ExecutionProcess) => {
      missing++;
      ctx.note(
        `the ${p.processType} log ${p.logFile} is gone (removed by retention, or deleted); ` +
          `"night-pilot run show ${run.id.slice(0, 8)}" still has the end of its output`,
      );
    };
    if (ctx.globals.json) {
      const phases = chosen.map((p) => {
        const content = readLog(p.logFile);
        if (content === null && p.logFile !== null) gone(p);
        return {
          processType: p.processType,
          status: p.status,
          exitCode: p.exitCode,
          logFile: p.logFile,
          errorMessage: p.errorMessage,
          content,
        };
      });
      ctx.print({ runId: run.id, status: run.status, phases }, () => '');
      return missing > 0 ? ExitCode.failure : ExitCode.ok;
    }

    for (const p of chosen) {
      if (phase === undefined) ctx.io.stdout(logHeader(p));
      if (p.logFile === null) {
        // The phase never started (no Claude CLI, invalid options): its error is all there is.
        if (phase === undefined && p.errorMessage) ctx.io.stdout(`${p.errorMessage}\n`);
        else if (p.errorMessage) ctx.note(`the ${p.processType} phase has no log file: ${p.errorMessage}`);
        continue;
      }
      const copied = copyToStdout(ctx, p.logFile);
      if (!copied.copied) gone(p);
      else if (phase === undefined && !copied.endsWithNewline) ctx.io.stdout('\n');
    }
    return missing > 0 ? ExitCode.failure : ExitCode.ok;
  },
};

function alreadyEnded(run: Run, zone: string): UsageError {
  const at = run.endedAt === null ? '' : ` at ${formatInZone(run.endedAt, zone)}`;
  return new UsageError(
    `run ${run.id.slice(0, 8)} already ended with status ${run.status}${at}; there is nothing to cancel`,
  );
}

const cancel: CommandSpec = {
  path: ['run', 'cancel'],
  summary: 'Cancel a queued, waiting or running run (also one another process is running) and print it.',
  description:
    'A queued run, or one waiting for a usage limit to reset, is cancelled at once. A running run is stopped ' +
    'by the process running it (a night-pilot job run or scheduler, or VS Code), which checks for the request ' +
    'twice a second: Claude is stopped, the cleanup phase runs, and the run is recorded "cancelled". The command waits ' +
    'for that unless --no-wait is given. A run whose process is gone is cancelled directly, after what it left ' +
    'running (Claude, a phase command) is stopped. A run that already ended is an error (exit 2). Exit code 1 ' +
    'when the run ended otherwise before the cancellation took effect.',
  positionals: [RUN_ID],
  options: [
    {
      name: 'no-wait',
      description: 'Return as soon as the request is recorded, without waiting for a running run to stop.',
    },
  ],
  examples: ['night-pilot run cancel c0ffee00', 'night-pilot run cancel c0ff --no-wait'],
  async run(ctx, args) {
    const reference = args.positionals[0]!;
    const wait = !args.flag('no-wait');
    const { target, zone } = await ctx.store.read((tx) => {
      const found = resolveRun(tx, reference);
      return { target: found, zone: tx.jobs.get(found.jobId)?.timezone ?? 'UTC' };
    });
    if (FINAL_RUN_STATUSES.includes(target.status)) throw alreadyEnded(target, zone);
    const db = await ctx.store.open();
    const id = target.id;
    const short = id.slice(0, 8);

    const options = cancelOptions(ctx);
    let run = await cancelRun(db, id, options);
    // It may have ended between the look above and the request.
    if (FINAL_RUN_STATUSES.includes(run.status) && run.status !== 'cancelled') throw alreadyEnded(run, zone);
    if (run.status === 'running') {
      ctx.note(
        wait
          ? `asked ${run.owner ?? 'its owner'} to stop run ${short}; waiting for it to end (Ctrl-C stops waiting, the request stays)`
          : `asked ${run.owner ?? 'its owner'} to stop run ${short}; it stops Claude within a second, then runs the cleanup phase`,
      );
    }
    while (wait && !FINAL_RUN_STATUSES.includes(run.status)) {
      await new Promise((resolve) => setTimeout(resolve, CANCEL_POLL_MS));
      // The owner may die before it gets to the request: then its processes are stopped here.
      run = await cancelRun(db, id, options);
    }

    const detail = db.read((tx) => readRunDetail(tx, id));
    ctx.print(detail.run, () => formatRunDetail(detail, ctx.now()));
    if (FINAL_RUN_STATUSES.includes(run.status) && run.status !== 'cancelled') {
      ctx.note(`run ${short} ended with status ${run.status} before the cancellation took effect`);
      return ExitCode.failure;
    }
    return ExitCode.ok;
  },
};

/** `run show`, `run log` and `run cancel`, in the order help lists them (after `run list`). */
export const RUN_SHOW_COMMANDS: readonly CommandSpec[] = [show, log, cancel];
