// Worktree isolation in the real workbench, with real git: the offer to remove the worktree and
// branch of a run that retention pruned before anyone merged or discarded it (seeded by
// test/e2e/seedWorktrees.ts: the run made by the executor's worktree code, pruned by pruneRuns),
// and Create Job suggesting a worktree of their own for a prompt that lets Claude edit files in a
// git repository, but not for one that does not. Screenshots are kept (see the e2e tier's output).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { codeLens, openEditJob, quickInput, runCommand } from './workbench.e2e.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const state = {};
const git = (...args) => execFileSync('git', args, { cwd: state.repo, encoding: 'utf8' }).trim();

/**
 * Seeds the workspace and the database (test/e2e/seedWorktrees.ts) and fills `into` with the
 * repository, the pruned run's worktree folder and its branch.
 */
export function seedPrunedWorktree(dirs, into) {
  into.repo = dirs.workspace;
  const db = path.join(dirs.userData, 'User/globalStorage/night-pilot.night-pilot/claude-night-pilot.db');
  const stateFile = path.join(dirs.userData, 'seeded-worktree.json');
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'test/e2e/seedWorktrees.ts'), db, into.repo, stateFile],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`seeding failed: ${result.stderr}`);
  Object.assign(into, JSON.parse(fs.readFileSync(stateFile, 'utf8')));
}

export const workbench = {
  // Nothing runs in this window: it shows what retention left and creates jobs.
  settings: { 'nightPilot.scheduler.enabled': false, 'nightPilot.claude.path': '/nonexistent/claude' },
  seed(dirs) {
    seedPrunedWorktree(dirs, state);
  },
};

const SUGGESTION = 'In a git worktree of their own (suggested)';

/** Waits until `check` holds (real git, polled). */
async function until(page, check, what, timeout = 20_000) {
  const end = Date.now() + timeout;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await page.waitForTimeout(200);
  }
}

/** Opens Edit Job for the job's row and returns the text of its Isolation row. */
async function isolationOf(page, jobName) {
  await openEditJob(page, jobName);
  const isolation = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Isolation' });
  await isolation.waitFor();
  return isolation.innerText();
}

