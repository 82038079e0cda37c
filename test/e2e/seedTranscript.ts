// Writes a large Claude Code transcript (usage lines of earlier today) for the usage dashboard e2e
// test: reading it makes the next dashboard refresh take a while, as a first read of a big
// transcript folder does.
//   node --import tsx test/e2e/seedTranscript.ts <claude config folder> <megabytes>
import fs from 'node:fs';
import path from 'node:path';
import { assistantLine } from '../fixtures/transcripts';

const [claudeDir, megabytesText] = process.argv.slice(2);
const megabytes = Number(megabytesText);
if (!claudeDir || !(megabytes > 0))
  throw new Error('usage: seedTranscript.ts <claude config folder> <megabytes>');

const sessionId = '0f1e2d3c-4b5a-4697-8877-665544332211';
const folder = path.join(claudeDir, 'projects', '-home-dev-big');
fs.mkdirSync(folder, { recursive: true });
const file = fs.openSync(path.join(folder, `${sessionId}.jsonl`), 'w');
const text = 'Done.';
const start = Date.now() - 8 * 3_600_000;
let written = 0;
for (let i = 0; written < megabytes * 1_000_000; i++) {
  const line = `${assistantLine({
    sessionId,
    cwd: '/home/dev/big',
    timestamp: new Date(start + i).toISOString(),
    model: 'claude-haiku-4-5-20251001',
    messageId: `msg_big_${i}`,
    requestId: `req_big_${i}`,
    input: 10,
    output: 1,
    cacheCreation: 0,
    cacheRead: 0,
    text,
  })}\n`;
  fs.writeSync(file, line);
  written += line.length;
}
fs.closeSync(file);
