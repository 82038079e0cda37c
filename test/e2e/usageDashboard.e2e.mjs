/* global window, document, MutationObserver */
// The usage dashboard in the real workbench: it renders real data (90 days of runs, roll-ups of
// pruned ones, Claude Code transcripts with an active block) in a dark and a light theme, its
// filters change the charts, a run recorded by another process while the user has a dropdown open
// (or a run link focused and the page scrolled) updates the data in place without closing the
// dropdown, moving the focus or the scroll, a reload restores it with its filters, and the browser
// reports no Content Security Policy violation. Screenshots are kept (see the e2e tier's output).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from './workbench.e2e.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const violations = [];
/** The database the window watches and Claude Code's config folder (set when they are seeded). */
let databasePath;
let claudeDir;

export const workbench = {
  settings: {
    'nightPilot.claude.path': path.join(ROOT, 'node_modules/.bin/claude'),
    // This window only shows: it must not start the seeded held run by itself.
    'nightPilot.scheduler.enabled': false,
    'workbench.colorTheme': 'Default Dark Modern',
  },
  seed(dirs) {
    const db = path.join(dirs.userData, 'User/globalStorage/night-pilot.night-pilot/claude-night-pilot.db');
    databasePath = db;
    claudeDir = path.join(dirs.home, '.claude');
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'test/e2e/seedUsage.ts'), db, claudeDir],
      { cwd: ROOT, encoding: 'utf8' },
    );
    if (result.status !== 0) throw new Error(`seeding failed: ${result.stderr}`);
  },
};

/** The dashboard page inside the webview's two iframes. */
function dashboard(page) {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

function watchConsole(page) {
  if (page.__usageWatch) return;
  page.__usageWatch = true;
  page.on('console', (message) => {
    const text = message.text();
    if (/Content Security Policy|Refused to (load|execute|apply|evaluate)/i.test(text)) violations.push(text);
  });
}

async function chartLabels(frame, id) {
  return Number(await frame.locator(`#${id}`).getAttribute('data-labels'));
}

async function selectOption(frame, selectId, text) {
  await frame.locator(`#${selectId}`).click();
  await frame.locator(`#${selectId} [role="option"]`, { hasText: text }).first().click();
}

/**
 * Records a finished run of the job in the window's database from another process, as a scheduler
 * elsewhere (the CLI's) would; resolves once the dashboard's runs table shows it, with its cost.
 */
async function recordRunElsewhere(frame, jobName, costUsd) {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'test/e2e/seedUsageRun.ts'), databasePath, jobName, String(costUsd)],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`recording the run failed: ${result.stderr}`);
  await frame
    .locator('#runs tbody tr', { hasText: `$${costUsd.toFixed(2)}` })
    .filter({ hasText: jobName })
    .waitFor({ timeout: 20_000 });
}

/** Marks an element of the page, so that a test can tell whether a redraw made a new one. */
async function mark(locator) {
  await locator.evaluate((e) => {
    e.dataset.e2eMark = 'kept';
  });
}