export const tests = [
  {
    name: 'retention left an unmerged worktree: the window asks, and Remove removes the worktree and the branch',
    async run({ page, shot }) {
      assert.ok(fs.existsSync(state.worktree), state.worktree);
      assert.equal(git('branch', '--list', state.branch, '--format=%(refname:short)'), state.branch);
      // The extension is active once the view container is there; the offer follows the overnight
      // summary. The center is opened again until it shows the offer (a palette opened while the
      // workbench still starts can be lost).
      await page.locator('.activitybar [aria-label^="Night Pilot"]').first().waitFor({ timeout: 40_000 });
      const offer = page.locator('.notifications-center .notification-list-item', {
        hasText: 'still have a worktree and branch that were never merged or discarded',
      });
      const center = page.locator('.notifications-center.visible');
      const end = Date.now() + 30_000;
      for (;;) {
        if (!(await center.isVisible())) await runCommand(page, 'Notifications: Show Notifications');
        if (
          await offer.waitFor({ timeout: 3000 }).then(
            () => true,
            () => false,
          )
        )
          break;
        if (Date.now() > end) throw new Error('the offer to remove the worktree was not shown');
      }
      assert.match(
        await offer.innerText(),
        new RegExp(`1 run\\(s\\) removed by retention .*\\(${state.branch}\\)\\. Remove them\\?`),
      );
      assert.equal(await offer.locator('.monaco-button', { hasText: /^Keep Them$/ }).count(), 1);
      await shot('01-offer-to-remove');
      await offer.locator('.monaco-button', { hasText: /^Remove$/ }).click();
      await until(page, () => !fs.existsSync(state.worktree), 'the worktree folder to be removed');
      await until(
        page,
        () => git('branch', '--list', state.branch) === '',
        `the branch ${state.branch} to be deleted`,
      );
      assert.equal(git('worktree', 'list').split('\n').length, 1);
      assert.equal(git('status', '--porcelain'), '');
      await shot('02-removed');
      await runCommand(page, 'Notifications: Clear All Notifications');
    },
  },
  {
    name: 'Create Job from a prompt that lets Claude edit, in a git repository, suggests a worktree first; picked, the job has it',
    async run({ page, shot }) {
      await runCommand(page, 'Go to File...');
      const input = page.locator('.quick-input-widget input');
      await input.fill('nightly-tidy.md');
      await page
        .locator('.quick-input-list .monaco-list-row', { hasText: 'nightly-tidy.md' })
        .first()
        .waitFor();
      await page.keyboard.press('Enter');
      await page.locator('.tab.active', { hasText: 'nightly-tidy.md' }).waitFor();
      await codeLens(page, 'Create Job from This Prompt').waitFor({ timeout: 30_000 });
      await codeLens(page, 'Create Job from This Prompt').click();
      await quickInput(page, 'Create Job (1/4)').waitFor();
      assert.equal(await input.inputValue(), 'Nightly tidy');
      for (const step of ['(2/4)', '(3/4)', '(4/4)']) {
        await page.keyboard.press('Enter');
        await quickInput(page, `Create Job ${step}`).waitFor();
      }
      await page.keyboard.press('Enter');
      // The front matter's permissionMode is a grant: allowed for this job first.
      const dialog = page.locator('.monaco-dialog-box', { hasText: 'lets "Nightly tidy" use more' });
      await dialog.waitFor();
      await dialog.locator('.monaco-button', { hasText: 'Allow for This Job' }).click();
      // The question is the quick pick's placeholder.
      const question = page.locator(
        '.quick-input-widget input[placeholder*="a git repository: where should the runs work?"]',
      );
      await question.waitFor();
      assert.match(await question.getAttribute('placeholder'), new RegExp(`files in ${state.repo}, a git`));
      const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
      await rows.first().waitFor();
      assert.equal(await rows.count(), 2);
      assert.ok((await rows.nth(0).innerText()).includes(SUGGESTION), await rows.nth(0).innerText());
      assert.ok(
        (await rows.nth(1).innerText()).includes('In the folder itself'),
        await rows.nth(1).innerText(),
      );
      // The worktree is the active (focused) row: Enter takes it.
      assert.match((await rows.first().getAttribute('class')) ?? '', /\bfocused\b/);
      await shot('03-create-job-suggests-worktree');
      await page.keyboard.press('Enter');
      await codeLens(page, 'Used by Nightly tidy').waitFor({ timeout: 20_000 });
      await runCommand(page, 'Night Pilot: Focus on Jobs View');
      assert.match(await isolationOf(page, 'Nightly tidy'), /worktree \(a git worktree and branch per run\)/);
      await shot('04-job-isolation-worktree');
      await page.keyboard.press('Escape');
    },
  },
  {
    name: 'Create Job with a prompt that does not edit does not suggest a worktree',
    async run({ page, shot }) {
      await runCommand(page, 'View: Close All Editors');
      // Not Enter: with a prompt file open, "Create Job from This Prompt" may be listed first.
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget input');
      await input.fill('>Night Pilot: Create Job...');
      await page
        .locator('.quick-input-list .monaco-list-row', { hasText: /^Night Pilot: Create Job\.\.\./ })
        .first()
        .click();
      await quickInput(page, 'Create Job (1/5)').waitFor();
      await input.fill('Read only');
      await page.keyboard.press('Enter');
      await quickInput(page, 'Create Job (2/5)').waitFor();
      await input.fill('Type the Prompt Here');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Type the Prompt Here' }).waitFor();
      await page.keyboard.press('Enter');
      await quickInput(page, 'the prompt sent on every run').waitFor();
      await input.fill('List the commits of the last 24 hours.');
      await page.keyboard.press('Enter');
      for (const step of ['(3/5)', '(4/5)', '(5/5)']) {
        await quickInput(page, `Create Job ${step}`).waitFor();
        await page.keyboard.press('Enter');
      }
      // The job is stored only after the suggestion would have been answered: its row shows it was not asked.
      await runCommand(page, 'Night Pilot: Focus on Jobs View');
      await page.getByRole('treeitem', { name: /Read only/ }).waitFor();
      assert.equal(await page.locator('.quick-input-widget', { hasText: SUGGESTION }).isVisible(), false);
      assert.equal(
        await page
          .locator('.quick-input-widget input[placeholder*="where should the runs work"]')
          .isVisible(),
        false,
      );
      assert.match(await isolationOf(page, 'Read only'), /none \(runs work in place\)/);
      await shot('05-no-suggestion');
      await page.keyboard.press('Escape');
    },
  },
];
