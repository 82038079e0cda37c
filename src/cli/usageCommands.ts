// `night-pilot usage daily | monthly | session | blocks | projects | jobs`: tokens and cost from
// Claude Code's transcripts and from the runs Night Pilot recorded. With --json, daily, monthly,
// session and blocks print ccusage's JSON shapes, so scripts written for ccusage keep working.

import type { UsageBlock } from '../usage/blocks';
import type { JobUsageRow } from '../usage/jobUsage';
import type { ReportTotals, UsageSums } from '../usage/reports';
import { TranscriptStore } from '../usage/transcriptStore';
import type { UsageDocument, UsageReportKind } from '../usage/usageQuery';
import { usageDocument } from '../usage/usageQuery';
import { budgetCommand } from './budgetCommand';
import type { CommandContext } from './context';
import type { CommandSpec } from './registry';
import { formatInZone, table } from './textOutput';
import { USAGE_OPTIONS, readUsageFlags } from './usageOptions';

const SUMMARIES: Record<UsageReportKind, string> = {
  daily: 'Tokens and cost per local day, per model (ccusage-compatible JSON).',
  monthly: 'Tokens and cost per month, per model (ccusage-compatible JSON).',
  session: 'Tokens and cost per Claude session, most expensive first (ccusage-compatible JSON).',
  blocks: '5-hour usage blocks, with the active one, its burn rate and projection (ccusage-compatible JSON).',
  projects: 'Tokens and cost per project folder.',
  jobs: 'Cost per Night Pilot job: its runs, with the transcripts of their sessions joined by session id.',
};

const money = (n: number) => `$${n.toFixed(2)}`;
const count = (n: number) => n.toLocaleString('en-US');

function reportCommand(kind: UsageReportKind): CommandSpec {
  return {
    path: ['usage', kind],
    summary: SUMMARIES[kind],
    options: USAGE_OPTIONS,
    examples: [
      `night-pilot usage ${kind} --since 20261101`,
      `night-pilot usage ${kind} --json --mode calculate`,
    ],
    async run(ctx: CommandContext, args) {
      const flags = readUsageFlags(ctx, args);
      const store = new TranscriptStore(flags.configDirs, flags.cachePath);
      const stats = await store.refresh();
      store.saveCache();
      if (stats.badLines > 0)
        ctx.note(`${stats.badLines} transcript line(s) could not be read and were skipped`);
      if (flags.configDirs.length === 0 && kind !== 'jobs') {
        ctx.note(
          'no Claude Code transcripts found (no projects folder in $CLAUDE_CONFIG_DIR, ~/.config/claude or ~/.claude)',
        );
      }
      const now = ctx.now();
      // Only the jobs report needs the database; a missing one reads as empty and stays missing.
      const doc: UsageDocument =
        kind === 'jobs'
          ? await ctx.store.read((tx) => usageDocument(kind, store, flags, now, (fn) => fn(tx)))
          : usageDocument(kind, store, flags, now);
      ctx.print(doc, () => formatUsage(doc, flags.timeZone, now));
    },
  };
}

/** The `usage` commands, in the order help lists them. */
export const USAGE_COMMANDS: readonly CommandSpec[] = [
  ...(['daily', 'monthly', 'session', 'blocks', 'projects', 'jobs'] as const).map(reportCommand),
  budgetCommand,
];

function sumsTable(
  first: string,
  rows: readonly (UsageSums & { label: string })[],
  totals: ReportTotals,
): string {
  if (rows.length === 0) return 'No usage found.';
  const body = rows.map((r) => [
    r.label,
    r.modelsUsed.map(shortModel).join(', ') || '-',
    count(r.inputTokens),
    count(r.outputTokens),
    count(r.cacheCreationTokens),
    count(r.cacheReadTokens),
    count(r.totalTokens),
    money(r.totalCost),
  ]);
  body.push([
    'Total',
    '',
    count(totals.inputTokens),
    count(totals.outputTokens),
    count(totals.cacheCreationTokens),
    count(totals.cacheReadTokens),
    count(totals.totalTokens),
    money(totals.totalCost),
  ]);
  return table(
    [first, 'MODELS', 'INPUT', 'OUTPUT', 'CACHE WRITE', 'CACHE READ', 'TOTAL TOKENS', 'COST'],
    body,
  );
}

/** `claude-sonnet-4-5-20250929` -> `sonnet-4-5`. */
export function shortModel(model: string): string {
  return model.replace(/^claude-/, '').replace(/-\d{8}$/, '');
}

function formatUsage(doc: UsageDocument, zone: string, now: Date): string {
  if ('daily' in doc)
    return sumsTable(
      'DATE',
      doc.daily.map((r) => ({ ...r, label: r.date })),
      doc.totals,
    );
  if ('monthly' in doc)
    return sumsTable(
      'MONTH',
      doc.monthly.map((r) => ({ ...r, label: r.month })),
      doc.totals,
    );
  if ('sessions' in doc) {
    return sumsTable(
      'SESSION',
      doc.sessions.map((r) => ({
        ...r,
        label: `${r.sessionId.slice(0, 8)} ${r.lastActivity} ${r.projectPath}`,
      })),
      doc.totals,
    );
  }
  if ('projects' in doc) {
    return sumsTable(
      'PROJECT',
      doc.projects.map((r) => ({ ...r, label: `${r.project} (${r.sessions})` })),
      doc.totals,
    );
  }
  if ('blocks' in doc) return formatBlocks(doc.blocks, zone, now);
  return formatJobs(doc.jobs);
}

function formatBlocks(blocks: readonly UsageBlock[], zone: string, now: Date): string {
  if (blocks.length === 0) return 'No usage found.';
  const rows = blocks.map((b) => {
    const start = formatInZone(b.startTime, zone);
    if (b.isGap) return [start, 'gap', '', '', ''];
    let state = '';
    if (b.isActive) {
      const left = Math.max(0, Math.round((Date.parse(b.endTime) - now.getTime()) / 60_000));
      state = `ACTIVE, resets in ${Math.floor(left / 60)} h ${left % 60} min`;
      if (b.projection) state += `, projected ${money(b.projection.totalCost)}`;
    }
    return [
      start,
      state || 'done',
      b.models.map(shortModel).join(', '),
      count(b.totalTokens),
      money(b.costUSD),
    ];
  });
  return table(['BLOCK START', 'STATE', 'MODELS', 'TOKENS', 'COST'], rows);
}

function formatJobs(jobs: readonly JobUsageRow[]): string {
  if (jobs.length === 0) return 'No job has recorded usage.';
  return table(
    ['JOB', 'RUNS', 'MODELS', 'TOKENS', 'COST', 'TRANSCRIPTS'],
    jobs.map((j) => [
      j.jobName,
      String(j.runs),
      j.modelsUsed.map(shortModel).join(', ') || '-',
      count(j.totalTokens),
      money(j.totalCost),
      money(j.transcriptCost),
    ]),
  );
}
