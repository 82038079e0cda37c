// How a prompt file's front matter becomes a job's options at run time. Its keys are defaults the
// job's own options override. Keys that only narrow what Claude may do (disallowedTools, maxTurns)
// or change no permission (model, appendSystemPrompt) apply at once; keys that grant permissions
// (permissionMode, allowedTools, env) apply only as far as the user confirmed them for the job,
// because the file can change under the user (a `git pull`). bypassPermissions never comes from a file.

import type { PromptSettings } from './frontMatter';
import type { ExecutionOptions, PermissionMode, PromptGrants } from './model';

/** Permission modes that never let Claude do more than it may by default in a headless run. */
const NARROWING_MODES: readonly PermissionMode[] = ['default', 'plan', 'dontAsk'];

export const NO_GRANTS: PromptGrants = { permissionMode: null, allowedTools: [], env: {} };

/** One grant of the file that the user has not confirmed for the job. */
export type GrantChange =
  | { key: 'permissionMode'; confirmed: PermissionMode | null; file: PermissionMode }
  | { key: 'allowedTools'; rule: string }
  | { key: 'env'; name: string; confirmed: string | null; file: string };

/** The options of a job with the file's settings filling what the job leaves unset. */
export function applyPromptDefaults(options: ExecutionOptions, settings: PromptSettings): ExecutionOptions {
  return {
    ...options,
    model: options.model ?? settings.model ?? null,
    maxTurns: options.maxTurns ?? settings.maxTurns ?? null,
    permissionMode: options.permissionMode ?? settings.permissionMode ?? null,
    allowedTools: options.allowedTools.length > 0 ? options.allowedTools : (settings.allowedTools ?? []),
    disallowedTools:
      options.disallowedTools.length > 0 ? options.disallowedTools : (settings.disallowedTools ?? []),
    appendSystemPrompt: options.appendSystemPrompt ?? settings.appendSystemPrompt ?? null,
    env: { ...(settings.env ?? {}), ...options.env },
    // A worktree only narrows what a run can touch, and `none` is the default: no grant either way.
    isolation: options.isolation ?? settings.isolation ?? null,
  };
}

/** The grants of the file that the job would use: those its own options do not override. */
export function grantsUsedBy(options: ExecutionOptions, settings: PromptSettings): PromptGrants {
  const env = Object.fromEntries(
    Object.entries(settings.env ?? {}).filter(([name]) => !(name in options.env)),
  );
  return {
    permissionMode: options.permissionMode === null ? (settings.permissionMode ?? null) : null,
    allowedTools: options.allowedTools.length === 0 ? [...(settings.allowedTools ?? [])] : [],
    env,
  };
}

/** Whether there is anything to confirm at all. */
export function hasGrants(grants: PromptGrants): boolean {
  return (
    grants.permissionMode !== null || grants.allowedTools.length > 0 || Object.keys(grants.env).length > 0
  );
}

/**
 * The grants in `used` that go beyond `confirmed`: a permission mode other than the confirmed one
 * (narrowing modes excepted), a tool rule or an environment value the user did not confirm.
 * Removing a grant needs no confirmation.
 */
export function unconfirmedGrants(used: PromptGrants, confirmed: PromptGrants | null): GrantChange[] {
  const ok = confirmed ?? NO_GRANTS;
  const changes: GrantChange[] = [];
  const mode = used.permissionMode;
  if (mode !== null && mode !== ok.permissionMode && !NARROWING_MODES.includes(mode))
    changes.push({ key: 'permissionMode', confirmed: ok.permissionMode, file: mode });
  for (const rule of used.allowedTools)
    if (!ok.allowedTools.includes(rule)) changes.push({ key: 'allowedTools', rule });
  for (const [name, value] of Object.entries(used.env))
    if (ok.env[name] !== value)
      changes.push({ key: 'env', name, confirmed: ok.env[name] ?? null, file: value });
  return changes;
}

/** English, for the CLI and a run's error: `allowedTools + Bash(rm:*)`. */
export function describeGrantChange(change: GrantChange): string {
  switch (change.key) {
    case 'permissionMode':
      return `permissionMode ${change.confirmed ?? '(none)'} -> ${change.file}`;
    case 'allowedTools':
      return `allowedTools + ${change.rule}`;
    case 'env':
      return change.confirmed === null
        ? `env + ${change.name}=${change.file}`
        : `env ${change.name}: ${change.confirmed} -> ${change.file}`;
  }
}

/** The options one run uses, or why the prompt's settings may not be used as they are. */
export type PromptOptions =
  | { ok: true; options: ExecutionOptions }
  | { ok: false; reason: 'bypass' }
  | { ok: false; reason: 'review'; changes: GrantChange[] };

/** The job's options with the prompt file's front matter applied under the rules above. */
export function resolvePromptOptions(options: ExecutionOptions, settings: PromptSettings): PromptOptions {
  const used = grantsUsedBy(options, settings);
  if (used.permissionMode === 'bypassPermissions') return { ok: false, reason: 'bypass' };
  const changes = unconfirmedGrants(used, options.promptGrants);
  if (changes.length > 0) return { ok: false, reason: 'review', changes };
  return { ok: true, options: applyPromptDefaults(options, settings) };
}

/** The English reason a run waits or fails on its prompt's settings (CLI, run error). */
export function describePromptRefusal(refusal: Exclude<PromptOptions, { ok: true }>): string {
  return refusal.reason === 'bypass'
    ? 'the prompt file asks for permissionMode bypassPermissions, which Night Pilot never takes from a file; set it on the job itself if you mean it'
    : `the prompt's permissions changed: review them (${refusal.changes.map(describeGrantChange).join('; ')})`;
}
