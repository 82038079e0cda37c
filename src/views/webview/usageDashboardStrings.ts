// The dashboard page's texts, localized on the host side (the page has no vscode.l10n) and sent
// with the `strings` message. `{0}` placeholders are filled in by the page.

import * as vscode from 'vscode';
import type { DashboardStrings } from './usageDashboardProtocol';

export function dashboardStrings(): DashboardStrings {
  const t = vscode.l10n.t;
  return {
    title: t('Night Pilot Usage'),
    refresh: t('Refresh'),
    range: t('Range'),
    lastDays: t('Last {0} days'),
    job: t('Job'),
    allJobs: t('All jobs'),
    model: t('Model'),
    allModels: t('All models'),
    source: t('Source'),
    sourceRuns: t('Night Pilot runs'),
    sourceTranscripts: t('All Claude Code usage'),
    today: t('Today'),
    thisMonth: t('This month'),
    block: t('Current 5-hour block'),
    noActiveBlock: t('No active block: Claude Code was not used in the last 5 hours.'),
    resetsIn: t('resets in {0}'),
    projected: t('projected {0}'),
    perHour: t('{0} per hour'),
    allClaudeCode: t('all Claude Code: {0}'),
    budget: t('budget {0}'),
    noBudget: t('no budget'),
    held: t('{0} run(s) waiting for a budget or smart start'),
    costPerDay: t('Cost per day by model'),
    tokensPerDay: t('Tokens per day by model'),
    costPerJob: t('Cost per job'),
    recentRuns: t('Recent runs'),
    colWhen: t('When'),
    colJob: t('Job'),
    colStatus: t('Status'),
    colModels: t('Models'),
    colTokens: t('Tokens'),
    colCost: t('Cost'),
    noRuns: t('No runs in this range.'),
    noData: t('No usage in this range.'),
    loading: t('Loading...'),
    badLines: t('{0} transcript line(s) could not be read and were skipped.'),
    updated: t('Updated {0}'),
  };
}
