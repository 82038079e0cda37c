// Process groups: the supervisor's live view of its child's group, and the stopping of a group
// recorded in the database by a process that has since died (recovery, `run cancel`, job
// deletion), which must never signal an unrelated process that got the same id.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import { isProcessAlive, processStartToken } from '../storage/processIdentity';

/** After SIGKILL a process dies as soon as the kernel gets to it; this bounds a stuck (D-state) one. */
export const AFTER_KILL_WAIT_MS = 5000;
const POLL_MS = 50;

const isWindows = process.platform === 'win32';

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The child's process group (POSIX) or process tree (Windows), as its supervisor sees it. */
export class ProcessGroup {
  constructor(
    private readonly pid: number,
    private readonly child: ChildProcess,
    private readonly childExited: () => boolean,
  ) {}

  /** Sends each signal in turn, `graceMs` apart, until the group is gone. */
  async escalate(signals: readonly NodeJS.Signals[], graceMs: number): Promise<void> {
    if (isWindows) {
      // taskkill /T /F is already forceful; there is no gentler tree-wide signal to try first.
      killWindowsTree(this.pid);
      await this.waitGone(AFTER_KILL_WAIT_MS);
      return;
    }
    for (const [i, sig] of signals.entries()) {
      this.send(sig);
      const last = i === signals.length - 1;
      if (await this.waitGone(last ? AFTER_KILL_WAIT_MS : graceMs)) return;
    }
  }

  /** Polls until nothing of the group is running, or `ms` passed; true when it is gone. */
  waitGone(ms: number): Promise<boolean> {
    return pollUntilGone(() => this.isAlive(), ms);
  }

  async isAlive(): Promise<boolean> {
    if (!this.childExited()) return true;
    if (isWindows) return false;
    return groupIsAlive(this.pid);
  }

  private send(sig: NodeJS.Signals): void {
    try {
      process.kill(-this.pid, sig);
    } catch {
      // ESRCH: already gone. The direct child may not have a group yet in a tiny window after
      // spawn; signal it directly then.
      if (!this.childExited()) this.child.kill(sig);
    }
  }
}

async function pollUntilGone(isAlive: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (!(await isAlive())) return true;
    const left = deadline - Date.now();
    if (left <= 0) return false;
    await delay(Math.min(POLL_MS, left));
  }
}

/** Whether any live (non-zombie) process is in group `pgid` (POSIX). */
async function groupIsAlive(pgid: number): Promise<boolean> {
  try {
    process.kill(-pgid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // kill(2) also reaches zombies; where PID 1 does not reap orphans (some containers) the group
  // would never look gone. Linux lets us check for a live (non-zombie) member.
  if (process.platform === 'linux') return (await linuxGroupMembers(pgid)).length > 0;
  return true;
}

/** The live (non-zombie) members of group `pgid`, from /proc. */
async function linuxGroupMembers(pgid: number): Promise<number[]> {
  let entries: string[];
  try {
    entries = await fsp.readdir('/proc');
  } catch {
    return [pgid];
  }
  const members: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = await fsp.readFile(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    // "pid (comm) state ppid pgrp ...": comm may contain spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') members.push(Number(entry));
  }
  return members;
}

export function killWindowsTree(pid: number): void {
  try {
    const killer = spawn('taskkill', ['/pid', String(pid), '/T', '/F'], {
      stdio: 'ignore',
      windowsHide: true,
    });
    killer.on('error', () => undefined);
  } catch {
    // Nothing more to try; the caller waits a bounded time and moves on.
  }
}

/** A process group as a phase row records it (see ExecutionProcess.pgid). */
export interface RecordedGroup {
  pgid: number;
  /** The start time token of the group's leader when it was spawned (null: the platform cannot tell). */
  start: string | null;
  host: string;
}

/** What stopping a recorded group came to. */
export type StopResult =
  | 'gone' // nothing of it was running
  | 'stopped' // it was running and is gone now
  | 'other-host' // it runs on another machine: nothing can be done from here
  | 'not-ours' // the id now belongs to an unrelated process: left alone
  | 'survived'; // it was signalled but is still there (D state, another user's)

/**
 * Stops a process group recorded by a process that may be dead: SIGTERM to the group, then
 * SIGKILL after `graceMs`. The group is only signalled while its leader still has the recorded
 * start time; when the leader is gone, its members (a Claude's own children) are signalled only
 * if the pid has not been reused since (Linux keeps a group's id from being reused while any
 * member lives). A group on another host, or one whose id now belongs to an unrelated process,
 * is left alone.
 */
export async function stopRecordedGroup(group: RecordedGroup, graceMs: number): Promise<StopResult> {
  if (group.host !== os.hostname()) return 'other-host';
  if (isWindows) {
    if (!isProcessAlive(group.pgid)) return 'gone';
    if (group.start === null || processStartToken(group.pgid) !== group.start) return 'not-ours';
    killWindowsTree(group.pgid);
    return (await pollUntilGone(async () => isProcessAlive(group.pgid), AFTER_KILL_WAIT_MS))
      ? 'stopped'
      : 'survived';
  }
  if (!(await groupIsAlive(group.pgid))) return 'gone';
  if (isProcessAlive(group.pgid)) {
    // The leader exists: it must be the one we spawned, not a newer process with its pid.
    const now = processStartToken(group.pgid);
    if (group.start !== null && now !== null && now !== group.start) return 'not-ours';
  }
  for (const sig of ['SIGTERM', 'SIGKILL'] as const) {
    try {
      process.kill(-group.pgid, sig);
    } catch (err) {
      // ESRCH: it ended by itself meanwhile. EPERM: another user's processes, out of our reach.
      return (err as NodeJS.ErrnoException).code === 'EPERM' ? 'survived' : 'stopped';
    }
    const wait = sig === 'SIGKILL' ? AFTER_KILL_WAIT_MS : graceMs;
    if (await pollUntilGone(() => groupIsAlive(group.pgid), wait)) return 'stopped';
  }
  return 'survived';
}
