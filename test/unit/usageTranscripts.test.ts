import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { blocksReport } from '../../src/usage/blocks';
import { dailyReport, sessionReport, projectReport, reportTotals } from '../../src/usage/reports';
import type { LocatedEntry } from '../../src/usage/transcriptEntry';
import { entryTokens, parseTranscriptLine } from '../../src/usage/transcriptEntry';
import { claudeConfigDirs, listTranscriptFiles } from '../../src/usage/transcriptFiles';
import { TranscriptStore } from '../../src/usage/transcriptStore';
import { makeTempDir } from '../fixtures/claudeEnv';
import type { AssistantLine } from '../fixtures/transcripts';
import { assistantLine } from '../fixtures/transcripts';

const SESSION = '11111111-2222-4333-8444-555555555555';
const base: AssistantLine = {
  sessionId: SESSION,
  cwd: '/home/dev/app',
  timestamp: '2026-11-20T10:00:00.000Z',
  model: 'claude-sonnet-4-5-20250929',
  messageId: 'msg_a',
  requestId: 'req_a',
  input: 100,
  output: 10,
  cacheCreation: 0,
  cacheRead: 0,
};

describe('usage: Claude Code transcripts', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = makeTempDir('transcripts');
    fs.mkdirSync(path.join(dir, 'projects', '-home-dev-app'), { recursive: true });
    file = path.join(dir, 'projects', '-home-dev-app', `${SESSION}.jsonl`);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (lines: string[]) => fs.writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
  const append = (lines: string[]) => fs.appendFileSync(file, lines.map((l) => `${l}\n`).join(''));
  const options = { mode: 'calculate' as const, timeZone: 'UTC' };

  it('keeps the streamed copy of a message with the most tokens, once', async () => {
    write([
      assistantLine({ ...base, output: 1 }),
      assistantLine({ ...base, output: 40 }),
      assistantLine({ ...base, output: 12 }),
      assistantLine({ ...base, messageId: 'msg_b', requestId: 'req_b', input: 5, output: 5 }),
    ]);
    const store = new TranscriptStore([dir]);
    await store.refresh();
    const entries = store.entries();
    assert.deepEqual(
      entries.map((e) => [e.key, e.outputTokens]),
      [
        ['msg_a:req_a', 40],
        ['msg_b:req_b', 5],
      ],
    );
    const [day] = dailyReport(entries, options);
    assert.equal(day!.outputTokens, 45);
    assert.equal(day!.inputTokens, 105);
  });

  it('counts lines without ids every time (they cannot be deduplicated)', async () => {
    const noIds = assistantLine({ ...base, messageId: null, requestId: null });
    write([noIds, noIds]);
    const store = new TranscriptStore([dir]);
    await store.refresh();
    assert.equal(store.entries().length, 2);
  });

  it('skips and counts damaged lines, never failing the report', async () => {
    write([
      assistantLine(base),
      'not json',
      '{"type":"assistant","message":{"usage":{"input_tokens":',
      // Valid JSON with a bad timestamp: fails the checks.
      assistantLine({ ...base, messageId: 'msg_c', timestamp: '20 November' }),
      // Claude Code writes compact JSON; a pretty-printed line has no "usage":{ marker and is not usage.
      JSON.stringify(JSON.parse(assistantLine({ ...base, messageId: 'msg_d' })), null, 1).replace(/\n/g, ''),
    ]);
    const store = new TranscriptStore([dir]);
    const stats = await store.refresh();
    assert.equal(store.entries().length, 1);
    assert.equal(stats.badLines, 3);
    assert.equal(store.badLines, 3);
  });

  it('reads only the appended lines on refresh, and starts from its cache in a new process', async () => {
    const many = Array.from({ length: 200 }, (_, i) =>
      assistantLine({ ...base, messageId: `m${i}`, requestId: `r${i}` }),
    );
    write(many);
    const cache = path.join(dir, 'cache', 'transcripts.json');
    const store = new TranscriptStore([dir], cache);
    const first = await store.refresh();
    assert.equal(first.linesRead, 200);
    store.saveCache();

    const added = Array.from({ length: 3 }, (_, i) =>
      assistantLine({ ...base, messageId: `n${i}`, requestId: `s${i}`, output: 7 }),
    );
    append(added);
    const second = await store.refresh();
    assert.equal(second.linesRead, 3, 'only the appended lines were read');
    assert.equal(second.bytesRead, added.join('\n').length + 1);
    assert.equal(store.entries().length, 203);

    const nothing = await store.refresh();
    assert.deepEqual([nothing.filesRead, nothing.bytesRead], [0, 0]);
    store.saveCache();

    // A new store (another process) loads the cache and reads nothing it already knows.
    const again = new TranscriptStore([dir], cache);
    const cold = await again.refresh();
    assert.deepEqual([cold.filesRead, cold.bytesRead], [0, 0]);
    assert.deepEqual(again.entries(), store.entries());
  });

  it('reads a line again when it was only half written at the last refresh', async () => {
    const line = assistantLine(base);
    fs.writeFileSync(file, line.slice(0, 60));
    const store = new TranscriptStore([dir]);
    await store.refresh();
    assert.equal(store.entries().length, 0);
    assert.equal(store.badLines, 0, 'a partial last line is not damage');
    fs.appendFileSync(file, `${line.slice(60)}\n`);
    await store.refresh();
    assert.equal(store.entries().length, 1);
  });

  it('reads a file again from the start when it was replaced or truncated', async () => {
    write([assistantLine(base), assistantLine({ ...base, messageId: 'msg_b', requestId: 'req_b' })]);
    const store = new TranscriptStore([dir]);
    await store.refresh();
    assert.equal(store.entries().length, 2);
    write([assistantLine({ ...base, messageId: 'msg_z', requestId: 'req_z', input: 1 })]);
    await store.refresh();
    assert.deepEqual(
      store.entries().map((e) => e.key),
      ['msg_z:req_z'],
    );
  });

  it('ignores a damaged cache file and rebuilds it', async () => {
    write([assistantLine(base)]);
    const cache = path.join(dir, 'transcripts.json');
    fs.writeFileSync(cache, '{"version":1,"files":[{"path":');
    const store = new TranscriptStore([dir], cache);
    await store.refresh();
    assert.equal(store.entries().length, 1);
    store.saveCache();
    // The rebuilt cache serves the next process: nothing is read again.
    const next = new TranscriptStore([dir], cache);
    const stats = await next.refresh();
    assert.deepEqual([stats.filesRead, stats.bytesRead], [0, 0]);
    assert.deepEqual(next.entries(), store.entries());
  });

  it('groups sessions and projects by folder and session id', async () => {
    write([assistantLine(base), assistantLine({ ...base, messageId: 'msg_b', requestId: 'req_b' })]);
    const other = path.join(dir, 'projects', '-home-dev-lib');
    fs.mkdirSync(other);
    fs.writeFileSync(
      path.join(other, 'aaaaaaaa-2222-4333-8444-555555555555.jsonl'),
      `${assistantLine({ ...base, sessionId: 'aaaaaaaa-2222-4333-8444-555555555555', messageId: 'msg_x', cwd: '/home/dev/lib' })}\n`,
    );
    const store = new TranscriptStore([dir]);
    await store.refresh();
    const sessions = sessionReport(store.entries(), options);
    assert.deepEqual(
      sessions.map((s) => [s.projectPath, s.sessionId, s.inputTokens]),
      [
        ['-home-dev-app', SESSION, 200],
        ['-home-dev-lib', 'aaaaaaaa-2222-4333-8444-555555555555', 100],
      ],
    );
    const projects = projectReport(store.entries(), options);
    assert.deepEqual(
      projects.map((p) => [p.project, p.sessions]),
      [
        ['-home-dev-app', 1],
        ['-home-dev-lib', 1],
      ],
    );
    assert.equal(reportTotals(sessions).inputTokens, 300);
  });

  it('keeps the entries reading every streamed copy would keep, in files and time order', async () => {
    // Copies of a message with their own times (the first copy earliest), a copy of a message in
    // a second file (a resumed session copies its history), ties, and a run split by a refresh.
    const at = (s: number) => new Date(Date.parse('2026-11-20T10:00:00.000Z') + s).toISOString();
    const copy = (id: string, ms: number, output: number, extra: Partial<AssistantLine> = {}) =>
      assistantLine({ ...base, messageId: id, requestId: `r_${id}`, timestamp: at(ms), output, ...extra });
    write([
      copy('m1', 100, 1),
      copy('m1', 900, 5),
      copy('m1', 950, 5, { input: 1, cacheRead: 4 }),
      // A tie (the same tokens, split otherwise): the first copy stays.
      copy('m5', 1000, 4),
      copy('m5', 1100, 4, { input: 96, cacheRead: 4 }),
      copy('m2', 2000, 3),
    ]);
    const second = path.join(dir, 'projects', '-home-dev-app', 'bbbbbbbb-2222-4333-8444-555555555555.jsonl');
    fs.writeFileSync(second, `${[copy('m0', 500, 2), copy('m1', 600, 9), copy('m3', 700, 1)].join('\n')}\n`);
    const cache = path.join(dir, 'cache.json');
    const store = new TranscriptStore([dir], cache);
    await store.refresh();
    const check = () => {
      for (const order of ['files', 'time'] as const)
        assert.deepEqual(store.entries(order), everyCopy(dir, order), order);
    };
    check();
    // The run of m2 goes on after a refresh, with a copy that has more tokens.
    append([copy('m2', 2100, 7), copy('m4', 2200, 1)]);
    await store.refresh();
    check();
    store.saveCache();
    const next = new TranscriptStore([dir], cache);
    await next.refresh();
    for (const order of ['files', 'time'] as const)
      assert.deepEqual(next.entries(order), everyCopy(dir, order));
    // The files' order by time comes from the earliest copy: m1's first copy at .100 puts the
    // first file before the second (.500), so m1 is kept where the first file has it.
    assert.deepEqual(
      store.entries('time').map((e) => [e.key, e.outputTokens]),
      [
        ['m1:r_m1', 9],
        ['m5:r_m5', 4],
        ['m2:r_m2', 7],
        ['m4:r_m4', 1],
        ['m0:r_m0', 2],
        ['m3:r_m3', 1],
      ],
    );
  });

  it('orders a session of 150,000 messages by time for the blocks report', async function () {
    this.timeout(60_000);
    // A long agent session: more entries in one file than fit in a call's arguments.
    const lines = Array.from(
      { length: 150_000 },
      (_, i) =>
        `{"timestamp":"2026-11-20T10:00:00Z","message":{"id":"m${i}","usage":{"input_tokens":1,"output_tokens":2}}}`,
    );
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    const store = new TranscriptStore([dir]);
    await store.refresh();
    const byTime = store.entries('time');
    assert.equal(byTime.length, 150_000);
    const blocks = blocksReport(byTime, options, new Date('2026-11-20T11:00:00Z'));
    assert.equal(blocks[0]!.tokenCounts.outputTokens, 300_000);
  });

  it('finds the config folders from CLAUDE_CONFIG_DIR, else ~/.config/claude and ~/.claude', () => {
    const home = makeTempDir('home');
    try {
      fs.mkdirSync(path.join(home, '.claude', 'projects'), { recursive: true });
      fs.mkdirSync(path.join(home, '.config', 'claude', 'projects'), { recursive: true });
      assert.deepEqual(claudeConfigDirs({}, home), [
        path.join(home, '.config', 'claude'),
        path.join(home, '.claude'),
      ]);
      assert.deepEqual(claudeConfigDirs({ CLAUDE_CONFIG_DIR: ` ${dir} , /nonexistent/x` }, home), [dir]);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});

/**
 * What the store did before it kept runs of copies as one: every copy of every file, read with
 * JSON.parse, then deduplicated as TranscriptStore.entries() does.
 */
function everyCopy(dir: string, order: 'files' | 'time'): LocatedEntry[] {
  let files = listTranscriptFiles([dir]).map((f) => {
    const entries = fs
      .readFileSync(f.path, 'utf8')
      .split('\n')
      .map((line) => parseTranscriptLine(line.replace(/^[ \t\r]+|[ \t\r]+$/g, ''), f.rel))
      .filter((e): e is LocatedEntry => e !== null);
    return {
      path: f.path,
      entries,
      first: entries.length === 0 ? Infinity : Math.min(...entries.map((e) => e.ts)),
    };
  });
  if (order === 'time') files = files.sort((a, b) => a.first - b.first || (a.path < b.path ? -1 : 1));
  const out: LocatedEntry[] = [];
  const byKey = new Map<string, number>();
  for (const f of files) {
    for (const e of f.entries) {
      const seen = e.key === null ? undefined : byKey.get(e.key);
      if (seen === undefined) {
        if (e.key !== null) byKey.set(e.key, out.length);
        out.push(e);
      } else if (entryTokens(e) > entryTokens(out[seen]!)) out[seen] = e;
    }
  }
  return out;
}
