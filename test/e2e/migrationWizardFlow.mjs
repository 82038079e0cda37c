// The legacy migration wizard in the real workbench, through its four steps, started from the
// offer a window makes when the old app's database sits in the home folder. Shared by
// migrationWizardLight.e2e.mjs and migrationWizardDark.e2e.mjs (one workbench per theme).
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from './workbench.e2e.mjs';

const require = createRequire(import.meta.url);

// Generation B of the old app, as in ../shared/reference/legacy-databases.md.
const LEGACY_SQL = `
CREATE TABLE prompts (id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT NOT NULL, content TEXT NOT NULL, tags TEXT, created_at TEXT NOT NULL);
CREATE TABLE schedules (id INTEGER PRIMARY KEY AUTOINCREMENT, prompt_id INTEGER NOT NULL, schedule_time TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending', created_at TEXT NOT NULL, last_run_at TEXT, next_run_at TEXT, updated_at TEXT,
  cron_expr TEXT, execution_count INTEGER DEFAULT 0);
CREATE TABLE execution_results (id INTEGER PRIMARY KEY AUTOINCREMENT, schedule_id INTEGER NOT NULL, content TEXT NOT NULL,
  status TEXT NOT NULL, token_usage INTEGER, cost_usd REAL, execution_time_ms INTEGER NOT NULL, created_at TEXT NOT NULL);
INSERT INTO prompts VALUES (1, '每日程式碼審查 🌙', '請檢查過去 24 小時的提交。', NULL, '2025-07-01T00:00:00Z');
INSERT INTO prompts VALUES (2, 'Weekly report', 'Summarise the week.', NULL, '2025-07-01T00:00:00Z');
INSERT INTO schedules (id, prompt_id, schedule_time, status, created_at, cron_expr) VALUES
  (1, 1, '0 0 9 * * *', 'Active', '2025-07-01T00:00:00Z', '0 0 9 * * *'),
  (2, 2, '0 0 9 13 * 5', 'active', '2025-07-01T00:00:00Z', '0 0 9 13 * 5'),
  (3, 2, '手動工作', 'pending', '2025-07-01T00:00:00Z', NULL);
INSERT INTO execution_results VALUES (1, 1, '今天沒有風險 🎉', 'success', 1200, 0.006, 4200, '2025-07-02T09:00:04Z');
INSERT INTO execution_results VALUES (2, 42, 'a result of a deleted schedule', 'success', 10, 0.0001, 100, '2025-07-03T09:00:04Z');
`;

