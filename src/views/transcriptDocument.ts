// A run's transcript: a read-only virtual document (`night-pilot-transcript:` URIs) that renders the
// run's stream-json logs as Markdown: the prompt it was sent, what Claude said and did, the result
// with turns, tokens and cost. While the run is going, the document follows its logs. The tab is
// named after the job and the run's time; the raw log stays one command away.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { errorMessage } from '../core/errorMessage';
import type { ExecutionProcess, Job, Prompt, Run } from '../core/model';
import { FINAL_RUN_STATUSES } from '../core/model';
import { describePhases } from '../core/phases';
import type { TranscriptWords } from '../core/transcriptMarkdown';
import { codeBlock, inlineCode, renderTranscriptBody } from '../core/transcriptMarkdown';
import { stdinFileFor } from '../scheduler/phaseRunner';
import type { DatabaseHost } from '../services/databaseHost';
import type { Logger } from '../services/logger';
import { durationBetween, formatFull, formatMoney, shortId } from './format';
import { phaseLabel, runStatusLabel, triggerLabel } from './labels';

export const TRANSCRIPT_SCHEME = 'night-pilot-transcript';

/** Logs larger than this are shown by their head and tail (the raw log has everything). */
const MAX_LOG_BYTES = 16 * 1024 * 1024;
const HEAD_BYTES = 2 * 1024 * 1024;
/** How often an open transcript of a run that is still going looks at its logs. */
const LIVE_POLL_MS = 1_000;

function words(): TranscriptWords {
  return {
    tool: vscode.l10n.t('Tool: {0}'),
    toolResult: vscode.l10n.t('Tool result'),
    toolError: vscode.l10n.t('Tool error'),
    moreLines: vscode.l10n.t('… {0} more lines'),
    moreChars: vscode.l10n.t('… {0} more characters'),
    result: vscode.l10n.t('Result'),
    succeeded: vscode.l10n.t('Succeeded'),
    failed: vscode.l10n.t('Failed'),
    turns: vscode.l10n.t('{0} turns'),
    tokens: vscode.l10n.t('{0} tokens'),
    tokenBreakdown: vscode.l10n.t('{0} in, {1} out, {2} cache write, {3} cache read'),
    session: vscode.l10n.t('Model {0}, session {1}'),
    unreadable: vscode.l10n.t('{0} line(s) of the log could not be read'),
    empty: vscode.l10n.t('No output yet.'),
  };
}

/** The run id a transcript URI shows. */
export function runIdOf(uri: vscode.Uri): string | undefined {
  return new URLSearchParams(uri.query).get('run') ?? undefined;
}

/** The tab title: "Nightly review · Mon 5 Jan 02:00". */
function title(job: Job | undefined, run: Run): string {
  const when = new Date(run.startedAt ?? run.scheduledFor).toLocaleString(undefined, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  });
  const name = (job?.name ?? vscode.l10n.t('Deleted job')).replace(/[/\\]/g, '-');
  return `${name} · ${when}`;
}

