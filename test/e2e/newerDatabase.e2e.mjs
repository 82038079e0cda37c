// A database written by a newer Night Pilot must be refused untouched, and the user told so with
// the file's path: in a notification, the status bar, the Jobs view and the log.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from './workbench.e2e.mjs';

const require = createRequire(import.meta.url);
let databasePath;
let original;

export const workbench = {
  // The real CLI, so the only notification is the one under test.
  settings: {
    'nightPilot.claude.path': fileURLToPath(new URL('../../node_modules/.bin/claude', import.meta.url)),
  },
  async seed(dirs) {
    const SQL = await require('sql.js')();
    const db = new SQL.Database();
    db.run('CREATE TABLE from_the_future (id INTEGER); PRAGMA user_version = 999;');
    original = Buffer.from(db.export());
    db.close();
    databasePath = path.join(
      dirs.userData,
      'User/globalStorage/night-pilot.night-pilot/claude-night-pilot.db',
    );
    fs.mkdirSync(path.dirname(databasePath), { recursive: true });
    fs.writeFileSync(databasePath, original);
  },
};

export const tests = [
  {
    name: 'a database from a newer version is reported with its path and left untouched',
    async run({ page, shot }) {
      await page
        .locator('.statusbar-item', { hasText: 'Night Pilot' })
        .filter({ has: page.locator('.codicon-error') })
        .waitFor({ timeout: 40_000 });
      await runCommand(page, 'Notifications: Show Notifications');
      const center = page.locator('.notifications-center');
      await center
        .getByText(`The database ${databasePath} has schema version 999`, { exact: false })
        .first()
        .waitFor();
      await center.getByRole('button', { name: 'Show Log' }).first().waitFor();
      await page.keyboard.press('Escape');

      await page.locator('.activitybar [aria-label^="Night Pilot"]').first().click();
      await page
        .locator('.sidebar .welcome-view-content', { hasText: 'could not open its database' })
        .waitFor();
      await shot('refused');
      assert.ok(fs.readFileSync(databasePath).equals(original), 'the newer database file was modified');
    },
  },
];