export const tests = [
  {
    name: 'the dashboard opens from the palette and renders cards, charts and runs from real data (dark theme)',
    async run({ page, shot }) {
      watchConsole(page);
      // The usage item: the seeded run held by its job's budget shows there.
      await page.locator('.statusbar-item', { hasText: '1 run(s) held' }).waitFor({ timeout: 40_000 });
      await runCommand(page, 'Night Pilot: Open Usage Dashboard');
      const frame = dashboard(page);
      await frame.locator('#card-today .value').waitFor({ timeout: 30_000 });
      await frame.locator('#app[aria-busy="false"]').waitFor();
      assert.equal(await chartLabels(frame, 'chart-cost'), 30, 'the default range is 30 days');
      const series = await frame.locator('#chart-cost').getAttribute('data-series');
      assert.deepEqual(series.split('|').sort(), [
        'claude-haiku-4-5-20251001',
        'claude-opus-4-1-20250805',
        'claude-sonnet-4-5-20250929',
      ]);
      assert.equal(await chartLabels(frame, 'chart-jobs'), 3);
      assert.match(await frame.locator('#card-block .detail').first().innerText(), /resets in/);
      await frame.getByText('1 run(s) waiting for a budget or smart start').waitFor();
      assert.ok((await frame.locator('#runs tbody tr').count()) >= 20, 'recent runs listed');
      await shot('01-dashboard-dark');
    },
  },
  {
    name: 'a run recorded while a dropdown is open updates the data and leaves the dropdown open',
    async run({ page, shot }) {
      const frame = dashboard(page);
      await mark(frame.locator('#job'));
      await frame.locator('#job').click();
      const option = frame.locator('#job [role="option"]', { hasText: 'Dependency bump' }).first();
      await option.waitFor();
      const today = await frame.locator('#card-today .value').innerText();
      await recordRunElsewhere(frame, 'Nightly review', 7.77);
      assert.notEqual(await frame.locator('#card-today .value').innerText(), today, "today's cost follows");
      await shot('02-dropdown-open-after-redraw');
      assert.equal(await frame.locator('#job').getAttribute('open'), '', 'the job dropdown is still open');
      assert.ok(await option.isVisible(), "the dropdown's options are still shown");
      assert.equal(
        await frame.locator('#job[data-e2e-mark="kept"]').count(),
        1,
        'the job dropdown was re-created',
      );
      // The user's choice in it still counts.
      await option.click();
      await frame.locator('#chart-cost[data-series="claude-haiku-4-5-20251001"]').waitFor();
      assert.ok(
        (await frame.locator('#runs tbody tr').allInnerTexts()).every((row) =>
          row.includes('Dependency bump'),
        ),
        'the runs table follows the job chosen in the dropdown that stayed open',
      );
      await selectOption(frame, 'job', 'All jobs');
      await frame.locator('#chart-cost[data-series*="claude-sonnet-4-5-20250929"]').waitFor();
    },
  },
  {
    name: 'a run recorded while the runs table is scrolled and a run link focused keeps focus and scroll',
    async run({ page }) {
      const frame = dashboard(page);
      const link = frame.locator('#runs tbody tr a').nth(12);
      const runId = await link.getAttribute('data-run');
      await link.focus();
      await link.evaluate((a) => a.scrollIntoView({ block: 'center' }));
      const before = await frame.locator('body').evaluate(() => ({
        y: window.scrollY,
        top: document.activeElement?.getBoundingClientRect().top,
        focused: document.activeElement?.getAttribute('data-run'),
      }));
      assert.ok(before.y > 100, `the page is scrolled (scrollY ${before.y})`);
      assert.equal(before.focused, runId);
      await mark(link);
      await mark(frame.locator('#range'));
      await recordRunElsewhere(frame, 'Nightly review', 8.88);
      const after = await frame.locator('body').evaluate(() => ({
        y: window.scrollY,
        top: document.activeElement?.getBoundingClientRect().top,
        focused: document.activeElement?.getAttribute('data-run'),
        marked: document.activeElement?.getAttribute('data-e2e-mark'),
      }));
      assert.equal(after.focused, runId, 'the focused run link keeps the focus');
      assert.equal(after.marked, 'kept', 'the focused run link is the same element');
      // The new run's row comes in above: the browser may scroll by that row to keep what the user
      // looks at in place, never back to the top.
      assert.ok(after.y >= before.y, `the page stays scrolled (scrollY ${before.y} -> ${after.y})`);
      assert.ok(
        Math.abs(after.top - before.top) < 40,
        `the focused link stays where it was on screen (top ${before.top} -> ${after.top})`,
      );
      assert.equal(
        await frame.locator('#range[data-e2e-mark="kept"]').count(),
        1,
        'the range dropdown was re-created',
      );
    },
  },
  {
    name: "a job chosen while a refresh is under way is not overwritten by that refresh's data",
    async run({ page }) {
      const frame = dashboard(page);
      // 50 MB of new transcript lines: the refresh reads them for a while.
      const big = spawnSync(
        process.execPath,
        ['--import', 'tsx', path.join(ROOT, 'test/e2e/seedTranscript.ts'), claudeDir, '50'],
        { cwd: ROOT, encoding: 'utf8' },
      );
      if (big.status !== 0) throw new Error(`writing the transcript failed: ${big.stderr}`);
      // What the job dropdown shows at each update of the page.
      await frame.locator('#app').evaluate((app) => {
        window.e2eJobShown = [];
        new MutationObserver(() => window.e2eJobShown.push(document.getElementById('job').value)).observe(
          app,
          {
            attributes: true,
            attributeFilter: ['data-rendered'],
          },
        );
      });
      await frame.locator('#refresh').click();
      await frame.locator('#app[aria-busy="true"]').waitFor();
      await selectOption(frame, 'job', 'Dependency bump');
      const chosen = await frame.locator('#job').evaluate((s) => s.value);
      await frame.locator('#chart-cost[data-series="claude-haiku-4-5-20251001"]').waitFor();
      await frame.locator('#app[aria-busy="false"]').waitFor();
      // Any answer still under way lands meanwhile.
      await frame.locator('#app').evaluate(() => new Promise((resolve) => setTimeout(resolve, 1000)));
      const shown = await frame.locator('#app').evaluate(() => window.e2eJobShown);
      assert.deepEqual(
        shown.filter((v) => v !== chosen),
        [],
        `the dropdown went back from the chosen job (${chosen}) at an update: ${JSON.stringify(shown)}`,
      );
      assert.equal(await frame.locator('#job').evaluate((s) => s.value), chosen);
      fs.rmSync(path.join(claudeDir, 'projects', '-home-dev-big'), { recursive: true, force: true });
      await selectOption(frame, 'job', 'All jobs');
      await frame.locator('#chart-cost[data-series*="claude-sonnet-4-5-20250929"]').waitFor();
    },
  },
  {
    name: 'the dashboard filters change the charts: range, job and source',
    async run({ page, shot }) {
      const frame = dashboard(page);
      await selectOption(frame, 'range', 'Last 90 days');
      await frame.locator('#chart-cost[data-labels="90"]').waitFor();
      await selectOption(frame, 'job', 'Weekly refactor');
      await frame.locator('#chart-cost[data-series="claude-opus-4-1-20250805"]').waitFor();
      assert.ok(
        (await frame.locator('#runs tbody tr').allInnerTexts()).every((row) =>
          row.includes('Weekly refactor'),
        ),
        'the runs table follows the job filter',
      );
      await shot('03-filtered-90-days-one-job');
      await selectOption(frame, 'job', 'All jobs');
      // Every job's models again: the page has drawn that data.
      await frame.locator('#chart-cost[data-series*="claude-sonnet-4-5-20250929"]').waitFor();
      await selectOption(frame, 'range', 'Last 7 days');
      await frame.locator('#chart-cost[data-labels="7"]').waitFor();
      await selectOption(frame, 'source', 'All Claude Code usage');
      await frame
        .locator('#chart-tokens')
        .and(frame.locator('[data-series*="claude-opus-4-5-20251101"]'))
        .waitFor();
    },
  },
  {
    name: 'the dashboard follows a light theme',
    async run({ page, shot }) {
      const frame = dashboard(page);
      await mark(frame.locator('#source'));
      const dark = await frame.locator('body').evaluate((b) => window.getComputedStyle(b).backgroundColor);
      await runCommand(page, 'Preferences: Toggle between Light/Dark Themes');
      await page.locator('.monaco-workbench.vs').waitFor();
      let light = dark;
      for (let i = 0; i < 50 && light === dark; i++) {
        await page.waitForTimeout(100);
        light = await frame.locator('body').evaluate((b) => window.getComputedStyle(b).backgroundColor);
      }
      assert.notEqual(light, dark, 'the page background follows the theme');
      await frame.locator('#card-today .value').waitFor();
      assert.equal(
        await frame.locator('#source[data-e2e-mark="kept"]').count(),
        1,
        'the new colours redraw the charts, not the controls',
      );
      await shot('04-dashboard-light');
    },
  },
  {
    name: 'a reload restores the dashboard with its filters, and no CSP violation was reported',
    async run({ page, shot }) {
      await runCommand(page, 'Developer: Reload Window');
      await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
      const frame = dashboard(page);
      await frame.locator('#chart-cost[data-labels="7"]').waitFor({ timeout: 40_000 });
      assert.equal(await frame.locator('#source').evaluate((s) => s.value), 'transcripts');
      await shot('05-restored-after-reload');
      assert.deepEqual(violations, [], 'Content Security Policy violations in the console');
    },
  },
];
