// What the real CLI cannot be made to do on demand, through the whole executor: 50 MB of output,
// garbage lines, and each older usage-limit wording.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Run } from '../../src/core/model';
import { OUTPUT_TAIL_CHARS } from '../../src/core/outputTail';
import { tickAndSettle, useHarness } from './schedulerHarness';
import type { Harness } from './schedulerHarness';

describe('executor: output and limit wordings only the fake claude produces', function () {
  this.timeout(60_000);
  const fixture = useHarness();
  let h: Harness;

  async function runOnce(env: Record<string, string>, start = '2026-11-27T10:00:00.000Z'): Promise<Run> {
    h = await fixture.create(start, { settings: { limitMarginSeconds: 0, fallbackWaitSeconds: 1800 } });
    const job = await h.addJob({
      name: 'fake',
      cron: '0 10 * * *',
      nextRunTime: '2026-11-27T10:00:00.000Z',
      options: { env },
    });
    await tickAndSettle(h);
    const runs = h.db.read((tx) => tx.runs.list({ jobId: job.id }));
    assert.equal(runs.length, 1);
    return runs[0]!;
  }

  it('keeps 50 MB of output in the log file and only a bounded tail in the database', async () => {
    const run = await runOnce({ FAKE_CLAUDE_MODE: 'flood', FAKE_CLAUDE_BYTES: String(50 * 1024 * 1024) });
    assert.equal(run.status, 'succeeded', run.error ?? '');
    const [execution] = h.db.read((tx) => tx.processes.listByRun(run.id));
    assert.ok(fs.statSync(execution!.logFile!).size >= 50 * 1024 * 1024, 'the whole stream is in the log');
    assert.ok(execution!.outputTail!.length <= OUTPUT_TAIL_CHARS);
    assert.ok(fs.statSync(h.db.path).size < 1024 * 1024, 'the database stays small');
  });

  it('logs garbage and unknown lines, never fails on them, and still reads the result', async () => {
    const run = await runOnce({ FAKE_CLAUDE_MODE: 'garbage' });
    assert.equal(run.status, 'succeeded', run.error ?? '');
    assert.ok(
      h.log.some((l) => /not JSON|unknown/i.test(l)),
      h.log.join('\n'),
    );
    assert.equal(h.db.read((tx) => tx.usage.listByRun(run.id)).length, 1);
  });

  it('fails a crash with its stderr and exit code', async () => {
    const run = await runOnce({ FAKE_CLAUDE_MODE: 'crash' });
    assert.equal(run.status, 'failed');
    assert.match(run.error!, /exited with code 3.*simulated crash/);
  });

  // 10:00 UTC on 2026-11-27 (a Friday). Each wording's reset as an exact instant.
  const wordings: Array<[string, string, string]> = [
    ['result', 'Claude AI usage limit reached|1795776000', '2026-11-27T10:40:00.000Z'],
    [
      'result',
      'Claude usage limit reached. Your limit will reset at 5pm (Europe/Warsaw).',
      '2026-11-27T16:00:00.000Z',
    ],
    [
      'result',
      'Claude usage limit reached. Your limit will reset at Dec 6, 6pm.',
      '2026-12-06T18:00:00.000Z',
    ],
    ['stderr', '5-hour limit reached ∙ resets 1pm', '2026-11-27T13:00:00.000Z'],
    ['result', "You've hit your limit · resets 2pm (America/Toronto)", '2026-11-27T19:00:00.000Z'],
    ['result', "You've hit your session limit · resets 3:45pm", '2026-11-27T15:45:00.000Z'],
    ['stderr', "You've hit your weekly limit · resets Mon 12:00am", '2026-11-30T00:00:00.000Z'],
    ['result', "You've hit your Opus limit · resets 3:45pm", '2026-11-27T15:45:00.000Z'],
    ['result', 'Claude usage limit reached.', '2026-11-27T10:30:00.000Z'],
  ];
  for (const [where, text, resumeAt] of wordings) {
    it(`waits for the limit in "${text}" (${where}) until ${resumeAt}`, async () => {
      const run = await runOnce({
        FAKE_CLAUDE_MODE: where === 'stderr' ? 'limit-stderr' : 'limit',
        FAKE_CLAUDE_LIMIT_TEXT: text,
      });
      assert.equal(run.status, 'waiting_for_limit', run.error ?? '');
      assert.equal(run.resumeAt, resumeAt);
      assert.equal(run.attempt, 1);
    });
  }
});
