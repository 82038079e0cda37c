/* global getComputedStyle */
// The Jobs view, its runs and the status bar in the real workbench, with the real Claude Code CLI in
// the extension host talking to the project's fake Messages API (a process of its own,
// test/e2e/fakeApiServer.ts). Shared by jobsViewLight.e2e.mjs and jobsViewDark.e2e.mjs: one
// workbench per theme, screenshots kept (a failed job's red icon, the cost in a run's tooltip, the
// transcript, the status bar during a usage-limit hold).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { runCommand } from './workbench.e2e.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function seed(db, workspace, step) {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'test/e2e/seedJobs.ts'), db, workspace, ...(step ? [step] : [])],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`seeding failed: ${result.stderr}`);
  // What the seed reports about itself (the hold step: when the hold ends).
  const last = result.stdout.trim().split('\n').pop();
  return last?.startsWith('{') ? JSON.parse(last) : {};
}

/** Starts the fake API process; resolves with its URL and a way to change its answers. */
async function startFakeApi() {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/e2e/fakeApiServer.ts')], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = readline.createInterface({ input: child.stdout });
  const queue = [];
  let waiting;
  lines.on('line', (line) => (waiting ? (waiting(line), (waiting = undefined)) : queue.push(line)));
  const next = () => (queue.length ? Promise.resolve(queue.shift()) : new Promise((r) => (waiting = r)));
  const { url } = JSON.parse(await next());
  const stop = () => {
    child.stdin.end();
    child.kill();
  };
  process.once('exit', stop);
  return {
    url,
    async setScenario(scenario) {
      child.stdin.write(`${JSON.stringify(scenario)}\n`);
      assert.equal(await next(), 'ok');
    },
    stop,
  };
}

export function jobsViewWorkbench(theme) {
  const state = {};
  return {
    state,
    workbench: {
      settings: {
        'workbench.colorTheme': theme,
        'nightPilot.claude.path': path.join(ROOT, 'node_modules/.bin/claude'),
        // Off the screenshots: the usage item would say "held" for the seeded limit's run.
        'nightPilot.usage.showInStatusBar': false,
        // Off: these tests read the notifications of their own runs.
        'nightPilot.notifications.overnightSummary': false,
      },
      async seed(dirs) {
        state.db = path.join(
          dirs.userData,
          'User/globalStorage/night-pilot.night-pilot/claude-night-pilot.db',
        );
        state.workspace = dirs.workspace;
        seed(state.db, dirs.workspace);
        state.api = await startFakeApi();
        // The workbench's extension host, and the Claude Code CLI it runs, get these.
        return {
          env: {
            ANTHROPIC_BASE_URL: state.api.url,
            ANTHROPIC_API_KEY: 'sk-ant-api03-fake-key-for-tests',
            CLAUDE_CODE_MAX_RETRIES: '0',
            DISABLE_TELEMETRY: '1',
            CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
            DISABLE_AUTOUPDATER: '1',
          },
        };
      },
      teardown() {
        state.api?.stop();
      },
    },
  };
}

const row = (page, name) => page.getByRole('treeitem', { name: new RegExp(name) }).first();

/** The hover VS Code shows for the element under the mouse. */
async function hoverText(page, target, expected) {
  const hover = page.locator('.workbench-hover, .monaco-hover').filter({ hasText: expected }).first();
  // A hover VS Code was about to show can be dropped when the row repaints under the mouse (a run
  // writing its phases): move away and hover again, as a user would.
  // An earlier hover still open over the row takes the mouse: Escape closes it.
  for (let attempt = 1; ; attempt++) {
    try {
      await target.hover({ timeout: 5_000 });
      await hover.waitFor({ timeout: 7_000 });
      break;
    } catch (err) {
      if (attempt === 3) throw err;
      await page.keyboard.press('Escape');
      await page.mouse.move(1000, 720);
      await page.waitForTimeout(300);
    }
  }
  // Markdown hovers keep spaces as no-break spaces.
  return (await hover.innerText()).replace(/\u00a0/g, ' ');
}

/** Moves the mouse away and waits for the hover to go. */
async function dismissHover(page) {
  await page.mouse.move(1000, 720);
  await page.keyboard.press('Escape');
  await page
    .locator('.workbench-hover, .monaco-hover')
    .first()
    .waitFor({ state: 'hidden' })
    .catch(() => undefined);
}

