// Malformed command lines: each must exit 2, say on stderr what is wrong, print nothing on
// stdout, and leave the database file byte for byte as it was (or not create it at all).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { JobJson } from '../../src/cli/output';
import { TempDirs, cli, fileHash, json, ok } from './cliHarness';

interface Case {
  argv: string[];
  stderr: RegExp;
  env?: NodeJS.ProcessEnv;
  /** The message depends on jobs that only the populated database has. */
  needsJobs?: boolean;
  /** The line sets --db itself: run it as is, once. */
  ownDb?: boolean;
}

const ADD = ['job', 'add', '--name', 'new', '--prompt', 'do it'];
const addCron = (cron: string): Case['argv'] => [...ADD, '--cron', cron];
const addWith = (...extra: string[]): Case['argv'] => [...ADD, '--cron', '0 2 * * *', ...extra];

const BAD_CRONS: [string, RegExp][] = [
  ['', /--cron: empty expression/],
  ['   ', /--cron: empty expression/],
  ['* * *', /--cron: expected 5 fields .* got 3/],
  ['* * * * * * *', /--cron: expected 5 fields .* got 7/],
  ['60 * * * *', /--cron: minute: 60 is out of range 0-59/],
  ['0 24 * * *', /--cron: hour: 24 is out of range 0-23/],
  ['0 25 * * *', /^night-pilot: --cron: hour: 25 is out of range 0-23$/m],
  ['0 0 0 * *', /--cron: day-of-month: 0 is out of range 1-31/],
  ['0 0 32 * *', /--cron: day-of-month: 32 is out of range 1-31/],
  ['0 0 * 13 *', /--cron: month: 13 is out of range 1-12/],
  ['0 0 * 0 *', /--cron: month: 0 is out of range 1-12/],
  ['0 0 * * 8', /--cron: day-of-week: 8 is out of range 0-7/],
  ['*/0 * * * *', /--cron: minute: step 0 is not allowed/],
  ['*/x * * * *', /--cron: minute: step "x" in "\*\/x" is not a number/],
  ['5-1 * * * *', /--cron: minute: range 5-1 is reversed/],
  ['a b c d e', /--cron: minute: "a" is not a number/],
  ['0 0 30 2 *', /--cron: day-of-month: the expression never matches \(day 30 never occurs in February\)/],
  ['0 0 31 4 *', /--cron: day-of-month: the expression never matches/],
  ['@reboot', /--cron: @reboot is not supported/],
  ['@every', /--cron: unknown alias "@every"/],
  ['@fortnightly', /--cron: unknown alias "@fortnightly"/],
  ['@daily 5', /--cron: @daily stands alone/],
  ['0 0 * JANUARY *', /--cron: month: "JANUARY" is not a month name/],
  ['0 0 * * MONDAY', /--cron: day-of-week: "MONDAY" is not a day name/],
  ['0 0 1W * *', /--cron: day-of-month: "1W": W \(nearest weekday\) is not supported/],
  ['0 0 * * 1#6', /--cron: day-of-week: "1#6": the occurrence after "#" must be 1-5/],
  ['0 0 5#2 * *', /--cron: day-of-month: "#" is only allowed in day-of-week/],
  ['0 0 * * -1', /--cron: day-of-week: "-1"/],
  ['1,,2 * * * *', /--cron: minute: "1,,2" has an empty list item/],
  ['0 0 L-2 * *', /--cron: day-of-month: "L-2": L must stand alone/],
  ['0 H(5-1) * * *', /--cron: hour: range 5-1 in "H\(5-1\)" is reversed/],
  ['0/ * * * *', /--cron: minute: "0\/" has no step/],
  ['? * * * *', /--cron: minute: "\?" is only allowed in day-of-month and day-of-week/],
  ['x'.repeat(2000), /--cron: the expression is too long/],
  ['0 0 * * SUN-SAT-MON', /--cron: day-of-week: "SUN-SAT-MON" is not a valid range/],
  ['0 0 1.5 * *', /--cron: day-of-month: "1.5" is not a number/],
  ['* * * * * 60', /--cron: day-of-week: 60 is out of range 0-7/],
  ['0,60 * * * *', /--cron: minute: 60 is out of range/],
  ['0 0 * jan-foo *', /--cron: month: "foo" is not a month name/],
];

