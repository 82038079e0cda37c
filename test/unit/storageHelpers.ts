import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Job } from '../../src/core/model';
import type { NightPilotDatabase } from '../../src/storage/database';
import { copySnapshot } from '../../src/storage/diskSnapshot';

/** A fresh temp folder, removed by the returned cleanup. */
export function tempDir(prefix = 'np-test-'): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Inserts a prompt and a daily job using it. */
export function addJob(db: NightPilotDatabase, name = 'nightly'): Promise<Job> {
  return db.write((tx) => {
    const prompt = tx.prompts.insert({ title: name, content: `Prompt of ${name}` });
    return tx.jobs.insert({ name, promptId: prompt.id, cronExpression: '0 2 * * *', timezone: 'UTC' });
  });
}

/**
 * Registers mocha hooks in the calling describe: each test gets a fresh temp folder (`dir`),
 * removed after the test once `beforeRemove` (if any) has released what the test left in it.
 */
export function useTempDir(
  prefix?: string,
  beforeRemove?: () => void | Promise<void>,
): { readonly dir: string } {
  let current: { dir: string; cleanup: () => void } | undefined;
  beforeEach(() => {
    current = tempDir(prefix);
  });
  afterEach(async () => {
    try {
      await beforeRemove?.();
    } finally {
      current?.cleanup();
      current = undefined;
    }
  });
  return {
    get dir() {
      if (!current) throw new Error('useTempDir: the temp folder exists only while a test runs');
      return current.dir;
    },
  };
}

/** The calling describe's per-test temp folder and a database path in it (not created). */
export interface TempDatabaseFile {
  readonly dir: string;
  readonly file: string;
}

/** {@link useTempDir}, with `file` at `relativePath` inside the folder. */
export function useTempDatabaseFile(relativePath = 'claude-night-pilot.db'): TempDatabaseFile {
  const tmp = useTempDir();
  return {
    get dir() {
      return tmp.dir;
    },
    get file() {
      return path.join(tmp.dir, relativePath);
    },
  };
}

/**
 * The committed state of the database at `file` (its base file with the page log over it) as the
 * bytes of one SQLite file: what any other SQLite would need to see the same data.
 */
export function committedBytes(file: string): Buffer {
  const out = path.join(os.tmpdir(), `np-committed-${process.pid}-${Date.now()}-${Math.random()}`);
  try {
    if (!copySnapshot(file, out)) throw new Error(`no database at ${file}`);
    return fs.readFileSync(out);
  } finally {
    fs.rmSync(out, { force: true });
  }
}
