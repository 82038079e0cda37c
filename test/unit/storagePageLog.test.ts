import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { NightPilotDatabase } from '../../src/storage/database';
import { statStamp } from '../../src/storage/durableFile';
import { CorruptDatabaseError, DatabaseMissingError, NewerLogFormatError } from '../../src/storage/errors';
import { MIN_CHECKPOINT_BYTES } from '../../src/storage/databaseFiles';
import { checksum, sumsBytes } from '../../src/storage/logChecksum';
import { logPathOf } from '../../src/storage/pageLog';
import { loadSqlJs } from '../../src/storage/sqlJs';
import { addJob, committedBytes, useTempDatabaseFile } from './storageHelpers';

interface RecordSeen {
  start: number;
  end: number;
  kind: 'commit' | 'superseded' | 'index';
  pages: Array<{ number: number; offset: number }>;
}

/**
 * The records of the log, read from its documented layout (pageLog.ts), independently of the code
 * under test: where each starts and ends, and where its pages are (to place damage precisely).
 */
function records(file: string): RecordSeen[] {
  const bytes = fs.readFileSync(logPathOf(file));
  const pageSize = bytes.readUInt32BE(12);
  const found: RecordSeen[] = [];
  // Records start after the 64-byte header and its two 32-byte hint slots.
  for (let at = 128; at + 24 <= bytes.length && bytes.toString('latin1', at, at + 4) === 'NPTX';) {
    const kind = (['commit', 'superseded', 'index'] as const)[bytes.readUInt32BE(at + 4) - 1]!;
    const count = bytes.readUInt32BE(at + 8);
    const leadBytes = kind === 'commit' ? 24 + 16 * count : kind === 'index' ? 32 + 16 * count : 40;
    const pageBytes = kind === 'commit' ? count * pageSize : 0;
    const pages =
      kind === 'commit'
        ? Array.from({ length: count }, (_, i) => ({
            number: bytes.readUInt32BE(at + 24 + 16 * i),
            offset: at + leadBytes + i * pageSize,
          }))
        : [];
    const end = at + leadBytes + pageBytes + 16;
    if (end > bytes.length || bytes.toString('latin1', end - 16, end - 12) !== 'NPCM') break;
    found.push({ start: at, end, kind, pages });
    at = end;
  }
  return found;
}

/** Overwrites `length` bytes of the log at `at` with 0xa5, as a failing disk would. */
function damageLog(file: string, at: number, length: number): void {
  const fd = fs.openSync(logPathOf(file), 'r+');
  try {
    fs.writeSync(fd, Buffer.alloc(length, 0xa5), 0, length, at);
  } finally {
    fs.closeSync(fd);
  }
}

async function jobNames(file: string): Promise<string[]> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database(committedBytes(file));
  try {
    return (db.exec('SELECT name FROM jobs ORDER BY name')[0]?.values ?? []).map((r) => String(r[0]));
  } finally {
    db.close();
  }
}