const sha256 = (file) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** The webview's document: the workbench's webview iframe, then the page's own frame. */
function wizard(page) {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

export function wizardWorkbench(theme) {
  const state = {};
  return {
    state,
    workbench: {
      settings: {
        'workbench.colorTheme': theme,
        'nightPilot.claude.path': fileURLToPath(new URL('../../node_modules/.bin/claude', import.meta.url)),
      },
      async seed(dirs) {
        const SQL = await require('sql.js')();
        const db = new SQL.Database();
        db.exec(LEGACY_SQL);
        // The old desktop launcher started the app in the home folder, which kept the file there.
        state.legacy = path.join(dirs.home, 'claude-night-pilot.db');
        fs.writeFileSync(state.legacy, db.export());
        db.close();
        state.hash = sha256(state.legacy);
      },
    },
  };
}

export function wizardTests(state) {
  return [
    {
      name: 'wizard: the window offers the wizard for the legacy database in the home folder',
      async run({ page }) {
        await page.locator('.activitybar [aria-label^="Night Pilot"]').first().waitFor({ timeout: 30_000 });
        const center = page.locator('.notifications-center');
        const offer = center.locator('.notification-list-item', {
          hasText: 'A database of the old Claude Night Pilot app was found',
        });
        // The offer comes once the extension has looked; open the center until it is there.
        for (let attempt = 0; ; attempt++) {
          await runCommand(page, 'Notifications: Show Notifications');
          const shown = await offer
            .first()
            .waitFor({ timeout: 3_000 })
            .then(
              () => true,
              () => false,
            );
          if (shown) break;
          if (attempt >= 3) throw new Error('the migration offer did not appear in the notification center');
          await page.keyboard.press('Escape');
        }
        assert.match(await offer.first().innerText(), /claude-night-pilot\.db/);
        await offer.first().getByRole('button', { name: "Don't Ask Again" }).waitFor();
        await offer.first().getByRole('button', { name: 'Migrate…' }).click();
      },
    },
    {
      name: 'wizard: step 1, locate: the file found is listed and selected',
      async run({ page, shot }) {
        const w = wizard(page);
        await w.getByRole('heading', { name: 'Migrate Legacy Database' }).waitFor({ timeout: 30_000 });
        const candidate = w.locator('vscode-radio', { hasText: state.legacy });
        await candidate.waitFor();
        assert.equal(await candidate.evaluate((radio) => radio.checked), true);
        await w.locator('.steps li.current', { hasText: 'Locate' }).waitFor();
        await shot('01-locate');
        await w.locator('#preview').click();
      },
    },
    {
      name: 'wizard: step 2, preview: tables, jobs and the warnings with their decisions',
      async run({ page, shot }) {
        const w = wizard(page);
        await w.getByRole('heading', { name: 'Warnings and decisions' }).waitFor();
        await w.locator('.steps li.current', { hasText: 'Preview' }).waitFor();
        await w.getByText('six-field cron expression', { exact: false }).first().waitFor();
        await w.locator('table.jobs', { hasText: '每日程式碼審查 🌙' }).waitFor();
        const pause = w.locator('[data-code="bothDays"] vscode-radio[value="pause"]');
        await pause.waitFor();
        assert.equal(await pause.evaluate((radio) => radio.checked), true);
        await shot('02-preview');
        // A decision re-plans the preview: the job keeps only its day-of-week field.
        await w
          .locator('[data-code="bothDays"] vscode-radio', { hasText: 'Keep only the day of the week' })
          .click();
        await w.locator('table.jobs code', { hasText: '0 0 9 * * 5' }).waitFor();
        await shot('03-preview-decided');
      },
    },
    {
      name: 'wizard: step 3 and 4: back up and migrate, then the verification and the report',
      async run({ page, shot }) {
        const w = wizard(page);
        await w.locator('#migrate').click();
        await shot('04-migrating').catch(() => {});
        await w.locator('.verdict.ok').waitFor({ timeout: 30_000 });
        await w.locator('.steps li.current', { hasText: 'Verify and report' }).waitFor();
        await w.getByText('Imported 3 prompt(s), 4 job(s), 2 run(s)', { exact: false }).waitFor();
        await shot('05-report');
        assert.equal(sha256(state.legacy), state.hash, 'the legacy file was modified');
      },
    },
    {
      name: 'wizard: the report opens and the migrated jobs are revealed in the Jobs tree',
      async run({ page, shot }) {
        const w = wizard(page);
        await w.locator('#reveal-jobs').click();
        const row = page.getByRole('treeitem', { name: /每日程式碼審查 🌙/ });
        await row.waitFor();
        await page.locator('.sidebar .monaco-list-row.selected').first().waitFor();
        await shot('06-jobs-revealed');
        await w.locator('#open-report').click();
        await page.locator('.tab', { hasText: 'report.md' }).first().waitFor();
        // The Markdown preview is a webview of its own: wait until it shows the report.
        const deadline = Date.now() + 20_000;
        let rendered = false;
        while (!rendered && Date.now() < deadline) {
          for (const frame of page.frames()) {
            if (
              (await frame
                .getByText('legacy migration report', { exact: false })
                .count()
                .catch(() => 0)) > 0
            )
              rendered = true;
          }
          if (!rendered) await new Promise((r) => setTimeout(r, 250));
        }
        assert.ok(rendered, 'the report did not render in the Markdown preview');
        await shot('07-report-opened');
      },
    },
    {
      name: 'wizard: Undo This Migration asks first, naming what is lost, then puts the database back',
      async run({ page, shot }) {
        // Back to the wizard's tab (the report opened beside it).
        await page.locator('.tab', { hasText: 'Migrate Legacy Database' }).first().click();
        const w = wizard(page);
        await w.locator('#undo').click();
        const dialog = page.locator('.monaco-dialog-box');
        await dialog.waitFor();
        assert.match(await dialog.innerText(), /Undo the migration of claude-night-pilot\.db/);
        assert.match(
          await dialog.innerText(),
          /Lost: 0 run\(s\) recorded since \(0 not finished\), 0 job\(s\) created since/,
        );
        await shot('08-undo-confirm');
        await dialog.getByRole('button', { name: 'Undo Migration' }).click();
        await w.locator('.undone').waitFor({ timeout: 30_000 });
        assert.equal(await w.locator('#undo').evaluate((b) => b.disabled), true);
        // The Jobs tree follows the database put back: the migrated jobs are gone.
        await page.getByRole('treeitem', { name: /每日程式碼審查 🌙/ }).waitFor({ state: 'detached' });
        await shot('09-undone');
        assert.equal(sha256(state.legacy), state.hash, 'the legacy file was modified');
      },
    },
  ];
}
