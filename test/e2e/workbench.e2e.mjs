// The Night Pilot workbench UI in a real VS Code (code-server) in chromium. Run by
// scripts/test-e2e.mjs, in this order, against one window. Toasts are suppressed under the
// smoke-test driver the payload needs, so notifications are read from the notification center.
import assert from 'node:assert/strict';

const JOB_NAME = 'Nightly review';

export const workbench = {
  // A path that does not exist: what a user without the Claude CLI sees.
  settings: { 'nightPilot.claude.path': '/nonexistent/night-pilot-e2e/claude' },
};

/** Runs a command from the palette by its title. */
export async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
  await page.keyboard.press('Enter');
}

/** The quick input (a pick or an input box) showing this text. */
export function quickInput(page, text) {
  return page.locator('.quick-input-widget', { hasText: text });
}

/** A CodeLens link of the open editor. */
export function codeLens(page, text) {
  return page.locator('.monaco-editor .codelens-decoration a', { hasText: text });
}

/** Opens Edit Job from the job's row's context menu; resolves once its property list shows. */
export async function openEditJob(page, jobName) {
  const row = page.getByRole('treeitem', { name: new RegExp(jobName) });
  await row.click({ button: 'right' });
  const item = page.locator('.context-view .action-label', { hasText: 'Edit Job...' });
  await item.hover();
  await item.click();
  // A click that lands while the menu still animates is lost; the focused item takes Enter.
  const pick = quickInput(page, `Edit Job: ${jobName}`);
  const shown = await pick.waitFor({ timeout: 3000 }).then(
    () => true,
    () => false,
  );
  if (!shown) await page.keyboard.press('Enter');
  await pick.waitFor();
}

/** The view's title, visible once the Night Pilot container is open in the side bar. */
function jobsViewTitle(page) {
  return page.locator('.sidebar .composite.title', { hasText: 'Night Pilot: Jobs' });
}

/** The message under the quick input: the validation error or our preview. */
function inputMessage(page) {
  return page.locator('.quick-input-widget .quick-input-message');
}

