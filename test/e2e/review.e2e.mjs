// The morning review in the real workbench: two worktree runs of a job (made by the executor's
// worktree code with real git, test/e2e/seedReview.ts) in the To Review section at the top of the
// Jobs view, a changed file opened in the diff editor, one run merged, the other discarded after
// the confirmation. Screenshots are kept (see the e2e tier's output).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from './workbench.e2e.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const state = {};
const git = (...args) => execFileSync('git', args, { cwd: state.repo, encoding: 'utf8' }).trim();

export const workbench = {
  // Nothing runs in this window: it shows what the night left and acts on it.
  settings: { 'nightPilot.scheduler.enabled': false, 'nightPilot.claude.path': '/nonexistent/claude' },
  seed(dirs) {
    state.repo = path.join(dirs.workspace, 'calculator');
    const db = path.join(dirs.userData, 'User/globalStorage/night-pilot.night-pilot/claude-night-pilot.db');
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'test/e2e/seedReview.ts'), db, state.repo],
      { cwd: ROOT, encoding: 'utf8' },
    );
    if (result.status !== 0) throw new Error(`seeding failed: ${result.stderr}`);
  },
};

const row = (page, name) => page.getByRole('treeitem', { name: new RegExp(name) }).first();

async function contextMenu(page, target, action) {
  await target.click({ button: 'right' });
  const item = page.locator('.context-view .action-label', { hasText: action });
  await item.waitFor();
  await item.hover();
  await item.click();
  // A click that lands while the menu still animates is lost; the hovered item takes Enter.
  if (await item.isVisible().catch(() => false)) {
    await page.waitForTimeout(300);
    if (await item.isVisible().catch(() => false)) await page.keyboard.press('Enter');
  }
}

export const tests = [
  {
    name: 'the To Review section is first in the Jobs view: each run with "N files +a -d", expandable to its files',
    async run({ page, shot }) {
      const item = page.locator('.activitybar [aria-label^="Night Pilot"]').first();
      await item.waitFor({ state: 'visible', timeout: 40_000 });
      await item.click();
      await row(page, 'To Review').waitFor({ timeout: 30_000 });
      const side = await page.locator('.part.sidebar').boundingBox();
      if (side) {
        const edge = side.x + side.width + 1;
        await page.mouse.move(edge, 400);
        await page.mouse.down();
        await page.mouse.move(edge + 260, 400, { steps: 8 });
        await page.mouse.up();
      }
      const names = await page.getByRole('treeitem').allInnerTexts();
      assert.match(names[0] ?? '', /To Review/, names.join(' | '));
      assert.match(names[0] ?? '', /2 run\(s\) with changes/);
      const runs = page.getByRole('treeitem', { name: /Nightly refactor ·/ });
      assert.equal(await runs.count(), 2);
      const texts = await runs.allInnerTexts();
      assert.ok(
        texts.some((t) => /2 file\(s\) \+\d+ -\d+/.test(t)),
        texts.join(' | '),
      );
      assert.ok(
        texts.some((t) => /1 file\(s\) \+2 -0/.test(t)),
        texts.join(' | '),
      );
      const refactor = runs.filter({ hasText: '2 file(s)' });
      await refactor.click();
      await row(page, 'math.test.ts').waitFor();
      await row(page, 'math.ts').waitFor();
      await shot('01-to-review-section');
    },
  },
  {
    name: 'clicking a changed file opens the diff editor: base on the left, the run on the right',
    async run({ page, shot }) {
      await page
        .getByRole('treeitem', { name: /^math\.ts/ })
        .first()
        .click();
      const tab = page.locator('.tab.active', { hasText: 'math.ts (main ↔ night-pilot/nightly-refactor/' });
      await tab.waitFor({ timeout: 20_000 });
      const diff = page.locator('.monaco-diff-editor').first();
      await diff.waitFor();
      await page.locator('.monaco-diff-editor .line-insert').first().waitFor();
      const shown = await diff.innerText();
      assert.match(shown.replace(/\u00a0/g, ' '), /The mean of xs; NaN for an empty list/);
      await shot('02-diff-editor');
    },
  },
  {
    name: 'Merge into Base Branch fast-forwards main and removes the run from To Review',
    async run({ page, shot }) {
      const before = git('rev-parse', 'main');
      await contextMenu(
        page,
        page.getByRole('treeitem', { name: /Nightly refactor ·.*2 file/ }),
        'Merge into Base Branch',
      );
      await runCommand(page, 'Notifications: Show Notifications');
      await page
        .locator('.notifications-center', {
          hasText: /Merged night-pilot\/nightly-refactor\/.* into main \(fast-forward\)/,
        })
        .waitFor({ timeout: 20_000 });
      await page.getByRole('treeitem', { name: /Nightly refactor ·.*2 file/ }).waitFor({ state: 'detached' });
      assert.notEqual(git('rev-parse', 'main'), before);
      assert.match(git('log', '-1', '--format=%s', 'main'), /^Night Pilot: Nightly refactor/);
      assert.equal(git('status', '--porcelain'), '');
      // The first window of the day said what happened overnight, with a button to this section.
      const overnight = page.locator('.notifications-center .notification-list-item', {
        hasText: 'Last night: 2 run(s), 2 with changes to review, 0 failed.',
      });
      await overnight.waitFor();
      assert.equal(await overnight.locator('.monaco-button', { hasText: 'Review' }).count(), 1);
      await shot('03-merged');
      await runCommand(page, 'Notifications: Clear All Notifications');
    },
  },
  {
    name: 'Discard asks first, then removes the worktree and the branch',
    async run({ page, shot }) {
      const target = page.getByRole('treeitem', { name: /Nightly refactor ·.*1 file/ });
      await contextMenu(page, target, "Discard Run's Changes...");
      const dialog = page.locator('.monaco-dialog-box', {
        hasText: 'Discard the changes of Nightly refactor',
      });
      await dialog.waitFor();
      await shot('04-discard-confirmation');
      await dialog.locator('.monaco-button', { hasText: /^Discard$/ }).click();
      await row(page, 'To Review').waitFor({ state: 'detached', timeout: 20_000 });
      assert.equal(git('branch', '--list', 'night-pilot/*'), '');
      assert.equal(git('worktree', 'list').split('\n').length, 1);
      await shot('05-discarded');
    },
  },
];
