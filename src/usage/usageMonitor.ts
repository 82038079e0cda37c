// The usage side of a long-running process (the extension host): one transcript store kept up to
// date incrementally (its cache in global storage), the settings that shape the reports, and the
// figures the dashboard and the status bar show. No VS Code here.

import type { CostMode, PriceRule } from '../core/pricing';
import { DEFAULT_PRICES } from '../core/pricing';
import type { NightPilotDatabase } from '../storage/database';
import type { DashboardData, DashboardFilters } from './dashboardData';
import { dashboardData } from './dashboardData';
import { TranscriptStore } from './transcriptStore';

export interface UsageMonitorOptions {
  configDirs: readonly string[];
  cachePath?: string;
  mode: CostMode;
  prices?: readonly PriceRule[];
  timeZone: string;
}

/** The transcript cache is written at most this often (it can be large), and on dispose. */
const SAVE_CACHE_EVERY_MS = 10 * 60_000;

export class UsageMonitor {
  private _store: TranscriptStore;
  private _refreshing: Promise<unknown> | null = null;
  private _savedAt = Date.now();

  constructor(
    private readonly _db: NightPilotDatabase,
    private _options: UsageMonitorOptions,
  ) {
    this._store = new TranscriptStore(_options.configDirs, _options.cachePath);
  }

  get options(): UsageMonitorOptions {
    return this._options;
  }

  /** New settings; a change of folders starts a new store (its cache still applies to known files). */
  configure(options: UsageMonitorOptions): void {
    const folders = options.configDirs.join('\n') !== this._options.configDirs.join('\n');
    this._options = options;
    if (folders) {
      this._store.saveCache();
      this._store = new TranscriptStore(options.configDirs, options.cachePath);
    }
  }

  /** Reads what was appended to the transcripts; concurrent calls share one refresh. */
  async refresh(): Promise<void> {
    this._refreshing ??= this._store.refresh().finally(() => (this._refreshing = null));
    await this._refreshing;
    if (Date.now() - this._savedAt > SAVE_CACHE_EVERY_MS) this.saveCache();
  }

  /** Writes the transcript cache if it changed (also on dispose). */
  saveCache(): void {
    this._savedAt = Date.now();
    this._store.saveCache();
  }

  /** Everything the dashboard shows, after a refresh. */
  async dashboard(filters: DashboardFilters, now: Date): Promise<DashboardData> {
    await this.refresh();
    return this._db.read((tx) =>
      dashboardData(tx, {
        filters,
        now,
        timeZone: this._options.timeZone,
        mode: this._options.mode,
        prices: this._options.prices ?? DEFAULT_PRICES,
        store: this._store,
      }),
    );
  }
}