export class TranscriptProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly _onDidChange = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this._onDidChange.event;
  private readonly _disposables: vscode.Disposable[] = [];
  /** What each open live transcript last showed: the run's status and its logs' sizes. */
  private readonly _live = new Map<string, string>();
  private _timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly _database: DatabaseHost,
    private readonly _log: Logger,
  ) {
    this._disposables.push(
      vscode.workspace.registerTextDocumentContentProvider(TRANSCRIPT_SCHEME, this),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (d.uri.scheme === TRANSCRIPT_SCHEME) this._live.delete(d.uri.toString());
      }),
    );
  }

  /** The URI of a run's transcript. */
  uriFor(run: Run, job: Job | undefined): vscode.Uri {
    return vscode.Uri.from({
      scheme: TRANSCRIPT_SCHEME,
      path: `/${title(job, run)}.md`,
      query: `run=${run.id}`,
    });
  }

  /** Opens a run's transcript in a preview tab; undefined when the run no longer exists. */
  async open(runId: string): Promise<vscode.TextEditor | undefined> {
    const db = await this._database.require();
    const found = db.read((tx) => {
      const run = tx.runs.get(runId);
      return run ? { run, job: tx.jobs.get(run.jobId) } : undefined;
    });
    if (!found) return undefined;
    const doc = await vscode.workspace.openTextDocument(this.uriFor(found.run, found.job));
    return vscode.window.showTextDocument(doc, { preview: true });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const runId = runIdOf(uri);
    const db = await this._database.ready;
    if (!db || !runId) return vscode.l10n.t('Night Pilot could not open its database.');
    const data = db.read((tx) => {
      const run = tx.runs.get(runId);
      if (!run) return undefined;
      const job = tx.jobs.get(run.jobId);
      return {
        run,
        job,
        prompt: job ? tx.prompts.get(job.promptId) : undefined,
        processes: tx.processes.listByRun(run.id),
      };
    });
    if (!data) return vscode.l10n.t('The run {0} no longer exists (retention may have removed it).', runId);
    const text = await renderDocument(data.run, data.job, data.prompt, data.processes);
    if (!FINAL_RUN_STATUSES.includes(data.run.status)) {
      this._live.set(uri.toString(), signature(data.run, data.processes));
      this._armLive();
    } else {
      this._live.delete(uri.toString());
    }
    return text;
  }

  /** The database changed: open transcripts of runs still going may have news. */
  checkLive(): void {
    if (this._live.size > 0) void this._poll();
  }

  private _armLive(): void {
    if (this._timer) return;
    this._timer = setInterval(() => void this._poll(), LIVE_POLL_MS);
  }

  private async _poll(): Promise<void> {
    const db = this._database.database;
    if (!db || this._live.size === 0) {
      clearInterval(this._timer);
      this._timer = undefined;
      return;
    }
    for (const [key, before] of [...this._live]) {
      const uri = vscode.Uri.parse(key);
      const runId = runIdOf(uri);
      try {
        const now = db.read((tx) => {
          const run = runId ? tx.runs.get(runId) : undefined;
          return run ? signature(run, tx.processes.listByRun(run.id)) : 'gone';
        });
        if (now !== before) {
          this._live.set(key, now);
          this._onDidChange.fire(uri);
        }
      } catch (err) {
        this._log.warn(`Transcript of run ${runId ?? '?'}: ${errorMessage(err)}`);
      }
    }
  }

  dispose(): void {
    clearInterval(this._timer);
    this._onDidChange.dispose();
    for (const d of this._disposables) d.dispose();
  }
}

/** What changes when a run goes on: its status, its phases and the size of their logs. */
function signature(run: Run, processes: readonly ExecutionProcess[]): string {
  const sizes = processes.map((p) => {
    try {
      return p.logFile ? fs.statSync(p.logFile).size : 0;
    } catch {
      return -1;
    }
  });
  return `${run.status}|${processes.map((p) => p.status).join(',')}|${sizes.join(',')}`;
}

/** A log's lines; a huge one by its head and tail, with a note of what was left out. */
async function readLogLines(file: string): Promise<{ lines: string[]; skippedBytes: number } | null> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, 'r');
  } catch {
    return null;
  }
  try {
    const { size } = await handle.stat();
    if (size <= MAX_LOG_BYTES) {
      const text = (await handle.readFile()).toString('utf8');
      return { lines: text.split('\n'), skippedBytes: 0 };
    }
    const head = Buffer.alloc(HEAD_BYTES);
    await handle.read(head, 0, HEAD_BYTES, 0);
    const tailBytes = MAX_LOG_BYTES - HEAD_BYTES;
    const tail = Buffer.alloc(tailBytes);
    await handle.read(tail, 0, tailBytes, size - tailBytes);
    // The cut lines at the seams are dropped: half a JSON line cannot be read.
    const headLines = head.toString('utf8').split('\n').slice(0, -1);
    const tailLines = tail.toString('utf8').split('\n').slice(1);
    return { lines: [...headLines, ...tailLines], skippedBytes: size - MAX_LOG_BYTES };
  } finally {
    await handle.close();
  }
}

