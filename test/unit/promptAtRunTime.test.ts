// A prompt file's front matter at run time, with the REAL pinned Claude Code CLI against the fake
// Messages API: read at every run (an edit applies to the next run), its keys are defaults the
// job's own options override, and the keys that grant permissions wait for the user's review.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { ExecutionOptions, Job, Run } from '../../src/core/model';
import {
  PROMPT_REVIEW_REASON,
  acceptPromptGrants,
  recheckPromptHolds,
  reviewPrompt,
} from '../../src/scheduler/promptGate';
import { CLAUDE_BIN, claudeTestEnv } from '../fixtures/claudeEnv';
import { lastUserTexts, startFakeAnthropicApi } from '../fixtures/fakeAnthropicApi';
import type { FakeApi } from '../fixtures/fakeAnthropicApi';
import { tickAndSettle, useHarness } from './schedulerHarness';
import type { Harness } from './schedulerHarness';

const START = '2026-11-27T10:00:00.000Z';

describe('prompt files at run time (real Claude Code CLI)', function () {
  this.timeout(90_000);
  const fixture = useHarness('np-prompt-run-');
  let api: FakeApi;
  let h: Harness;
  let promptFile: string;
  let work: string;

  beforeEach(async () => {
    api = await startFakeAnthropicApi();
    const home = path.join(fixture.dir, 'home');
    work = path.join(fixture.dir, 'work');
    fs.mkdirSync(home, { recursive: true });
    fs.mkdirSync(work, { recursive: true });
    promptFile = path.join(work, 'nightly.md');
    h = await fixture.create(START, {
      claude: { path: CLAUDE_BIN, env: claudeTestEnv(api, { auth: 'apiKey', home }) },
    });
  });
  afterEach(async () => {
    await api.close();
  });

  function writePrompt(frontMatter: string, body = 'Say hi.\n'): void {
    fs.writeFileSync(promptFile, `---\n${frontMatter}\n---\n${body}`);
  }

  function addFileJob(options: Partial<ExecutionOptions> = {}): Promise<Job> {
    return h.db.write((tx) => {
      const prompt = tx.prompts.insert({ title: 'Nightly', content: '', filePath: promptFile });
      return tx.jobs.insert({
        name: 'nightly',
        promptId: prompt.id,
        cronExpression: '0 * * * *',
        timezone: 'UTC',
        nextRunTime: START,
        options: { workingDirectory: work, ...options },
      });
    });
  }

  /** Fires the job's next hourly run and waits for it to settle. */
  async function fire(job: Job, hour: number): Promise<Run> {
    const at = new Date(Date.parse(START) + hour * 3600_000).toISOString();
    await h.db.write((tx) => tx.jobs.update(job.id, { nextRunTime: at }));
    h.clock.set(at);
    await tickAndSettle(h);
    const run = h.db.read((tx) => tx.runs.list({ jobId: job.id, limit: 1 }))[0];
    assert.ok(run, 'no run was claimed');
    return run;
  }

  it('applies model and appendSystemPrompt from the file, re-read at every run, never sending the front matter', async () => {
    writePrompt('title: Nightly\nmodel: claude-sonnet-4-5\nappendSystemPrompt: Answer in one word.');
    const job = await addFileJob();
    const first = await fire(job, 0);
    assert.equal(first.status, 'succeeded', first.error ?? '');
    let [request] = api.messageRequests();
    assert.ok(request);
    const body = request.body as { model: string; system?: unknown };
    assert.equal(body.model, 'claude-sonnet-4-5');
    assert.ok(JSON.stringify(body.system).includes('Answer in one word.'));
    assert.equal(lastUserTexts(request).at(-1), 'Say hi.\n');
    assert.ok(!JSON.stringify(request.body).includes('title: Nightly'), 'the front matter was sent');

    writePrompt('model: claude-haiku-4-5', 'Say bye.\n');
    const second = await fire(job, 1);
    assert.equal(second.status, 'succeeded', second.error ?? '');
    request = api.messageRequests().at(-1);
    assert.ok(request);
    assert.equal((request.body as { model: string }).model, 'claude-haiku-4-5');
    assert.equal(lastUserTexts(request).at(-1), 'Say bye.\n');
  });

  it("lets the job's own options override the file's", async () => {
    writePrompt('model: claude-opus-4-1');
    const job = await addFileJob({ model: 'claude-sonnet-4-5' });
    const run = await fire(job, 0);
    assert.equal(run.status, 'succeeded', run.error ?? '');
    assert.equal((api.messageRequests()[0]!.body as { model: string }).model, 'claude-sonnet-4-5');
  });

  it('holds a run whose file grants a tool the user did not confirm, and runs it with the tool once accepted', async () => {
    const made = path.join(work, 'made-by-claude');
    api.setScenario([
      { kind: 'toolUse', name: 'Bash', input: { command: `touch '${made}'`, description: 'touch' } },
      { kind: 'success' },
    ]);
    writePrompt('model: claude-sonnet-4-5');
    const job = await addFileJob();
    // After the job was made, the file (a git pull) starts granting Bash.
    writePrompt('model: claude-sonnet-4-5\nallowedTools: "Bash(touch *)"');
    const held = await fire(job, 0);
    assert.equal(held.status, 'queued');
    assert.ok(held.waitReason?.startsWith(PROMPT_REVIEW_REASON), held.waitReason ?? '');
    assert.match(held.waitReason!, /allowedTools \+ Bash\(touch \*\)/);
    assert.equal(api.messageRequests().length, 0, 'Claude was started before the review');

    const review = h.db.read((tx) => reviewPrompt(tx, job.id));
    assert.deepEqual(review.changes, [{ key: 'allowedTools', rule: 'Bash(touch *)' }]);
    const { released } = await h.db.write((tx) => acceptPromptGrants(tx, job.id, review.grants));
    assert.equal(released, 1);
    await tickAndSettle(h);
    const run = h.db.read((tx) => tx.runs.require(held.id));
    assert.equal(run.status, 'succeeded', run.error ?? '');
    assert.equal(fs.existsSync(made), true, 'the confirmed tool rule did not reach Claude');
  });

  it('lets a held run go when its prompt file is changed back to what was confirmed', async () => {
    writePrompt('model: claude-sonnet-4-5');
    const job = await addFileJob();
    writePrompt('model: claude-sonnet-4-5\nenv: { TOKEN: x }');
    const held = await fire(job, 0);
    assert.equal(held.status, 'queued');
    assert.match(held.waitReason!, /env \+ TOKEN=x/);
    writePrompt('model: claude-sonnet-4-5');
    // What VS Code does when it sees the file change.
    assert.equal(await h.db.write((tx) => recheckPromptHolds(tx)), 1);
    await tickAndSettle(h);
    const run = h.db.read((tx) => tx.runs.require(held.id));
    assert.equal(run.status, 'succeeded', run.error ?? '');
  });

  it('applies a narrowing key (disallowedTools) at once, without a review', async () => {
    const made = path.join(work, 'not-made');
    api.setScenario([
      { kind: 'toolUse', name: 'Bash', input: { command: `touch '${made}'`, description: 'touch' } },
      { kind: 'success' },
    ]);
    writePrompt('model: claude-sonnet-4-5');
    const job = await addFileJob({ allowedTools: ['Bash(touch *)'] });
    writePrompt('model: claude-sonnet-4-5\ndisallowedTools: ["Bash(touch *)"]');
    const run = await fire(job, 0);
    assert.equal(run.status, 'succeeded', run.error ?? '');
    assert.equal(fs.existsSync(made), false, 'the disallowed tool ran');
  });

  it('fails the run, naming the file, when the prompt file was deleted (no stored copy is used)', async () => {
    writePrompt('model: claude-sonnet-4-5');
    const job = await addFileJob({ setupCommand: `touch '${path.join(work, 'setup-ran')}'` });
    // The CLI keeps a copy of the content: it must not be sent in the file's place.
    await h.db.write((tx) => tx.prompts.update(job.promptId, { content: 'An old copy.' }));
    fs.rmSync(promptFile);
    const run = await fire(job, 0);
    assert.equal(run.status, 'failed');
    assert.match(run.error!, /The prompt file .*nightly\.md does not exist/);
    assert.equal(api.messageRequests().length, 0);
    assert.equal(fs.existsSync(path.join(work, 'setup-ran')), false, 'the setup command ran');
    const phases = h.db.read((tx) => tx.processes.listByRun(run.id));
    assert.deepEqual(
      phases.map((p) => [p.processType, p.status]),
      [['execution', 'failed']],
    );
  });

  it('fails the run with the reason when the front matter has a value it cannot use', async () => {
    writePrompt('model: claude-sonnet-4-5\nmaxTurns: lots');
    const job = await addFileJob();
    const run = await fire(job, 0);
    assert.equal(run.status, 'failed');
    assert.match(run.error!, /front matter "maxTurns": "lots" is not a whole number/);
    assert.equal(api.messageRequests().length, 0);
  });

  it('never takes bypassPermissions from a file', async () => {
    writePrompt('permissionMode: bypassPermissions');
    const job = await addFileJob({ model: 'claude-sonnet-4-5' });
    const run = await fire(job, 0);
    assert.equal(run.status, 'failed');
    assert.match(run.error!, /never takes from a file/);
    assert.equal(api.messageRequests().length, 0);
  });

  it("fails with that reason when the job's working folder is gone, running no phase", async () => {
    writePrompt('model: claude-sonnet-4-5');
    const gone = path.join(fixture.dir, 'gone');
    fs.mkdirSync(gone);
    const job = await addFileJob({ workingDirectory: gone, setupCommand: 'true' });
    fs.rmSync(gone, { recursive: true });
    const run = await fire(job, 0);
    assert.equal(run.status, 'failed');
    assert.match(run.error!, /working folder .*gone does not exist any more/);
    const phases = h.db.read((tx) => tx.processes.listByRun(run.id));
    assert.deepEqual(
      phases.map((p) => p.processType),
      ['execution'],
    );
    assert.equal(api.messageRequests().length, 0);
  });
});
