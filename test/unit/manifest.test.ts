// package.json against the code: the commands it contributes are exactly the ids of
// src/commands/commandIds.ts (which registerCommands must handle), every menu and keybinding names a
// command that exists, and the package is what the Marketplace expects (icon, settings, activation).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { COMMAND_IDS } from '../../src/commands/commandIds';

const ROOT = path.resolve(__dirname, '../..');

interface Manifest {
  icon: string;
  extensionKind: string[];
  activationEvents: string[];
  contributes: {
    commands: { command: string; title: string; category: string; icon?: unknown }[];
    menus: Record<string, { command: string; when?: string }[]>;
    keybindings: { command: string; key: string; when: string }[];
    configuration: { properties: Record<string, { type: string; order: number; default: unknown }> };
    walkthroughs: { steps: { media: { markdown?: string } }[] }[];
    views: Record<string, { id: string }[]>;
  };
}

const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Manifest;

describe('package.json', () => {
  it('contributes exactly the command ids the code registers (src/commands/commandIds.ts)', () => {
    const contributed = manifest.contributes.commands.map((c) => c.command).sort();
    assert.deepEqual(contributed, [...COMMAND_IDS].sort());
  });

  it('names only contributed commands (or the view focus VS Code derives) in menus and keybindings', () => {
    const known = new Set<string>([...COMMAND_IDS, 'nightPilot.jobs.focus']);
    const used = [
      ...Object.values(manifest.contributes.menus).flat(),
      ...manifest.contributes.keybindings,
    ].map((e) => e.command);
    const unknown = used.filter((c) => !known.has(c));
    assert.deepEqual(unknown, []);
    // The command links in welcome content and walkthroughs too.
    const text =
      JSON.stringify(manifest.contributes) + fs.readFileSync(path.join(ROOT, 'package.nls.json'), 'utf8');
    const linked = [...text.matchAll(/command:(nightPilot\.[\w.]+)/g)].map((m) => m[1]!);
    assert.ok(linked.length > 0);
    assert.deepEqual(
      linked.filter((c) => !known.has(c)),
      [],
    );
  });

  it('gives every command a category and a translated title, and no debugger codicons', () => {
    for (const c of manifest.contributes.commands) {
      assert.match(c.title, /^%[\w.]+%$/, `${c.command} has a literal title`);
      assert.equal(c.category, '%command.category%', c.command);
      // debug-* codicons take the debugger's colours wherever they appear.
      assert.doesNotMatch(JSON.stringify(c.icon ?? ''), /debug-/, c.command);
    }
  });

  it('declares its settings with integer types where only whole numbers make sense, ordered by importance', () => {
    const props = manifest.contributes.configuration.properties;
    const orders = Object.entries(props).map(([key, p]) => [key, p.order] as const);
    assert.equal(orders[0]![0], 'nightPilot.claude.path', 'the Claude path comes first');
    assert.deepEqual(
      orders.map(([, o]) => o),
      orders.map((_, i) => i + 1),
      'every setting has an order, in the order they are listed',
    );
    for (const key of [
      'nightPilot.scheduler.concurrency',
      'nightPilot.scheduler.missedRunLimit',
      'nightPilot.limits.fallbackWaitMinutes',
      'nightPilot.retention.maxAgeDays',
      'nightPilot.retention.maxRunsPerJob',
      'nightPilot.smartStart.minMinutesBeforeReset',
    ])
      assert.equal(props[key]?.type, 'integer', key);
  });

  it('runs as a workspace extension, activates at startup without the events VS Code derives, and has a 128x128 PNG icon', () => {
    assert.deepEqual(manifest.extensionKind, ['workspace']);
    assert.ok(manifest.activationEvents.includes('onStartupFinished'));
    const derived = manifest.activationEvents.filter((e) => /^on(Command|View):/.test(e));
    assert.deepEqual(derived, [], 'VS Code derives these from the contributions since 1.74');
    const png = fs.readFileSync(path.join(ROOT, manifest.icon));
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128]);
  });

  it('packages no source, test, fixture or source map (vsce ls), and the changelog and README images', function () {
    this.timeout(60_000);
    const vsce = spawnSync(
      process.execPath,
      [path.join(ROOT, 'node_modules/@vscode/vsce/vsce'), 'ls', '--no-dependencies'],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    assert.equal(vsce.status, 0, vsce.stderr);
    const files = vsce.stdout.trim().split('\n');
    const unwanted = files.filter((f) =>
      /\.(ts|map)$|^(test|src|bench|scripts|sample-workspace)\/|fixture|tsconfig/.test(f),
    );
    assert.deepEqual(unwanted, []);
    for (const wanted of [
      'CHANGELOG.md',
      'README.md',
      'media/icon.png',
      'docs/images/jobs-view.png',
      'docs/images/transcript.png',
    ])
      assert.ok(files.includes(wanted), `${wanted} is not in the package`);
  });

  it("has the walkthrough's media files", () => {
    for (const step of manifest.contributes.walkthroughs.flatMap((w) => w.steps))
      if (step.media.markdown)
        assert.ok(fs.existsSync(path.join(ROOT, step.media.markdown)), step.media.markdown);
  });
});
