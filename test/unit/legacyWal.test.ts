// Legacy files whose rows are partly or only in the -wal, written by a REAL SQLite (node:sqlite in
// Node 24, or python3's sqlite3): committed transactions are migrated, an unfinished, torn,
// damaged or stale tail never is, and a log that cannot be read stops the migration.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { NightPilotDatabase } from '../../src/storage/database';
import { openLegacySnapshot } from '../../src/storage/legacy/legacyFile';
import { loadSqlJs } from '../../src/storage/sqlJs';
import { SCHEMA_B, q, writeRealSqlite } from '../fixtures/legacyFixtures';
import { fileHash } from './cliHarness';
import { count, migrateFile, openUnified, plan } from './legacyHarness';
import { useTempDir } from './storageHelpers';

const prompt = (id: number, title: string) =>
  `INSERT INTO prompts (id, title, content, created_at) VALUES (${id}, ${q(title)}, ${q(`content ${title} 🌙`)}, '2025-07-01T00:00:00Z');`;
const schedule = (id: number, cron: string) =>
  `INSERT INTO schedules (id, prompt_id, schedule_time, status, created_at, cron_expr) VALUES (${id}, 1, ${q(cron)}, 'active', '2025-07-01T00:00:00Z', ${q(cron)});`;
const titles = (db: NightPilotDatabase) => db.read((tx) => tx.prompts.list().map((p) => p.title)).sort();

const FRAME_HEADER = 24;
const WAL_HEADER = 32;