async function readText(file: string): Promise<string | null> {
  try {
    return await fs.promises.readFile(file, 'utf8');
  } catch {
    return null;
  }
}

function quote(text: string): string {
  return text
    .replace(/\n+$/, '')
    .split('\n')
    .map((l) => `> ${l}`)
    .join('\n');
}

async function storedPrompt(prompt: Prompt | undefined): Promise<string | null> {
  if (!prompt) return null;
  if (prompt.filePath) return readText(prompt.filePath);
  return prompt.content;
}

/** The whole document: a header with the run's facts, then each execution's prompt and stream. */
export async function renderDocument(
  run: Run,
  job: Job | undefined,
  prompt: Prompt | undefined,
  processes: readonly ExecutionProcess[],
): Promise<string> {
  const w = words();
  const out: string[] = [`# ${job?.name ?? vscode.l10n.t('Deleted job')}`];
  const facts = [
    `**${runStatusLabel(run.status)}**`,
    triggerLabel(run.trigger),
    vscode.l10n.t('attempt {0}', run.attempt),
    vscode.l10n.t('started {0}', formatFull(run.startedAt ?? run.scheduledFor)),
  ];
  const duration = durationBetween(run.startedAt, run.endedAt);
  if (duration) facts.push(duration);
  out.push(facts.join(' · '));
  const phases = describePhases(processes);
  const executions = phases.filter((p) => p.process.processType === 'execution');
  const lastLog = [...executions].reverse().find((p) => p.process.logFile)?.process.logFile;
  out.push(
    [
      vscode.l10n.t('Run {0}', inlineCode(shortId(run.id))),
      lastLog ? vscode.l10n.t('raw log: {0}', inlineCode(lastLog)) : null,
    ]
      .filter(Boolean)
      .join(' · '),
  );
  if (run.error && run.status !== 'succeeded') out.push(codeBlock(run.error, 'text'));

  let cost = 0;
  let costSeen = false;
  if (executions.length === 0) out.push(`_${w.empty}_`);
  for (const [i, phase] of executions.entries()) {
    const p = phase.process;
    out.push(`## ${phaseLabel(phase)}`);
    const sent = p.logFile ? await readText(stdinFileFor(p.logFile)) : null;
    if (sent !== null) {
      out.push(`### ${vscode.l10n.t('Prompt')}`, quote(sent));
    } else if (i === 0) {
      const now = await storedPrompt(prompt);
      if (now !== null)
        out.push(
          `### ${vscode.l10n.t('Prompt')}`,
          `_${vscode.l10n.t('The run did not keep the prompt it was sent; this is the prompt as it is now.')}_`,
          quote(now),
        );
    }
    const log = p.logFile ? await readLogLines(p.logFile) : null;
    if (log === null) {
      out.push(`_${p.errorMessage ?? vscode.l10n.t('This phase has no log.')}_`);
      continue;
    }
    const body = renderTranscriptBody(log.lines, w);
    out.push(body.markdown);
    if (log.skippedBytes > 0)
      out.push(
        `_${vscode.l10n.t('{0} MB of the log were left out here; the raw log has everything.', (log.skippedBytes / 1048576).toFixed(1))}_`,
      );
    if (phase.hitUsageLimit)
      out.push(`_${vscode.l10n.t('Stopped by the usage limit; the session resumes after the reset.')}_`);
    if (body.result?.totalCostUsd != null) {
      costSeen = true;
      cost = body.result.totalCostUsd;
    }
  }
  if (costSeen && executions.length > 1)
    out.push(
      `_${vscode.l10n.t('Cost of the whole session as Claude Code reported it last: {0}', formatMoney(cost))}_`,
    );
  if (!FINAL_RUN_STATUSES.includes(run.status))
    out.push('---', `_${vscode.l10n.t('The run is still going: this page follows it.')}_`);
  return out.join('\n\n') + '\n';
}
