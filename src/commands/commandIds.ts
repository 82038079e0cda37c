// Every `nightPilot.*` command id, once. package.json contributes exactly these (a unit test checks
// it, and an integration test that VS Code has each registered); registerCommands.ts must give each a
// handler (its type requires one per id); the views and tests refer to them through this object.

export const COMMAND = {
  refresh: 'nightPilot.refresh',
  showLog: 'nightPilot.showLog',
  openDatabaseFolder: 'nightPilot.openDatabaseFolder',
  createJob: 'nightPilot.createJob',
  runJob: 'nightPilot.runJob',
  pauseJob: 'nightPilot.pauseJob',
  resumeJob: 'nightPilot.resumeJob',
  deleteJob: 'nightPilot.deleteJob',
  cancelRun: 'nightPilot.cancelRun',
  retryRun: 'nightPilot.retryRun',
  openTranscript: 'nightPilot.openTranscript',
  openRawLog: 'nightPilot.openRawLog',
  copyRunId: 'nightPilot.copyRunId',
  showMoreRuns: 'nightPilot.showMoreRuns',
  sortJobs: 'nightPilot.sortJobs',
  filterJobs: 'nightPilot.filterJobs',
  clearJobFilter: 'nightPilot.clearJobFilter',
  exportJobToGitHubActions: 'nightPilot.exportJobToGitHubActions',
  pauseAll: 'nightPilot.pauseAll',
  resumeAll: 'nightPilot.resumeAll',
  migrateLegacy: 'nightPilot.migrateLegacy',
  undoLegacyMigration: 'nightPilot.undoLegacyMigration',
  openUsageDashboard: 'nightPilot.openUsageDashboard',
  setBudgets: 'nightPilot.setBudgets',
  setJobBudget: 'nightPilot.setJobBudget',
  openRun: 'nightPilot.openRun',
  restoreDatabase: 'nightPilot.restoreDatabase',
  editJob: 'nightPilot.editJob',
  renameJob: 'nightPilot.renameJob',
  duplicateJob: 'nightPilot.duplicateJob',
  exportJobs: 'nightPilot.exportJobs',
  importJobs: 'nightPilot.importJobs',
  createJobFromPrompt: 'nightPilot.createJobFromPrompt',
  openPrompt: 'nightPilot.openPrompt',
  reviewPromptPermissions: 'nightPilot.reviewPromptPermissions',
  newPrompt: 'nightPilot.newPrompt',
  openRunDiff: 'nightPilot.openRunDiff',
  mergeRun: 'nightPilot.mergeRun',
  discardRun: 'nightPilot.discardRun',
  openRunWorktree: 'nightPilot.openRunWorktree',
  copyBranchName: 'nightPilot.copyBranchName',
  reviewRuns: 'nightPilot.reviewRuns',
} as const;

export type CommandKey = keyof typeof COMMAND;
export type CommandId = (typeof COMMAND)[CommandKey];

export const COMMAND_IDS: readonly CommandId[] = Object.values(COMMAND);

/** The Jobs view, and the command VS Code derives to focus it. */
export const JOBS_VIEW = 'nightPilot.jobs';
export const FOCUS_JOBS_VIEW = `${JOBS_VIEW}.focus`;