export const tests = [
  {
    name: 'the Night Pilot activity bar item opens the Jobs view with its empty-state welcome',
    async run({ page, shot }) {
      const item = page.locator('.activitybar [aria-label^="Night Pilot"]').first();
      await item.waitFor({ state: 'visible', timeout: 40_000 });
      await item.click();
      await jobsViewTitle(page).waitFor();
      const welcome = page.locator('.sidebar .welcome-view-content');
      await welcome.getByText('No jobs yet.', { exact: false }).waitFor();
      await welcome.getByRole('button', { name: 'Create Job' }).waitFor();
      await shot('01-empty-jobs-view');
    },
  },
  {
    name: 'the command palette lists the Night Pilot commands',
    async run({ page }) {
      await page.keyboard.press('F1');
      await page.locator('.quick-input-widget input').fill('>Night Pilot:');
      const rows = page.locator('.quick-input-list .monaco-list-row');
      await rows.filter({ hasText: 'Night Pilot: Create Job...' }).first().waitFor();
      const titles = await rows.allInnerTexts();
      for (const title of [
        'Create Job...',
        'Refresh',
        'Show Log',
        'Open Database Folder',
        'Pause All Jobs (Quiet Mode)',
      ]) {
        assert.ok(
          titles.some((t) => t.includes(`Night Pilot: ${title}`)),
          `"Night Pilot: ${title}" is not in the palette: ${titles.join(' | ')}`,
        );
      }
      // Item-only commands stay out of the palette while there is nothing to act on.
      assert.ok(
        !titles.some((t) => t.includes('Night Pilot: Cancel Run')),
        'Cancel Run is offered with no run',
      );
      await page.keyboard.press('Escape');
    },
  },
  {
    name: 'Create Job asks for name, prompt, a cron schedule with a live preview, zone and folder, then shows the job',
    async run({ page, shot }) {
      // Clicking the activity bar item again would close the side bar; the focus command does not.
      await runCommand(page, 'Night Pilot: Focus on Jobs View');
      await jobsViewTitle(page).waitFor();
      await page
        .locator('.sidebar .welcome-view-content')
        .getByRole('button', { name: 'Create Job' })
        .click();
      const input = page.locator('.quick-input-widget input');
      await page.locator('.quick-input-widget', { hasText: 'Create Job (1/5)' }).waitFor();
      await input.fill(JOB_NAME);
      await page.keyboard.press('Enter');
      // The prompt: the sample workspace's prompt file is offered; this job types its text instead.
      await page.locator('.quick-input-widget', { hasText: 'Create Job (2/5)' }).waitFor();
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'nightly-review.md' }).waitFor();
      await input.fill('Type the Prompt Here');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Type the Prompt Here' }).waitFor();
      await page.keyboard.press('Enter');
      await page.locator('.quick-input-widget', { hasText: 'the prompt sent on every run' }).waitFor();
      await input.fill('Review the changes committed in the last 24 hours and list anything risky.');
      await page.keyboard.press('Enter');
      await page.locator('.quick-input-widget', { hasText: 'Create Job (3/5)' }).waitFor();
      await inputMessage(page).filter({ hasText: 'At 02:00:00 every day' }).waitFor();

      await input.fill('61 * * * *');
      await inputMessage(page).filter({ hasText: 'minute: 61 is out of range 0-59' }).waitFor();
      await shot('02-cron-error');
      await page.keyboard.press('Enter');
      // Refused: still on the schedule step.
      await page.locator('.quick-input-widget', { hasText: 'Create Job (3/5)' }).waitFor();

      // Legal but probably not meant: accepted, with a warning that says what it really does.
      await input.fill('*/60 * * * *');
      await inputMessage(page)
        .filter({ hasText: 'Probably not meant: minute */60 only matches minute 0' })
        .waitFor();
      await page.locator('.quick-input-widget .monaco-inputbox.warning').waitFor();
      await shot('03-cron-warning');

      await input.fill('30 1 * * 1-5');
      await inputMessage(page).filter({ hasText: 'next:' }).waitFor();
      await shot('03-cron-preview');
      await page.keyboard.press('Enter');
      // The zone (the machine's preselected) and the folder (the workspace folder preselected).
      await page.locator('.quick-input-widget', { hasText: 'Create Job (4/5)' }).waitFor();
      await page.keyboard.press('Enter');
      await page.locator('.quick-input-widget', { hasText: 'Create Job (5/5)' }).waitFor();
      await page
        .locator('.quick-input-list .monaco-list-row', { hasText: 'Choose Another Folder...' })
        .waitFor();
      await shot('03-folder-step');
      await page.keyboard.press('Enter');
      const row = page.getByRole('treeitem', { name: new RegExp(JOB_NAME) });
      await row.waitFor();
      assert.match(await row.innerText(), /next /);
      await shot('04-job-in-tree');
    },
  },
  {
    name: 'pausing the job from its inline action marks it paused',
    async run({ page }) {
      const row = page.getByRole('treeitem', { name: new RegExp(JOB_NAME) });
      await row.hover();
      await row.locator('.action-label[aria-label="Pause Job"]').click();
      await page.getByRole('treeitem', { name: new RegExp(`${JOB_NAME}.*paused`) }).waitFor();
      await row.hover();
      await row.locator('.action-label[aria-label="Resume Job"]').waitFor();
    },
  },
  {
    name: 'a missing Claude CLI shows in the status bar and as a notification offering Set Path',
    async run({ page, shot }) {
      await page.locator('.statusbar-item', { hasText: 'Claude CLI not found' }).waitFor();
      await runCommand(page, 'Notifications: Show Notifications');
      const center = page.locator('.notifications-center');
      await center
        .getByText('Claude Code was not found at /nonexistent/night-pilot-e2e/claude')
        .first()
        .waitFor();
      await center.getByRole('button', { name: 'Set Path' }).first().waitFor();
      await center.getByRole('button', { name: 'Show Log' }).first().waitFor();
      await shot('05-claude-missing');
      // A remote window (code-server is one) keeps the machine setting in the remote settings:
      // "Set Path" opens those, on the setting, not the user settings' "No Settings Found".
      await center.getByRole('button', { name: 'Set Path' }).first().click();
      const settings = page.locator('.settings-editor');
      await settings.getByText('Path to the', { exact: false }).first().waitFor();
      await settings.getByText('1 Setting Found').waitFor();
      assert.equal(await settings.getByText('No Settings Found').isVisible(), false);
      await shot('05b-set-path-remote-settings');
      await runCommand(page, 'View: Close All Editors');
    },
  },
  {
    name: 'Show Log opens the Night Pilot output channel',
    async run({ page, shot }) {
      await runCommand(page, 'Night Pilot: Show Log');
      const panel = page.locator('.part.panel');
      // The panel shows the end of the log: the database, the scheduler's start and the view's first read.
      await panel.getByText('[scheduler] Scheduler started in this window', { exact: false }).waitFor();
      await panel.getByText('[tree] Jobs view: first read of', { exact: false }).waitFor();
      await shot('06-log');
    },
  },
];