const CASES: Case[] = [
  ...BAD_CRONS.map(([cron, stderr]): Case => ({ argv: addCron(cron), stderr })),
  { argv: ['job', 'edit', '{A}', '--cron', '0 0 * 13 *'], stderr: /--cron: month: 13 is out of range/ },
  {
    argv: ['job', 'edit', '{A}', '--cron', ''],
    stderr: /--cron: a job without --parent needs a cron expression/,
    needsJobs: true,
  },
  {
    argv: ['job', 'edit', '{T}', '--parent', ''],
    stderr: /--cron: a job without --parent needs a cron expression/,
    needsJobs: true,
  },

  // Time zones
  {
    argv: addWith('--tz', 'Mars/Olympus'),
    stderr: /--tz: time zone "Mars\/Olympus" is not a known IANA zone/,
  },
  {
    argv: addWith('--tz', 'Europe/Berln'),
    stderr: /--tz: time zone "Europe\/Berln" is not a known IANA zone/,
  },
  { argv: addWith('--tz', ''), stderr: /--tz: time zone is empty/ },
  { argv: addWith('--tz', ' UTC'), stderr: /--tz: time zone " UTC" has spaces around it/ },
  { argv: addWith('--tz', 'local'), stderr: /--tz: time zone "local" is not a known IANA zone/ },
  { argv: addWith('--tz', 'America/New York'), stderr: /--tz: time zone "America\/New York"/ },
  { argv: ['job', 'edit', '{A}', '--tz', 'Nowhere/City'], stderr: /--tz: time zone "Nowhere\/City"/ },

  // Numbers
  { argv: addWith('--priority', '0'), stderr: /--priority: 0 is not an integer from 1 to 10/ },
  {
    argv: addWith('--priority', '11'),
    stderr: /^night-pilot: --priority: 11 is not an integer from 1 to 10$/m,
  },
  { argv: addWith('--priority', '-1'), stderr: /--priority: -1 is not an integer from 1 to 10/ },
  { argv: addWith('--priority', '1.5'), stderr: /--priority: 1\.5 is not an integer from 1 to 10/ },
  { argv: addWith('--priority', 'high'), stderr: /--priority: "high" is not an integer from 1 to 10/ },
  { argv: addWith('--priority', ''), stderr: /--priority: "" is not an integer/ },
  { argv: addWith('--max-turns', '0'), stderr: /--max-turns: 0 is not an integer from 1 to 10000/ },
  { argv: addWith('--max-turns', '1e3'), stderr: /--max-turns: "1e3" is not an integer/ },
  { argv: addWith('--max-turns', '10001'), stderr: /--max-turns: 10001 is not an integer/ },
  { argv: addWith('--timeout', '0'), stderr: /--timeout: 0 is not an integer from 1 to 604800/ },
  { argv: addWith('--timeout', 'ten'), stderr: /--timeout: "ten" is not an integer/ },
  { argv: addWith('--timeout', '99999999'), stderr: /--timeout: 99999999 is not an integer/ },
  { argv: addWith('--retries', '-1'), stderr: /--retries: -1 is not an integer from 0 to 99/ },
  { argv: addWith('--retries', '100'), stderr: /--retries: 100 is not an integer from 0 to 99/ },
  { argv: addWith('--retries', 'two'), stderr: /--retries: "two" is not an integer/ },
  { argv: addWith('--retry-delay', '-5'), stderr: /--retry-delay: "-5" is not a number of seconds/ },
  { argv: addWith('--retry-delay', 'soon'), stderr: /--retry-delay: "soon" is not a number of seconds/ },
  { argv: addWith('--retry-delay', '9999999'), stderr: /--retry-delay: 9999999 is more than 30 days/ },
  {
    argv: addWith('--retry-max-delay', '10'),
    stderr: /--retry-max-delay: 10 is less than --retry-delay \(60\)/,
  },
  {
    argv: addWith('--retry-delay', '100', '--retry-max-delay', '50'),
    stderr: /--retry-max-delay: 50 is less than --retry-delay \(100\)/,
  },
  {
    argv: ['job', 'edit', '{A}', '--retry-max-delay', '1'],
    stderr: /--retry-max-delay: 1 is less than --retry-delay/,
    needsJobs: true,
  },
  { argv: ['run', 'list', '--limit', '0'], stderr: /--limit: 0 is not an integer from 1 to 10000/ },
  { argv: ['run', 'list', '--limit', '10001'], stderr: /--limit: 10001 is not an integer/ },
  { argv: ['run', 'list', '--limit', 'all'], stderr: /--limit: "all" is not an integer/ },
  { argv: ['job', 'show', '{A}', '--runs', '-1'], stderr: /--runs: -1 is not an integer from 0 to 1000/ },

  // Unknown options and commands
  { argv: addWith('--colour', 'red'), stderr: /^night-pilot: unknown option --colour for "job add"$/m },
  {
    argv: addWith('--prompt-fil', 'x'),
    stderr: /unknown option --prompt-fil for "job add"; did you mean --prompt-file\?/,
  },
  { argv: ['job', 'list', '--all'], stderr: /unknown option --all for "job list"/ },
  {
    argv: ['run', 'list', '--jobs', 'x'],
    stderr: /unknown option --jobs for "run list"; did you mean --job\?/,
  },
  { argv: ['job', 'show', '{A}', '--verbose'], stderr: /unknown option --verbose for "job show"/ },
  {
    argv: ['job', 'remove', '{A}', '--forse'],
    stderr: /unknown option --forse for "job remove"; did you mean --force\?/,
  },
  { argv: addWith('-x'), stderr: /unknown option -x for "job add"/ },
  { argv: ['--colour', 'job', 'list'], stderr: /unknown option --colour/ },
  {
    argv: ['job', 'add', '--no-once', ...addWith().slice(2)],
    stderr: /unknown option --no-once for "job add"/,
  },
  { argv: ['jbo', 'list'], stderr: /^night-pilot: unknown command "jbo"; did you mean "job"\?$/m },
  { argv: ['job', 'ad'], stderr: /unknown command "job ad"; did you mean "job add"\?/ },
  { argv: ['job', 'lst'], stderr: /unknown command "job lst"; did you mean "job list"\?/ },
  { argv: ['runs'], stderr: /unknown command "runs"; did you mean "run"\?/ },
  {
    argv: ['frobnicate'],
    stderr: /unknown command "frobnicate"; expected one of: job, run, usage, scheduler, migrate, db, help/,
  },
  { argv: ['help', 'jbo'], stderr: /unknown command "jbo"; did you mean "job"\?/ },
  {
    argv: ['job'],
    stderr: /missing command after "job"; expected one of: add, edit, list, show, pause, resume, remove/,
  },
  { argv: [], stderr: /missing command; expected one of: job, run, usage, scheduler, migrate, db, help/ },

  // Missing values and arguments
  {
    argv: ['job', 'add', '--prompt', 'p', '--cron', '@daily', '--name'],
    stderr: /^night-pilot: missing value for --name$/m,
  },
  { argv: ['job', 'add', '--name', '--prompt', 'p', '--cron', '@daily'], stderr: /missing value for --name/ },
  { argv: [...ADD, '--cron'], stderr: /missing value for --cron/ },
  { argv: addWith('--tz'), stderr: /missing value for --tz/ },
  { argv: addWith('--env'), stderr: /missing value for --env/ },
  { argv: ['run', 'list', '--limit'], stderr: /missing value for --limit/ },
  { argv: ['job', 'list', '--db'], stderr: /missing value for --db/ },
  { argv: ['job', 'show'], stderr: /missing argument ID for "job show"/ },
  { argv: ['job', 'edit', '--priority', '2'], stderr: /missing argument ID for "job edit"/ },
  { argv: ['job', 'pause'], stderr: /missing argument ID for "job pause"/ },
  { argv: ['job', 'resume'], stderr: /missing argument ID for "job resume"/ },
  { argv: ['job', 'remove'], stderr: /missing argument ID for "job remove"/ },
  { argv: ['job', 'list', 'extra'], stderr: /unexpected argument "extra" for "job list"/ },
  { argv: ['job', 'show', 'a', 'b'], stderr: /unexpected argument "b" for "job show"/ },
  { argv: ['job', 'add', '--prompt', 'p', '--cron', '@daily'], stderr: /^night-pilot: missing --name$/m },
  { argv: ['job', 'add', '--name', 'n', '--cron', '@daily'], stderr: /missing --prompt or --prompt-file/ },
  { argv: ADD, stderr: /missing --cron \(or --parent, for a job that fires when its parent succeeds\)/ },
  { argv: [...ADD, '--parent', '{A}', '--once'], stderr: /--once needs --cron/ },
  { argv: ['job', 'edit', '{A}'], stderr: /nothing to change/, needsJobs: true },

  // Conflicting or repeated options
  {
    argv: ['job', 'add', '--name', 'n', '--prompt', 'p', '--prompt-file', 'p.md', '--cron', '@daily'],
    stderr: /^night-pilot: --prompt and --prompt-file cannot be used together$/m,
  },
  {
    argv: ['job', 'edit', '{A}', '--once', '--no-once'],
    stderr: /--once and --no-once cannot be used together/,
  },
  {
    argv: ['job', 'edit', '{A}', '--allow-bypass', '--no-allow-bypass'],
    stderr: /--allow-bypass and --no-allow-bypass cannot be used together/,
  },
  { argv: addWith('--env', 'A=1', '--env', 'A=2'), stderr: /--env: A is given more than once/ },
  {
    argv: ['job', 'edit', '{A}', '--env', 'A=1', '--unset-env', 'A'],
    stderr: /--env and --unset-env both name A/,
  },
  { argv: addWith('--name', 'again'), stderr: /--name was given more than once/ },
  { argv: ['--json', 'job', 'list', '--json'], stderr: /--json was given more than once/ },
  { argv: ['job', 'list', '--json=yes'], stderr: /--json does not take a value/ },
  { argv: addWith('--once=true'), stderr: /--once does not take a value/ },

  // Unknown or ambiguous ids, cycles
  { argv: ['job', 'show', 'nope'], stderr: /^night-pilot: no job matches "nope"/m },
  { argv: ['job', 'edit', 'nope', '--priority', '2'], stderr: /no job matches "nope"/ },
  { argv: ['job', 'pause', 'nope'], stderr: /no job matches "nope"/ },
  { argv: ['job', 'resume', 'nope'], stderr: /no job matches "nope"/ },
  { argv: ['job', 'remove', 'nope'], stderr: /no job matches "nope"/ },
  { argv: ['job', 'show', ''], stderr: /the job reference is empty/ },
  { argv: ['job', 'show', '{A3}'], stderr: /no job matches/, needsJobs: true },
  { argv: ['run', 'list', '--job', 'nope'], stderr: /--job: no job matches "nope"/ },
  { argv: [...ADD, '--parent', 'nope'], stderr: /--parent: no job matches "nope"/ },
  { argv: addWith('--parent', ''), stderr: /--parent: the job reference is empty/ },
  {
    argv: ['job', 'edit', '{A}', '--parent', 'nope'],
    stderr: /--parent: no job matches "nope"/,
    needsJobs: true,
  },
  { argv: ['job', 'show', 'twin'], stderr: /"twin" matches 2 jobs; use the id/, needsJobs: true },
  {
    argv: ['job', 'edit', '{A}', '--parent', '{C}'],
    stderr: /--parent: .*would create a cycle/,
    needsJobs: true,
  },
  {
    argv: ['job', 'edit', '{A}', '--parent', '{A}'],
    stderr: /--parent: .*would create a cycle/,
    needsJobs: true,
  },
  {
    argv: ['job', 'edit', '{B}', '--parent', '{C}'],
    stderr: /--parent: .*would create a cycle/,
    needsJobs: true,
  },

  // Enums
  {
    argv: addWith('--permission-mode', 'yolo'),
    stderr:
      /--permission-mode: "yolo" is not one of default, acceptEdits, plan, auto, dontAsk, bypassPermissions/,
  },
  {
    argv: addWith('--permission-mode', 'acceptedits'),
    stderr: /--permission-mode: "acceptedits" is not one of .*; did you mean acceptEdits\?/,
  },
  { argv: addWith('--permission-mode', ''), stderr: /--permission-mode: the mode is empty/ },
  {
    argv: addWith('--retry-strategy', 'random'),
    stderr: /--retry-strategy: "random" is not one of fixed, linear, exponential/,
  },
  { argv: addWith('--missed', 'always'), stderr: /--missed: "always" is not one of skip, run_once, run_all/ },
  { argv: addWith('--missed', 'run-once'), stderr: /--missed: "run-once" .*did you mean run_once\?/ },
  { argv: ['run', 'list', '--status', 'done'], stderr: /--status: "done" is not one of queued, running/ },
  { argv: ['run', 'list', '--status', 'failed,'], stderr: /--status: "" is not one of/ },

  // Files and folders
  { argv: addWith('--cwd', 'no/such/dir'), stderr: /--cwd: .*no\/such\/dir does not exist/ },
  { argv: addWith('--cwd', 'plain.txt'), stderr: /--cwd: .*plain\.txt is not a directory/ },
  { argv: addWith('--cwd', ''), stderr: /--cwd: the folder name is empty/ },
  {
    argv: ['job', 'add', '--name', 'n', '--prompt-file', 'missing.md', '--cron', '@daily'],
    stderr: /--prompt-file: .*missing\.md does not exist/,
  },
  {
    argv: ['job', 'add', '--name', 'n', '--prompt-file', 'folder', '--cron', '@daily'],
    stderr: /--prompt-file: .*folder is not a file/,
  },
  {
    argv: ['job', 'add', '--name', 'n', '--prompt-file', 'empty.md', '--cron', '@daily'],
    stderr: /--prompt-file: .*empty\.md has no prompt text/,
  },
  {
    argv: ['job', 'add', '--name', 'n', '--prompt-file', 'only-front-matter.md', '--cron', '@daily'],
    stderr: /--prompt-file: .*only-front-matter\.md has no prompt text/,
  },
  {
    argv: ['job', 'add', '--name', 'n', '--prompt-file', 'binary.md', '--cron', '@daily'],
    stderr: /--prompt-file: .*binary\.md is not UTF-8 text/,
  },
  {
    argv: ['job', 'add', '--name', 'n', '--prompt-file', '', '--cron', '@daily'],
    stderr: /--prompt-file: the file name is empty/,
  },
  {
    argv: ['job', 'edit', '{A}', '--prompt-file', 'missing.md'],
    stderr: /--prompt-file: .*missing\.md does not exist/,
  },

  // Bypass without opt-in
  {
    argv: addWith('--permission-mode', 'bypassPermissions'),
    stderr: /--permission-mode: bypassPermissions .*add --allow-bypass/,
  },
  {
    argv: ['job', 'edit', '{A}', '--permission-mode', 'bypassPermissions'],
    stderr: /--permission-mode: bypassPermissions .*add --allow-bypass/,
    needsJobs: true,
  },
  {
    argv: ['job', 'edit', '{Y}', '--no-allow-bypass'],
    stderr: /--no-allow-bypass: the job's permission mode is bypassPermissions/,
    needsJobs: true,
  },

  // Empty or malformed text values
  {
    argv: ['job', 'add', '--name', '', '--prompt', 'p', '--cron', '@daily'],
    stderr: /^night-pilot: --name: the name is empty$/m,
  },
  {
    argv: ['job', 'add', '--name', '   ', '--prompt', 'p', '--cron', '@daily'],
    stderr: /--name: the name is empty/,
  },
  {
    argv: ['job', 'add', '--name', 'two\nlines', '--prompt', 'p', '--cron', '@daily'],
    stderr: /--name: the name must be one line/,
  },
  {
    argv: ['job', 'add', '--name', 'n'.repeat(201), '--prompt', 'p', '--cron', '@daily'],
    stderr: /--name: the name is 201 characters long/,
  },
  { argv: ['job', 'edit', '{A}', '--name', ''], stderr: /--name: the name is empty/ },
  {
    argv: ['job', 'add', '--name', 'n', '--prompt', '', '--cron', '@daily'],
    stderr: /--prompt: the prompt text is empty/,
  },
  { argv: addWith('--model', 'claude sonnet'), stderr: /--model: "claude sonnet" contains spaces/ },
  { argv: addWith('--model', ''), stderr: /--model: the model name is empty/ },
  { argv: addWith('--setup', ''), stderr: /--setup: the command is empty/ },
  { argv: addWith('--env', 'NOEQUALS'), stderr: /--env: "NOEQUALS" is not KEY=VALUE/ },
  { argv: addWith('--env', '1X=2'), stderr: /--env: "1X" is not a valid variable name/ },
  { argv: addWith('--env', 'A B=1'), stderr: /--env: "A B" is not a valid variable name/ },
  {
    argv: ['job', 'edit', '{A}', '--unset-env', 'A-B'],
    stderr: /--unset-env: "A-B" is not a valid variable name/,
  },
  {
    argv: addWith('--allowed-tools', 'Read,,Write'),
    stderr: /--allowed-tools: rule 2 of "Read,,Write" is empty/,
  },
  {
    argv: addWith('--allowed-tools', 'Bash(git'),
    stderr: /--allowed-tools: unbalanced parentheses in "Bash\(git"/,
  },
  { argv: addWith('--disallowed-tools', ''), stderr: /--disallowed-tools: the list is empty/ },
  { argv: ['--db', '', 'job', 'list'], stderr: /--db: the file name is empty/, ownDb: true },
  { argv: ['--claude', '', 'job', 'list'], stderr: /--claude: the path is empty/ },

  // Environment
  {
    argv: addWith(),
    env: { NIGHT_PILOT_LOCK_TIMEOUT_MS: 'soon' },
    stderr: /NIGHT_PILOT_LOCK_TIMEOUT_MS: "soon" is not a whole number of milliseconds/,
  },
];