async function openNotifications(page) {
  await runCommand(page, 'Notifications: Show Notifications');
  return page.locator('.notifications-center');
}

/** The colour an icon is drawn with, as [r, g, b]. */
async function iconColor(locator) {
  const color = await locator.evaluate((el) => getComputedStyle(el).color);
  return color.match(/\d+/g).slice(0, 3).map(Number);
}

export function jobsViewTests(state) {
  return [
    {
      name: 'the Jobs view lists the jobs in a stable order; a job whose last run failed is red',
      async run({ page, shot }) {
        const item = page.locator('.activitybar [aria-label^="Night Pilot"]').first();
        await item.waitFor({ state: 'visible', timeout: 40_000 });
        await item.click();
        await row(page, 'Broken build check').waitFor({ timeout: 30_000 });
        // A wider side bar, so the rows' descriptions show in the screenshots: drag its edge.
        const side = await page.locator('.part.sidebar').boundingBox();
        if (side) {
          const edge = side.x + side.width + 1;
          await page.mouse.move(edge, 400);
          await page.mouse.down();
          await page.mouse.move(edge + 220, 400, { steps: 8 });
          await page.mouse.up();
        }
        const names = await page.getByRole('treeitem').allInnerTexts();
        const order = [
          'Broken build check',
          'Docs refresh',
          'Nightly review',
          'Flaky job',
          'Weekly refactor',
        ];
        const positions = order.map((n) => names.findIndex((t) => t.includes(n)));
        assert.deepEqual(
          [...positions].sort((a, b) => a - b),
          positions,
          `order: ${names.join(' | ')}`,
        );
        const icon = row(page, 'Broken build check').locator('.custom-view-tree-node-item-icon');
        assert.match((await icon.getAttribute('class')) ?? '', /codicon-error/);
        const [r, g, b] = await iconColor(icon);
        assert.ok(r > g + 60 && r > b + 60, `the failed job's icon is not red: rgb(${r}, ${g}, ${b})`);
        // Paused uses the extension's pause icon, not the debugger's coloured codicon.
        const paused = row(page, 'Weekly refactor').locator('.custom-view-tree-node-item-icon');
        assert.doesNotMatch((await paused.getAttribute('class')) ?? '', /codicon-debug/);
        await shot('01-failed-job-red');
      },
    },
    {
      name: "a job's tooltip gives its short id, prompt, folder, model and the cost of the last 30 days",
      async run({ page, shot }) {
        const text = await hoverText(page, row(page, 'Broken build check'), 'Last 30 days');
        assert.match(text, /Prompt: Broken build check/);
        assert.match(text, /Model: claude-sonnet-4-5/);
        assert.match(text, /Last 30 days: [\d,]+ tokens .*\$0\.43/);
        assert.match(text, /At 02:00:00 every day, UTC/);
        assert.doesNotMatch(text, /UTC, UTC/);
        await shot('02-job-tooltip-cost');
        await dismissHover(page);
      },
    },
    {
      name: 'Run Job Now runs the real CLI; the run shows its cost and opens its transcript with Enter',
      async run({ page, shot }) {
        await state.api.setScenario({
          kind: 'success',
          text: 'Nothing risky in the last 24 hours.',
          inputTokens: 4200,
          outputTokens: 380,
        });
        const job = row(page, 'Nightly review');
        await job.hover();
        await job.locator('.action-label[aria-label="Run Job Now"]').click();
        const center = await openNotifications(page);
        await center
          .getByText('Night Pilot: "Nightly review" succeeded.')
          .first()
          .waitFor({ timeout: 40_000 });
        await page.keyboard.press('Escape');
        // Expand the job (a click on a row without a command toggles it); Enter on its newest run,
        // focused with the keyboard, opens the run's transcript.
        // The row may already be open (VS Code keeps a row's state across repaints): then the click
        // closed it, and a second one opens it again, focused either way.
        await job.click();
        if ((await job.getAttribute('aria-expanded')) !== 'true') await job.click();
        const run = page.locator('.monaco-list-row', { hasText: /Succeeded · .*tokens · \$0\.0/ }).first();
        await run.waitFor({ timeout: 10_000 });
        await page.keyboard.press('ArrowDown');
        await page.keyboard.press('Enter');
        const editor = page.locator('.editor-instance .view-lines');
        await editor.filter({ hasText: 'Nothing risky in the last 24 hours.' }).waitFor();
        const tab = page.locator('.tabs-container .tab.active');
        assert.match(await tab.innerText(), /Nightly review · /);
        const tip = await hoverText(page, run, 'tokens');
        assert.match(tip, /[\d,]+ tokens \([\d,]+ in, [\d,]+ out, 0 cache write, 0 cache read\), \$0\.0\d/);
        await shot('03-run-tooltip-cost');
        await dismissHover(page);
        await shot('04-transcript');
        // The same document in the Markdown preview, as the README shows it.
        await runCommand(page, 'Markdown: Open Preview to the Side');
        await page
          .frameLocator('iframe.webview.ready >> visible=true')
          .frameLocator('#active-frame')
          .getByText('Nothing risky in the last 24 hours.')
          .waitFor();
        await shot('04b-transcript-preview');
        await runCommand(page, 'View: Close All Editors');
      },
    },
    {
      name: 'a failing run is notified with the job name, Retry and Show Log; its row is red',
      async run({ page, shot }) {
        await state.api.setScenario({ kind: 'serverError', status: 500 });
        await runCommand(page, 'View: Close All Editors');
        const job = row(page, 'Flaky job');
        await job.hover();
        await job.locator('.action-label[aria-label="Run Job Now"]').click();
        const center = await openNotifications(page);
        const notice = center
          .locator('.notification-list-item', { hasText: 'Night Pilot: "Flaky job" failed' })
          .first();
        await notice.waitFor({ timeout: 40_000 });
        await notice.getByRole('button', { name: 'Retry' }).waitFor();
        await notice.getByRole('button', { name: 'Show Log' }).waitFor();
        await shot('05-failure-notification');
        await state.api.setScenario({ kind: 'success', text: 'Fine on the second try.' });
        await notice.getByRole('button', { name: 'Show Log' }).click();
        await page.locator('.editor-instance .view-lines').filter({ hasText: 'Failed' }).first().waitFor();
        await page.keyboard.press('Escape');
        const icon = row(page, 'Flaky job').locator('.custom-view-tree-node-item-icon');
        await page.waitForFunction(
          (el) => el && /codicon-error/.test(el.className),
          await icon.elementHandle(),
          { timeout: 10_000 },
        );
      },
    },
    {
      name: 'during a usage-limit hold the status bar counts down to the local reset time and the tree says so',
      async run({ page, shot }) {
        await runCommand(page, 'View: Close All Editors');
        const { holdUntil } = seed(state.db, state.workspace, 'hold');
        const status = page
          .locator('.statusbar-item', { hasText: /Night Pilot: .*limit 1 h 3\d min/ })
          .first();
        await status.waitFor({ timeout: 20_000 });
        await row(page, 'Docs refresh')
          .filter({ hasText: /usage limit, resumes \d/ })
          .waitFor();
        await row(page, 'Broken build check')
          .filter({ hasText: /usage limit until \d/ })
          .waitFor();
        const hoverFrom = Date.now();
        const text = await hoverText(page, status, 'Usage limit');
        // "today", or "tomorrow" when the hold ends past midnight here (either, when the hover
        // straddled midnight).
        const day = (now) =>
          new Date(holdUntil).toDateString() === new Date(now).toDateString() ? 'today' : 'tomorrow';
        const days = new Set([day(hoverFrom), day(Date.now())]);
        assert.match(
          text,
          new RegExp(`Usage limit: no job starts until (${[...days].join('|')}) \\d{1,2}:\\d\\d`),
        );
        assert.doesNotMatch(text, /\d{4}-\d\d-\d\dT|\b1\d{9}\b/, 'no ISO time and no epoch');
        await shot('06-status-bar-limit-hold');
        await dismissHover(page);
        await shot('07-jobs-view-during-a-hold');
      },
    },
    {
      name: 'the Delete key on a job asks before deleting it',
      async run({ page }) {
        await row(page, 'Weekly refactor').click();
        await page.keyboard.press('Delete');
        const dialog = page.locator('.monaco-dialog-box', { hasText: 'Delete the job "Weekly refactor"?' });
        await dialog.waitFor();
        await dialog.getByRole('button', { name: 'Cancel' }).click();
        await row(page, 'Weekly refactor').waitFor();
      },
    },
  ];
}
