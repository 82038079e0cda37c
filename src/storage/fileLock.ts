// The inter-process write lock beside the database (`<database>.lock`).
//
// Rules (docs/architecture.md, "Storage: locking and crash safety"):
// - The lock file is created complete or not at all: its content is written to a private temp file
//   first and hard-linked into place (link fails when the lock exists), so a full disk or a crash
//   never leaves an empty lock that others must wait out.
// - A lock is taken from its holder only when the holder is dead: on this host, its pid is gone or
//   belongs to a process that started at another time (pid reuse). A live holder is never robbed,
//   however long it holds the lock (frozen by SIGSTOP, a VM pause, a suspend in mid-save).
// - A holder on another host (a shared folder) cannot be checked; its lock is taken after
//   OTHER_HOST_STALE_MS. The save's own check before its rename (`HeldLock.verify`) is what keeps
//   such a holder, if it was only frozen, from writing over newer data.

import crypto from 'node:crypto';
import fs from 'node:fs';
import { TEMP_MARK } from './durableFile';
import { LockTimeoutError, StorageError, storageErrorFor } from './errors';
import type { ProcessIdentity } from './processIdentity';
import { liveness, thisProcess } from './processIdentity';
import { errorMessage } from '../core/errorMessage';

/** What a lock file holds: enough to tell whether its holder is still alive. */
interface LockOwner {
  pid: number;
  host: string;
  /** The holder's start time (see processIdentity); absent in locks of older versions. */
  start?: string | null;
  token: string;
  acquiredAt: number;
  label: string;
}

export interface FileLockOptions {
  /** How long to wait for a live holder before giving up. */
  timeoutMs?: number;
  /** Shown to a process that times out waiting for us, e.g. "night-pilot scheduler". */
  label?: string;
}

export interface HeldLock {
  /** Whether the lock file is still ours (nobody broke it while we were frozen). */
  verify(): boolean;
  release(): void;
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** A lock of a holder on another host that is older than this is taken: see the file comment. */
export const OTHER_HOST_STALE_MS = 60_000;
/** A lock file nobody can read (another program's, a damaged one) is taken after this. */
const UNREADABLE_STALE_MS = 2_000;

type Seen = LockOwner | 'missing' | 'unreadable';

function readOwner(lockPath: string): Seen {
  let text: string;
  try {
    text = fs.readFileSync(lockPath, 'utf8');
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unreadable';
  }
  try {
    const owner = JSON.parse(text) as LockOwner;
    return typeof owner.pid === 'number' && typeof owner.token === 'string' ? owner : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

function fileAgeMs(filePath: string, now: number): number {
  try {
    return now - fs.statSync(filePath).mtimeMs;
  } catch {
    return 0;
  }
}

function isStale(owner: LockOwner | 'unreadable', lockPath: string): boolean {
  const now = Date.now();
  if (owner === 'unreadable') return fileAgeMs(lockPath, now) > UNREADABLE_STALE_MS;
  const identity: ProcessIdentity = { host: owner.host, pid: owner.pid, start: owner.start ?? null };
  const state = liveness(identity);
  if (state === 'other-host') return now - owner.acquiredAt > OTHER_HOST_STALE_MS;
  return state === 'dead';
}

function describeOwner(owner: Seen): string {
  if (typeof owner === 'string') return `an unknown process (${owner} lock file)`;
  const since = new Date(owner.acquiredAt).toISOString();
  return `${owner.label} pid ${owner.pid} on ${owner.host} since ${since}`;
}

/**
 * Removes an abandoned lock. Only the holder of the ".break" guard may delete the lock file, and
 * it re-reads the lock under the guard, so two processes that both saw the same dead holder cannot
 * delete a lock that a third process took in between.
 */
function breakStaleLock(lockPath: string, seen: LockOwner | 'unreadable'): void {
  const guard = `${lockPath}.break`;
  let fd: number;
  try {
    fd = fs.openSync(guard, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    // A breaker that died mid-break leaves its guard; guards live for microseconds.
    if (fileAgeMs(guard, Date.now()) > 5_000) fs.rmSync(guard, { force: true });
    return;
  }
  try {
    const current = readOwner(lockPath);
    const same =
      current === 'unreadable'
        ? seen === 'unreadable'
        : current !== 'missing' && seen !== 'unreadable' && current.token === seen.token;
    if (same && isStale(current as LockOwner | 'unreadable', lockPath)) fs.rmSync(lockPath, { force: true });
  } finally {
    fs.closeSync(fd);
    fs.rmSync(guard, { force: true });
  }
}

/**
 * Creates the lock file with its whole content in one step: written to a temp file, then linked
 * to the lock's name (which fails if it exists). False when another process holds the lock.
 */
function tryCreate(lockPath: string, owner: LockOwner): boolean {
  const temp = `${lockPath}${TEMP_MARK}${owner.pid}-${owner.token}`;
  try {
    fs.writeFileSync(temp, JSON.stringify(owner), { flag: 'wx' });
  } catch (err) {
    // A full disk: created, but nothing could be written into it.
    fs.rmSync(temp, { force: true });
    throw err;
  }
  try {
    fs.linkSync(temp, lockPath);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // File systems without hard links: create exclusively and write; a failed write removes it.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS')
      return createExclusive(lockPath, owner);
    throw err;
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

function createExclusive(lockPath: string, owner: LockOwner): boolean {
  let fd: number;
  try {
    fd = fs.openSync(lockPath, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    fs.writeSync(fd, JSON.stringify(owner));
  } catch (err) {
    fs.closeSync(fd);
    fs.rmSync(lockPath, { force: true });
    throw err;
  }
  fs.closeSync(fd);
  return true;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Takes the inter-process lock `lockPath`. A dead holder's lock is taken over; a live holder is
 * waited for, polling with a short growing delay, until `timeoutMs`.
 */
export async function acquireFileLock(lockPath: string, options: FileLockOptions = {}): Promise<HeldLock> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const me = thisProcess();
  const owner: LockOwner = {
    pid: me.pid,
    host: me.host,
    start: me.start,
    token: crypto.randomUUID(),
    acquiredAt: 0,
    label: options.label ?? 'night-pilot',
  };
  const started = Date.now();
  let delay = 1;
  for (;;) {
    owner.acquiredAt = Date.now();
    let created: boolean;
    try {
      created = tryCreate(lockPath, owner);
    } catch (err) {
      throw storageErrorFor(err, `Cannot take the database lock ${lockPath}`);
    }
    if (created) {
      return {
        verify: () => isOurs(lockPath, owner.token),
        release: () => releaseIfOurs(lockPath, owner.token),
      };
    }
    const holder = readOwner(lockPath);
    if (holder !== 'missing') {
      if (isStale(holder, lockPath)) {
        breakStaleLock(lockPath, holder);
        continue;
      }
      const waited = Date.now() - started;
      if (waited >= timeoutMs) throw new LockTimeoutError(lockPath, waited, describeOwner(holder));
    }
    await sleep(delay);
    delay = Math.min(delay * 2, 25);
  }
}

function isOurs(lockPath: string, token: string): boolean {
  const current = readOwner(lockPath);
  return current !== 'missing' && current !== 'unreadable' && current.token === token;
}

function releaseIfOurs(lockPath: string, token: string): void {
  // If our lock was taken (we were on another host and frozen for a minute), it is someone else's.
  if (isOurs(lockPath, token)) {
    try {
      fs.rmSync(lockPath, { force: true });
    } catch (err) {
      throw new StorageError(`Cannot release the database lock ${lockPath}: ${errorMessage(err)}`);
    }
  }
}
