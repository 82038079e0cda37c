import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from '../../src/cli/args';
import type { OptionSpec } from '../../src/cli/args';
import { createRegistry } from '../../src/cli/commands';
import type { CommandContext } from '../../src/cli/context';
import { GLOBAL_OPTIONS, LOCK_TIMEOUT_ENV, VERSION_OPTION } from '../../src/cli/globals';
import type { CliIo } from '../../src/cli/runCli';
import { DEBUG_ENV, runCli } from '../../src/cli/runCli';
import { readPromptSettings, splitFrontMatter } from '../../src/core/frontMatter';
import { closest } from '../../src/cli/suggest';
import { cli } from './cliHarness';

const OPTIONS: OptionSpec[] = [
  { name: 'name', value: 'N', description: '' },
  { name: 'env', value: 'KV', repeatable: true, description: '' },
  { name: 'force', description: '' },
  { name: 'priority', value: 'P', description: '' },
];

describe('cli argument parser', () => {
  it('reads --opt VALUE, --opt=VALUE, flags, repeatable options and positionals', () => {
    const { args, errors, help } = parseArgs(
      ['ID', '--name', 'a b', '--env=A=1', '--env', 'B=2', '--force', '--priority', '-3'],
      OPTIONS,
      [{ name: 'ID', description: '' }],
      'x',
    );
    assert.deepEqual(errors, []);
    assert.equal(help, false);
    assert.deepEqual(args.positionals, ['ID']);
    assert.equal(args.string('name'), 'a b');
    assert.deepEqual(args.list('env'), ['A=1', 'B=2']);
    assert.equal(args.flag('force'), true);
    assert.equal(args.string('priority'), '-3', 'a negative number is a value, not an option');
    assert.equal(args.has('missing'), false);
  });

  it('treats everything after -- as positional and keeps empty values', () => {
    const { args, errors } = parseArgs(
      ['--name', '', '--', '--force'],
      OPTIONS,
      [{ name: 'REST', description: '', variadic: true }],
      'x',
    );
    assert.deepEqual(errors, []);
    assert.equal(args.string('name'), '');
    assert.equal(args.flag('force'), false);
    assert.deepEqual(args.positionals, ['--force']);
  });

  it('collects every problem, and still notices --help', () => {
    const { errors, help } = parseArgs(
      ['--bogus', '--name', '--force', '--force', '-z', '--help', 'extra'],
      OPTIONS,
      [],
      'job add',
    );
    assert.equal(help, true);
    assert.deepEqual(errors, [
      'unknown option --bogus for "job add"',
      'missing value for --name',
      '--force was given more than once',
      'unknown option -z for "job add"',
      'unexpected argument "extra" for "job add"',
    ]);
  });

  it('stops at the first positional when reading options in front of a command', () => {
    const result = parseArgs(['--name', 'v', 'job', '--force'], OPTIONS, [], '', true);
    assert.equal(result.consumed, 2);
    assert.deepEqual(result.errors, []);
  });

  it('suggests close names only', () => {
    assert.equal(closest('jbo', ['job', 'run', 'help']), 'job');
    assert.equal(closest('ad', ['add', 'edit']), 'add');
    assert.equal(closest('colour', ['color', 'cron']), 'color');
    assert.equal(closest('xyz', ['job', 'run']), undefined);
  });

  it('reads the title from YAML front matter in its quoted and plain forms', () => {
    const title = (text: string) => readPromptSettings(splitFrontMatter(text).data).settings.title;
    assert.equal(title('---\ntitle: Plain # note\n---\nbody'), 'Plain');
    assert.equal(title('---\ntitle: "Say \\"hi\\""\n---\nbody'), 'Say "hi"');
    assert.equal(title("\uFEFF---\r\ntitle: 'It''s'\r\n---\r\nbody"), "It's");
    assert.equal(title('---\nmodel: x\n---\nbody'), undefined);
    assert.equal(title('no front matter\ntitle: x'), undefined);
    assert.equal(splitFrontMatter('---\ntitle: x\n---\nthe body\n').body, 'the body\n');
  });
});

