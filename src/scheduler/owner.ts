import crypto from 'node:crypto';
import os from 'node:os';
import { isProcessAlive } from '../storage/processAlive';

/**
 * Identifies the process that owns a running run: `host:pid:nonce`. The nonce tells apart two
 * schedulers in one process (a test) and a reused pid.
 */
export function newOwnerId(): string {
  return `${os.hostname()}:${process.pid}:${crypto.randomBytes(4).toString('hex')}`;
}

/**
 * False only when the owner is certainly gone: a process on this host whose pid no longer
 * exists. Owners on other hosts are judged by their heartbeat instead.
 */
export function ownerMayBeAlive(owner: string): boolean {
  const [host, pidText] = owner.split(':');
  if (host !== os.hostname()) return true;
  return isProcessAlive(Number(pidText));
}
