// The transcript worker (its own small bundle, dist/transcriptWorker.js): reads files of a large
// refresh on a second core while the main thread reads others. Both take the next file from one
// shared counter, so neither waits while the other has work left. See transcriptParallel.ts.

import { parentPort, workerData } from 'node:worker_threads';
import type { WorkerInput, WorkerOutput, WorkerRead } from './transcriptParallel';
import { packEntries } from './transcriptPack';
import { ReadBuffer, readTranscript } from './transcriptRead';

async function run(input: WorkerInput): Promise<WorkerOutput> {
  const next = new Int32Array(input.next);
  const buffer = new ReadBuffer();
  const reads: WorkerRead[] = [];
  for (;;) {
    const index = Atomics.add(next, 0, 1);
    const job = input.jobs[index];
    if (job === undefined) break;
    try {
      const { offset, entries, badLines, linesRead, bytesRead } = await readTranscript(job, buffer);
      const { strings, rows } = packEntries(entries);
      reads.push({ index, offset, badLines, linesRead, bytesRead, strings, rows });
    } catch {
      // The main thread reads this file again and reports what is wrong with it.
      reads.push({ index, failed: true });
    }
  }
  return { reads };
}

if (parentPort !== null) {
  const port = parentPort;
  void run(workerData as WorkerInput).then((output) =>
    port.postMessage(
      output,
      output.reads.flatMap((r) => ('rows' in r ? [r.rows.buffer as ArrayBuffer] : [])),
    ),
  );
}
