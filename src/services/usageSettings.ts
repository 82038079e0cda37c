// The `nightPilot.usage.*` and `nightPilot.smartStart.*` settings, read and checked.

import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CostMode, PriceRule } from '../core/pricing';
import { COST_MODES, priceTable } from '../core/pricing';
import { defaultTimeZone } from '../core/timeZone';
import type { SmartStartSettings } from '../scheduler/startGate';
import { claudeConfigCandidates } from '../usage/transcriptFiles';
import type { UsageMonitorOptions } from '../usage/usageMonitor';
import { TRANSCRIPT_CACHE_FILE } from '../usage/usageQuery';
import { errorMessage } from '../core/errorMessage';

/** The price table with the user's overrides; a bad override is reported and ignored, never fatal. */
function readPrices(onProblem: (message: string) => void): PriceRule[] {
  const overrides = vscode.workspace
    .getConfiguration('nightPilot')
    .get<Record<string, unknown>>('usage.prices', {});
  try {
    return priceTable(overrides ?? {});
  } catch (err) {
    onProblem(vscode.l10n.t('The setting nightPilot.usage.prices is ignored: {0}', errorMessage(err)));
    return priceTable();
  }
}

export function readUsageOptions(
  globalStorage: string,
  onProblem: (message: string) => void,
): UsageMonitorOptions {
  const c = vscode.workspace.getConfiguration('nightPilot');
  const mode = c.get<string>('usage.costMode', 'auto');
  const folders = c
    .get<string[]>('usage.claudeConfigFolders', [])
    .filter((f) => typeof f === 'string' && f.trim() !== '');
  return {
    mode: (COST_MODES as readonly string[]).includes(mode) ? (mode as CostMode) : 'auto',
    prices: readPrices(onProblem),
    configDirs:
      folders.length > 0
        ? folders.map((f) => path.resolve(f.replace(/^~(?=$|[/\\])/, os.homedir())))
        : claudeConfigCandidates(process.env, os.homedir()),
    cachePath: path.join(globalStorage, TRANSCRIPT_CACHE_FILE),
    timeZone: defaultTimeZone(),
  };
}

export function readSmartStart(): SmartStartSettings {
  const c = vscode.workspace.getConfiguration('nightPilot');
  const positive = (n: number | undefined) => (typeof n === 'number' && n > 0 ? n : null);
  return {
    maxProjectedCostUsd: positive(c.get<number>('smartStart.maxProjectedCostUsd', 0)),
    minMinutesBeforeReset: positive(c.get<number>('smartStart.minMinutesBeforeReset', 0)),
  };
}