describe('legacy files with a -wal (written by a real SQLite)', () => {
  const tmp = useTempDir('np-legacy-wal-');
  let db: NightPilotDatabase | undefined;
  afterEach(() => {
    db?.close();
    db = undefined;
  });

  it('migrates rows committed only in the -wal, not an unfinished transaction after them', async () => {
    const file = path.join(tmp.dir, 'claude-night-pilot.db');
    writeRealSqlite(file, {
      setup: [SCHEMA_B, prompt(1, 'in the main file')],
      wal: [
        prompt(2, 'only in the wal, first commit'),
        `${prompt(3, '只在日誌中')} ${schedule(1, '0 0 9 * * *')}`,
      ],
      uncommitted: Array.from({ length: 40 }, (_, i) =>
        prompt(100 + i, `never committed ${i} ${'x'.repeat(2000)}`),
      ),
    });
    const wal = fs.readFileSync(`${file}-wal`);
    assert.ok(wal.length > 32, 'the fixture has a -wal');
    db = await openUnified(tmp.dir);
    const { plan: p, report } = await migrateFile(db, file);
    assert.deepEqual(titles(db), ['in the main file', 'only in the wal, first commit', '只在日誌中']);
    assert.equal(db.read((tx) => tx.jobs.list()).length, 1);
    assert.equal(report.verify.ok, true, JSON.stringify(report.verify));
    assert.ok(p.source.wal!.uncommittedFrames > 0, JSON.stringify(p.source.wal));
    // Two INSERTs in one exec are two autocommit transactions: 3 commits in all.
    assert.equal(p.source.wal!.commits, 3);
    assert.ok(p.warnings.some((w) => w.code === 'walTail'));
    // The backup holds both files as they were.
    assert.equal(
      fileHash(path.join(report.backupFolder, 'claude-night-pilot.db-wal')),
      fileHash(`${file}-wal`),
    );
  });

  it('reads a database whose tables exist only in the -wal', async () => {
    const file = path.join(tmp.dir, 'claude-night-pilot.db');
    writeRealSqlite(file, { setup: [], wal: [SCHEMA_B, prompt(1, 'wal only'), schedule(1, '0 0 6 * * *')] });
    db = await openUnified(tmp.dir);
    const { report } = await migrateFile(db, file);
    assert.deepEqual(titles(db), ['wal only']);
    assert.equal(report.verify.ok, true);
  });

  it('stops at a torn last frame and at a frame whose checksum fails, keeping the commits before them', async () => {
    const file = path.join(tmp.dir, 'claude-night-pilot.db');
    writeRealSqlite(file, {
      setup: [SCHEMA_B],
      wal: [prompt(1, 'first'), prompt(2, 'second'), prompt(3, 'third')],
    });
    const wal = fs.readFileSync(`${file}-wal`);
    const pageSize = wal.readUInt32BE(8);
    const frame = FRAME_HEADER + pageSize;
    const frames = (wal.length - WAL_HEADER) / frame;
    // The frame each commit ends with (its header's database size is non-zero).
    const commitFrames = Array.from({ length: frames }, (_, i) => i).filter(
      (i) => wal.readUInt32BE(WAL_HEADER + i * frame + 4) > 0,
    );
    assert.equal(commitFrames.length, 3, `expected a commit per insert, got ${commitFrames.length}`);
    const firstFrameOf = (commit: number) => commitFrames[commit - 1]! + 1;
    // Torn: the last frame cut in half, as a crash mid-write leaves it.
    assert.equal(commitFrames[2], frames - 1, 'the third commit is one frame');
    fs.writeFileSync(`${file}-wal`, wal.subarray(0, wal.length - Math.floor(frame / 2)));
    db = await openUnified(tmp.dir);
    let p = await plan(db, file);
    assert.deepEqual(
      p.prompts.map((x) => x.title),
      ['first', 'second'],
    );
    assert.match(p.source.wal!.endReason ?? '', /cut short/);
    // Damaged: one byte of the second frame's page; the log ends there.
    const damaged = Buffer.from(wal);
    const at = WAL_HEADER + firstFrameOf(1) * frame + FRAME_HEADER + 100;
    damaged.writeUInt8(damaged.readUInt8(at) ^ 0xff, at);
    fs.writeFileSync(`${file}-wal`, damaged);
    p = await plan(db, file);
    assert.deepEqual(
      p.prompts.map((x) => x.title),
      ['first'],
    );
    assert.match(p.source.wal!.endReason ?? '', /checksum/);
    // Stale: a frame whose salts are from an earlier log.
    const stale = Buffer.from(wal);
    const saltAt = WAL_HEADER + firstFrameOf(2) * frame + 8;
    stale.writeUInt32BE((stale.readUInt32BE(saltAt) ^ 1) >>> 0, saltAt);
    fs.writeFileSync(`${file}-wal`, stale);
    p = await plan(db, file);
    assert.deepEqual(
      p.prompts.map((x) => x.title),
      ['first', 'second'],
    );
    assert.match(p.source.wal!.endReason ?? '', /other salts/);
    // A damaged header: nothing in the log can be trusted, so nothing is migrated.
    const badHeader = Buffer.from(wal);
    badHeader.writeUInt8(badHeader.readUInt8(12) ^ 0xff, 12);
    fs.writeFileSync(`${file}-wal`, badHeader);
    await assert.rejects(plan(db, file), (err: Error) => {
      assert.ok(err.message.includes(file));
      assert.match(err.message, /-wal beside it cannot be read: its header checksum does not match/);
      return true;
    });
    assert.equal(count(db, 'SELECT COUNT(*) AS n FROM prompts'), 0);
  });

  it('replays frames exactly as SQLite reads them: the same bytes as the checkpointed file', async () => {
    const file = path.join(tmp.dir, 'claude-night-pilot.db');
    writeRealSqlite(file, { setup: [SCHEMA_B], wal: [prompt(1, 'a'), prompt(2, 'b')] });
    const snapshot = openLegacySnapshot(file, await loadSqlJs());
    let replayed: Uint8Array;
    try {
      // What sql.js reads as the file: the main file's image with the log's pages over it.
      replayed = snapshot.db.export();
    } finally {
      snapshot.close();
    }
    const checkpointed = path.join(tmp.dir, 'checkpointed.db');
    writeRealSqlite(checkpointed, { setup: [SCHEMA_B, prompt(1, 'a'), prompt(2, 'b')] });
    // Same content pages; the header differs only in the fields a checkpoint rewrites.
    const a = Buffer.from(replayed);
    const b = fs.readFileSync(checkpointed);
    assert.equal(a.length, b.length);
    const pageSize = a.readUInt16BE(16);
    for (let page = 1; page < a.length / pageSize; page++) {
      assert.ok(
        a
          .subarray(page * pageSize, (page + 1) * pageSize)
          .equals(b.subarray(page * pageSize, (page + 1) * pageSize)),
        `page ${page + 1}`,
      );
    }
  });

  it('reports an FTS5 search index it cannot open and migrates the rest', async () => {
    const file = path.join(tmp.dir, 'claude-pilot.db');
    writeRealSqlite(file, {
      setup: [
        SCHEMA_B,
        'CREATE VIRTUAL TABLE prompts_fts USING fts5(title, content);',
        prompt(1, 'searchable'),
        "INSERT INTO prompts_fts (title, content) VALUES ('searchable', 'content');",
      ],
    });
    db = await openUnified(tmp.dir);
    const { plan: p, report } = await migrateFile(db, file);
    const fts = p.tables.find((t) => t.table === 'prompts_fts');
    assert.equal(fts?.role, 'unreadable');
    assert.match(fts?.note ?? '', /fts5/);
    assert.ok(p.warnings.some((w) => w.code === 'skippedTables'));
    assert.deepEqual(titles(db), ['searchable']);
    assert.equal(report.verify.ok, true, JSON.stringify(report.verify));
  });
});