const temp = new TempDirs();
after(() => temp.cleanup());

describe('night-pilot with malformed arguments', function () {
  let dir: string;
  let populated: string;
  let ids: Record<string, string>;

  before(async function () {
    dir = temp.make();
    fs.writeFileSync(path.join(dir, 'plain.txt'), 'not a folder');
    fs.mkdirSync(path.join(dir, 'folder'));
    fs.writeFileSync(path.join(dir, 'empty.md'), '  \n');
    fs.writeFileSync(path.join(dir, 'only-front-matter.md'), '---\ntitle: Nothing\n---\n\n');
    fs.writeFileSync(path.join(dir, 'binary.md'), Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28]));
    populated = path.join(dir, 'populated.db');
    const add = async (...argv: string[]) =>
      json<JobJson>(ok(await cli(['--db', populated, '--json', 'job', 'add', ...argv], { cwd: dir })));
    const a = await add('--name', 'alpha', '--prompt', 'p', '--cron', '@daily');
    const b = await add('--name', 'beta', '--prompt', 'p', '--cron', '@daily', '--parent', a.id);
    const c = await add('--name', 'gamma', '--prompt', 'p', '--parent', b.id);
    const t = await add('--name', 'triggered', '--prompt', 'p', '--parent', a.id);
    const y = await add(
      '--name',
      'yolo',
      '--prompt',
      'p',
      '--cron',
      '@daily',
      '--permission-mode',
      'bypassPermissions',
      '--allow-bypass',
    );
    await add('--name', 'twin', '--prompt', 'p', '--cron', '@daily');
    await add('--name', 'twin', '--prompt', 'p', '--cron', '@daily');
    ids = { A: a.id, B: b.id, C: c.id, T: t.id, Y: y.id, A3: a.id.slice(0, 3) };
  });

  it(`has at least 100 cases, 30 of them bad cron expressions (${CASES.length} cases)`, () => {
    assert.ok(CASES.length >= 100);
    assert.ok(BAD_CRONS.length >= 30);
  });

  const substitute = (argv: string[]) =>
    argv.map((arg) => arg.replace(/\{(\w+)\}/g, (_, key: string) => ids[key] ?? key));

  CASES.forEach((c, index) => {
    const label = `#${index + 1} ${JSON.stringify(c.argv).slice(0, 100)}`;

    it(`${label}: exit 2, names the problem, database unchanged`, async () => {
      const before = fileHash(populated);
      assert.ok(before !== null);
      const argv = c.ownDb ? c.argv : ['--db', populated, ...substitute(c.argv)];
      const result = await cli(argv, { cwd: dir, env: c.env ?? { NIGHT_PILOT_DB: populated } });
      assert.equal(result.code, 2, `exit code; stderr: ${result.stderr}`);
      assert.match(result.stderr, c.stderr);
      assert.equal(result.stdout, '', 'nothing on stdout');
      assert.doesNotMatch(result.stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace');
      assert.equal(fileHash(populated), before, 'database file unchanged');
      assert.equal(fs.existsSync(`${populated}.lock`), false, 'no lock left behind');
    });

    if (c.ownDb) return;
    it(`${label}: exit 2 and still no file for a database that does not exist yet`, async () => {
      const missing = path.join(dir, 'missing', `case-${index}.db`);
      const result = await cli(['--db', missing, ...substitute(c.argv)], { cwd: dir, env: c.env });
      assert.equal(result.code, 2, `exit code; stderr: ${result.stderr}`);
      if (!c.needsJobs) assert.match(result.stderr, c.stderr);
      assert.equal(result.stdout, '');
      assert.equal(fs.existsSync(missing), false, 'database file not created');
      assert.equal(fs.existsSync(path.dirname(missing)), false, 'its folder not created either');
    });
  });

  it('exits 2 for a --db that is a directory, or $NIGHT_PILOT_DB naming one', async () => {
    const viaOption = await cli(['--db', dir, 'job', 'list']);
    assert.equal(viaOption.code, 2);
    assert.match(viaOption.stderr, /--db: .* is a directory, not a database file/);
    const viaEnv = await cli(['job', 'list'], { env: { NIGHT_PILOT_DB: dir } });
    assert.equal(viaEnv.code, 2);
    assert.match(viaEnv.stderr, /NIGHT_PILOT_DB: .* is a directory/);
  });

  it('prints no JSON on stdout for an error under --json', async () => {
    const result = await cli(['--db', populated, '--json', ...addCron('0 25 * * *')], { cwd: dir });
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /hour: 25/);
  });
});
