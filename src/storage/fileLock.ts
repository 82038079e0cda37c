import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { LockTimeoutError } from './errors';
import { isProcessAlive } from './processAlive';

/** What a lock file holds: enough to tell whether its holder is still alive. */
interface LockOwner {
  pid: number;
  host: string;
  token: string;
  acquiredAt: number;
  label: string;
}

export interface FileLockOptions {
  /** How long to wait for a live holder before giving up. */
  timeoutMs?: number;
  /**
   * A lock older than this is considered abandoned even if a process with its pid exists (pid
   * reuse, another host on a shared folder). Writes hold the lock for milliseconds.
   */
  staleAfterMs?: number;
  /** Shown to a process that times out waiting for us, e.g. "night-pilot scheduler". */
  label?: string;
}

export interface HeldLock {
  release(): void;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_STALE_MS = 60_000;
const thisHost = os.hostname();

function readOwner(lockPath: string): LockOwner | 'missing' | 'unreadable' {
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
    // A holder that died between creating the file and writing it leaves it empty.
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

function isStale(owner: LockOwner | 'unreadable', lockPath: string, staleAfterMs: number): boolean {
  const now = Date.now();
  if (owner === 'unreadable') return fileAgeMs(lockPath, now) > 2_000;
  if (now - owner.acquiredAt > staleAfterMs) return true;
  return owner.host === thisHost && !isProcessAlive(owner.pid);
}

function describeOwner(owner: LockOwner | 'missing' | 'unreadable'): string {
  if (typeof owner === 'string') return `an unknown process (${owner} lock file)`;
  const since = new Date(owner.acquiredAt).toISOString();
  return `${owner.label} pid ${owner.pid} on ${owner.host} since ${since}`;
}

/**
 * Removes an abandoned lock. Only the holder of the ".break" guard may delete the lock file,
 * and it re-reads the lock under the guard, so two processes that both saw the same dead
 * holder cannot delete a lock that a third process took in between.
 */
function breakStaleLock(lockPath: string, seen: LockOwner | 'unreadable', staleAfterMs: number): void {
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
    if (same && isStale(current as LockOwner | 'unreadable', lockPath, staleAfterMs))
      fs.rmSync(lockPath, { force: true });
  } finally {
    fs.closeSync(fd);
    fs.rmSync(guard, { force: true });
  }
}

function tryCreate(lockPath: string, owner: LockOwner): boolean {
  let fd: number;
  try {
    fd = fs.openSync(lockPath, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    fs.writeSync(fd, JSON.stringify(owner));
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Takes the inter-process lock `lockPath` (created with O_EXCL). A dead holder's lock is taken
 * over; a live holder is waited for, polling with a short growing delay, until `timeoutMs`.
 */
export async function acquireFileLock(lockPath: string, options: FileLockOptions = {}): Promise<HeldLock> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_MS;
  const owner: LockOwner = {
    pid: process.pid,
    host: thisHost,
    token: crypto.randomUUID(),
    acquiredAt: 0,
    label: options.label ?? 'night-pilot',
  };
  const started = Date.now();
  let delay = 1;
  for (;;) {
    owner.acquiredAt = Date.now();
    if (tryCreate(lockPath, owner)) return { release: () => releaseIfOurs(lockPath, owner.token) };
    const holder = readOwner(lockPath);
    if (holder !== 'missing') {
      if (isStale(holder, lockPath, staleAfterMs)) {
        breakStaleLock(lockPath, holder, staleAfterMs);
        continue;
      }
      const waited = Date.now() - started;
      if (waited >= timeoutMs) throw new LockTimeoutError(lockPath, waited, describeOwner(holder));
    }
    await sleep(delay);
    delay = Math.min(delay * 2, 25);
  }
}

function releaseIfOurs(lockPath: string, token: string): void {
  const current = readOwner(lockPath);
  // If our lock was broken as stale (we were suspended for a minute), it is someone else's now.
  if (current !== 'missing' && current !== 'unreadable' && current.token === token)
    fs.rmSync(lockPath, { force: true });
}
