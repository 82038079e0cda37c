// The active 5-hour block as the start gate needs it, read from Claude Code's transcripts only
// when smart start is on, and at most once per interval (an incremental refresh is cheap, but a
// tick should not touch the disk for nothing).

import type { ActiveBlockSnapshot } from '../scheduler/startGate';
import { activeBlock, blocksReport } from './blocks';
import { TranscriptStore } from './transcriptStore';

const REFRESH_EVERY_MS = 60_000;

export class ActiveBlockSource {
  private readonly _store: TranscriptStore;
  private _last: { at: number; block: ActiveBlockSnapshot | null } | undefined;

  constructor(configDirs: readonly string[], cachePath?: string) {
    this._store = new TranscriptStore(configDirs, cachePath);
  }

  /** The block active at `now`, or null when Claude was not used in the last 5 hours. */
  async at(now: Date): Promise<ActiveBlockSnapshot | null> {
    const last = this._last;
    if (last && now.getTime() - last.at < REFRESH_EVERY_MS && now.getTime() >= last.at) {
      return last.block && Date.parse(last.block.endTime) > now.getTime() ? last.block : null;
    }
    await this._store.refresh();
    const active = activeBlock(
      blocksReport(this._store.entries('time'), { mode: 'auto', timeZone: 'UTC' }, now),
    );
    const block = active
      ? {
          endTime: active.endTime,
          costUsd: active.costUSD,
          projectedCostUsd: active.projection?.totalCost ?? null,
        }
      : null;
    this._last = { at: now.getTime(), block };
    return block;
  }
}
