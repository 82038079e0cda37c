// The byte scanner that reads transcript lines without JSON.parse (src/usage/jsonLineScan.ts,
// transcriptScan.ts) against what it replaces: JSON.parse and toEntry, on generated transcripts,
// on lines written to trip it, and on thousands of seeded random damages of a real line.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { USAGE_MARKER, toEntry } from '../../src/usage/transcriptEntry';
import type { ScannedLine } from '../../src/usage/transcriptScan';
import { scanTranscriptLine } from '../../src/usage/transcriptScan';
import { makeTempDir } from '../fixtures/claudeEnv';
import { assistantLine, generateTranscripts, rng } from '../fixtures/transcripts';

const REL = 'project/session.jsonl';
const MARKER = Buffer.from(USAGE_MARKER);

/** What the scanner must answer, from JSON.parse and toEntry (what the store did before it). */
function expected(line: Buffer): Exclude<ScannedLine, 'unsure'> {
  let raw: unknown;
  try {
    raw = JSON.parse(line.toString('utf8'));
  } catch {
    return 'not-json';
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'not-json';
  if (!line.includes(MARKER)) return 'no-usage';
  return toEntry(raw, REL) ?? 'rejected';
}

/**
 * The scanner on `line` placed at byte `align` of a buffer of its own (aligned for the word
 * reads), with bytes after it that would change the answer if it read past its end.
 */
function scan(line: Buffer, align = 0): ScannedLine {
  const trap = Buffer.from('"}]\\\n{"usage":{');
  const buf = Buffer.alloc(align + line.length + trap.length);
  line.copy(buf, align);
  trap.copy(buf, align + line.length);
  return scanTranscriptLine(buf, align, align + line.length, REL);
}

const base = {
  sessionId: '11111111-2222-4333-8444-555555555555',
  cwd: '/home/dev/app',
  timestamp: '2026-11-20T10:00:00.000Z',
  model: 'claude-sonnet-4-5-20250929',
  messageId: 'msg_a',
  requestId: 'req_a',
  input: 100,
  output: 10,
  cacheCreation: 20,
  cacheRead: 3000,
};

/** Asserts the scanner agrees with JSON.parse at every alignment; returns how often it was unsure. */
function agree(line: string | Buffer, what = String(line)): number {
  const bytes = typeof line === 'string' ? Buffer.from(line) : line;
  const want = expected(bytes);
  let unsure = 0;
  for (let align = 0; align < 4; align++) {
    const got = scan(bytes, align);
    if (got === 'unsure') unsure++;
    else assert.deepEqual(got, want, `${what.slice(0, 300)} (at offset ${align})`);
  }
  return unsure;
}

/** A compact assistant line as Claude Code writes it, changed by `edit` after parsing. */
function edited(edit: (line: Record<string, unknown>) => void, text = 'Done.'): string {
  const raw = JSON.parse(assistantLine({ ...base, text })) as Record<string, unknown>;
  edit(raw);
  return JSON.stringify(raw);
}

const message = (raw: Record<string, unknown>) => raw.message as Record<string, unknown>;
const usage = (raw: Record<string, unknown>) => message(raw).usage as Record<string, unknown>;

describe('usage: reading transcript lines without JSON.parse', () => {
  it('reads every line of generated transcripts as JSON.parse does, never unsure', () => {
    const dir = makeTempDir('scan');
    try {
      const { files } = generateTranscripts({
        dir,
        seed: 7,
        sessions: 12,
        messagesPerSession: 60,
        start: new Date('2026-09-01T00:00:00Z'),
        days: 20,
        textBytes: 300,
      });
      let lines = 0;
      let entries = 0;
      for (const file of files) {
        for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
          if (line === '') continue;
          lines++;
          assert.equal(agree(line), 0, `unsure about ${line.slice(0, 200)}`);
          if (typeof expected(Buffer.from(line)) === 'object') entries++;
        }
      }
      assert.ok(lines > 1000 && entries > 500, `${lines} lines, ${entries} entries`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads the fields wherever they are, whatever else the line holds', () => {
    const cases: string[] = [
      // Fields in other orders: usage first, message last, requestId before everything.
      JSON.stringify({
        message: { usage: { output_tokens: 5, input_tokens: 7 }, id: 'm1', model: 'claude-opus-4-5' },
        timestamp: '2026-11-20T10:00:00Z',
        requestId: 'r1',
      }),
      JSON.stringify({
        requestId: 'r2',
        timestamp: '2026-11-20T10:00:00.123Z',
        message: { content: [], usage: { input_tokens: 1, output_tokens: 2, speed: 'fast' }, model: 'm' },
      }),
      // Keys the reader looks for, nested where they are not the ones it reads.
      edited((l) => {
        l.extra = { message: { usage: { input_tokens: 'x' } }, timestamp: 5, model: null, cwd: 1 };
        message(l).nested = { id: 7, usage: 'no' };
        usage(l).server_tool_use = { web_search_requests: 0, input_tokens: 'not this one' };
      }),
      // Escaped quotes, backslashes and unicode in the text and in the values read.
      edited(() => {}, 'She said \\"stop\\" \\\\ then left: "quoted" \u00e9\u4e2d\u6587 \ud83d\ude00'),
      edited((l) => {
        message(l).model = 'claude-\u00e9t\u00e9';
        message(l).id = 'msg_\u4e2d\u6587_"quoted"';
        l.requestId = 'req_\\back\\slash';
        l.sessionId = 'sess \ud83d\ude00';
        l.version = '2.1.0-\u00e9';
      }),
      // A text of every length around the word size, with each special byte at every position.
      ...[15, 16, 17, 31, 32, 33].flatMap((n) =>
        ['"', '\\', '\\n', '\u0001', '\t', 'é'].flatMap((ch) =>
          [0, 1, 2, 3, n - 1].map((at) => edited(() => {}, 'x'.repeat(at) + ch + 'y'.repeat(n - at))),
        ),
      ),
      // Duplicate keys: JSON.parse keeps the last one.
      edited((l) => {
        message(l).usage = { input_tokens: 1, output_tokens: 1 };
      }).replace('"usage":{', '"usage":{"input_tokens":"bad","output_tokens":[1],"input_tokens":3,'),
      assistantLine(base).replace('"model":"', '"model":"first","model":"'),
      assistantLine(base).replace('{"type":"text",', '{"text":1,"type":"text",'),
      assistantLine(base).replace('"text":"Done."', '"text":"Done.","text":null'),
      assistantLine(base).replace('"timestamp":', '"timestamp":"2026-11-20T10:00:00Z","timestamp":'),
      assistantLine(base).replace('"message":{', '"message":"x","message":{'),
      assistantLine(base).replace('"type":"assistant"', '"message":{"id":"other"},"type":"assistant"'),
      assistantLine(base).replace('"content":[', '"content":"no","content":['),
      // A second object under the same key replaces the first whole, fields it lacks included.
      assistantLine(base).replace(
        '"usage":{',
        '"usage":{"input_tokens":1,"output_tokens":1,"speed":"slow"},"usage":{',
      ),
      assistantLine(base).replace(
        '"usage":{',
        '"usage":{"input_tokens":1,"output_tokens":1},"usage":{"speed":"fast",',
      ),
      assistantLine(base).replace('"message":{', '"message":{"content":[1],"model":""},"message":{'),
      assistantLine(base).replace('"content":[', '"content":[{"text":2}],"content":['),
      // Blanks between tokens, as JSON allows (Claude Code writes none).
      assistantLine(base).replace(/,"/g, ' ,\t"').replace(/":/g, '"\r : '),
      ` \t${assistantLine(base)}\t `,
    ];
    for (const line of cases) assert.equal(agree(line), 0, `unsure about ${line.slice(0, 200)}`);
  });

  it('rejects what the checks reject, for each field', () => {
    const cases: string[] = [
      ...[null, 1, true, [], {}, ''].flatMap((bad) => [
        edited((l) => void (l.sessionId = bad)),
        edited((l) => void (l.requestId = bad)),
        edited((l) => void (message(l).model = bad)),
        edited((l) => void (message(l).id = bad)),
        edited((l) => void (l.cwd = bad)),
        edited((l) => void (l.version = bad)),
        edited((l) => void (l.timestamp = bad)),
        edited((l) => void (l.costUSD = bad)),
        edited((l) => void (l.isApiErrorMessage = bad)),
        edited((l) => void (message(l).content = bad)),
        edited((l) => void (message(l).content = [bad])),
        edited((l) => void (message(l).content = [{ type: 'text', text: bad }])),
        edited((l) => void (usage(l).input_tokens = bad)),
        edited((l) => void (usage(l).output_tokens = bad)),
        edited((l) => void (usage(l).cache_creation_input_tokens = bad)),
        edited((l) => void (usage(l).cache_read_input_tokens = bad)),
        edited((l) => void (usage(l).speed = bad)),
        edited((l) => void (l.message = bad)),
        edited((l) => void (message(l).usage = bad)),
      ]),
      edited((l) => void (l.cwd = '')),
      edited((l) => void (l.isApiErrorMessage = false)),
      edited((l) => void (l.isApiErrorMessage = true)),
      edited((l) => void (l.costUSD = 0.0123)),
      edited((l) => void (usage(l).speed = 'fast')),
      edited((l) => void (usage(l).speed = 'standard')),
      edited((l) => void (usage(l).speed = 'slow')),
      edited((l) => void delete l.timestamp),
      edited((l) => void delete usage(l).cache_read_input_tokens),
      edited((l) => void (message(l).content = [])),
      edited((l) => void (message(l).content = [{}, { type: 'tool_use', input: { text: 5 } }])),
      ...['2.1.0', '2.1', '10.0.0-beta', 'v2.1.0', ' 2.1.0'].map((v) => edited((l) => void (l.version = v))),
    ];
    for (const line of cases) assert.equal(agree(line), 0, `unsure about ${line.slice(0, 200)}`);
  });

  it('reads timestamps and numbers as Date.parse and JSON.parse do', () => {
    const stamps = [
      '2026-11-20T10:00:00Z',
      '2026-11-20T10:00:00.999Z',
      '2026-02-29T00:00:00Z',
      '2026-02-30T00:00:00Z', // Date.parse rolls over into March
      '2024-02-29T23:59:59.000Z',
      '2026-01-01T24:00:00Z',
      '2026-13-01T00:00:00Z', // passes the check, Date.parse says NaN
      '2026-12-31T23:59:60Z',
      '0050-06-01T12:00:00Z', // a year below 100 is not 1950
      '1969-12-31T23:59:59.999Z',
      '2026-11-20T10:00:00.12Z',
      '2026-11-20T10:00:00+00:00',
      '2026-11-20 10:00:00Z',
      '2026-11-20T10:00:00\\u002e000Z',
    ];
    for (const ts of stamps) {
      const line = assistantLine(base).replace('"2026-11-20T10:00:00.000Z"}', `"${ts}"}`);
      assert.equal(agree(line), 0, ts);
    }
    const numbers = [
      '0',
      '-0',
      '7',
      '1.5',
      '1e3',
      '1E+2',
      '2e-1',
      '-12',
      '0.000001',
      '123456789012345678',
      '1e400',
    ];
    const notNumbers = ['01', '1.', '.5', '-', '+1', '1e', '0x10', 'NaN', 'Infinity', '1.2.3', '--1'];
    // Decimals of every length and scale, as costUSD is written: read exactly as JSON.parse does.
    const random = rng(42);
    for (let i = 0; i < 3000; i++) {
      const digits = 1 + Math.floor(random() * 17);
      let text = String(1 + Math.floor(random() * 9));
      for (let d = 1; d < digits; d++) text += String(Math.floor(random() * 10));
      const point = Math.floor(random() * (digits + 3));
      if (point > 0 && point <= digits)
        text = `${text.slice(0, digits - point) || '0'}.${text.slice(digits - point)}`;
      numbers.push(random() < 0.2 ? `-${text}` : text);
    }
    for (const n of [...numbers, ...notNumbers]) {
      const line = assistantLine({ ...base, costUSD: 1 })
        .replace('"input_tokens":100', `"input_tokens":${n}`)
        .replace('"costUSD":1', `"costUSD":${n}`);
      assert.equal(agree(line), 0, n);
    }
  });

  it('tells lines that are not JSON, and JSON without usage, from usage lines', () => {
    const line = assistantLine(base);
    const cases: (string | Buffer)[] = [
      '',
      'not json at all',
      '{"type":"assistant","message":{"usage":{"input_tokens":',
      `${line}x`,
      `${line}${line}`,
      `${line},`,
      line.replace('"output_tokens":10', '"output_tokens":10,'),
      line.replace(',"cwd"', '"cwd"'),
      line.replace('"cwd":', '"cwd"'),
      line.replace('}}', '}]'),
      `[${line}]`,
      'null',
      '"usage":{',
      JSON.stringify({ type: 'user', message: { role: 'user', content: 'hi' } }),
      // The marker only inside a string: JSON without usage.
      JSON.stringify({ type: 'user', text: '"usage":{"input_tokens":1}' }),
      // A usage key with a blank before its object: Claude Code never writes it; ccusage skips it.
      line.replace('"usage":{', '"usage": {'),
      line.replace('"Done."', '"a\u0001b"'), // a raw control character
      line.replace('"Done."', '"a\\xb"'), // not an escape
      line.replace('"Done."', '"a\\u12G4"'),
      line.replace('"Done."', '"a\\u12"'),
      line.replace('"Done."', '"tab\there"'),
      line.replace('false', 'fals'),
      line.replace('null', 'nul'),
      line.replace('true', 'True'),
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(line)]), // a byte order mark
      Buffer.from(line.replace('Done.', 'D\u00ffone.'), 'latin1'), // invalid UTF-8 in a string
      Buffer.concat([Buffer.from(line.slice(0, -1)), Buffer.from([0xe2, 0x82]), Buffer.from('}')]),
      Buffer.from(line.replace('"msg_a"', '"msg_\u00e9"'), 'latin1'), // invalid UTF-8 in the id read
      `${'['.repeat(100)}${']'.repeat(100)}`,
      line.replace('"Done."', `${'['.repeat(80)}1${']'.repeat(80)}`), // deeper than the scan goes
    ];
    let unsure = 0;
    for (const c of cases) unsure += agree(c);
    // Only the very deep line is left to JSON.parse (at each of the 4 alignments).
    assert.equal(unsure, 4);
  });

  it('leaves a key written with escapes to JSON.parse', () => {
    const line = assistantLine(base).replace('"model":', '"mod\\u0065l":');
    assert.equal(scan(Buffer.from(line)), 'unsure');
    agree(line);
  });

  it('agrees with JSON.parse on thousands of random damages of a real line', () => {
    const random = rng(20261120);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const pieces = [
      '"',
      '\\',
      '\\"',
      '\\u00e9',
      '\\u',
      '{',
      '}',
      '[',
      ']',
      ',',
      ':',
      '-',
      '0',
      '1e5',
      '.',
      'true',
      'null',
      ' ',
      '\t',
      '\u0001',
      'é',
      '"usage":{',
      '"model":"x",',
      '"input_tokens":1,',
      '{"text":1}',
    ];
    const seeds = [
      assistantLine(base),
      assistantLine({ ...base, costUSD: 0.5, text: 'x'.repeat(40) }),
      assistantLine({ ...base, messageId: null, requestId: null }),
    ];
    let tried = 0;
    for (let i = 0; i < 6000; i++) {
      let line = Buffer.from(pick(seeds));
      const edits = 1 + Math.floor(random() * 3);
      for (let k = 0; k < edits; k++) {
        const at = Math.floor(random() * line.length);
        const op = random();
        if (op < 0.3)
          line = Buffer.concat([line.subarray(0, at), line.subarray(at + 1 + Math.floor(random() * 8))]);
        else if (op < 0.6)
          line = Buffer.concat([line.subarray(0, at), Buffer.from(pick(pieces)), line.subarray(at)]);
        else if (op < 0.8) {
          line = Buffer.from(line);
          line[at] = Math.floor(random() * 256);
        } else line = line.subarray(0, at);
      }
      agree(line, `damage #${i}: ${line.toString('latin1')}`);
      tried++;
    }
    assert.equal(tried, 6000);
  });
});
