// The project's fake Anthropic Messages API (test/fixtures/fakeAnthropicApi.ts) as a process of its
// own, for the e2e tier: the real Claude Code CLI in the workbench's extension host talks to it.
// Prints {"url": ...} once listening; each JSON line on stdin sets the scenario; stdin's end stops it.
//   node --import tsx test/e2e/fakeApiServer.ts
import readline from 'node:readline';
import { startFakeAnthropicApi } from '../fixtures/fakeAnthropicApi';

async function main(): Promise<void> {
  const api = await startFakeAnthropicApi({ scenario: { kind: 'success' } });
  process.stdout.write(`${JSON.stringify({ url: api.url })}\n`);
  const lines = readline.createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (line.trim() === '') return;
    api.setScenario(JSON.parse(line));
    process.stdout.write('ok\n');
  });
  lines.on('close', () => void api.close().then(() => process.exit(0)));
}

void main();
