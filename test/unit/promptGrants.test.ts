// What a prompt file's front matter may do to a job (core/promptGrants.ts): defaults under the
// job's own options; grants only as far as the user confirmed them; never bypassPermissions.
import assert from 'node:assert/strict';
import { DEFAULT_EXECUTION_OPTIONS } from '../../src/core/model';
import type { ExecutionOptions } from '../../src/core/model';
import {
  applyPromptDefaults,
  grantsUsedBy,
  resolvePromptOptions,
  unconfirmedGrants,
} from '../../src/core/promptGrants';

const options = (o: Partial<ExecutionOptions> = {}): ExecutionOptions => ({
  ...DEFAULT_EXECUTION_OPTIONS,
  ...o,
});

describe('core: prompt front matter as job defaults', () => {
  it("fills what the job leaves unset, the job's own values win, env merges under the job's", () => {
    const merged = applyPromptDefaults(options({ model: 'opus', env: { A: 'job' } }), {
      model: 'sonnet',
      maxTurns: 7,
      disallowedTools: ['WebFetch'],
      env: { A: 'file', B: 'file' },
    });
    assert.equal(merged.model, 'opus');
    assert.equal(merged.maxTurns, 7);
    assert.deepEqual(merged.disallowedTools, ['WebFetch']);
    assert.deepEqual(merged.env, { A: 'job', B: 'file' });
  });

  it('asks for review only of grants the job would use and the user has not confirmed', () => {
    const settings = {
      permissionMode: 'acceptEdits' as const,
      allowedTools: ['Read', 'Bash(git log:*)'],
      env: { TOKEN: 'x', CI: '1' },
    };
    // Nothing confirmed: everything the file grants is new.
    assert.deepEqual(unconfirmedGrants(grantsUsedBy(options(), settings), null), [
      { key: 'permissionMode', confirmed: null, file: 'acceptEdits' },
      { key: 'allowedTools', rule: 'Read' },
      { key: 'allowedTools', rule: 'Bash(git log:*)' },
      { key: 'env', name: 'TOKEN', confirmed: null, file: 'x' },
      { key: 'env', name: 'CI', confirmed: null, file: '1' },
    ]);
    // The job's own permission mode, tools and CI override the file's: those are not used.
    const own = options({ permissionMode: 'plan', allowedTools: ['Read'], env: { CI: '0' } });
    assert.deepEqual(unconfirmedGrants(grantsUsedBy(own, settings), null), [
      { key: 'env', name: 'TOKEN', confirmed: null, file: 'x' },
    ]);
    // Confirmed as they are: nothing to review; a removal narrows and needs none either.
    const confirmed = grantsUsedBy(options(), settings);
    assert.deepEqual(unconfirmedGrants(confirmed, confirmed), []);
    assert.deepEqual(unconfirmedGrants(grantsUsedBy(options(), { allowedTools: ['Read'] }), confirmed), []);
    // A changed value is a change.
    assert.deepEqual(
      unconfirmedGrants(grantsUsedBy(options(), { ...settings, env: { TOKEN: 'y', CI: '1' } }), confirmed),
      [{ key: 'env', name: 'TOKEN', confirmed: 'x', file: 'y' }],
    );
  });

  it('needs no review for modes that never widen a headless run, and refuses bypassPermissions', () => {
    for (const mode of ['default', 'plan', 'dontAsk'] as const)
      assert.equal(resolvePromptOptions(options(), { permissionMode: mode }).ok, true, mode);
    assert.deepEqual(resolvePromptOptions(options(), { permissionMode: 'bypassPermissions' }), {
      ok: false,
      reason: 'bypass',
    });
    // ...even with the job's own opt-in to bypass: the opt-in is for the job's own mode.
    const optedIn = options({ allowBypass: true });
    assert.equal(resolvePromptOptions(optedIn, { permissionMode: 'bypassPermissions' }).ok, false);
  });
});