describe('storage: the page log (a write appends the pages it changed)', function () {
  this.timeout(60_000);
  const tmp = useTempDatabaseFile();

  it('writes a few pages per change whatever the size of the file, and another instance reads them', async () => {
    const db = await NightPilotDatabase.open(tmp.file);
    const job = await addJob(db, 'big');
    await db.write((tx) => {
      for (let i = 0; i < 3000; i++) {
        tx.runs.claim({
          jobId: job.id,
          trigger: 'schedule',
          scheduledFor: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
          status: 'succeeded',
          error: `run ${i} `.repeat(40),
        });
      }
    });
    await db.checkpoint();
    assert.equal(fs.existsSync(logPathOf(tmp.file)), false, 'a checkpoint leaves no log');
    const size = fs.statSync(tmp.file).size;
    assert.ok(size > 1_000_000, `the file is large (${size} bytes)`);
    const reader = await NightPilotDatabase.open(tmp.file);
    const base = statStamp(tmp.file);
    for (let i = 0; i < 5; i++) {
      await db.write((tx) => tx.jobs.update(job.id, { name: `renamed ${i}` }));
      assert.equal(
        reader.read((tx) => tx.jobs.require(job.id).name),
        `renamed ${i}`,
      );
    }
    assert.deepEqual(statStamp(tmp.file), base, 'the file itself was not written');
    const logBytes = fs.statSync(logPathOf(tmp.file)).size;
    assert.ok(
      logBytes < 5 * 4 * 4096,
      `5 small changes took ${logBytes} bytes of log for a ${size}-byte file`,
    );
    reader.close();
    db.close();
    assert.deepEqual(await jobNames(tmp.file), ['renamed 4']);
  });

  for (const holdFileOpen of [true, false]) {
    it(`folds the log into a new file at a checkpoint; readers follow (${holdFileOpen ? 'descriptors held' : 'read whole'})`, async () => {
      const a = await NightPilotDatabase.open(tmp.file, { holdFileOpen });
      const b = await NightPilotDatabase.open(tmp.file, { holdFileOpen });
      const job = await addJob(a, 'folded');
      for (let i = 0; i < 10; i++) {
        const writer = i % 2 === 0 ? a : b;
        await writer.write((tx) => tx.jobs.update(job.id, { name: `name ${i}` }));
        if (i === 4) {
          const before = statStamp(tmp.file)!;
          const done = await b.checkpoint();
          assert.ok(done.logBytes > 0, 'there was a log to fold');
          assert.notEqual(statStamp(tmp.file)!.ino, before.ino, 'a new file was renamed into place');
          assert.equal(fs.existsSync(logPathOf(tmp.file)), false);
        }
        const reader = writer === a ? b : a;
        assert.equal(
          reader.read((tx) => tx.jobs.require(job.id).name),
          `name ${i}`,
        );
      }
      a.close();
      b.close();
      assert.deepEqual(await jobNames(tmp.file), ['name 9']);
    });
  }

  it('folds the log by itself once it outgrows its bound, after a quiet moment', async () => {
    const db = await NightPilotDatabase.open(tmp.file, { checkpointDelayMs: 50 });
    const job = await addJob(db, 'growing');
    const base = statStamp(tmp.file)!;
    // Rows of ~2 KB until the log is past its bound (4 MiB for a small file).
    for (let batch = 0; fs.statSync(logPathOf(tmp.file)).size < MIN_CHECKPOINT_BYTES; batch++) {
      await db.write((tx) => {
        for (let i = 0; i < 200; i++)
          tx.prompts.insert({ title: `bulk ${batch}-${i}`, content: `${batch}-${i} `.repeat(300) });
      });
    }
    const deadline = Date.now() + 10_000;
    while (fs.existsSync(logPathOf(tmp.file)) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    assert.equal(fs.existsSync(logPathOf(tmp.file)), false, 'the log was folded into the file');
    assert.notEqual(statStamp(tmp.file)!.ino, base.ino);
    await db.write((tx) => tx.jobs.update(job.id, { name: 'after the checkpoint' }));
    db.close();
    assert.deepEqual(await jobNames(tmp.file), ['after the checkpoint']);
  });

  it('ignores a record a writer left unfinished, and the next writer cuts it off', async () => {
    const db = await NightPilotDatabase.open(tmp.file);
    const job = await addJob(db, 'kept');
    db.close();
    const logSize = fs.statSync(logPathOf(tmp.file)).size;
    const before = records(tmp.file);
    assert.ok(before.length > 0);
    // A writer killed in the middle of its append: the start of a record and some page bytes.
    const lead = Buffer.alloc(24);
    lead.write('NPTX', 0, 'latin1');
    lead.writeUInt32BE(1, 4);
    lead.writeUInt32BE(1, 8);
    lead.writeUInt32BE(99, 12);
    lead.writeBigUInt64BE(BigInt(before.length + 1), 16);
    fs.appendFileSync(logPathOf(tmp.file), Buffer.concat([lead, Buffer.alloc(3000, 7)]));

    const again = await NightPilotDatabase.open(tmp.file);
    assert.equal(
      again.read((tx) => tx.jobs.require(job.id).name),
      'kept',
    );
    await again.write((tx) => tx.jobs.update(job.id, { name: 'after the torn record' }));
    again.close();
    const after = records(tmp.file);
    assert.equal(after.length, before.length + 1);
    const end = after[after.length - 1]!.end;
    assert.equal(fs.statSync(logPathOf(tmp.file)).size, end, 'nothing left after the last record');
    assert.ok(end > logSize);
    assert.deepEqual(await jobNames(tmp.file), ['after the torn record']);
  });

  it('takes zeros after the last record (a power cut left an append unwritten) for the end of the log', async () => {
    const db = await NightPilotDatabase.open(tmp.file);
    const job = await addJob(db, 'kept');
    db.close();
    fs.appendFileSync(logPathOf(tmp.file), Buffer.alloc(3 * 4096));
    const again = await NightPilotDatabase.open(tmp.file);
    await again.write((tx) => tx.jobs.update(job.id, { name: 'after the zeros' }));
    again.close();
    assert.deepEqual(await jobNames(tmp.file), ['after the zeros']);
  });

  it('reports a damaged record with commits after it as damage, never as the end of the log', async () => {
    const db = await NightPilotDatabase.open(tmp.file);
    const job = await addJob(db, 'first');
    for (let i = 0; i < 3; i++) await db.write((tx) => tx.jobs.update(job.id, { name: `name ${i}` }));
    db.close();
    const first = records(tmp.file)[0]!;
    damageLog(tmp.file, first.end - 8, 8); // its trailer's checksum
    const log = fs.readFileSync(logPathOf(tmp.file));
    const err = await NightPilotDatabase.open(tmp.file).catch((e: unknown) => e);
    assert.ok(err instanceof CorruptDatabaseError, String(err));
    assert.match(err.message, /does not check out, and committed records follow it/);
    assert.deepEqual(fs.readFileSync(err.logMovedTo!), log, 'the log is kept whole, nothing cut off');
  });

  it('opens a long log from its latest index, and from its start when the hints are torn', async () => {
    const db = await NightPilotDatabase.open(tmp.file, { checkpointDelayMs: 60_000 });
    const job = await addJob(db, 'indexed');
    for (let i = 0; i < 150; i++) await db.write((tx) => tx.jobs.update(job.id, { name: `name ${i}` }));
    db.close();
    assert.ok(records(tmp.file).filter((r) => r.kind === 'index').length >= 2, 'index records were written');
    const read = async () => {
      const again = await NightPilotDatabase.open(tmp.file);
      try {
        return again.read((tx) => tx.jobs.require(job.id).name);
      } finally {
        again.close();
      }
    };
    assert.equal(await read(), 'name 149');
    damageLog(tmp.file, 64, 64); // both hint slots
    assert.equal(await read(), 'name 149');
    const again = await NightPilotDatabase.open(tmp.file);
    await again.write((tx) => tx.jobs.update(job.id, { name: 'after' }));
    again.close();
    assert.deepEqual(await jobNames(tmp.file), ['after']);
  });

  it('drops a last commit whose pages did not reach the disk (a power cut), keeping the ones before', async () => {
    const db = await NightPilotDatabase.open(tmp.file);
    const job = await addJob(db, 'first');
    await db.write((tx) => tx.jobs.update(job.id, { name: 'second' }));
    await db.write((tx) => tx.jobs.update(job.id, { name: 'third' }));
    db.close();
    const last = records(tmp.file).pop()!;
    // Its trailer checks out, but a page in it is not what was committed.
    damageLog(tmp.file, last.pages[0]!.offset + 100, 200);
    const again = await NightPilotDatabase.open(tmp.file);
    assert.equal(
      again.read((tx) => tx.jobs.require(job.id).name),
      'second',
    );
    await again.write((tx) => tx.jobs.update(job.id, { name: 'fourth' }));
    again.close();
    assert.deepEqual(await jobNames(tmp.file), ['fourth']);
  });

  it('finds a damaged page in an earlier commit when it is read, and moves the files aside together', async () => {
    const db = await NightPilotDatabase.open(tmp.file);
    const job = await addJob(db, 'first');
    for (let i = 0; i < 3; i++) await db.write((tx) => tx.jobs.update(job.id, { name: `name ${i}` }));
    db.close();
    const logBefore = fs.readFileSync(logPathOf(tmp.file));
    // Every page of the first record: one of them holds the job's row, read below.
    for (const page of records(tmp.file)[0]!.pages) damageLog(tmp.file, page.offset + 500, 64);
    const damaged = fs.readFileSync(logPathOf(tmp.file));
    assert.notDeepEqual(damaged, logBefore);
    const err = await NightPilotDatabase.open(tmp.file).then(
      async (opened) => {
        try {
          opened.read((tx) => tx.sql.all('SELECT * FROM prompts'));
          opened.read((tx) => tx.jobs.list());
          return assert.fail('the damaged page was read without an error');
        } catch (e) {
          return e;
        } finally {
          opened.close();
        }
      },
      (e: unknown) => e,
    );
    assert.ok(err instanceof CorruptDatabaseError, String(err));
    assert.match(err.message, /page log is not what was committed|checksum/);
    assert.equal(fs.existsSync(tmp.file), false);
    assert.equal(fs.existsSync(logPathOf(tmp.file)), false);
    assert.equal(err.logMovedTo, logPathOf(err.movedTo));
    assert.deepEqual(fs.readFileSync(err.logMovedTo!), damaged, 'the log is kept byte for byte');
  });

  it('moves aside a database whose log header is damaged, never writing over either file', async () => {
    const db = await NightPilotDatabase.open(tmp.file);
    await addJob(db, 'x');
    db.close();
    damageLog(tmp.file, 20, 8);
    const base = fs.readFileSync(tmp.file);
    const log = fs.readFileSync(logPathOf(tmp.file));
    const err = await NightPilotDatabase.open(tmp.file).catch((e: unknown) => e);
    assert.ok(err instanceof CorruptDatabaseError, String(err));
    assert.match(err.message, /header checksum/);
    assert.deepEqual(fs.readFileSync(err.movedTo), base);
    assert.deepEqual(fs.readFileSync(err.logMovedTo!), log);
    const fresh = await NightPilotDatabase.open(tmp.file);
    assert.equal(
      fresh.read((tx) => tx.jobs.list().length),
      0,
    );
    fresh.close();
  });

  it('refuses a log written by a newer Night Pilot and leaves both files untouched', async () => {
    const db = await NightPilotDatabase.open(tmp.file);
    await addJob(db, 'x');
    db.close();
    // Format version 2, with a header checksum that checks out.
    const log = fs.readFileSync(logPathOf(tmp.file));
    log.writeUInt32BE(2, 8);
    sumsBytes(checksum(log.subarray(0, 56), [0, 0])).copy(log, 56);
    fs.writeFileSync(logPathOf(tmp.file), log);
    const base = fs.readFileSync(tmp.file);
    await assert.rejects(NightPilotDatabase.open(tmp.file), (err: unknown) => {
      assert.ok(err instanceof NewerLogFormatError, String(err));
      assert.match(err.message, /format version 2/);
      return true;
    });
    assert.deepEqual(fs.readFileSync(tmp.file), base);
    assert.deepEqual(fs.readFileSync(logPathOf(tmp.file)), log);
  });

  it('treats a log with commits for another copy of the file as damage (a file replaced by an old copy)', async () => {
    const db = await NightPilotDatabase.open(tmp.file);
    await addJob(db, 'before the copy');
    await db.checkpoint();
    const oldCopy = fs.readFileSync(tmp.file);
    await addJob(db, 'after the copy');
    await db.checkpoint();
    await addJob(db, 'in the log');
    db.close();
    fs.writeFileSync(tmp.file, oldCopy);
    const err = await NightPilotDatabase.open(tmp.file).catch((e: unknown) => e);
    assert.ok(err instanceof CorruptDatabaseError, String(err));
    assert.match(err.message, /another version of .* replaced by a copy/);
    assert.ok(err.logMovedTo !== null && fs.existsSync(err.logMovedTo));
  });

  it('ignores a log a checkpoint spent but could not remove (it died after its rename); the next write replaces it', async () => {
    const db = await NightPilotDatabase.open(tmp.file);
    const job = await addJob(db, 'spent');
    await db.write((tx) => tx.jobs.update(job.id, { name: 'in the log' }));
    const realRm = fs.rmSync;
    const logPath = logPathOf(tmp.file);
    fs.rmSync = ((target: fs.PathLike, options?: fs.RmOptions) => {
      if (target === logPath) return; // the checkpoint "dies" before removing the log
      realRm(target, options);
    }) as typeof fs.rmSync;
    try {
      await db.checkpoint();
    } finally {
      fs.rmSync = realRm;
    }
    db.close();
    assert.ok(fs.existsSync(logPath), 'the spent log is still there');
    assert.equal(records(tmp.file).pop()!.kind, 'superseded', 'it names the file that replaced its own');

    const again = await NightPilotDatabase.open(tmp.file);
    assert.equal(
      again.read((tx) => tx.jobs.require(job.id).name),
      'in the log',
    );
    await again.write((tx) => tx.jobs.update(job.id, { name: 'after' }));
    again.close();
    assert.deepEqual(
      records(tmp.file).map((r) => r.kind),
      ['commit'],
      'a new log, for the new file',
    );
    assert.deepEqual(await jobNames(tmp.file), ['after']);
  });

  it('reads again when two checkpoints replace the files between opening the log and the file', async () => {
    // The states the files go through, made with a second database in another folder.
    const other = path.join(tmp.dir, 'other', 'claude-night-pilot.db');
    const db = await NightPilotDatabase.open(other);
    const job = await addJob(db, 'v1');
    await db.write((tx) => tx.jobs.update(job.id, { name: 'v2' }));
    const oldBase = fs.readFileSync(other);
    const oldLog = fs.readFileSync(logPathOf(other));
    await db.checkpoint();
    await db.write((tx) => tx.jobs.update(job.id, { name: 'v3' }));
    await db.checkpoint();
    await db.write((tx) => tx.jobs.update(job.id, { name: 'v4' }));
    const newBase = fs.readFileSync(other);
    const newLog = fs.readFileSync(logPathOf(other));
    db.close();

    fs.writeFileSync(tmp.file, oldBase);
    fs.writeFileSync(logPathOf(tmp.file), oldLog);
    const reader = await NightPilotDatabase.open(tmp.file);
    assert.equal(
      reader.read((tx) => tx.jobs.require(job.id).name),
      'v2',
    );
    // The next read opens the old log; right then, two checkpoints and a write happen elsewhere.
    const realOpen = fs.openSync;
    let swapped = false;
    fs.openSync = ((file: fs.PathLike, flags?: fs.OpenMode, mode?: fs.Mode) => {
      const fd = realOpen(file, flags ?? 'r', mode);
      if (!swapped && file === logPathOf(tmp.file)) {
        swapped = true;
        const put = (target: string, bytes: Buffer) => {
          fs.writeFileSync(`${target}.new`, bytes);
          fs.renameSync(`${target}.new`, target);
        };
        put(tmp.file, newBase);
        put(logPathOf(tmp.file), newLog);
      }
      return fd;
    }) as typeof fs.openSync;
    try {
      fs.appendFileSync(logPathOf(tmp.file), Buffer.alloc(1)); // so the reader looks again
      assert.equal(
        reader.read((tx) => tx.jobs.require(job.id).name),
        'v4',
      );
    } finally {
      fs.openSync = realOpen;
      reader.close();
    }
    assert.ok(swapped);
  });

  it('fails for good when the log is deleted under it, rather than forgetting its commits', async () => {
    const db = await NightPilotDatabase.open(tmp.file);
    const job = await addJob(db, 'x');
    await db.write((tx) => tx.jobs.update(job.id, { name: 'only in the log' }));
    fs.rmSync(logPathOf(tmp.file));
    assert.throws(
      () => db.read((tx) => tx.jobs.list()),
      (err: unknown) => err instanceof DatabaseMissingError && /page log .* was deleted/.test(err.message),
    );
    // Failed for good: every later call gets the same error.
    assert.throws(() => db.write((tx) => tx.jobs.update(job.id, { name: 'never' })), DatabaseMissingError);
    db.close();
  });
});
