import crypto from 'node:crypto';
import type { Run } from '../core/model';
import type { ProcessIdentity } from '../storage/processIdentity';
import { liveness, thisProcess } from '../storage/processIdentity';

/**
 * Identifies the process that owns a running run: `host:pid:nonce:start`, where `start` is the
 * process's start time (see processIdentity; absent where the platform cannot tell). The nonce
 * tells apart two schedulers in one process (a test); the start time, a reused pid.
 */
export function newOwnerId(): string {
  const me = thisProcess();
  const nonce = crypto.randomBytes(4).toString('hex');
  return `${me.host}:${me.pid}:${nonce}${me.start === null ? '' : `:${me.start}`}`;
}

/** The process an owner id names; null for a value that is not one (edited by hand). */
export function ownerProcess(owner: string): ProcessIdentity | null {
  const [host, pidText, , start] = owner.split(':');
  const pid = Number(pidText);
  if (!host || !Number.isInteger(pid) || pid <= 0) return null;
  return { host, pid, start: start ?? null };
}

/**
 * A run's `heartbeat_at` set to this marks a run whose owner gave up on it (it was closing and its
 * cleanup did not end in time): any host recovers it at once.
 */
export const ABANDONED_HEARTBEAT = new Date(0).toISOString();

/** Where owners' heartbeats are read (storage/ownerHeartbeats.ts). */
export interface HeartbeatSource {
  lastBeat(owner: string): Date | null;
}

/**
 * Whether the process that owns a running run is gone. On this host it is judged by its process
 * (pid plus start time) and never by a stale heartbeat alone: a laptop that slept for hours, or an
 * event loop stalled for minutes, wakes with its runs still its own. An owner on another host
 * (a database on a shared folder) can only be judged by its heartbeat: its heartbeat file's time
 * (touched every 15 s while it runs), or the run's start when it has none.
 */
export function ownerIsGone(run: Run, now: Date, staleAfterMs: number, heartbeats: HeartbeatSource): boolean {
  const lastSeen =
    run.heartbeatAt === ABANDONED_HEARTBEAT ? null : (run.heartbeatAt ?? run.startedAt ?? run.createdAt);
  return ownerIdIsGone(run.owner, lastSeen, now, staleAfterMs, heartbeats);
}

/**
 * {@link ownerIsGone} for any owned record: `lastSeen` is when the record last showed its owner
 * alive (null: its owner on another host gave it up); such an owner also counts as alive while
 * its heartbeat file is fresh.
 */
export function ownerIdIsGone(
  owner: string | null,
  lastSeen: string | null,
  now: Date,
  staleAfterMs: number,
  heartbeats: HeartbeatSource,
): boolean {
  if (owner === null) return true;
  const identity = ownerProcess(owner);
  const state = identity === null ? 'other-host' : liveness(identity);
  if (state !== 'other-host') return state === 'dead';
  if (lastSeen === null) return true;
  const beat = heartbeats.lastBeat(owner)?.getTime() ?? -Infinity;
  return now.getTime() - Math.max(Date.parse(lastSeen), beat) > staleAfterMs;
}
