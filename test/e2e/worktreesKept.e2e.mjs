// The setting `nightPilot.retention.unmergedWorktrees: keep` in the real workbench: the same
// pruned run's worktree and branch as in worktrees.e2e.mjs (real git), and the window never asks
// to remove them; both are left as they are. Screenshots are kept (see the e2e tier's output).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { runCommand } from './workbench.e2e.mjs';
import { seedPrunedWorktree } from './worktrees.e2e.mjs';

const state = {};
const git = (...args) => execFileSync('git', args, { cwd: state.repo, encoding: 'utf8' }).trim();

export const workbench = {
  settings: {
    'nightPilot.scheduler.enabled': false,
    'nightPilot.claude.path': '/nonexistent/claude',
    'nightPilot.retention.unmergedWorktrees': 'keep',
  },
  seed(dirs) {
    seedPrunedWorktree(dirs, state);
  },
};

export const tests = [
  {
    name: 'with unmergedWorktrees "keep", the window never asks: the worktree and the branch stay',
    async run({ page, shot }) {
      await page.locator('.activitybar [aria-label^="Night Pilot"]').first().waitFor({ timeout: 40_000 });
      // The offer would follow the overnight summary at once: wait for the summary first.
      const summary = page.locator('.notifications-center .notification-list-item', {
        hasText: 'Last night: 1 run(s), 0 with changes to review, 0 failed.',
      });
      const center = page.locator('.notifications-center.visible');
      const end = Date.now() + 30_000;
      for (;;) {
        if (!(await center.isVisible())) await runCommand(page, 'Notifications: Show Notifications');
        if (
          await summary.waitFor({ timeout: 3000 }).then(
            () => true,
            () => false,
          )
        )
          break;
        if (Date.now() > end) throw new Error('the overnight summary was not shown');
      }
      await page.waitForTimeout(3000);
      const items = await page.locator('.notifications-center .notification-list-item').allInnerTexts();
      assert.ok(
        !items.some((t) => t.includes('still have a worktree and branch')),
        `asked although the setting says keep: ${items.join(' | ')}`,
      );
      await shot('01-kept-not-asked');
      assert.ok(fs.existsSync(state.worktree), state.worktree);
      assert.equal(git('branch', '--list', state.branch, '--format=%(refname:short)'), state.branch);
      assert.equal(git('worktree', 'list').split('\n').length, 2);
    },
  },
];
