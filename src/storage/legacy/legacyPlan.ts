// The whole migration of one legacy file, decided before anything is written: what each row
// becomes, what is skipped and why, and the warnings with the decisions they need. The preview
// shows it; the import writes exactly it.

import type { ImportedIndex } from './importedIndex';
import type { LegacyContents } from './legacyContents';
import { skippedRows, tableNoteText } from './legacyReasons';
import type { LegacySnapshot } from './legacyFile';
import { planJobs } from './legacyJobPlan';
import type { LegacyRows } from './legacyRows';
import { planRuns } from './legacyRunPlan';
import type { DetectedTable, Generation } from './legacySchema';
import { MIGRATED_ROLES } from './legacySchema';
import type {
  MigrationDecisions,
  MigrationPlan,
  MigrationPreview,
  MigrationWarning,
  PlannedJob,
  SkippedRows,
  TableSummary,
  WarningCode,
} from './legacyTypes';
import { warningText } from './legacyWarnings';

export interface PlanInput {
  snapshot: LegacySnapshot;
  tables: DetectedTable[];
  rows: LegacyRows;
  contents: LegacyContents;
  index: ImportedIndex;
  decisions: MigrationDecisions;
  now: Date;
  localZone: string;
}

const MAX_ITEMS = 20;

export function buildPlan(input: PlanInput): MigrationPlan {
  const { snapshot, tables, rows, contents, index, decisions, now, localZone } = input;
  const skipped: SkippedRows[] = [];
  const jobPlan = planJobs({ rows, decisions, index, now, localZone, sourcePath: snapshot.path, skipped });
  const runPlan = planRuns({
    rows,
    contents,
    decisions,
    index,
    now,
    sourcePath: snapshot.path,
    jobsByRef: jobPlan.jobsByRef,
    jobs: jobPlan.jobs,
    prompts: jobPlan.prompts,
    skipped,
  });
  for (const t of tables) {
    if (MIGRATED_ROLES.has(t.role)) continue;
    skipped.push(skippedRows(t.name, null, t.rows, { key: 'table', note: t.note ?? { key: 'notOldApp' } }));
  }

  const already = new Map(runPlan.alreadyImported);
  const bump = (table: string) => already.set(table, (already.get(table) ?? 0) + 1);
  for (const p of jobPlan.prompts) if (p.source && p.action === 'already') bump(p.source.table);
  for (const j of jobPlan.jobs) if (j.source && j.action === 'already') bump(j.source.table);

  const toImport = new Map<string, number>();
  const add = (table: string) => toImport.set(table, (toImport.get(table) ?? 0) + 1);
  for (const p of jobPlan.prompts) if (p.source && p.action === 'import') add(p.source.table);
  for (const j of jobPlan.jobs) if (j.source && j.action === 'import') add(j.source.table);
  for (const r of runPlan.runs) add(r.source.table);
  for (const t of runPlan.totals) add(t.source.table);

  const skippedCount = new Map<string, number>();
  for (const s of skipped) skippedCount.set(s.table, (skippedCount.get(s.table) ?? 0) + (s.count ?? 0));

  const summaries: TableSummary[] = tables.map((t) => ({
    table: t.name,
    role: t.role,
    generation: t.generation,
    rows: t.rows,
    toImport: toImport.get(t.name) ?? 0,
    alreadyImported: already.get(t.name) ?? 0,
    skipped: skippedCount.get(t.name) ?? 0,
    note: t.note === null ? null : tableNoteText(t.note, 'en'),
    why: t.note,
  }));
  const generations = [
    ...new Set(tables.map((t) => t.generation).filter((g): g is Generation => g !== null)),
  ].sort();

  const plan: MigrationPlan = {
    source: {
      path: snapshot.path,
      walPath: snapshot.walPath,
      fileHash: snapshot.fileHash,
      mainBytes: snapshot.mainBytes,
      wal: snapshot.wal,
      generations,
    },
    createdAt: now.toISOString(),
    decisions: { ...decisions },
    localZone,
    tables: summaries,
    prompts: jobPlan.prompts,
    jobs: jobPlan.jobs,
    runs: runPlan.runs,
    totals: runPlan.totals,
    skipped,
    warnings: [],
  };
  plan.warnings = collectWarnings(plan, tables, runPlan.orphanResults, runPlan.unfinished, already);
  return plan;
}

