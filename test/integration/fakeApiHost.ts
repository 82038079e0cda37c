// The extension host's environment is what Claude starts from: these hooks point the real pinned
// CLI at the project's fake Anthropic API for the tests of one describe, and restore it after.
import { startFakeAnthropicApi } from '../fixtures/fakeAnthropicApi';
import type { FakeApi } from '../fixtures/fakeAnthropicApi';

/** Registers before/after hooks in the calling describe; the fake is usable in its tests. */
export function useFakeApiForClaude(text = 'Done by the fake API.'): { readonly api: FakeApi } {
  let fake: FakeApi | undefined;
  const saved: Record<string, string | undefined> = {};
  before(async () => {
    fake = await startFakeAnthropicApi({ scenario: { kind: 'success', text } });
    const env: Record<string, string> = {
      ANTHROPIC_BASE_URL: fake.url,
      ANTHROPIC_API_KEY: 'sk-ant-api03-fake-key-for-tests',
      CLAUDE_CODE_MAX_RETRIES: '0',
      DISABLE_TELEMETRY: '1',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_AUTOUPDATER: '1',
    };
    for (const [k, v] of Object.entries(env)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
  });
  after(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await fake?.close();
  });
  return {
    get api() {
      if (!fake) throw new Error('useFakeApiForClaude: the fake API exists only while the tests run');
      return fake;
    },
  };
}