describe('cli help and version (in-process)', () => {
  it('prints help on stdout with exit 0 for every command and group, in all its forms', async () => {
    const registry = createRegistry();
    const forms: string[][] = [
      ['--help'],
      ['-h'],
      ['help'],
      ['job', '--help'],
      ['run', '-h'],
      ['help', 'run'],
    ];
    for (const command of registry.commands()) {
      forms.push(
        [...command.path, '--help'],
        [...command.path, '-h'],
        ['help', ...command.path],
        ['--help', ...command.path],
      );
    }
    for (const argv of forms) {
      const result = await cli(argv);
      assert.equal(result.code, 0, `${argv.join(' ')}: ${result.stderr}`);
      assert.equal(result.stderr, '', argv.join(' '));
      assert.match(result.stdout, /^Usage: night-pilot/, argv.join(' '));
    }
    const root = (await cli(['--help'])).stdout;
    for (const command of registry.commands())
      assert.ok(root.includes(command.path.join(' ')), `root help lists ${command.path.join(' ')}`);
    assert.match(root, /Exit codes: 0 success, 1 [^]*, 2 invalid input [^]*3 storage problem/);
    const show = (await cli(['job', 'show', '--help'])).stdout;
    assert.match(show, /^Usage: night-pilot job show \[options\] ID$/m);
    assert.match(show, /--runs N/);
  });

  it('explains cron expressions and the DST rule in "help cron" and in job add/edit --help', async () => {
    const topic = await cli(['help', 'cron']);
    assert.equal(topic.code, 0, topic.stderr);
    const flat = (text: string) => text.replace(/\s+/g, ' ');
    assert.match(flat(topic.stdout), /^Cron expressions \(--cron\): 5 fields/);
    assert.match(
      flat(topic.stdout),
      /a fixed time in a skipped interval fires once, moved forward by the gap's length .*a fixed time in a repeated interval fires once, at its first occurrence; a job whose hour field is \* or a step \(\*\/2\) fires on real time/,
    );
    for (const argv of [
      ['job', 'add', '--help'],
      ['job', 'edit', '--help'],
    ]) {
      const help = flat((await cli(argv)).stdout);
      assert.ok(help.includes(flat(topic.stdout).trim()), `${argv.join(' ')} includes the cron help`);
    }
  });

  it('prints the version, as JSON with --json', async () => {
    const text = await cli(['--version']);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /^night-pilot \d+\.\d+\.\d+\n$/);
    const doc = JSON.parse((await cli(['--json', '--version'])).stdout) as { name: string; version: string };
    assert.equal(doc.name, 'night-pilot');
  });
});

describe('docs/cli.md', () => {
  it('documents every command and every option the parser accepts', () => {
    const doc = fs.readFileSync(path.resolve(__dirname, '../../docs/cli.md'), 'utf8');
    for (const command of createRegistry().commands()) {
      const name = command.path.join(' ');
      assert.ok(doc.includes(`### ${name}`), `a section for ${name}`);
      for (const option of command.options ?? [])
        assert.ok(doc.includes(`--${option.name}`), `${name} --${option.name}`);
    }
    for (const option of [...GLOBAL_OPTIONS, VERSION_OPTION])
      assert.ok(doc.includes(`--${option.name}`), option.name);
    for (const env of ['NIGHT_PILOT_DB', LOCK_TIMEOUT_ENV, DEBUG_ENV]) assert.ok(doc.includes(env), env);
  });
});

describe('cli command registry', () => {
  it('runs a command registered later, with the global options (--claude included) already parsed', async () => {
    const registry = createRegistry();
    let seen: CommandContext | undefined;
    registry.add({
      path: ['daemon'],
      summary: 'Run a daemon.',
      options: [{ name: 'once', description: 'One tick.' }],
      async run(ctx, args) {
        seen = ctx;
        ctx.print({ once: args.flag('once'), claude: ctx.globals.claudePath }, () => 'ran');
        return 1;
      },
    });
    registry.addGroup(['run', 'extra'], 'A nested group.');
    let out = '';
    const io: CliIo = { stdout: (t) => void (out += t), stderr: () => undefined, env: {}, cwd: '/' };
    const code = await runCli(
      ['--claude', '/opt/claude', 'daemon', '--once', '--json', '--db', '/tmp/x.db'],
      io,
      registry,
    );
    assert.equal(code, 1, 'the command decides the exit code');
    assert.deepEqual(JSON.parse(out), { once: true, claude: '/opt/claude' });
    assert.equal(seen?.globals.dbPath, '/tmp/x.db');
    assert.equal(seen?.globals.json, true);
    assert.equal(seen?.commandName, 'daemon');

    out = '';
    assert.equal(await runCli(['--help'], io, registry), 0);
    assert.match(out, /daemon\s+Run a daemon\./);
    assert.throws(
      () => registry.add({ path: ['job', 'add'], summary: '', run: async () => 0 }),
      /already registered/,
    );
    assert.throws(
      () => registry.add({ path: ['nope', 'x'], summary: '', run: async () => 0 }),
      /not registered/,
    );
  });

  it('reports an unexpected exception as an internal error with exit 1 and no stack trace', async () => {
    const registry = createRegistry();
    registry.add({
      path: ['boom'],
      summary: 'Fails.',
      async run() {
        throw new TypeError('something broke');
      },
    });
    let err = '';
    const io: CliIo = { stdout: () => undefined, stderr: (t) => void (err += t), env: {}, cwd: '/' };
    assert.equal(await runCli(['boom'], io, registry), 1);
    assert.match(err, /^night-pilot: internal error: something broke\n/);
    assert.doesNotMatch(err, /\n\s+at /);
    err = '';
    await runCli(['boom'], { ...io, env: { NIGHT_PILOT_DEBUG: '1' } }, registry);
    assert.match(err, /\n\s+at /, 'NIGHT_PILOT_DEBUG shows the stack');
  });

  it('refuses a second JSON document from one command', async () => {
    const registry = createRegistry();
    registry.add({
      path: ['twice'],
      summary: '',
      async run(ctx) {
        ctx.print({}, () => '');
        ctx.print({}, () => '');
      },
    });
    const io: CliIo = { stdout: () => undefined, stderr: () => undefined, env: {}, cwd: '/' };
    assert.equal(await runCli(['--json', 'twice'], io, registry), 1);
  });
});
