// Who a process is, in a way that survives pid reuse: its pid plus its start time on this boot.
// Lock files, run owners and recorded Claude process groups all carry one, so that "is it still
// alive?" never mistakes an unrelated process that got the same pid for the one we mean, and a
// process that is alive but silent (suspended laptop, SIGSTOP, a stalled event loop) is never
// taken for a dead one.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';

/** Whether a process with this pid exists on this machine (EPERM: it exists, owned by someone else). */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let bootId: string | null | undefined;

/** Linux's id of this boot, so a start time from before a reboot never matches one after it. */
function linuxBootId(): string | null {
  if (bootId === undefined) {
    try {
      bootId = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim().slice(0, 8);
    } catch {
      bootId = null;
    }
  }
  return bootId;
}

/** macOS `ps` costs a few milliseconds; a lock waiter asks many times a second. */
const darwinCache = new Map<number, { token: string | null; at: number }>();
const DARWIN_CACHE_MS = 2_000;

/**
 * An opaque token for when process `pid` started (letters, digits and dashes only), or null when
 * there is no such process or this platform cannot tell (Windows). Linux: the boot id and the
 * start time in clock ticks from /proc; macOS: the start time `ps` prints, in epoch seconds.
 */
export function processStartToken(pid: number): string | null {
  if (!Number.isInteger(pid) || pid <= 0) return null;
  if (process.platform === 'linux') {
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      return null;
    }
    // "pid (comm) state ppid ..."; comm may hold spaces and parentheses. starttime is field 22.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = fields[19];
    return ticks === undefined ? null : `${linuxBootId() ?? 'boot'}-${ticks}`;
  }
  if (process.platform === 'darwin') {
    const cached = darwinCache.get(pid);
    if (cached && Date.now() - cached.at < DARWIN_CACHE_MS) return cached.token;
    let token: string | null = null;
    try {
      const text = execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
      const at = Date.parse(text);
      token = Number.isNaN(at) ? null : String(at / 1000);
    } catch {
      token = null;
    }
    darwinCache.set(pid, { token, at: Date.now() });
    return token;
  }
  return null;
}

/** A process as it is recorded: where, which pid, and when it started (null when unknown). */
export interface ProcessIdentity {
  host: string;
  pid: number;
  start: string | null;
}

let self: ProcessIdentity | undefined;

/** This process. */
export function thisProcess(): ProcessIdentity {
  self ??= { host: os.hostname(), pid: process.pid, start: processStartToken(process.pid) };
  return self;
}

/** What can be said about a recorded process from here. */
export type Liveness = 'alive' | 'dead' | 'other-host';

/**
 * Whether the recorded process still runs. On this host: its pid exists and, when a start time was
 * recorded and this platform can read one, started at that time (so a reused pid is dead). On
 * another host nothing can be checked: the caller falls back to heartbeats or age.
 */
export function liveness(recorded: ProcessIdentity): Liveness {
  if (recorded.host !== os.hostname()) return 'other-host';
  if (!isProcessAlive(recorded.pid)) return 'dead';
  if (recorded.start === null) return 'alive';
  const now = processStartToken(recorded.pid);
  // The platform cannot tell (or the process vanished in between): trust the pid.
  if (now === null) return isProcessAlive(recorded.pid) ? 'alive' : 'dead';
  return now === recorded.start ? 'alive' : 'dead';
}
