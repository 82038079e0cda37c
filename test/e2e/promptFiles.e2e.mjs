// A prompt file in the real workbench: the sample workspace's prompt opened from the Explorer, a
// job created from it with its CodeLens, the lens then naming the job and its next run, and the
// job's schedule changed with Edit Job. Screenshots are kept (see the e2e tier's output).
import assert from 'node:assert/strict';
import { codeLens, openEditJob, quickInput, runCommand } from './workbench.e2e.mjs';

const JOB_NAME = 'Nightly review';

export const workbench = {
  // Nothing runs in this window: it shows and edits.
  settings: { 'nightPilot.scheduler.enabled': false, 'nightPilot.claude.path': '/nonexistent/claude' },
};

export const tests = [
  {
    name: 'a prompt file in the prompt folder offers "Create Job from This Prompt" in its CodeLens',
    async run({ page, shot }) {
      await runCommand(page, 'Go to File...');
      const input = page.locator('.quick-input-widget input');
      await input.fill('nightly-review.md');
      await page
        .locator('.quick-input-list .monaco-list-row', { hasText: 'nightly-review.md' })
        .first()
        .waitFor();
      await page.keyboard.press('Enter');
      await page.locator('.tab.active', { hasText: 'nightly-review.md' }).waitFor();
      await codeLens(page, 'Create Job from This Prompt').waitFor({ timeout: 30_000 });
      await shot('01-prompt-with-codelens');
    },
  },
  {
    name: 'the CodeLens creates the job: its name from the front matter, schedule, zone and folder',
    async run({ page, shot }) {
      await codeLens(page, 'Create Job from This Prompt').click();
      const input = page.locator('.quick-input-widget input');
      // The prompt is the file: four steps, the name taken from its front matter's title.
      await quickInput(page, 'Create Job (1/4)').waitFor();
      assert.equal(await input.inputValue(), JOB_NAME);
      await page.keyboard.press('Enter');
      await quickInput(page, 'Create Job (2/4)').waitFor();
      await input.fill('0 2 * * *');
      await page.locator('.quick-input-widget .quick-input-message', { hasText: 'next:' }).waitFor();
      await page.keyboard.press('Enter');
      await quickInput(page, 'Create Job (3/4)').waitFor();
      await input.fill('Europe/Berlin');
      await page
        .locator('.quick-input-list .monaco-list-row', { hasText: 'Europe/Berlin' })
        .first()
        .waitFor();
      await page.keyboard.press('Enter');
      await quickInput(page, 'Create Job (4/4)').waitFor();
      await shot('02-folder-step');
      await page.keyboard.press('Enter');
      await codeLens(page, `Used by ${JOB_NAME} · next`).waitFor({ timeout: 20_000 });
      await codeLens(page, 'Run Now').waitFor();
      await shot('03-codelens-used-by');

      await runCommand(page, 'Night Pilot: Focus on Jobs View');
      const row = page.getByRole('treeitem', { name: new RegExp(JOB_NAME) });
      await row.waitFor();
      assert.match(await row.innerText(), /next /);
      await shot('04-job-in-tree');
    },
  },
  {
    name: "Edit Job changes the job's schedule from its context menu; the tree and the CodeLens follow",
    async run({ page, shot }) {
      await openEditJob(page, JOB_NAME);
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Folder' }).waitFor();
      await shot('05-edit-job-properties');
      const input = page.locator('.quick-input-widget input');
      await input.fill('Schedule');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: '0 2 * * *' }).first().waitFor();
      await page.keyboard.press('Enter');
      // The box holds the current schedule; under it, what it means and its next fires.
      await page
        .locator('.quick-input-widget .quick-input-message', { hasText: 'At 02:00:00 every day' })
        .waitFor();
      assert.equal(await input.inputValue(), '0 2 * * *');
      await input.fill('15 23 * * 5');
      await page.locator('.quick-input-widget .quick-input-message', { hasText: 'Friday' }).waitFor();
      await shot('06-edit-schedule');
      await page.keyboard.press('Enter');
      // The list comes back with the new value; Escape closes it.
      await page.locator('.quick-input-list .monaco-list-row', { hasText: '15 23 * * 5' }).first().waitFor();
      await page.keyboard.press('Escape');
      await page.getByRole('treeitem', { name: new RegExp(`${JOB_NAME}.*next .*(Fri|Sat)`) }).waitFor();
      await codeLens(page, new RegExp(`Used by ${JOB_NAME} · next (Fri|Sat)`)).waitFor();
      await shot('07-schedule-edited');
    },
  },
];
