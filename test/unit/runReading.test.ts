// What the Jobs view and the transcript read from a run, checked on runs the REAL pinned Claude Code
// CLI made (the scheduler and executor as they ship; only the remote API is the fake on 127.0.0.1):
// the phases of a run that hit a usage limit and resumed, the prompt each execution was sent, and
// the transcript rendered from the logs.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describePhases } from '../../src/core/phases';
import type { TranscriptWords } from '../../src/core/transcriptMarkdown';
import { renderTranscriptBody } from '../../src/core/transcriptMarkdown';
import type { Run } from '../../src/core/model';
import { stdinFileFor } from '../../src/scheduler/phaseRunner';
import { tickAndSettle, useRealClaudeHarness } from './schedulerHarness';
import type { Harness } from './schedulerHarness';

const MODEL = 'claude-sonnet-4-5';

const ENGLISH: TranscriptWords = {
  tool: 'Tool: {0}',
  toolResult: 'Tool result',
  toolError: 'Tool error',
  moreLines: '… {0} more lines',
  moreChars: '… {0} more characters',
  result: 'Result',
  succeeded: 'Succeeded',
  failed: 'Failed',
  turns: '{0} turns',
  tokens: '{0} tokens',
  tokenBreakdown: '{0} in, {1} out, {2} cache write, {3} cache read',
  session: 'Model {0}, session {1}',
  unreadable: '{0} line(s) of the log could not be read',
  empty: 'No output yet.',
};

describe('reading a run the real Claude Code CLI made', function () {
  this.timeout(90_000);
  const fixture = useRealClaudeHarness('np-read-');
  let h: Harness;

  async function harness(auth: 'apiKey' | 'oauth', start: string, settings = {}) {
    h = await fixture.createReal(auth, start, settings);
  }

  const onlyRun = (jobId: string): Run => h.db.read((tx) => tx.runs.list({ jobId }))[0]!;

  it('names the execution a usage limit stopped "usage limit" and the session after it "resumed"', async () => {
    const start = Date.parse('2026-11-27T10:00:00.000Z');
    fixture.api.setScenario([
      { kind: 'subscriptionLimit', resetsAt: Math.floor(start / 1000) + 3600 },
      { kind: 'success', text: 'Finished after the reset.' },
    ]);
    await harness('oauth', '2026-11-27T10:00:00.000Z', { limitMarginSeconds: 30 });
    const job = await h.addJob({
      name: 'limited',
      cron: '0 10 * * *',
      nextRunTime: '2026-11-27T10:00:00.000Z',
      options: { model: MODEL, workingDirectory: fixture.dir },
    });
    await tickAndSettle(h);
    let run = onlyRun(job.id);
    assert.equal(run.status, 'waiting_for_limit');
    let phases = describePhases(h.db.read((tx) => tx.processes.listByRun(run.id)));
    assert.deepEqual(
      phases.map((p) => [p.kind, p.process.status, p.hitUsageLimit]),
      [['execution', 'failed', true]],
      'while it waits, the stopped execution is the limit, not a failure',
    );

    h.clock.set(Date.parse(run.resumeAt!));
    await tickAndSettle(h);
    run = onlyRun(job.id);
    assert.equal(run.status, 'succeeded', run.error ?? '');
    phases = describePhases(h.db.read((tx) => tx.processes.listByRun(run.id)));
    assert.deepEqual(
      phases.map((p) => [p.kind, p.process.status, p.hitUsageLimit]),
      [
        ['execution', 'failed', true],
        ['resumed', 'completed', false],
      ],
    );
    // Each execution keeps what it was sent: the job's prompt, then the continuation prompt.
    const [first, second] = phases.map((p) => fs.readFileSync(stdinFileFor(p.process.logFile!), 'utf8'));
    assert.equal(first, 'Prompt for limited');
    assert.equal(second, 'Continue where you left off.');
    const limited = renderTranscriptBody(
      fs.readFileSync(phases[0]!.process.logFile!, 'utf8').split('\n'),
      ENGLISH,
    );
    assert.match(limited.markdown, /\*\*Failed\*\*/);
    assert.match(limited.markdown, /You've hit your 5-hour limit/);
    const resumed = renderTranscriptBody(
      fs.readFileSync(phases[1]!.process.logFile!, 'utf8').split('\n'),
      ENGLISH,
    );
    assert.match(resumed.markdown, /Finished after the reset\./);
    assert.match(resumed.markdown, /\*\*Succeeded\*\* · 1 turns/);
  });

  it('renders the stream of a run with tool calls: the calls summarised, the results cut, the result with tokens and cost', async () => {
    const notes = path.join(fixture.dir, 'notes.txt');
    fs.writeFileSync(notes, Array.from({ length: 40 }, (_, i) => `line ${i + 1}`).join('\n'));
    fixture.api.setScenario([
      { kind: 'toolUse', name: 'Read', input: { file_path: notes } },
      { kind: 'success', text: 'The file has **40 lines**.', inputTokens: 1200, outputTokens: 300 },
    ]);
    await harness('apiKey', '2026-11-27T10:00:00.000Z');
    const job = await h.addJob({
      name: 'reader',
      cron: '0 10 * * *',
      nextRunTime: '2026-11-27T10:00:00.000Z',
      options: { model: MODEL, workingDirectory: fixture.dir, allowedTools: ['Read'] },
    });
    await tickAndSettle(h);
    const run = onlyRun(job.id);
    assert.equal(run.status, 'succeeded', run.error ?? '');
    const [execution] = h.db.read((tx) => tx.processes.listByRun(run.id));
    const body = renderTranscriptBody(fs.readFileSync(execution!.logFile!, 'utf8').split('\n'), ENGLISH);
    const md = body.markdown;
    assert.match(md, new RegExp(`_Model ${MODEL}, session [0-9a-f-]{36}_`));
    assert.ok(md.includes(`**Tool: Read** \`${notes}\``), md);
    // 40 lines read: the first 20 are shown, then how many more there were.
    assert.match(md, /line 20\n/);
    assert.doesNotMatch(md, /line 25\n/);
    assert.match(md, /… \d+ more lines/);
    assert.match(md, /The file has \*\*40 lines\*\*\./);
    assert.match(
      md,
      /### Result\n\n\*\*Succeeded\*\* · 2 turns · [\d,]+ tokens \([\d,]+ in, [\d,]+ out, 0 cache write, 0 cache read\) · \$0\.\d{4} · [\d.]+ s/,
    );
    assert.equal(body.result?.isError, false);
  });
});
