// Reads a refresh's files, on two cores when there is enough to read: a worker thread
// (transcriptWorker.ts) and the main thread take files from one shared counter, largest first,
// until none is left. Starting the worker costs some 30 ms of CPU and up to ~100 ms before it
// reads, so small refreshes (every incremental one) stay on the main thread.

import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { unpackEntries } from './transcriptPack';
import type { ReadJob, ReadResult } from './transcriptRead';
import { ReadBuffer, readTranscript } from './transcriptRead';

/** Below this many bytes to read, one thread is faster than starting a second. */
export const PARALLEL_MIN_BYTES = 16 * 1024 * 1024;

/** The worker's file name, beside the bundle (dist/cli.js, dist/extension.js) that starts it. */
export const TRANSCRIPT_WORKER_FILE = 'transcriptWorker.js';

export interface WorkerInput {
  /** Largest first; the worker and the main thread take them in this order. */
  jobs: ReadJob[];
  /** One Int32: the index of the next job to take (Atomics.add). */
  next: SharedArrayBuffer;
}

/** One job the worker did: its result packed, or failed (the main thread does it again). */
export type WorkerRead =
  | {
      index: number;
      offset: number;
      badLines: number;
      linesRead: number;
      bytesRead: number;
      strings: string[];
      rows: Float64Array;
    }
  | { index: number; failed: true };

export interface WorkerOutput {
  reads: WorkerRead[];
}

export interface ReadOptions {
  /** The worker bundle; undefined to read on this thread only. */
  workerScript?: string;
  /** Bytes from which a worker is started (default PARALLEL_MIN_BYTES). */
  parallelMinBytes?: number;
  /** Runs between chunks on the main thread (to let its event loop run). */
  pause?: () => Promise<void>;
}

/**
 * The worker bundle beside the running bundle, when there is one: under tsx (tests) there is
 * none, and everything is read on the main thread.
 */
export function bundledTranscriptWorker(): string | undefined {
  const file = path.join(__dirname, TRANSCRIPT_WORKER_FILE);
  return fs.existsSync(file) ? file : undefined;
}

/** Reads every job; the results in the jobs' order. */
export async function readTranscripts(
  jobs: readonly ReadJob[],
  options: ReadOptions = {},
): Promise<ReadResult[]> {
  const buffer = new ReadBuffer();
  const results: (ReadResult | undefined)[] = new Array<ReadResult | undefined>(jobs.length);
  const bytes = jobs.reduce((n, j) => n + Math.max(0, j.size - j.offset), 0);
  if (
    options.workerScript !== undefined &&
    jobs.length > 1 &&
    bytes >= (options.parallelMinBytes ?? PARALLEL_MIN_BYTES)
  ) {
    // Largest first, so that the last files either thread takes are small and they end together.
    const order = jobs.map((_, i) => i).sort((a, b) => size(jobs[b]!) - size(jobs[a]!) || a - b);
    const sorted = order.map((i) => jobs[i]!);
    const next = new SharedArrayBuffer(4);
    const counter = new Int32Array(next);
    const worker = startWorker(options.workerScript, { jobs: sorted, next });
    for (;;) {
      const k = Atomics.add(counter, 0, 1);
      if (k >= sorted.length) break;
      results[order[k]!] = await readTranscript(sorted[k]!, buffer, options.pause);
    }
    const output = await worker;
    for (const read of output?.reads ?? []) {
      if ('failed' in read) continue;
      const job = sorted[read.index]!;
      results[order[read.index]!] = {
        offset: read.offset,
        entries: unpackEntries(read.strings, read.rows, job.rel),
        badLines: read.badLines,
        linesRead: read.linesRead,
        bytesRead: read.bytesRead,
      };
    }
  }
  // Everything when there is no worker; after one, whatever it failed (or was gone before doing).
  for (let i = 0; i < jobs.length; i++) {
    results[i] ??= await readTranscript(jobs[i]!, buffer, options.pause);
  }
  return results as ReadResult[];
}

const size = (j: ReadJob) => j.size - j.offset;

/** Starts the worker; resolves with its output, or null when it failed or ended without one. */
function startWorker(script: string, input: WorkerInput): Promise<WorkerOutput | null> {
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      worker = new Worker(script, { workerData: input });
    } catch {
      resolve(null);
      return;
    }
    // Kept referenced: the main thread may be waiting for nothing else. It ends by itself once it
    // has posted.
    worker.once('message', (output: WorkerOutput) => resolve(output));
    worker.once('error', () => resolve(null));
    worker.once('exit', () => resolve(null));
  });
}
