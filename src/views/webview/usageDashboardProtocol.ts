// The messages between the usage dashboard's host (src/views/usageDashboard.ts) and its page
// (media/usageDashboard/main.ts): one declaration used by both sides. The page speaks first
// (`ready`), the host answers with the strings and the data; nothing is posted before `ready`.

import type { DashboardData, DashboardFilters } from '../../usage/dashboardData';

export type { DashboardData, DashboardFilters };

/** The view type of the panel (also the serializer's key and the activation event). */
export const USAGE_DASHBOARD_VIEW_TYPE = 'nightPilot.usageDashboard';

/** What the page keeps with `setState` and gets back after a reload. */
export interface DashboardPageState {
  filters: DashboardFilters;
}

export type PageToHost =
  | { type: 'ready'; state: DashboardPageState | null }
  | { type: 'setFilters'; filters: DashboardFilters }
  | { type: 'refresh' }
  | { type: 'openRun'; runId: string };

export type HostToPage =
  | { type: 'strings'; strings: DashboardStrings; locale: string }
  | { type: 'loading' }
  | { type: 'data'; data: DashboardData; renderedInMs?: number }
  | { type: 'error'; message: string };

/** Every text of the page, localized by the host (vscode.l10n) and sent at `ready`. */
export interface DashboardStrings {
  title: string;
  refresh: string;
  range: string;
  lastDays: string;
  job: string;
  allJobs: string;
  model: string;
  allModels: string;
  source: string;
  sourceRuns: string;
  sourceTranscripts: string;
  today: string;
  thisMonth: string;
  block: string;
  noActiveBlock: string;
  resetsIn: string;
  projected: string;
  perHour: string;
  allClaudeCode: string;
  budget: string;
  noBudget: string;
  held: string;
  costPerDay: string;
  tokensPerDay: string;
  costPerJob: string;
  recentRuns: string;
  colWhen: string;
  colJob: string;
  colStatus: string;
  colModels: string;
  colTokens: string;
  colCost: string;
  noRuns: string;
  noData: string;
  loading: string;
  badLines: string;
  updated: string;
}
