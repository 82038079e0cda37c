import assert from 'node:assert/strict';
import { existsSync, promises as fsp, readFileSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runSupervisedProcess } from '../../src/scheduler/processSupervisor';
import type { SupervisedProcessRequest } from '../../src/scheduler/processSupervisor';
import { TRUNCATED_LINE_MARKER } from '../../src/scheduler/outputTail';

const FAKE_CLAUDE = path.resolve(__dirname, '../fixtures/fakeClaude.mjs');
const CLAUDE_ARGS = ['-p', '--output-format', 'stream-json', '--verbose'];
const posix = process.platform !== 'win32';

/** Is the process running (a zombie waiting for a reaper counts as ended)? */
function isRunning(pid: number): boolean {
  if (process.platform === 'linux') {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Pids of live processes in a process group (Linux only; empty elsewhere). */
async function liveMembersOfGroup(pgid: number): Promise<number[]> {
  if (process.platform !== 'linux') return [];
  const pids: number[] = [];
  for (const entry of await fsp.readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await fsp.readFile(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && !/^[ZX]$/.test(fields[0]!)) pids.push(Number(entry));
    } catch {
      // gone while we looked
    }
  }
  return pids;
}

describe('runSupervisedProcess', function () {
  let dir: string;
  let logCount = 0;
  const leftovers: number[] = [];
  const groups: number[] = [];

  before(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'np-supervisor-'));
  });
  after(async () => {
    // Only if a test failed half way: never leave a `sleep 1000` behind.
    for (const pid of leftovers) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
    for (const pgid of groups) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // the group is gone, as it should be
      }
    }
    await fsp.rm(dir, { recursive: true, force: true });
  });

  function request(over: Partial<SupervisedProcessRequest> & { mode?: string }): SupervisedProcessRequest {
    const { mode, onSpawn, ...rest } = over;
    return {
      command: FAKE_CLAUDE,
      args: CLAUDE_ARGS,
      cwd: dir,
      env: { ...process.env, FAKE_CLAUDE_MODE: mode ?? 'success' },
      stdin: 'hello',
      logFile: path.join(dir, 'logs', `run-${++logCount}.log`),
      killGraceMs: 300,
      orphanGraceMs: 200,
      ...rest,
      onSpawn: (pid) => {
        if (posix) groups.push(pid);
        onSpawn?.(pid);
      },
    };
  }

  it('reports exit codes, stderr and the raw stream in the log file', async () => {
    const ok = await runSupervisedProcess(request({ mode: 'success' }));
    assert.equal(ok.spawnError, null);
    assert.equal(ok.exitCode, 0);
    assert.equal(ok.signal, null);
    assert.equal(ok.timedOut, false);
    assert.equal(ok.cancelled, false);
    assert.ok(ok.endedAt >= ok.startedAt);
    const last = ok.stdoutTail.trim().split('\n').pop()!;
    assert.equal(JSON.parse(last).type, 'result');

    const req = request({ mode: 'crash' });
    const crashed = await runSupervisedProcess(req);
    assert.equal(crashed.exitCode, 3);
    assert.match(crashed.stderrTail, /simulated crash/);
    assert.match(await fsp.readFile(req.logFile, 'utf8'), /simulated crash/);
  });

  it('delivers stdout lines in order, across chunk boundaries, including a last line without newline', async () => {
    // Writes pieces with pauses so lines (and a multi-byte character) straddle pipe reads.
    const script = `
      const pieces = [Buffer.from('al'), Buffer.from('pha\\nbe'), Buffer.from('ta\\r\\nżó'), Buffer.from([0xc5]),
        Buffer.from([0x82, 0x77, 0x0a]), Buffer.from('\\n'), Buffer.from('last, no newline')];
      let i = 0;
      const next = () => { if (i < pieces.length) { process.stdout.write(pieces[i++]); setTimeout(next, 30); } };
      next();`;
    const lines: string[] = [];
    const outcome = await runSupervisedProcess(
      request({
        command: process.execPath,
        args: ['-e', script],
        stdin: null,
        onStdoutLine: (l) => lines.push(l),
      }),
    );
    assert.equal(outcome.exitCode, 0);
    assert.deepEqual(lines, ['alpha', 'beta', 'żółw', '', 'last, no newline']);
  });

  it('delivers an over-long line cut and marked, and the lines after it whole', async () => {
    const script = `process.stdout.write('x'.repeat(3 * 1024 * 1024) + '\\nnext\\n')`;
    const lines: string[] = [];
    const outcome = await runSupervisedProcess(
      request({
        command: process.execPath,
        args: ['-e', script],
        stdin: null,
        onStdoutLine: (l) => lines.push(l),
      }),
    );
    assert.equal(outcome.exitCode, 0);
    assert.equal(lines.length, 2);
    assert.ok(lines[0]!.endsWith(TRUNCATED_LINE_MARKER));
    assert.equal(lines[0]!.length, 1024 * 1024 + TRUNCATED_LINE_MARKER.length);
    assert.equal(lines[1], 'next');
  });

  it('passes the prompt on stdin byte for byte and arguments without a shell', async () => {
    const prompt =
      'Fix the build: $(touch PWNED_DOLLAR) and `touch PWNED_TICK`; echo "double" \'single\' \\ back\\slash\n' +
      'line two\r\n\ttabbed, zażółć gęślą jaźń, 日本語, 🚀\n\n$HOME %PATH% ; rm -rf / #\n';
    const args = [...CLAUDE_ARGS, '--append-system-prompt', '$(touch PWNED_ARG) "; touch PWNED_ARG2'];
    const lines: string[] = [];
    const outcome = await runSupervisedProcess(
      request({ mode: 'echo-args', stdin: prompt, args, onStdoutLine: (l) => lines.push(l) }),
    );
    assert.equal(outcome.exitCode, 0);
    const result = JSON.parse(lines.find((l) => l.includes('"type":"result"'))!);
    const echoed = JSON.parse(result.result);
    assert.equal(echoed.stdin, prompt);
    assert.equal(Buffer.compare(Buffer.from(echoed.stdin, 'utf8'), Buffer.from(prompt, 'utf8')), 0);
    assert.deepEqual(echoed.argv, args);
    for (const name of ['PWNED_DOLLAR', 'PWNED_TICK', 'PWNED_ARG', 'PWNED_ARG2']) {
      assert.equal(existsSync(path.join(dir, name)), false, `${name} was created: something ran a shell`);
    }
  });

  it('runs a shell command line with pipes and its exit status when shell is set', async function () {
    if (!posix) this.skip();
    const lines: string[] = [];
    const piped = await runSupervisedProcess(
      request({
        command: "printf 'b\\na\\nc\\n' | sort | tr a-z A-Z",
        args: [],
        shell: true,
        stdin: null,
        onStdoutLine: (l) => lines.push(l),
      }),
    );
    assert.equal(piped.exitCode, 0);
    assert.deepEqual(lines, ['A', 'B', 'C']);

    const failing = await runSupervisedProcess(
      request({ command: 'echo "$1" >&2; exit 7', args: ['from args'], shell: true, stdin: null }),
    );
    assert.equal(failing.exitCode, 7);
    assert.equal(failing.stderrTail, 'from args\n');
  });

  it('on timeout ends a process that ignores SIGINT and SIGTERM with SIGKILL, grandchild included', async function () {
    if (!posix) this.skip();
    let grandchild = 0;
    let pgid = 0;
    const outcome = await runSupervisedProcess(
      request({
        mode: 'hang',
        // Generous so the fake has installed its signal handlers on a loaded machine.
        timeoutMs: 3000,
        onSpawn: (pid) => (pgid = pid),
        onStdoutLine: (line) => {
          grandchild = JSON.parse(line).fake_grandchild_pid;
          leftovers.push(grandchild);
        },
      }),
    );
    assert.equal(outcome.timedOut, true);
    assert.equal(outcome.cancelled, false);
    assert.equal(outcome.signal, 'SIGKILL');
    assert.equal(outcome.exitCode, null);
    assert.ok(grandchild > 0, 'the fake reported its grandchild');
    assert.equal(isRunning(grandchild), false, `grandchild ${grandchild} is still running`);
    assert.deepEqual(await liveMembersOfGroup(pgid), []);
  });

  it('on cancellation ends the whole process group', async function () {
    if (!posix) this.skip();
    const abort = new AbortController();
    let grandchild = 0;
    let pgid = 0;
    const outcome = await runSupervisedProcess(
      request({
        mode: 'hang',
        signal: abort.signal,
        onSpawn: (pid) => (pgid = pid),
        onStdoutLine: (line) => {
          grandchild = JSON.parse(line).fake_grandchild_pid;
          leftovers.push(grandchild);
          abort.abort(); // the init line comes after the fake ignores SIGINT/SIGTERM
        },
      }),
    );
    assert.equal(outcome.cancelled, true);
    assert.equal(outcome.timedOut, false);
    assert.equal(outcome.signal, 'SIGKILL');
    assert.equal(isRunning(grandchild), false);
    assert.deepEqual(await liveMembersOfGroup(pgid), []);
  });

  it('on cancellation stops at SIGINT when that is enough', async () => {
    const abort = new AbortController();
    const outcome = await runSupervisedProcess(
      request({
        command: 'sleep',
        args: ['1000'],
        stdin: null,
        signal: abort.signal,
        onSpawn: () => abort.abort(),
      }),
    );
    assert.equal(outcome.cancelled, true);
    assert.equal(outcome.signal, 'SIGINT');
  });

  it('starts nothing when the signal is already aborted', async () => {
    const record = path.join(dir, 'not-started.jsonl');
    const abort = new AbortController();
    abort.abort();
    let spawned = false;
    const req = request({ signal: abort.signal, onSpawn: () => (spawned = true) });
    req.env = { ...req.env, FAKE_CLAUDE_RECORD: record };
    const outcome = await runSupervisedProcess(req);
    assert.equal(outcome.cancelled, true);
    assert.equal(outcome.spawnError, null);
    assert.equal(spawned, false);
    assert.equal(existsSync(record), false);
  });

  it('ends processes the child left behind in its group after it exits', async function () {
    if (!posix) this.skip();
    let grandchild = 0;
    let pgid = 0;
    const outcome = await runSupervisedProcess(
      request({
        mode: 'orphan',
        args: ['-p', '--output-format', 'json'],
        onSpawn: (pid) => (pgid = pid),
        onStdoutLine: (line) => {
          grandchild = JSON.parse(line).fake_grandchild_pid;
          leftovers.push(grandchild);
        },
      }),
    );
    assert.equal(outcome.exitCode, 0);
    assert.equal(outcome.timedOut, false);
    assert.ok(grandchild > 0);
    assert.equal(isRunning(grandchild), false, `grandchild ${grandchild} outlived the run`);
    assert.deepEqual(await liveMembersOfGroup(pgid), []);
  });

  it('waits for a process that closed stdout but keeps running', async () => {
    const lines: string[] = [];
    const outcome = await runSupervisedProcess(
      request({ mode: 'close-stdout', onStdoutLine: (l) => lines.push(l) }),
    );
    assert.equal(outcome.exitCode, 0);
    assert.equal(lines.length, 1);
    assert.equal(JSON.parse(lines[0]!).subtype, 'init');
  });

  it('survives a child that exits without reading its stdin', async () => {
    const outcome = await runSupervisedProcess(
      request({
        command: process.execPath,
        args: ['-e', 'process.exit(0)'],
        stdin: 'x'.repeat(8 * 1024 * 1024),
      }),
    );
    assert.equal(outcome.exitCode, 0);
    assert.equal(outcome.spawnError, null);
  });

  it('keeps memory and tails bounded while the log file gets all of a 50 MB output', async function () {
    this.timeout(120_000);
    let bytes = 0;
    let lineCount = 0;
    let lastLine = '';
    const rssBefore = process.memoryUsage().rss;
    const req = request({
      mode: 'flood',
      onStdoutLine: (line) => {
        bytes += Buffer.byteLength(line) + 1;
        lineCount++;
        lastLine = line;
      },
    });
    const outcome = await runSupervisedProcess(req);
    const rssGrowth = process.memoryUsage().rss - rssBefore;

    assert.equal(outcome.exitCode, 0);
    assert.ok(bytes > 50 * 1024 * 1024, `only ${bytes} bytes arrived`);
    assert.equal(statSync(req.logFile).size, bytes);
    assert.equal(JSON.parse(lastLine).type, 'result');
    assert.ok(lineCount > 1000);
    assert.ok(Buffer.byteLength(outcome.stdoutTail) <= 8 * 1024);
    assert.ok(outcome.stdoutTail.endsWith(`${lastLine}\n`));
    assert.ok(rssGrowth < 40 * 1024 * 1024, `RSS grew by ${Math.round(rssGrowth / 1024 / 1024)} MB`);
  });

  it('reports a missing executable, an unusable one and a missing folder as spawnError', async () => {
    const missing = path.join(dir, 'no-such', 'claude');
    const notFound = await runSupervisedProcess(request({ command: missing }));
    assert.equal(notFound.exitCode, null);
    assert.match(notFound.spawnError ?? '', /executable not found at .*no-such\/claude/);

    if (posix) {
      const notExecutable = path.join(dir, 'claude-not-executable');
      await fsp.writeFile(notExecutable, '#!/bin/sh\necho hi\n', { mode: 0o644 });
      const denied = await runSupervisedProcess(request({ command: notExecutable }));
      assert.match(denied.spawnError ?? '', /permission denied.*claude-not-executable/);

      const badInterpreter = path.join(dir, 'claude-bad-shebang');
      await fsp.writeFile(badInterpreter, '#!/nonexistent/interpreter\n', { mode: 0o755 });
      const noInterpreter = await runSupervisedProcess(request({ command: badInterpreter }));
      assert.match(noInterpreter.spawnError ?? '', /claude-bad-shebang.*interpreter/);
    }

    const noCwd = path.join(dir, 'gone');
    const badCwd = await runSupervisedProcess(request({ cwd: noCwd }));
    assert.equal(badCwd.spawnError, `the working folder does not exist: ${noCwd}`);
  });
});