const DECISION_OF: Partial<Record<WarningCode, keyof MigrationDecisions>> = {
  utcCron: 'utcCron',
  bothDays: 'bothDays',
  fiveField: 'fiveField',
  orphanJobs: 'orphans',
  orphanResults: 'orphans',
};

const jobLabel = (j: PlannedJob) => `${j.label} "${j.name}"`;

function collectWarnings(
  plan: MigrationPlan,
  tables: readonly DetectedTable[],
  orphanResults: string[],
  unfinished: string[],
  already: Map<string, number>,
): MigrationWarning[] {
  const byCode = new Map<WarningCode, string[]>();
  const note = (code: WarningCode, item: string) => {
    const list = byCode.get(code) ?? [];
    list.push(item);
    byCode.set(code, list);
  };
  for (const job of plan.jobs) {
    if (job.action === 'already') continue;
    for (const flag of job.flags) {
      if (flag === 'orphanResults') continue;
      note(flag, jobLabel(job));
    }
  }
  for (const item of orphanResults) note('orphanResults', item);
  for (const item of unfinished) note('unfinishedRuns', item);
  for (const s of plan.skipped) {
    if (s.why.key === 'copyOf') note('copyOfNewer', `${s.table} #${s.ids?.[0] ?? ''}`);
  }
  for (const t of tables) {
    if (t.role === 'unknown' || t.role === 'unreadable')
      note('skippedTables', `${t.name}: ${t.note === null ? '' : tableNoteText(t.note, 'en')}`);
  }
  const wal = plan.source.wal;
  if (wal && (wal.uncommittedFrames > 0 || wal.ignoredBytes > 0)) {
    note(
      'walTail',
      `${wal.uncommittedFrames} uncommitted frame(s), ${wal.ignoredBytes} byte(s) not part of the log`,
    );
  }
  const alreadyTotal = [...already.values()].reduce((a, b) => a + b, 0);
  if (alreadyTotal > 0) {
    for (const [table, count] of already) note('alreadyImported', `${table}: ${count}`);
  }

  const order: WarningCode[] = [
    'walTail',
    'utcCron',
    'bothDays',
    'fiveField',
    'manual',
    'nameInSchedule',
    'unparseable',
    'lostSchedule',
    'oncePast',
    'unknownStatus',
    'orphanJobs',
    'orphanResults',
    'unfinishedRuns',
    'copyOfNewer',
    'skippedTables',
    'alreadyImported',
  ];
  const warnings: MigrationWarning[] = [];
  for (const code of order) {
    const items = byCode.get(code);
    if (!items || items.length === 0) continue;
    const count = code === 'alreadyImported' ? alreadyTotal : items.length;
    warnings.push({
      code,
      count,
      items: items.slice(0, MAX_ITEMS),
      message: warningText(code, count, plan),
      decision: DECISION_OF[code] ?? null,
    });
  }
  return warnings;
}

/** The preview of a plan: counts, the jobs as they will be created, the warnings. No row contents. */
export function previewOf(plan: MigrationPlan): MigrationPreview {
  const count = <T extends { action: string }>(list: readonly T[]) =>
    list.filter((x) => x.action === 'import').length;
  return {
    source: plan.source,
    decisions: plan.decisions,
    localZone: plan.localZone,
    tables: plan.tables,
    counts: {
      prompts: count(plan.prompts),
      jobs: count(plan.jobs),
      runs: plan.runs.length,
      usageTotals: plan.totals.length,
      alreadyImported: plan.tables.reduce((n, t) => n + t.alreadyImported, 0),
      skipped: plan.tables.reduce((n, t) => n + t.skipped, 0),
    },
    jobs: plan.jobs.map((j) => ({
      source: j.label,
      action: j.action,
      name: j.name,
      cronExpression: j.cronExpression,
      timezone: j.timezone,
      status: j.status,
      jobType: j.jobType,
      nextRunTime: j.nextRunTime,
      originalSchedule: j.originalSchedule,
      flags: j.flags,
      skipReason: j.skipReason,
    })),
    warnings: plan.warnings,
  };
}
