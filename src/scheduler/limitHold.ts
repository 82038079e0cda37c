import type { Tx } from '../storage/database';

/**
 * An account-wide usage limit holds the whole queue, in every process sharing the database,
 * until its reset. Stored in the database so a CLI scheduler and VS Code windows agree.
 */
export interface LimitHold {
  until: string;
  runId: string;
  jobId: string;
  message: string;
}

const KEY = 'limit_hold';

export function readLimitHold(tx: Tx): LimitHold | null {
  const text = tx.state.get(KEY);
  if (!text) return null;
  try {
    return JSON.parse(text) as LimitHold;
  } catch {
    return null;
  }
}

/** The hold in force at `now`, or null once it has expired. */
export function activeLimitHold(tx: Tx, now: Date): LimitHold | null {
  const hold = readLimitHold(tx);
  return hold && Date.parse(hold.until) > now.getTime() ? hold : null;
}

/** Records a hold, keeping the later reset when one is already in force. */
export function extendLimitHold(tx: Tx, hold: LimitHold): void {
  const current = readLimitHold(tx);
  if (current && Date.parse(current.until) >= Date.parse(hold.until)) return;
  tx.state.set(KEY, JSON.stringify(hold));
}

const QUIET_KEY = 'quiet_mode';

/** Quiet mode ("pause everything"): no fire is claimed and no run starts until it ends. */
export function isQuietMode(tx: Tx): boolean {
  return tx.state.get(QUIET_KEY) === 'on';
}

export function setQuietMode(tx: Tx, on: boolean): void {
  if (on) tx.state.set(QUIET_KEY, 'on');
  else tx.state.delete(QUIET_KEY);
}
