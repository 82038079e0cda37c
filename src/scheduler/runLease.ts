import type { NightPilotDatabase, Tx } from '../storage/database';
import type { LogFn } from '../core/log';

/** How a lease ended early: someone else cancelled, recovered, or deleted the run. */
export type LeaseLoss = 'cancelled elsewhere' | 'taken over' | 'deleted';

/**
 * A run as the process executing it holds it: every write it makes is fenced on still owning the
 * run (status running, owner us). When it finds it no longer does (another process judged it dead
 * and recovered it, the run was cancelled without it, the job was deleted), it changes nothing,
 * aborts the run's work (which stops its process group at once) and stays lost.
 */
export class RunLease {
  private _lost: LeaseLoss | null = null;

  constructor(
    private readonly _db: NightPilotDatabase,
    readonly runId: string,
    readonly owner: string,
    private readonly _abort: AbortController,
    private readonly _log: LogFn,
  ) {}

  get db(): NightPilotDatabase {
    return this._db;
  }

  /** Why the run is no longer ours, or null while it is. */
  get lost(): LeaseLoss | null {
    return this._lost;
  }

  /** Applies `fn` in one write if the run is still ours; otherwise loses the lease and returns null. */
  async write<T>(fn: (tx: Tx) => T): Promise<T | null> {
    if (this._lost !== null) return null;
    const result = await this._db.write((tx): { value: T } | { loss: LeaseLoss } => {
      const loss = this._lossIn(tx);
      return loss === null ? { value: fn(tx) } : { loss };
    });
    if ('loss' in result) {
      this.lose(result.loss);
      return null;
    }
    return result.value;
  }

  /** Reads the run: loses the lease when it is no longer ours; aborts when a cancel was asked for. */
  poll(): void {
    if (this._lost !== null) return;
    const seen = this._db.read((tx) => ({
      loss: this._lossIn(tx),
      cancel: tx.runs.get(this.runId)?.cancelRequested,
    }));
    if (seen.loss !== null) this.lose(seen.loss);
    else if (seen.cancel) this._abort.abort();
  }

  lose(loss: LeaseLoss): void {
    if (this._lost !== null) return;
    this._lost = loss;
    this._log(
      `run ${this.runId}: no longer this process's (${loss}); its processes are stopped and nothing more is recorded`,
      'warn',
    );
    this._abort.abort();
  }

  private _lossIn(tx: Tx): LeaseLoss | null {
    const run = tx.runs.get(this.runId);
    if (run === undefined) return 'deleted';
    if (run.status === 'running' && run.owner === this.owner) return null;
    return run.status === 'cancelled' ? 'cancelled elsewhere' : 'taken over';
  }
}
