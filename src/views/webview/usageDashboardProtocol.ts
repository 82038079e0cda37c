// The messages between the usage dashboard's host (src/views/usageDashboard.ts) and its page
// (media/usageDashboard/main.ts): one declaration used by both sides. The page's HTML carries
// what its first paint needs (DashboardInitial: the strings and the data), so it draws without
// asking; then it says `ready` (and whether it drew that), and from then on the host posts
// strings and data when they change. Nothing is posted before `ready`.

import type { DashboardData, DashboardFilters } from '../../usage/dashboardData';

export type { DashboardData, DashboardFilters };

/** The view type of the panel (also the serializer's key and the activation event). */
export const USAGE_DASHBOARD_VIEW_TYPE = 'nightPilot.usageDashboard';

/** What the page keeps with `setState` and gets back after a reload. */
export interface DashboardPageState {
  filters: DashboardFilters;
}

/** The id of the `<script type="application/json">` element that holds the DashboardInitial. */
export const DASHBOARD_INITIAL_ID = 'initial';

/**
 * What the page's HTML carries for its first paint: the data read for `filters`, or why not;
 * neither when reading took too long (the page shows it is loading; the data follows `ready`).
 */
export interface DashboardInitial {
  strings: DashboardStrings;
  locale: string;
  filters: DashboardFilters;
  data?: DashboardData;
  error?: string;
}

/** The same data would be read for both (the data in hand can stand for the other's). */
export function sameFilters(a: DashboardFilters, b: DashboardFilters): boolean {
  return a.rangeDays === b.rangeDays && a.jobId === b.jobId && a.model === b.model && a.source === b.source;
}

export type PageToHost =
  /** `shown`: the page drew the DashboardInitial of its HTML (its saved filters were those). */
  | { type: 'ready'; state: DashboardPageState | null; shown: boolean }
  | { type: 'setFilters'; filters: DashboardFilters }
  | { type: 'refresh' }
  | { type: 'openRun'; runId: string };

export type HostToPage =
  | { type: 'strings'; strings: DashboardStrings; locale: string }
  | { type: 'loading' }
  | { type: 'data'; data: DashboardData }
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
